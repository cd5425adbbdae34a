/** The roles a token can carry. */
export const ROLES = [
  'supervisor',
  'reviewer',
  'inspector',
  'examiner',
  'complaint_handler',
  'station_admin',
  // 质量督导员: dispatched by a supervisor to watch an appraisal session in their jurisdiction.
  'quality_supervisor',
] as const;
export type Role = (typeof ROLES)[number];

/** Who acts: taken from the verified token by the API and handed to workflows with every action. */
export interface Actor {
  id: string;
  roles: Role[];
  /** Where an official acts (domain/jurisdiction.ts); from the token. */
  jurisdictions?: string[];
}

/** A person the process addresses (reviewer, assessor): resolved by the API from the user register. */
export interface Person {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  organisation: string;
  affiliations: string[];
  jurisdictions?: string[];
}

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.roles.includes(role);
}
