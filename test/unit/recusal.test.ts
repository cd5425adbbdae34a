import { describe, it, expect } from 'vitest';
import { recusalReason } from '../../domain/recusal';
import type { Person } from '../../domain/roles';

const person = (over: Partial<Person> = {}): Person => ({
  id: 'insp-7',
  name: '陈辉',
  email: 'chen.hui@inspect.example',
  roles: ['inspector'],
  organisation: '佛山市质量检验研究院',
  affiliations: [],
  ...over,
});

const applicant = ['南海机械厂', '南海机械厂培训中心'];

describe('recusalReason', () => {
  it('returns null for an unrelated person', () => {
    expect(recusalReason(person(), applicant)).toBeNull();
  });

  it('returns null when there are no organisations to judge', () => {
    expect(recusalReason(person({ organisation: '南海机械厂' }), [])).toBeNull();
  });

  it('names the organisation when the person belongs to it', () => {
    expect(recusalReason(person({ organisation: '南海机械厂' }), applicant)).toBe('陈辉 (insp-7) belongs to 南海机械厂');
  });

  it('matches organisations regardless of surrounding whitespace, and of case and repeated whitespace in Latin letters', () => {
    expect(recusalReason(person({ organisation: '  南海机械厂 ' }), applicant)).toBe('陈辉 (insp-7) belongs to   南海机械厂 ');
    expect(recusalReason(person({ organisation: '  tcl   科技集团 ' }), ['TCL 科技集团'])).toBe('陈辉 (insp-7) belongs to   tcl   科技集团 ');
    expect(recusalReason(person({ organisation: 'TCL 科技集团' }), ['  Tcl\t科技集团 '])).not.toBeNull();
  });

  it('matches one of several organisations (a declared affiliation of the applicant)', () => {
    expect(recusalReason(person({ organisation: '南海机械厂培训中心' }), applicant)).toBe('陈辉 (insp-7) belongs to 南海机械厂培训中心');
  });

  it('names the shared affiliation when one of the person’s affiliations matches', () => {
    const p = person({ affiliations: ['广东省焊接学会', ' 南海机械厂培训中心'] });
    expect(recusalReason(p, applicant)).toBe('陈辉 (insp-7) is affiliated with  南海机械厂培训中心');
  });

  it('does not treat a name prefix or substring as a match', () => {
    expect(recusalReason(person({ organisation: '南海机械' }), applicant)).toBeNull();
    expect(recusalReason(person({ affiliations: ['南海机械厂培训'] }), applicant)).toBeNull();
    expect(recusalReason(person({ organisation: '南海机械厂有限公司' }), applicant)).toBeNull();
  });

  it('prefers membership over affiliation when both apply', () => {
    const p = person({ organisation: '南海机械厂', affiliations: ['南海机械厂培训中心'] });
    expect(recusalReason(p, applicant)).toBe('陈辉 (insp-7) belongs to 南海机械厂');
  });
});
