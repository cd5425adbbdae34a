import { describe, it, expect } from 'vitest';
import { recusalReason } from '../../domain/recusal';
import type { Person } from '../../domain/roles';

const person = (over: Partial<Person> = {}): Person => ({
  id: 'insp-7',
  name: 'Chen Hui',
  email: 'chen.hui@inspect.example',
  roles: ['inspector'],
  organisation: 'Foshan Quality Inspection Institute',
  affiliations: [],
  ...over,
});

const applicant = ['Nanhai Machinery Works', 'Nanhai Machinery Works Training Centre'];

describe('recusalReason', () => {
  it('returns null for an unrelated person', () => {
    expect(recusalReason(person(), applicant)).toBeNull();
  });

  it('returns null when there are no organisations to judge', () => {
    expect(recusalReason(person({ organisation: 'Nanhai Machinery Works' }), [])).toBeNull();
  });

  it('names the organisation when the person belongs to it', () => {
    expect(recusalReason(person({ organisation: 'Nanhai Machinery Works' }), applicant)).toBe(
      'Chen Hui (insp-7) belongs to Nanhai Machinery Works',
    );
  });

  it('matches organisations regardless of case and surrounding or repeated whitespace', () => {
    expect(recusalReason(person({ organisation: '  nanhai   MACHINERY works ' }), applicant)).toBe(
      'Chen Hui (insp-7) belongs to   nanhai   MACHINERY works ',
    );
    expect(recusalReason(person({ organisation: 'Nanhai Machinery Works' }), ['  NANHAI machinery\tWorks '])).not.toBeNull();
  });

  it('matches one of several organisations (a declared affiliation of the applicant)', () => {
    expect(recusalReason(person({ organisation: 'Nanhai Machinery Works Training Centre' }), applicant)).toBe(
      'Chen Hui (insp-7) belongs to Nanhai Machinery Works Training Centre',
    );
  });

  it('names the shared affiliation when one of the person’s affiliations matches', () => {
    const p = person({ affiliations: ['Guangdong Welding Society', 'nanhai machinery works training centre'] });
    expect(recusalReason(p, applicant)).toBe('Chen Hui (insp-7) is affiliated with nanhai machinery works training centre');
  });

  it('does not treat a name prefix or substring as a match', () => {
    expect(recusalReason(person({ organisation: 'Nanhai Machinery' }), applicant)).toBeNull();
    expect(recusalReason(person({ affiliations: ['Nanhai Machinery Works Training'] }), applicant)).toBeNull();
    expect(recusalReason(person({ organisation: 'Nanhai Machinery Works Ltd' }), applicant)).toBeNull();
  });

  it('prefers membership over affiliation when both apply', () => {
    const p = person({ organisation: 'Nanhai Machinery Works', affiliations: ['Nanhai Machinery Works Training Centre'] });
    expect(recusalReason(p, applicant)).toBe('Chen Hui (insp-7) belongs to Nanhai Machinery Works');
  });
});
