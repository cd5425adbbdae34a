import { describe, expect, it } from 'vitest';
import { coversRegion, escalationChain, jurisdictionCode, outsideJurisdiction, scopeOf } from '../../domain/jurisdiction';

const foshan = { provinceCode: '440000', cityCode: '440600' };

describe('jurisdiction rules', () => {
  it('reads the levels of the tree from the codes', () => {
    expect(scopeOf(['CN'])).toMatchObject({ national: true });
    expect(scopeOf(['440000', '350200', 'IND:machinery'])).toEqual({
      national: false,
      provinces: ['440000'],
      cities: ['350200'],
      industries: ['IND:machinery'],
    });
    expect(jurisdictionCode.safeParse('440601').success).toBe(false);
    expect(jurisdictionCode.safeParse('IND:machinery').success).toBe(true);
  });

  it('covers a place from its city, its province or the nation, and from nowhere else', () => {
    expect(coversRegion(['440600'], foshan)).toBe(true);
    expect(coversRegion(['440000'], foshan)).toBe(true);
    expect(coversRegion(['CN'], foshan)).toBe(true);
    expect(coversRegion(['440100'], foshan)).toBe(false);
    expect(coversRegion(['350000'], foshan)).toBe(false);
    expect(coversRegion(['IND:machinery'], foshan)).toBe(false);
    expect(coversRegion([], foshan)).toBe(false);
  });

  it('names the people who would act outside the place, and does not judge those of unknown jurisdiction', () => {
    expect(outsideJurisdiction([{ id: 'a', jurisdictions: ['440000'] }, { id: 'b' }], foshan)).toBeNull();
    expect(
      outsideJurisdiction(
        [
          { id: 'a', jurisdictions: ['350200'] },
          { id: 'c', jurisdictions: ['440100'] },
        ],
        foshan,
      ),
    ).toBe("a, c act outside the station's jurisdiction");
  });

  it('escalates from the city to the province to the nation', () => {
    expect(escalationChain(foshan)).toEqual(['440600', '440000', 'CN']);
  });
});
