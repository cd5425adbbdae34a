import type { Db } from '../connect';
import { ROUTINE_TEMPLATE_ID, latestTemplate, publishTemplate } from '../queries/checklistTemplates';
import { upsertExaminers, type ExaminerStatus } from '../queries/examiners';
import { upsertJurisdictions } from '../queries/jurisdictions';
import { upsertUsers, type UserRow } from '../queries/users';
import routineChecklist from './checklist.station-routine.v1.json';
import { checklistItemsSchema } from '../../domain/checklist';

/** Demo people, one or more per role; tests use the same register. */
export const DEMO_USERS: Array<Omit<UserRow, 'stationId'>> = [
  { id: 'sup-1', name: 'Wang Jun', email: 'wang.jun@hrss.example', roles: ['supervisor'], organisation: 'Guangdong HRSS Department', affiliations: [], jurisdictions: ['CN'] },
  { id: 'sup-2', name: 'Li Na', email: 'li.na@hrss.example', roles: ['supervisor'], organisation: 'Guangdong HRSS Department', affiliations: [], jurisdictions: ['CN'] },
  // A supervisor who also reviews: the rule that the reviewer may not decide must hold for her.
  { id: 'rev-1', name: 'Zhao Min', email: 'zhao.min@osta.example', roles: ['reviewer', 'supervisor'], organisation: 'Guangdong Skills Appraisal Guidance Centre', affiliations: [], jurisdictions: ['CN'] },
  { id: 'rev-2', name: 'Sun Hao', email: 'sun.hao@osta.example', roles: ['reviewer'], organisation: 'Guangdong Skills Appraisal Guidance Centre', affiliations: [], jurisdictions: ['CN'] },
  { id: 'insp-1', name: 'Chen Gang', email: 'chen.gang@gzvc.example', roles: ['inspector', 'examiner'], organisation: 'Guangzhou Vocational College', affiliations: [], jurisdictions: ['CN'] },
  { id: 'insp-2', name: 'Liu Yang', email: 'liu.yang@szpt.example', roles: ['inspector'], organisation: 'Shenzhen Polytechnic', affiliations: [], jurisdictions: ['CN'] },
  {
    id: 'insp-3',
    name: 'Huang Lei',
    email: 'huang.lei@nanhai-training.example',
    roles: ['inspector', 'examiner'],
    organisation: 'Foshan Technician College',
    affiliations: ['Nanhai Machinery Works Training Centre'],
    jurisdictions: ['CN'],
  },
  { id: 'insp-4', name: 'Guo Qiang', email: 'guo.qiang@nanhai-machinery.example', roles: ['inspector'], organisation: 'Nanhai Machinery Works', affiliations: [], jurisdictions: ['CN'] },
  { id: 'insp-5', name: 'Deng Hui', email: 'deng.hui@gdqi.example', roles: ['inspector'], organisation: 'Guangdong Quality Institute', affiliations: [], jurisdictions: ['CN'] },
  { id: 'insp-6', name: 'Lin Tao', email: 'lin.tao@gdqi.example', roles: ['inspector', 'examiner'], organisation: 'Guangdong Quality Institute', affiliations: [], jurisdictions: ['CN'] },
  { id: 'insp-7', name: 'Ma Jun', email: 'ma.jun@szvc.example', roles: ['inspector'], organisation: 'Shenzhen Vocational Centre', affiliations: [], jurisdictions: ['CN'] },
  { id: 'admin-1', name: 'Zhou Ping', email: 'station-admin@nanhai-machinery.example', roles: ['station_admin'], organisation: 'Nanhai Machinery Works', affiliations: [] },
  { id: 'admin-2', name: 'Wu Fang', email: 'admin@pearl-river-skills.example', roles: ['station_admin'], organisation: 'Pearl River Skills Co.', affiliations: [] },
  { id: 'handler-1', name: 'He Jing', email: 'he.jing@hrss.example', roles: ['complaint_handler'], organisation: 'Guangdong HRSS Department', affiliations: [], jurisdictions: ['CN'] },
  { id: 'exam-1', name: 'Xu Wei', email: 'xu.wei@nanhai-machinery.example', roles: ['examiner'], organisation: 'Nanhai Machinery Works', affiliations: [], jurisdictions: ['440600'] },
  { id: 'exam-2', name: 'Tang Yu', email: 'tang.yu@nanhai-machinery.example', roles: ['examiner'], organisation: 'Nanhai Machinery Works', affiliations: [], jurisdictions: ['440600'] },
  // Officials scoped to one level of the jurisdiction tree (two provinces, two cities each, one industry).
  { id: 'sup-gd', name: 'Ou Yang', email: 'ou.yang@gd.hrss.example', roles: ['supervisor'], organisation: 'Guangdong HRSS Department', affiliations: [], jurisdictions: ['440000'] },
  { id: 'sup-gz', name: 'Luo Bin', email: 'luo.bin@gz.hrss.example', roles: ['supervisor'], organisation: 'Guangzhou HRSS Bureau', affiliations: [], jurisdictions: ['440100'] },
  { id: 'sup-fs', name: 'Qiu Lan', email: 'qiu.lan@fs.hrss.example', roles: ['supervisor', 'complaint_handler'], organisation: 'Foshan HRSS Bureau', affiliations: [], jurisdictions: ['440600'] },
  { id: 'sup-fj', name: 'Zheng Kai', email: 'zheng.kai@fj.hrss.example', roles: ['supervisor'], organisation: 'Fujian HRSS Department', affiliations: [], jurisdictions: ['350000'] },
  { id: 'sup-xm', name: 'Ye Qing', email: 'ye.qing@xm.hrss.example', roles: ['supervisor'], organisation: 'Xiamen HRSS Bureau', affiliations: [], jurisdictions: ['350200'] },
  { id: 'sup-mach', name: 'Kong Wei', email: 'kong.wei@machinery-skills.example', roles: ['supervisor'], organisation: 'Machinery Industry Skills Appraisal Centre', affiliations: [], jurisdictions: ['IND:machinery'] },
];

