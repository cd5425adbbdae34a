import { OCCUPATIONS } from '../../domain/occupations';
import { ROLES } from '../../domain/roles';
import { route } from '../routeSpec';

/** Occupation names by code, for the console to show 车工（6-18-01-01） wherever a code appears. */
export const occupationRoutes = [
  route({
    method: 'get',
    path: '/v1/occupations',
    summary: 'Chinese names of the occupations known to the service (national occupational classification), by code',
    roles: [...ROLES],
    handler: async () => ({ items: OCCUPATIONS }),
  }),
];
