import type { Person } from './roles';

/**
 * Recusal (回避): nobody judges an organisation they belong to or are affiliated with.
 * Returns the reason a person must step aside, or null when they may serve.
 */
export function recusalReason(person: Person, organisations: string[]): string | null {
  const targets = new Set(organisations.map(normalise));
  if (targets.has(normalise(person.organisation))) {
    return `${person.name} (${person.id}) belongs to ${person.organisation}`;
  }
  const shared = person.affiliations.find((a) => targets.has(normalise(a)));
  return shared ? `${person.name} (${person.id}) is affiliated with ${shared}` : null;
}

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}
