import { caseTimeline } from '../../db/queries/events';
import { CASE_TYPE, type ApplicationRecord } from '../../db/queries/stationApplications';
import { findUsers } from '../../db/queries/users';
import type { Licence, ScopeEntry, StationApplication } from '../../domain/stationApproval';
import { HttpError } from '../errors';
import type { ApiDeps } from '../routeSpec';
import { chineseDate, DocumentWriter } from './pdf';

/** 职业技能鉴定所（站）许可决定书: the licensing decision a supervisor hands to the applicant. */

const DECISION_TITLE = '职业技能鉴定所（站）许可决定书';

/** The five levels of the national vocational qualifications: 一级 (高级技师) the highest, 五级 (初级) the lowest. */
export const levelName = (level: number) => `${['高级技师', '技师', '高级', '中级', '初级'][level - 1]}（${'一二三四五'[level - 1]}级）`;

export interface LicensingDecision {
  caseNumber: string;
  outcome: 'approve' | 'approve_reduced' | 'reject';
  /** When the decision was taken (ISO). */
  decidedAt: string;
  submittedAt: string;
  assessedOnSite: boolean;
  authority: string;
  organisation: { name: string; creditCode: string };
  stationName: string;
  address: string;
  appliedScope: ScopeEntry[];
  /** For an approval: the licence as issued. */
  licence?: Pick<Licence, 'licenceNumber' | 'validUntil' | 'scope'> & { licensedAt: string };
  reasons: string[];
}

interface StoredOutcome {
  decision: { outcome: LicensingDecision['outcome']; reasons: string[] } | null;
  licence: Licence | null;
  reviewReasons: string[];
}

/**
 * The decision as the case's record and timeline hold it: 409 while there is none (and for a withdrawn case),
 * and for an approval until its licence is issued. A rejection at document review or by the industry authority is
 * a decision too; its reasons are the review's.
 */
export async function licensingDecision(deps: ApiDeps, record: ApplicationRecord): Promise<LicensingDecision> {
  if (record.status !== 'approved' && record.status !== 'rejected')
    throw new HttpError(409, 'not_allowed', `the application has no decision yet (it is ${record.status})`);
  const outcome = record.outcome as StoredOutcome;
  const timeline = await caseTimeline(deps.db, CASE_TYPE, record.id);
  const decided = timeline.find((e) => e.statusAfter === record.status && e.statusBefore !== e.statusAfter)!;
  const issued = timeline.find((e) => e.action === 'licence_issued');
  if (record.status === 'approved' && (!outcome.licence || !issued))
    throw new HttpError(409, 'not_allowed', 'the licence is being issued; try again in a moment');
  // A rejection at review or by an industry authority is still the licensing authority's: that of the supervisor who assigned the reviewer.
  const official = decided.action.startsWith('decision_') ? decided : timeline.find((e) => e.action === 'reviewer_assigned')!;
  const [decider] = await findUsers(deps.db, [official.actorId]);
  const application = record.application as StationApplication;
  return {
    caseNumber: record.id,
    outcome: outcome.decision?.outcome ?? 'reject',
    decidedAt: decided.at,
    submittedAt: record.submittedAt,
    assessedOnSite: record.onSiteTotal !== null,
    authority: decider?.organisation ?? '',
    organisation: application.organisation,
    stationName: application.stationName,
    address: application.address,
    appliedScope: application.scope,
    ...(outcome.licence && issued
      ? {
          licence: {
            licenceNumber: outcome.licence.licenceNumber,
            validUntil: outcome.licence.validUntil,
            scope: outcome.licence.scope,
            licensedAt: issued.at,
          },
        }
      : {}),
    reasons: outcome.decision?.reasons.length ? outcome.decision.reasons : outcome.reviewReasons,
  };
}

const scopeRows = (scope: ScopeEntry[]) => scope.map((e, i) => [String(i + 1), e.occupationCode, levelName(e.highestLevel)]);
const numbered = (reasons: string[]) => reasons.map((r, i) => `${i + 1}. ${r}`);

export async function decisionPdf(d: LicensingDecision): Promise<Uint8Array> {
  const w = await DocumentWriter.create({ title: DECISION_TITLE, caseNumber: d.caseNumber, date: d.decidedAt, author: d.authority });
  const verdict = { approve: '准予许可', approve_reduced: '准予许可（核减许可范围）', reject: '不予许可' }[d.outcome];
  w.paragraph(d.authority, { size: 14, align: 'center', after: 2 });
  w.paragraph(DECISION_TITLE, { size: 20, align: 'center', after: 6 });
  w.paragraph(`案号：${d.caseNumber}`, { size: 10.5, align: 'center', after: 18 });
  w.paragraph(`${d.organisation.name}：`);
  w.paragraph(
    `你单位于${chineseDate(d.submittedAt)}提出的设立职业技能鉴定所（站）申请（案号：${d.caseNumber}）收悉。经材料审查${d.assessedOnSite ? '和现场评估' : ''}，本机关决定：${verdict}。`,
    { indent: 2, after: 10 },
  );
  w.paragraph(`一、申请单位：${d.organisation.name}（统一社会信用代码：${d.organisation.creditCode}）`);
  w.paragraph(`二、鉴定所（站）名称：${d.stationName}`);
  w.paragraph(`三、地址：${d.address}`);
  if (d.licence) {
    w.paragraph('四、许可鉴定范围（职业（工种）及最高鉴定等级）：');
    w.table(['序号', '职业（工种）代码', '最高鉴定等级'], scopeRows(d.licence.scope), [1, 4, 4]);
    w.paragraph(`五、许可证编号：${d.licence.licenceNumber}`);
    w.paragraph(`六、有效期：自${chineseDate(d.licence.licensedAt)}至${chineseDate(d.licence.validUntil)}`);
    if (d.outcome === 'approve_reduced') {
      w.paragraph('七、核减许可范围的理由：');
      for (const line of numbered(d.reasons)) w.paragraph(line, { indent: 2 });
    }
    w.space(6).paragraph('请你单位在许可范围和有效期内开展职业技能鉴定活动，接受监督检查；超出许可范围、地区或有效期开展鉴定的，依照有关规定处理。', {
      indent: 2,
    });
  } else {
    w.paragraph('四、申请鉴定范围：');
    w.table(['序号', '职业（工种）代码', '最高鉴定等级'], scopeRows(d.appliedScope), [1, 4, 4]);
    w.paragraph('五、不予许可的理由：');
    for (const line of numbered(d.reasons)) w.paragraph(line, { indent: 2 });
  }
  if (d.outcome !== 'approve')
    w.space(6).paragraph('如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。', { indent: 2 });
  w.signature(d.authority, d.decidedAt);
  return w.save();
}
