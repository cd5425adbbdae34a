import type { Db } from '../connect';
import { ROUTINE_TEMPLATE_ID, latestTemplate, publishTemplate } from '../queries/checklistTemplates';
import { ulid } from 'ulid';
import { IMPORT_COLUMNS, importScope, judgeImport, parseImport } from '../../domain/examinerImport';
import type { AuditActor } from '../queries/events';
import { industryOccupations } from '../queries/jurisdictions';
import { existingCardNumbers, knownPeople, liveQualificationPairs, recordImport } from '../queries/qualifications';
import { upsertJurisdictions } from '../queries/jurisdictions';
import { upsertUsers, type UserRow } from '../queries/users';
import routineChecklist from './checklist.station-routine.v1.json';
import { checklistItemsSchema } from '../../domain/checklist';

/** Demo people, one or more per role; tests use the same register. */
export const DEMO_USERS: Array<Omit<UserRow, 'stationId'>> = [
  {
    id: 'sup-1',
    name: '王军',
    email: 'wang.jun@hrss.example',
    roles: ['supervisor'],
    organisation: '广东省人力资源和社会保障厅',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'sup-2',
    name: '李娜',
    email: 'li.na@hrss.example',
    roles: ['supervisor'],
    organisation: '广东省人力资源和社会保障厅',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  // A supervisor who also reviews: the rule that the reviewer may not decide must hold for her.
  {
    id: 'rev-1',
    name: '赵敏',
    email: 'zhao.min@osta.example',
    roles: ['reviewer', 'supervisor'],
    organisation: '广东省职业技能鉴定指导中心',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'rev-2',
    name: '孙浩',
    email: 'sun.hao@osta.example',
    roles: ['reviewer'],
    organisation: '广东省职业技能鉴定指导中心',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'insp-1',
    name: '陈刚',
    email: 'chen.gang@gzvc.example',
    roles: ['inspector', 'examiner'],
    organisation: '广州市职业技术学院',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'insp-2',
    name: '刘洋',
    email: 'liu.yang@szpt.example',
    roles: ['inspector'],
    organisation: '深圳职业技术学院',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'insp-3',
    name: '黄磊',
    email: 'huang.lei@nanhai-training.example',
    roles: ['inspector', 'examiner'],
    organisation: '佛山市技师学院',
    affiliations: ['南海机械厂培训中心'],
    jurisdictions: ['CN'],
  },
  {
    id: 'insp-4',
    name: '郭强',
    email: 'guo.qiang@nanhai-machinery.example',
    roles: ['inspector'],
    organisation: '南海机械厂',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'insp-5',
    name: '邓辉',
    email: 'deng.hui@gdqi.example',
    roles: ['inspector'],
    organisation: '广东省质量研究院',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'insp-6',
    name: '林涛',
    email: 'lin.tao@gdqi.example',
    roles: ['inspector', 'examiner'],
    organisation: '广东省质量研究院',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'insp-7',
    name: '马骏',
    email: 'ma.jun@szvc.example',
    roles: ['inspector'],
    organisation: '深圳市职业训练中心',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  { id: 'admin-1', name: '周平', email: 'station-admin@nanhai-machinery.example', roles: ['station_admin'], organisation: '南海机械厂', affiliations: [] },
  { id: 'admin-2', name: '吴芳', email: 'admin@pearl-river-skills.example', roles: ['station_admin'], organisation: '珠江技能有限公司', affiliations: [] },
  {
    id: 'handler-1',
    name: '何静',
    email: 'he.jing@hrss.example',
    roles: ['complaint_handler'],
    organisation: '广东省人力资源和社会保障厅',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'exam-1',
    name: '徐伟',
    email: 'xu.wei@nanhai-machinery.example',
    roles: ['examiner'],
    organisation: '南海机械厂',
    affiliations: [],
    jurisdictions: ['440600'],
  },
  {
    id: 'exam-2',
    name: '唐宇',
    email: 'tang.yu@nanhai-machinery.example',
    roles: ['examiner'],
    organisation: '南海机械厂',
    affiliations: [],
    jurisdictions: ['440600'],
  },
  // Officials scoped to one level of the jurisdiction tree (two provinces, two cities each, one industry).
  {
    id: 'sup-gd',
    name: '欧阳明',
    email: 'ou.yang@gd.hrss.example',
    roles: ['supervisor'],
    organisation: '广东省人力资源和社会保障厅',
    affiliations: [],
    jurisdictions: ['440000'],
  },
  {
    id: 'sup-gz',
    name: '罗斌',
    email: 'luo.bin@gz.hrss.example',
    roles: ['supervisor'],
    organisation: '广州市人力资源和社会保障局',
    affiliations: [],
    jurisdictions: ['440100'],
  },
  {
    id: 'sup-fs',
    name: '邱兰',
    email: 'qiu.lan@fs.hrss.example',
    roles: ['supervisor', 'complaint_handler'],
    organisation: '佛山市人力资源和社会保障局',
    affiliations: [],
    jurisdictions: ['440600'],
  },
  {
    id: 'sup-fj',
    name: '郑凯',
    email: 'zheng.kai@fj.hrss.example',
    roles: ['supervisor'],
    organisation: '福建省人力资源和社会保障厅',
    affiliations: [],
    jurisdictions: ['350000'],
  },
  {
    id: 'sup-xm',
    name: '叶青',
    email: 'ye.qing@xm.hrss.example',
    roles: ['supervisor'],
    organisation: '厦门市人力资源和社会保障局',
    affiliations: [],
    jurisdictions: ['350200'],
  },
  {
    id: 'sup-mach',
    name: '孔伟',
    email: 'kong.wei@machinery-skills.example',
    roles: ['supervisor'],
    organisation: '机械工业职业技能鉴定指导中心',
    affiliations: [],
    jurisdictions: ['IND:machinery'],
  },
  // Quality supervisors (质量督导员), each entitled where they are registered.
  {
    id: 'qs-1',
    name: '白雪',
    email: 'bai.xue@osta-quality.example',
    roles: ['quality_supervisor'],
    organisation: '全国职业技能鉴定质量督导中心',
    affiliations: [],
    jurisdictions: ['CN'],
  },
  {
    id: 'qs-fs',
    name: '蔡红',
    email: 'cai.hong@fs-quality.example',
    roles: ['quality_supervisor'],
    organisation: '佛山市职业技能鉴定质量督导办公室',
    affiliations: [],
    jurisdictions: ['440600'],
  },
  {
    id: 'qs-xm',
    name: '江涛',
    email: 'jiang.tao@xm-quality.example',
    roles: ['quality_supervisor'],
    organisation: '厦门市职业技能鉴定质量督导办公室',
    affiliations: [],
    jurisdictions: ['350200'],
  },
];

/** The jurisdiction tree (管辖): the nation, two provinces with two cities each, and one industry authority with its occupations. */
export const DEMO_JURISDICTIONS: Array<{
  code: string;
  kind: 'national' | 'province' | 'city' | 'industry';
  parentCode: string | null;
  name: string;
  occupationPrefixes?: string[];
}> = [
  { code: 'CN', kind: 'national', parentCode: null, name: '人力资源和社会保障部' },
  { code: '440000', kind: 'province', parentCode: 'CN', name: '广东省' },
  { code: '440100', kind: 'city', parentCode: '440000', name: '广州市' },
  { code: '440600', kind: 'city', parentCode: '440000', name: '佛山市' },
  { code: '350000', kind: 'province', parentCode: 'CN', name: '福建省' },
  { code: '350100', kind: 'city', parentCode: '350000', name: '福州市' },
  { code: '350200', kind: 'city', parentCode: '350000', name: '厦门市' },
  // Machinery occupations (6-18 …) are the machinery industry authority's, wherever the station is.
  { code: 'IND:machinery', kind: 'industry', parentCode: 'CN', name: '机械行业', occupationPrefixes: ['6-18'] },
];

/**
 * The examiner register, loaded as an import is (one row per qualification) so every status has a qualification
 * cycle behind it: active where the card is valid, lapsed where it expired (its cycle lapses it), suspended where a
 * suspension was recorded through the same path as a complaint finding's. Dates are years from the seeding day.
 * insp-3 holds the examiner role but no qualification yet: they enter the register when admitted.
 */
export const DEMO_EXAMINERS: Array<{
  id: string;
  name: string;
  email: string;
  organisation: string;
  nationalId: string;
  regionCode: string;
  occupationCode: string;
  level: number;
  issuedYearsAgo: number;
  validYears: number;
  suspendedForDays?: number;
}> = [
  {
    id: 'exam-1',
    name: '徐伟',
    email: 'xu.wei@nanhai-machinery.example',
    organisation: '南海机械厂',
    nationalId: '44010619850301123X',
    regionCode: '440600',
    occupationCode: '6-18-01-01',
    level: 3,
    issuedYearsAgo: 1,
    validYears: 3,
  },
  {
    id: 'exam-2',
    name: '唐宇',
    email: 'tang.yu@nanhai-machinery.example',
    organisation: '南海机械厂',
    nationalId: '440605198807154321',
    regionCode: '440600',
    occupationCode: '6-18-01-01',
    level: 3,
    issuedYearsAgo: 1,
    validYears: 3,
  },
  {
    id: 'exam-3',
    name: '冯波',
    email: 'feng.bo@nanhai-machinery.example',
    organisation: '南海机械厂',
    nationalId: '440605197911023456',
    regionCode: '440600',
    occupationCode: '6-18-01-01',
    level: 3,
    issuedYearsAgo: 4,
    validYears: 3,
  },
  {
    id: 'exam-4',
    name: '潘丽',
    email: 'pan.li@foshan-tech.example',
    organisation: '佛山市技师学院',
    nationalId: '440604199203087654',
    regionCode: '440600',
    occupationCode: '6-18-01-01',
    level: 3,
    issuedYearsAgo: 1,
    validYears: 3,
    suspendedForDays: 180,
  },
  {
    id: 'insp-1',
    name: '陈刚',
    email: 'chen.gang@gzvc.example',
    organisation: '广州市职业技术学院',
    nationalId: '440106198201014567',
    regionCode: '440100',
    occupationCode: '6-18-01-01',
    level: 2,
    issuedYearsAgo: 1,
    validYears: 3,
  },
  {
    id: 'insp-6',
    name: '林涛',
    email: 'lin.tao@gdqi.example',
    organisation: '广东省质量研究院',
    nationalId: '440104198006067890',
    regionCode: '440100',
    occupationCode: '6-18-01-01',
    level: 3,
    issuedYearsAgo: 4,
    validYears: 3,
  },
];

/** Who recorded the demo register's import. */
export const SEED_IMPORTER: AuditActor = { actorId: 'seed', actorRole: 'system' };

/**
 * Seeds the demo world; returns the id of the examiner import, whose cycles `startDemoCycles` starts once a worker
 * runs. The register is imported before the users exist (an import never rewrites a known person).
 */
export async function seedDemo(db: Db): Promise<string> {
  const importId = await importDemoExaminers(db);
  await upsertJurisdictions(db, DEMO_JURISDICTIONS);
  await upsertUsers(db, DEMO_USERS);
  if (!(await latestTemplate(db, ROUTINE_TEMPLATE_ID))) {
    await publishTemplate(db, ROUTINE_TEMPLATE_ID, checklistItemsSchema.parse(routineChecklist), { actorId: 'seed', actorRole: 'system' });
  }
  return importId;
}

/** The demo register through the import's own validation and recording, once per database. */
async function importDemoExaminers(db: Db): Promise<string> {
  const done = await db('examiner_imports').where({ imported_by: SEED_IMPORTER.actorId }).first('id');
  if (done) return done.id as string;
  const day = (years: number) => new Date(Date.now() + years * 365.25 * 86_400_000).toISOString().slice(0, 10);
  const rows = DEMO_EXAMINERS.map((e) => ({
    examiner_id: e.id,
    name: e.name,
    email: e.email,
    organisation: e.organisation,
    national_id: e.nationalId,
    occupation_code: e.occupationCode,
    level: String(e.level),
    card_number: `DEMO-${e.id.toUpperCase()}-${e.occupationCode.replace(/-/g, '')}`,
    issued_on: day(-e.issuedYearsAgo),
    expires_on: day(e.validYears - e.issuedYearsAgo),
    region_code: e.regionCode,
  }));
  const csv = [IMPORT_COLUMNS.join(','), ...rows.map((r) => IMPORT_COLUMNS.map((c) => r[c]).join(','))].join('\n');
  const parsed = parseImport(csv);
  if ('error' in parsed) throw new Error(`demo examiners: ${parsed.error}`);
  const ids = DEMO_EXAMINERS.map((e) => e.id);
  const [existingCards, existingPairs, known, industries] = await Promise.all([
    existingCardNumbers(
      db,
      rows.map((r) => r.card_number),
    ),
    liveQualificationPairs(db, ids),
    knownPeople(db, ['CN'], ids),
    industryOccupations(db),
  ]);
  const { valid, rejected } = judgeImport(parsed.lines, { existingCards, existingPairs, known, scope: importScope(['CN'], industries) });
  if (rejected.length) throw new Error(`demo examiners rejected: ${JSON.stringify(rejected.map((r) => r.errors))}`);
  const id = ulid();
  await recordImport(db, { id, by: SEED_IMPORTER, jurisdictions: ['CN'], valid: valid.map((row) => ({ ...row, qualificationId: ulid() })), rejected });
  return id;
}
