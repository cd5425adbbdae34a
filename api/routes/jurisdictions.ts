import { jurisdictionNames } from '../../db/queries/jurisdictions';
import { ROLES } from '../../domain/roles';
import { route } from '../routeSpec';

/** Jurisdiction names by code, for the console to show 机械行业 where a case names IND:machinery. */
export const jurisdictionRoutes = [
  route({
    method: 'get',
    path: '/v1/jurisdictions',
    summary: 'The jurisdictions of the tree (regions and industry authorities): code, kind and Chinese name',
    roles: [...ROLES],
    handler: async ({ deps }) => ({ items: await jurisdictionNames(deps.db) }),
  }),
];
