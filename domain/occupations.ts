/**
 * Chinese names of the occupations the demo and the tests use, from the national occupational classification
 * (《中华人民共和国职业分类大典（2022年版）》). Only names we are sure of are listed: a code missing here shows as
 * itself. Not listed for want of a certain name: 4-07-05-02 and the other 4-07-… codes the tests generate.
 */
export const OCCUPATIONS: ReadonlyArray<{ code: string; name: string }> = [
  { code: '4-03-02-01', name: '中式烹调师' },
  // 计算机程序设计员 is the 2015 edition's name for this code; the 2022 edition may have reworded it.
  { code: '4-04-05-01', name: '计算机程序设计员' },
  { code: '6-18-01-01', name: '车工' },
  { code: '6-18-01-02', name: '铣工' },
  { code: '6-18-02-04', name: '焊工' },
  { code: '6-18-03-01', name: '金属热处理工' },
  { code: '6-31-01-03', name: '电工' },
];
