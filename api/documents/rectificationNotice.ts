import { templateVersion } from '../../db/queries/checklistTemplates';
import { caseTimeline } from '../../db/queries/events';
import { INSPECTION_CASE, type InspectionRecord } from '../../db/queries/inspections';
import { findStation } from '../../db/queries/stations';
import { findUsers } from '../../db/queries/users';
import type { InspectionResult } from '../../domain/checklist';
import type { RectificationOrder } from '../../domain/inspection';
import { statedDue } from '../../domain/notices';
import { HttpError } from '../errors';
import type { ApiDeps } from '../routeSpec';
import { chineseDate, DocumentWriter } from './pdf';

/** 整改通知书: the rectification order a supervisor hands to an inspected station. */

const TITLE = '整改通知书';

export interface RectificationNotice {
  caseNumber: string;
  round: number;
  /** When the order was given (ISO). */
  orderedAt: string;
  /** When the station's rectification report is due (ISO), as the order stated it. */
  dueAt: string | null;
  authority: string;
  station: { name: string; organisation: string; licenceNumber: string };
  items: Array<{ text: string; score: number | null; maxScore: number; critical: boolean }>;
  reasons: string[];
}

/**
 * The latest rectification order of an inspection (409 when it has none): its items with the scores that failed them (the
 * team's mean, or the last verification's for a later round), its deadline as the station was told it (the due time the
 * case recorded on the order, the one its mail states), and the authority of the supervisor who ordered it, or decided the sanction that reopened it.
 */
export async function rectificationNotice(deps: ApiDeps, record: InspectionRecord): Promise<RectificationNotice> {
  const summary = record.summary as { result: InspectionResult | null; rectifications: RectificationOrder[] } | null;
  const orders = summary?.rectifications ?? [];
  const order = orders.at(-1);
  if (!order) throw new HttpError(409, 'not_allowed', `the inspection has no rectification order (it is ${record.status})`);
  const previous = orders.at(-2)?.verification;
  const timeline = await caseTimeline(deps.db, INSPECTION_CASE, record.id);
  const orderedIndex = timeline.map((e) => e.action).lastIndexOf('rectification_ordered');
  const ordered = timeline[orderedIndex];
  const orderedBy = timeline
    .slice(0, orderedIndex + 1)
    .reverse()
    .find((e) => e.actorRole === 'supervisor');
  const [template, station, [official]] = await Promise.all([
    templateVersion(deps.db, record.template.id, record.template.version),
    findStation(deps.db, record.stationId),
    findUsers(deps.db, orderedBy ? [orderedBy.actorId] : []),
  ]);
  const scores = previous?.scores ?? summary?.result?.items ?? {};
  return {
    caseNumber: record.id,
    round: order.round,
    orderedAt: ordered.at,
    // An order whose working-day period the case replaced before resolving it states none: the step's due time, if any.
    dueAt: statedDue(ordered, deps.config.policy.inspection.deadlines.rectification) ?? record.pending?.dueAt ?? null,
    authority: official?.organisation ?? '',
    station: { name: station!.name, organisation: station!.organisation, licenceNumber: station!.licenceNumber },
    items: order.items.map((id) => {
      const item = template?.items.find((i) => i.id === id);
      return { text: item?.text ?? id, score: scores[id] ?? null, maxScore: item?.maxScore ?? 0, critical: item?.critical ?? false };
    }),
    reasons: (ordered.data?.reasons as string[] | undefined) ?? [],
  };
}

const score = (n: number) => String(Math.round(n * 10) / 10);

export async function rectificationNoticePdf(n: RectificationNotice): Promise<Uint8Array> {
  const w = await DocumentWriter.create({ title: TITLE, caseNumber: n.caseNumber, date: n.orderedAt, author: n.authority });
  w.paragraph(n.authority, { size: 14, align: 'center', after: 2 });
  w.paragraph(TITLE, { size: 20, align: 'center', after: 6 });
  w.paragraph(`案号：${n.caseNumber}${n.round > 1 ? `（第${n.round}轮整改）` : ''}`, { size: 10.5, align: 'center', after: 18 });
  w.paragraph(`${n.station.organisation}：`);
  w.paragraph(
    `本机关对你单位${n.station.name}（许可证编号：${n.station.licenceNumber}）进行了监督检查（案号：${n.caseNumber}），${n.round > 1 ? '经复核，下列检查项目仍不符合要求，现通知你单位继续整改' : '发现下列检查项目不符合要求，现通知你单位限期整改'}。`,
    { indent: 2, after: 10 },
  );
  w.paragraph('一、需整改的项目：');
  w.table(
    ['序号', '检查项目', '得分 / 满分', '关键项'],
    n.items.map((item, i) => [
      String(i + 1),
      item.text,
      `${item.score === null ? '—' : score(item.score)} / ${item.maxScore}`,
      item.critical ? '是（关键项）' : '否',
    ]),
    [1, 8, 2.4, 2.2],
  );
  w.paragraph('二、整改要求：');
  // A later round repeats what is still failing: the items are the requirement.
  const requirements = n.reasons.length ? n.reasons : ['对上表所列项目逐项整改到位。'];
  requirements.forEach((r, i) => w.paragraph(`${i + 1}. ${r}`, { indent: 2 }));
  const by = n.dueAt ? `请于${chineseDate(n.dueAt)}前完成整改` : '请在系统所示期限内完成整改';
  w.paragraph(`三、整改期限：${by}，并通过系统提交整改报告，由检查组复核。`);
  w.space(6).paragraph('逾期未整改或整改后复核仍不合格的，将依次给予警告、暂停鉴定资格直至撤销许可的处理。', { indent: 2 });
  w.signature(n.authority, n.orderedAt);
  return w.save();
}
