import { jurisdictionNames } from '../../db/queries/jurisdictions';
import { OCCUPATIONS } from '../../domain/occupations';
import { ROLES } from '../../domain/roles';
import { route, type ApiDeps } from '../routeSpec';

/** Reference lists every signed-in role reads, for the console to show names where a case holds codes. */
const referenceList = (path: string, summary: string, items: (deps: ApiDeps) => Promise<unknown[]> | readonly unknown[]) =>
  route({ method: 'get', path, summary, roles: [...ROLES], handler: async ({ deps }) => ({ items: await items(deps) }) });

export const referenceRoutes = [
  // 机械行业 where a case names IND:machinery.
  referenceList('/v1/jurisdictions', 'The jurisdictions of the tree (regions and industry authorities): code, kind and Chinese name', (deps) =>
    jurisdictionNames(deps.db),
  ),
  // 车工（6-18-01-01） wherever a code appears.
  referenceList('/v1/occupations', 'Chinese names of the occupations known to the service (national occupational classification), by code', () => OCCUPATIONS),
];
