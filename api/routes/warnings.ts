import { z } from 'zod';
import { dismissWarning, findWarning, listWarnings, type WarningRecord } from '../../db/queries/warnings';
import { coversJurisdiction, jurisdictionCode } from '../../domain/jurisdiction';
import { WARNING_RULES, WARNING_STATUSES } from '../../domain/warnings';
import { singleLine } from '../../domain/text';
import { HttpError } from '../errors';
import { route } from '../routeSpec';

/**
 * Early warnings (预警): what the hourly evaluation raised in the caller's jurisdiction (by the subject station's place,
 * or where the examiner is registered), with the figures that triggered each and the case it opened; a supervisor
 * dismisses one with reasons.
 */

/** The console page of the case a warning opened. */
const caseLink = (c: WarningRecord['case']) => (c ? `#/cases/${c.type}/${c.id}` : null);
const view = <W extends WarningRecord>(w: W) => ({ ...w, caseLink: caseLink(w.case) });

export const warningRoutes = [
  route({
    method: 'get',
    path: '/v1/warnings',
    summary:
      'Early warnings in the caller’s jurisdiction, newest first: filtered by rule, status (open, dismissed) and place (a province or city inside theirs; outside: 404)',
    roles: ['supervisor'],
    query: z.object({
      rule: z.enum(WARNING_RULES).optional(),
      status: z.enum(WARNING_STATUSES).optional(),
      place: jurisdictionCode.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handler: async ({ deps, actor, query }) => {
      if (query.place && !coversJurisdiction(actor.jurisdictions, query.place)) throw new HttpError(404, 'not_found', `no place ${query.place}`);
      return { items: (await listWarnings(deps.db, actor, query)).map(view) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/warnings/{id}',
    summary: 'An early warning: its rule, subject and window, the figures that triggered it, the case it opened (with its console link) and its timeline',
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      const warning = await findWarning(deps.db, actor, params.id);
      if (!warning) throw new HttpError(404, 'not_found', `no warning ${params.id}`);
      return view(warning);
    },
  }),
  route({
    method: 'post',
    path: '/v1/warnings/{id}/dismissal',
    summary: 'A supervisor dismisses an open warning with reasons (its case goes on in its own process); one dismissed already is 409',
    roles: ['supervisor'],
    body: z.strictObject({ reasons: z.array(singleLine(2, 500)).min(1).max(10) }),
    authorize: async ({ deps, actor, params }) => {
      const warning = await findWarning(deps.db, actor, params.id);
      if (!warning) throw new HttpError(404, 'not_found', `no warning ${params.id}`);
      return warning;
    },
    handler: async ({ deps, actor, body, audit, target: warning }) => {
      if (!(await dismissWarning(deps.db, warning.id, body.reasons, audit)))
        throw new HttpError(409, 'not_allowed', `warning ${warning.id} is not open`, [
          { field: 'id', code: 'not_open', message: 'only an open warning is dismissed' },
        ]);
      return view((await findWarning(deps.db, actor, warning.id))!);
    },
  }),
];
