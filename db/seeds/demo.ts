import type { Db } from '../connect';
import { ROUTINE_TEMPLATE_ID, latestTemplate, publishTemplate } from '../queries/checklistTemplates';
import { upsertExaminers, type ExaminerStatus } from '../queries/examiners';
import { upsertUsers, type UserRow } from '../queries/users';
import routineChecklist from './checklist.station-routine.v1.json';
import { checklistItemsSchema } from '../../domain/checklist';

/** Demo people, one or more per role; tests use the same register. */
export const DEMO_USERS: Array<Omit<UserRow, 'stationId'>> = [
  { id: 'sup-1', name: 'Wang Jun', email: 'wang.jun@hrss.example', roles: ['supervisor'], organisation: 'Guangdong HRSS Department', affiliations: [] },
  { id: 'sup-2', name: 'Li Na', email: 'li.na@hrss.example', roles: ['supervisor'], organisation: 'Guangdong HRSS Department', affiliations: [] },
  // A supervisor who also reviews: the rule that the reviewer may not decide must hold for her.
  { id: 'rev-1', name: 'Zhao Min', email: 'zhao.min@osta.example', roles: ['reviewer', 'supervisor'], organisation: 'Guangdong Skills Appraisal Guidance Centre', affiliations: [] },
  { id: 'rev-2', name: 'Sun Hao', email: 'sun.hao@osta.example', roles: ['reviewer'], organisation: 'Guangdong Skills Appraisal Guidance Centre', affiliations: [] },
  { id: 'insp-1', name: 'Chen Gang', email: 'chen.gang@gzvc.example', roles: ['inspector', 'examiner'], organisation: 'Guangzhou Vocational College', affiliations: [] },
  { id: 'insp-2', name: 'Liu Yang', email: 'liu.yang@szpt.example', roles: ['inspector'], organisation: 'Shenzhen Polytechnic', affiliations: [] },
  {
    id: 'insp-3',
    name: 'Huang Lei',
    email: 'huang.lei@nanhai-training.example',
    roles: ['inspector', 'examiner'],
    organisation: 'Foshan Technician College',
    affiliations: ['Nanhai Machinery Works Training Centre'],
  },
  { id: 'insp-4', name: 'Guo Qiang', email: 'guo.qiang@nanhai-machinery.example', roles: ['inspector'], organisation: 'Nanhai Machinery Works', affiliations: [] },
  { id: 'insp-5', name: 'Deng Hui', email: 'deng.hui@gdqi.example', roles: ['inspector'], organisation: 'Guangdong Quality Institute', affiliations: [] },
  { id: 'insp-6', name: 'Lin Tao', email: 'lin.tao@gdqi.example', roles: ['inspector', 'examiner'], organisation: 'Guangdong Quality Institute', affiliations: [] },
  { id: 'insp-7', name: 'Ma Jun', email: 'ma.jun@szvc.example', roles: ['inspector'], organisation: 'Shenzhen Vocational Centre', affiliations: [] },
  { id: 'admin-1', name: 'Zhou Ping', email: 'station-admin@nanhai-machinery.example', roles: ['station_admin'], organisation: 'Nanhai Machinery Works', affiliations: [] },
  { id: 'admin-2', name: 'Wu Fang', email: 'admin@pearl-river-skills.example', roles: ['station_admin'], organisation: 'Pearl River Skills Co.', affiliations: [] },
  { id: 'handler-1', name: 'He Jing', email: 'he.jing@hrss.example', roles: ['complaint_handler'], organisation: 'Guangdong HRSS Department', affiliations: [] },
  { id: 'exam-1', name: 'Xu Wei', email: 'xu.wei@nanhai-machinery.example', roles: ['examiner'], organisation: 'Nanhai Machinery Works', affiliations: [] },
  { id: 'exam-2', name: 'Tang Yu', email: 'tang.yu@nanhai-machinery.example', roles: ['examiner'], organisation: 'Nanhai Machinery Works', affiliations: [] },
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
  await upsertUsers(db, DEMO_USERS);
  await upsertExaminers(db, DEMO_EXAMINERS);
  if (!(await latestTemplate(db, ROUTINE_TEMPLATE_ID))) {
    await publishTemplate(db, ROUTINE_TEMPLATE_ID, checklistItemsSchema.parse(routineChecklist), { actorId: 'seed', actorRole: 'system' });
  }
}