/** The jurisdiction tree (管辖): the nation, two provinces with two cities each, and one industry authority with its occupations. */
export const DEMO_JURISDICTIONS: Array<{ code: string; kind: 'national' | 'province' | 'city' | 'industry'; parentCode: string | null; name: string; occupationPrefixes?: string[] }> = [
  { code: 'CN', kind: 'national', parentCode: null, name: 'Ministry of Human Resources and Social Security' },
  { code: '440000', kind: 'province', parentCode: 'CN', name: 'Guangdong' },
  { code: '440100', kind: 'city', parentCode: '440000', name: 'Guangzhou' },
  { code: '440600', kind: 'city', parentCode: '440000', name: 'Foshan' },
  { code: '350000', kind: 'province', parentCode: 'CN', name: 'Fujian' },
  { code: '350100', kind: 'city', parentCode: '350000', name: 'Fuzhou' },
  { code: '350200', kind: 'city', parentCode: '350000', name: 'Xiamen' },
  // Machinery occupations (6-18 …) are the machinery industry authority's, wherever the station is.
  { code: 'IND:machinery', kind: 'industry', parentCode: 'CN', name: 'Machinery industry', occupationPrefixes: ['6-18'] },
];

/** Examiner qualification status as the register holds it (exam-3's has lapsed, insp-2 is an official, not an examiner). */
export const DEMO_EXAMINERS: Array<{ id: string; name: string; organisation: string; status: ExaminerStatus }> = [
  { id: 'exam-1', name: 'Xu Wei', organisation: 'Nanhai Machinery Works', status: 'active' },
  { id: 'exam-2', name: 'Tang Yu', organisation: 'Nanhai Machinery Works', status: 'active' },
  { id: 'exam-3', name: 'Feng Bo', organisation: 'Nanhai Machinery Works', status: 'lapsed' },
  { id: 'insp-1', name: 'Chen Gang', organisation: 'Guangzhou Vocational College', status: 'active' },
  { id: 'insp-3', name: 'Huang Lei', organisation: 'Foshan Technician College', status: 'active' },
  { id: 'insp-6', name: 'Lin Tao', organisation: 'Guangdong Quality Institute', status: 'suspended' },
];

export async function seedDemo(db: Db): Promise<void> {
  await upsertJurisdictions(db, DEMO_JURISDICTIONS);
  await upsertUsers(db, DEMO_USERS);
  await upsertExaminers(db, DEMO_EXAMINERS);
  if (!(await latestTemplate(db, ROUTINE_TEMPLATE_ID))) {
    await publishTemplate(db, ROUTINE_TEMPLATE_ID, checklistItemsSchema.parse(routineChecklist), { actorId: 'seed', actorRole: 'system' });
  }
}
