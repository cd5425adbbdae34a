import { z } from 'zod';
import { knownJurisdictions } from '../../db/queries/jurisdictions';
import { USER_CASE, changeAccess, findUser, listUsers } from '../../db/queries/users';
import { NATIONAL, jurisdictionCode } from '../../domain/jurisdiction';
import { ROLES, type Actor } from '../../domain/roles';
import { HttpError } from '../errors';
import { timelineRoute } from '../cases';
import { route, type ApiDeps } from '../routeSpec';

/** The user register (用户): who may act, as what and where. Only national supervisors change it. */

const userId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a user id');
const isNational = (actor: Actor) => actor.roles.includes('supervisor') && (actor.jurisdictions ?? []).includes(NATIONAL);

/** A national supervisor sees every person; anyone else nobody (404, as for an unknown id). */
async function visibleUser(deps: ApiDeps, actor: Actor, id: string) {
  const parsed = userId.safeParse(id);
  const user = parsed.success && isNational(actor) ? await findUser(deps.db, parsed.data) : undefined;
  if (!user || user.id !== id) throw new HttpError(404, 'not_found', `no user ${id}`);
  return user;
}

export const userRoutes = [
  route({
    method: 'get',
    path: '/v1/me',
    summary: 'Who the caller is, as the user register says: roles, jurisdictions, organisation',
    roles: [...ROLES],
    handler: async ({ deps, actor }) => {
      const user = (await findUser(deps.db, actor.id))!;
      return { id: user.id, name: user.name, organisation: user.organisation, roles: actor.roles, jurisdictions: actor.jurisdictions ?? [] };
    },
  }),
  route({
    method: 'get',
    path: '/v1/users',
    summary: 'The user register (national supervisors): people with their roles, jurisdictions and whether they may act',
    roles: ['supervisor'],
    query: z.object({ role: z.enum(ROLES).optional(), active: z.enum(['true', 'false']).optional() }),
    handler: async ({ deps, actor, query }) => {
      if (!isNational(actor)) throw new HttpError(403, 'forbidden', 'only national supervisors manage the user register');
      return { items: await listUsers(deps.db, { role: query.role, active: query.active === undefined ? undefined : query.active === 'true' }) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/users/{id}',
    summary: 'One person in the register',
    roles: ['supervisor'],
    handler: ({ deps, actor, params }) => visibleUser(deps, actor, params.id),
  }),
  timelineRoute({
    path: '/v1/users',
    summary: "Changes to a person's access: by whom, when, before and after, why",
    roles: ['supervisor'],
    caseType: USER_CASE,
    find: visibleUser,
  }),
  route({
    method: 'post',
    path: '/v1/users/{id}/access',
    summary: "Deactivate or reactivate a person, or change their roles or jurisdictions (audited; effective within the identity cache's seconds)",
    roles: ['supervisor'],
    body: z
      .strictObject({
        active: z.boolean().optional(),
        roles: z.array(z.enum(ROLES)).max(ROLES.length).optional(),
        jurisdictions: z.array(jurisdictionCode).max(50).optional(),
        reasons: z.array(z.string().trim().min(1).max(2000)).min(1).max(20),
      })
      .refine((b) => b.active !== undefined || b.roles !== undefined || b.jurisdictions !== undefined, {
        message: 'change at least one of active, roles, jurisdictions',
        path: ['active'],
        params: { code: 'no_change' },
      }),
    authorize: ({ deps, actor, params }) => visibleUser(deps, actor, params.id),
    handler: async ({ deps, actor, body, params, audit, resourceId }) => {
      // A national supervisor cannot lock themself out: another one must do it.
      if (
        params.id === actor.id &&
        (body.active === false || (body.roles && !body.roles.includes('supervisor')) || (body.jurisdictions && !body.jurisdictions.includes(NATIONAL)))
      ) {
        throw new HttpError(409, 'not_allowed', 'you cannot remove your own national supervision; ask another national supervisor', [
          { field: 'active', code: 'own_access', message: 'own access' },
        ]);
      }
      const known = new Set(await knownJurisdictions(deps.db, body.jurisdictions ?? []));
      const missing = (body.jurisdictions ?? []).filter((code) => !known.has(code));
      if (missing.length)
        throw new HttpError(400, 'invalid', 'invalid jurisdictions', [
          { field: 'jurisdictions', code: 'unknown_jurisdiction', message: `unknown jurisdictions: ${missing.join(', ')}` },
        ]);
      const { reasons, ...change } = body;
      const roles = change.roles && [...new Set(change.roles)];
      const jurisdictions = change.jurisdictions && [...new Set(change.jurisdictions)];
      const user = (await changeAccess(deps.db, params.id, { active: change.active, roles, jurisdictions }, audit, reasons, resourceId))!;
      return { id: user.id, name: user.name, active: user.active, roles: user.roles, jurisdictions: user.jurisdictions ?? [] };
    },
  }),
];
