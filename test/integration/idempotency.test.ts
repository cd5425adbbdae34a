import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES, ROUTES } from '../../api/app';
import { BLANK_FORM_CASE, stationStockTrail } from '../../db/queries/blankForms';
import { CERTIFICATE_CASE } from '../../db/queries/certificates';
import { COMPLAINT_CASE } from '../../db/queries/complaints';
import { INSPECTION_CASE } from '../../db/queries/inspections';
import { LICENCE_RENEWAL_CASE } from '../../db/queries/licenceRenewals';
import { QUALIFICATION_CASE } from '../../db/queries/qualifications';
import { SESSION_CASE } from '../../db/queries/sessions';
import { CASE_TYPE as STATION_APPLICATION_CASE } from '../../db/queries/stationApplications';
import { STATION_CASE } from '../../db/queries/stations';
import { recordWarning, WARNING_CASE } from '../../db/queries/warnings';
import { composeCertificateNumber, quarterOf } from '../../domain/certificate';
import example from '../../db/seeds/station-application.example.json';
import routineChecklist from '../../db/seeds/checklist.station-routine.v1.json';
import { campaignWorkflowId } from '../../workflows/campaign.messages';
import { complaintWorkflowId } from '../../workflows/complaint.messages';
import { examinerImportWorkflowId } from '../../workflows/examinerImport.messages';
import { inspectionWorkflowId } from '../../workflows/inspection.messages';
import { licenceRenewalWorkflowId } from '../../workflows/licenceRenewal.messages';
import { qualificationWorkflowId } from '../../workflows/qualification.messages';
import { sessionWorkflowId } from '../../workflows/session.messages';
import { stationApplicationWorkflowId } from '../../workflows/stationApproval.messages';
import { routeHash } from '../../api/idempotency';
import { certificateNumber, fixtureCertificate, registerCertificates, seedApprovedSession } from '../support/certificates';
import { examinerRow, nationalId, toCsv } from '../support/examinerCsv';
import { checklistScores, licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type ApiResponse, type Harness } from '../support/harness';

/**
 * Idempotency-Key on every POST: a repeat with the same key and body gets the first response and acts
 * no more; the same key with another body is 422; two requests with one key at once act once. Actions
 * are Temporal updates whose id derives from the key (or the request id), so a retry applies once even
 * when the API has lost its record of the key. The key also reserves the id of what a create creates, so a
 * retry after the API died mid-request must create nothing new.
 */
let h: Harness;
let stationId: number;
beforeAll(async () => {
  // One A rating makes a demonstration candidate; many public intakes from one address.
  h = await startHarness({ programme: { demonstrationAfterConsecutiveA: 1 }, complaint: { intakeRate: { max: 1000, window: 'PT1H' } } });
  stationId = await licenseStation(h);
  for (const examiner of ['exam-1', 'exam-2']) await qualifyExaminer(h, examiner);
});
afterAll(async () => h?.close());

/** One request to replay: where it goes, its body and another, and how to count what it did. */
interface Target {
  path: string;
  body: unknown;
  otherBody: unknown;
  /** Headers the request needs besides the key (a complaint's secret). */
  headers?: Record<string, string>;
  /** What the request did, counted where it lands (rows or events): 1 once it has acted. */
  effects: () => Promise<number>;
  /** The workflow a create starts, from its response: it must have exactly one run. */
  workflowId?: (res: ApiResponse) => Promise<string>;
}

interface Row {
  /** The route as declared in ROUTES or PUBLIC_ROUTES. */
  route: string;
  as: string | null;
  status: number;
  csv?: boolean;
  /** An action whose Temporal update id derives from the key or request id (not from a reserved resource id). */
  update?: boolean;
  /** One of the actions of a case type, all of which go through caseActionRoutes' one handler. */
  caseAction?: boolean;
  /**
   * Retried after the API died between acting and storing its response (the claim goes stale, a retry
   * takes it over): 'same' when it must act once and answer as the first did; otherwise the known bug.
   */
  crash?: true;
  /** Its body is hashed as the handler reads it (a `streamed` route): a claim holds the route's hash alone until it answers. */
  streamed?: true;
  /** A fresh target: whatever the request needs set up first. */
  prepare: () => Promise<Target>;
}

const newKey = () => `idem-${randomUUID()}`;
let serial = 0;

async function send(row: Row, path: string, body: unknown, headers: Record<string, string>): Promise<ApiResponse> {
  if (!row.csv) return h.api('POST', path, { as: row.as, body, headers });
  // h.api always sends JSON; the examiner and certificate imports take text/csv.
  const res = await fetch(h.baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${await h.token(row.as!)}`, 'content-type': 'text/csv', ...headers },
    body: body as string,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function ok(path: string, as: string | null, body: unknown, status = 200) {
  const res = await h.api('POST', path, { as, body });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

const count =
  (table: string, where: Record<string, unknown> = {}) =>
  async () =>
    Number((await h.db(table).where(where).count({ n: '*' }).first())?.n ?? 0);
const events =
  (caseType: string, caseId: string | number, ...actions: string[]) =>
  async () =>
    Number(
      (
        await h
          .db('events')
          .where({ case_type: caseType, case_id: String(caseId) })
          .whereIn('action', actions)
          .count({ n: '*' })
          .first()
      )?.n ?? 0,
    );
/** How much a count has grown since the target was prepared. */
async function growth(counter: () => Promise<number>): Promise<() => Promise<number>> {
  const before = await counter();
  return async () => (await counter()) - before;
}

const admission = (examScore = 82) => ({ occupationCode: '4-07-02-01', level: 3, trainingHours: 48, examScore, nationalId: '44010619850301123X' });
const intake = (description = 'The examiner left the room during the practical test.') => ({
  category: 'examiner_misconduct',
  stationId,
  happenedOn: '2026-11-01',
  description,
});
/** Each session on a day of its own: its examiners sit at one session a day. */
let sessionDay = 0;
const sessionDate = () => new Date(Date.parse('2027-03-01') + sessionDay++ * 86_400_000).toISOString().slice(0, 10);
const session = (expectedCandidates = 12, date = sessionDate()) => ({
  occupationCode: '6-18-01-01',
  level: 3,
  date,
  site: { provinceCode: '440000', cityCode: '440600', address: '实训楼3号车间' },
  examinerIds: ['exam-1', 'exam-2'],
  expectedCandidates,
});
const complaintId = (trackingNumber: string) =>
  eventually(async () => (await h.db('complaints').where({ tracking_number: trackingNumber }).first('id'))?.id as string | undefined);

async function fileComplaint() {
  const filed = await ok('/v1/public/complaints', null, intake(), 201);
  return { id: await complaintId(filed.trackingNumber), trackingNumber: filed.trackingNumber as string, secret: filed.secret as string };
}

/** A closed complaint whose appeal window is open. */
async function closedComplaint() {
  const c = await fileComplaint();
  await ok(`/v1/complaints/${c.id}/triage`, 'handler-1', { category: 'examiner_misconduct', severity: 'normal', stationId });
  await ok(`/v1/complaints/${c.id}/investigator`, 'handler-1', { investigatorId: 'insp-2' });
  await ok(`/v1/complaints/${c.id}/finding`, 'insp-2', { finding: 'unsubstantiated', reasons: ['the session record shows the examiner present'] });
  await eventually(
    async () => (await h.api('GET', `/v1/public/complaints/${c.trackingNumber}`, { headers: { 'x-complaint-secret': c.secret } })).body.appealOpen,
  );
  return c;
}

/** A newly licensed station rated A by one ad-hoc inspection: a demonstration candidate. */
async function candidateStation(): Promise<number> {
  const station = await licenseStation(h, 'admin-2');
  const { id } = await ok('/v1/inspections', 'sup-1', { stationId: station, reason: 'first inspection' }, 201);
  const act = (path: string, as: string, body: unknown = {}) => ok(`/v1/inspections/${id}/${path}`, as, body);
  await act('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
  for (const member of ['insp-1', 'insp-2']) await act('acknowledge', member);
  for (const member of ['insp-1', 'insp-2']) await act('scores', member, { scores: checklistScores() });
  await act('report', 'insp-1', { summary: 'every item met' });
  await act('review', 'sup-2', { outcome: 'pass' });
  await eventually(async () => (await h.api('GET', `/v1/stations/${station}`, { as: 'sup-1' })).body.programme?.demonstration === 'candidate');
  return station;
}

let certificateSeq = 0;
/** A valid certificate of the station, numbered far above what the register hands out (a replacement's number). */
async function certificate(): Promise<string> {
  const number = certificateNumber(9_000_000 + ++certificateSeq, 3);
  await registerCertificates(h, [fixtureCertificate(number, '张三明', stationId)]);
  return number;
}

const quarter = quarterOf(Date.now());
let formSeq = 0;
/** A fresh blank form in Guangdong's stock or, `atStation`, given to the station (with a pass of the quarter to allow it). */
async function blankForm(atStation = false): Promise<string> {
  const serial = `ID${String(++formSeq).padStart(8, '0')}`;
  await ok('/v1/blank-forms/receipts', 'sup-gd', { provinceCode: '440000', firstSerial: serial, lastSerial: serial }, 201);
  if (atStation) {
    await seedApprovedSession(h, stationId, 1);
    await ok(`/v1/stations/${stationId}/blank-forms/distributions`, 'sup-gd', { quarter, firstSerial: serial, lastSerial: serial }, 201);
  }
  return serial;
}
const formsWith = (where: Record<string, unknown>) => count('blank_forms', where);
const LEGACY_HEADER = 'number,holder_name,identity_number,occupation_code,level,issued_on';
const legacyCertificate = (sequence: number) => composeCertificateNumber({ provinceCode: '44', year: 2019, level: 3, sequence });

const ROWS: Row[] = [
  {
    route: '/v1/station-applications',
    as: 'admin-2',
    status: 201,
    crash: true,
    prepare: async () => ({
      path: '/v1/station-applications',
      body: example,
      otherBody: { ...example, stationName: 'Another appraisal station' },
      effects: await growth(count('station_applications', { applicant_id: 'admin-2' })),
      workflowId: async (res) => stationApplicationWorkflowId(res.body.id),
    }),
  },
  {
    route: '/v1/qualifications',
    as: 'exam-2',
    status: 201,
    crash: true,
    prepare: async () => ({
      path: '/v1/qualifications',
      body: admission(),
      otherBody: admission(91),
      effects: await growth(count('qualifications', { examiner_id: 'exam-2' })),
      workflowId: async (res) => qualificationWorkflowId(res.body.id),
    }),
  },
  {
    route: '/v1/public/complaints',
    as: null,
    status: 201,
    crash: true,
    prepare: async () => ({
      path: '/v1/public/complaints',
      body: intake(),
      otherBody: intake('The examiner answered candidates’ questions during the theory test.'),
      effects: await growth(count('complaints')),
      workflowId: async (res) => complaintWorkflowId(await complaintId(res.body.trackingNumber)),
    }),
  },
  {
    route: '/v1/inspections',
    as: 'sup-1',
    status: 201,
    crash: true,
    prepare: async () => ({
      path: '/v1/inspections',
      body: { stationId, reason: 'spot check' },
      otherBody: { stationId, reason: 'follow-up of a complaint' },
      effects: await growth(count('inspections', { station_id: stationId })),
      workflowId: async (res) => inspectionWorkflowId(res.body.id),
    }),
  },
  {
    route: '/v1/campaigns',
    as: 'sup-1',
    status: 201,
    // A filter no station matches: the campaign itself is the effect. No crash entry: whether a late retry
    // finds the campaign running or ended is timing (the ended-case test below covers the ended one).
    prepare: async () => ({
      path: '/v1/campaigns',
      body: { name: 'Xinjiang stations', filter: { provinceCode: '650000' } },
      otherBody: { name: 'Xinjiang stations, second pass', filter: { provinceCode: '650000' } },
      effects: await growth(count('campaigns')),
      workflowId: async (res) => campaignWorkflowId(res.body.id),
    }),
  },
  {
    route: '/v1/checklist-templates/{id}/versions',
    as: 'sup-1',
    status: 201,
    crash: true,
    prepare: async () => {
      const id = `idem-${++serial}`;
      const [first, ...rest] = routineChecklist;
      return {
        path: `/v1/checklist-templates/${id}/versions`,
        body: { items: routineChecklist },
        otherBody: { items: [{ ...first, text: 'Rules posted at the entrance' }, ...rest] },
        effects: count('checklist_templates', { id }),
      };
    },
  },
  {
    route: '/v1/stations/{id}/sessions',
    as: 'admin-1',
    status: 201,
    crash: true,
    prepare: async () => {
      const date = sessionDate();
      return {
        path: `/v1/stations/${stationId}/sessions`,
        body: session(12, date),
        otherBody: session(30, date),
        effects: await growth(count('appraisal_sessions', { station_id: stationId })),
        workflowId: async (res) => sessionWorkflowId(res.body.sessionId),
      };
    },
  },
  {
    route: '/v1/stations/{id}/demonstration',
    as: 'sup-1',
    status: 200,
    update: true,
    prepare: async () => {
      const station = await candidateStation();
      return {
        path: `/v1/stations/${station}/demonstration`,
        body: { confirm: true, reasons: ['rated A'] },
        otherBody: { confirm: false, reasons: ['too few sessions yet'] },
        effects: events(STATION_CASE, station, 'demonstration_confirmed', 'demonstration_declined'),
      };
    },
  },
  {
    route: '/v1/stations/{id}/licence-renewals',
    as: 'admin-2',
    status: 201,
    crash: true,
    prepare: async () => {
      // One renewal per licence validity: a station of its own each time.
      const station = await licenseStation(h, 'admin-2');
      return {
        path: `/v1/stations/${station}/licence-renewals`,
        body: { documents: [{ kind: 'business_licence', reference: 'scan/renewal.pdf' }] },
        otherBody: { documents: [{ kind: 'business_licence', reference: 'scan/renewal-2.pdf' }] },
        effects: count('licence_renewals', { station_id: station }),
        workflowId: async (res) => licenceRenewalWorkflowId(res.body.id),
      };
    },
  },
  {
    route: '/v1/licence-renewals/{id}/decision',
    as: 'sup-1',
    status: 200,
    // Its only action ends the case: a retry the API lost track of finds it decided (409) and acts no more, so no `update`.
    caseAction: true,
    prepare: async () => {
      const station = await licenseStation(h, 'admin-2');
      const filing = { documents: [{ kind: 'business_licence', reference: 'scan/r.pdf' }] };
      const { id } = await ok(`/v1/stations/${station}/licence-renewals`, 'admin-2', filing, 201);
      return {
        path: `/v1/licence-renewals/${id}/decision`,
        body: { outcome: 'approve' },
        otherBody: { outcome: 'reject', reasons: ['site certificate expired'] },
        effects: events(LICENCE_RENEWAL_CASE, id, 'renewal_approved', 'renewal_rejected'),
      };
    },
  },
  {
    route: '/v1/examiners/{id}/conduct',
    as: 'sup-1',
    status: 201,
    crash: true,
    prepare: async () => ({
      path: '/v1/examiners/exam-1/conduct',
      body: { kind: 'commendation', description: 'clear briefing of the candidates', source: 'quality supervisor report' },
      otherBody: { kind: 'commendation', description: 'punctual throughout', source: 'quality supervisor report' },
      effects: await growth(count('conduct_records', { examiner_id: 'exam-1' })),
    }),
  },
  {
    route: '/v1/users/{id}/access',
    as: 'sup-1',
    status: 200,
    crash: true,
    prepare: async () => ({
      path: '/v1/users/rev-2/access',
      body: { roles: ['reviewer'], reasons: ['confirmed by the register'] },
      otherBody: { roles: ['reviewer', 'inspector'], reasons: ['also inspects'] },
      effects: await growth(count('events', { case_type: 'user', case_id: 'rev-2' })),
    }),
  },
  {
    route: '/v1/examiners/{id}/training',
    as: 'exam-1',
    status: 201,
    crash: true,
    prepare: async () => ({
      path: '/v1/examiners/exam-1/training',
      body: { hours: 8, course: 'Appraisal ethics', completedOn: '2026-10-01' },
      otherBody: { hours: 6, course: 'Appraisal ethics', completedOn: '2026-10-01' },
      effects: await growth(count('training_records', { examiner_id: 'exam-1' })),
    }),
  },
  {
    route: '/v1/examiners/import',
    as: 'sup-1',
    status: 201,
    csv: true,
    crash: true,
    prepare: async () => {
      const prefix = `IDEM${++serial}`;
      return {
        path: '/v1/examiners/import',
        body: toCsv([examinerRow(serial, prefix)]),
        otherBody: toCsv([examinerRow(serial + 100, prefix)]),
        effects: async () => Number((await h.db('qualifications').where('examiner_id', 'like', `${prefix}-%`).count({ n: '*' }).first())?.n ?? 0),
        workflowId: async (res) => examinerImportWorkflowId(res.body.importId),
      };
    },
  },
  {
    route: '/v1/public/complaints/{trackingNumber}/appeal',
    as: null,
    status: 200,
    update: true,
    prepare: async () => {
      const c = await closedComplaint();
      return {
        path: `/v1/public/complaints/${c.trackingNumber}/appeal`,
        headers: { 'X-Complaint-Secret': c.secret },
        body: { reason: 'the session record was written afterwards' },
        otherBody: { reason: 'please look again' },
        effects: events(COMPLAINT_CASE, c.id, 'appealed'),
      };
    },
  },
  {
    route: '/v1/station-applications/{id}/reviewer',
    as: 'sup-1',
    status: 200,
    update: true,
    caseAction: true,
    prepare: async () => {
      const { id } = await ok('/v1/station-applications', 'admin-2', example, 201);
      return {
        path: `/v1/station-applications/${id}/reviewer`,
        body: { reviewerId: 'rev-2' },
        otherBody: { reviewerId: 'rev-1' },
        effects: events(STATION_APPLICATION_CASE, id, 'reviewer_assigned'),
      };
    },
  },
  {
    // Its own update (not the case runtime's actions): the extension's due time is resolved before it is recorded.
    route: '/v1/station-applications/{id}/statutory-extension',
    as: 'sup-1',
    status: 200,
    update: true,
    caseAction: true,
    prepare: async () => {
      const { id } = await ok('/v1/station-applications', 'admin-2', example, 201);
      return {
        path: `/v1/station-applications/${id}/statutory-extension`,
        body: { reasons: ['需组织专家论证'] },
        otherBody: { reasons: ['需征求行业意见'] },
        effects: events(STATION_APPLICATION_CASE, id, 'statutory_limit_extended'),
      };
    },
  },
  {
    route: '/v1/qualifications/{id}/admission-decision',
    as: 'rev-2',
    status: 200,
    update: true,
    caseAction: true,
    prepare: async () => {
      const { id } = await ok('/v1/qualifications', 'exam-2', admission(), 201);
      return {
        path: `/v1/qualifications/${id}/admission-decision`,
        body: { outcome: 'approve' },
        otherBody: { outcome: 'reject', reasons: ['exam record incomplete'] },
        effects: events(QUALIFICATION_CASE, id, 'admitted', 'admission_rejected'),
      };
    },
  },
  {
    route: '/v1/complaints/{id}/triage',
    as: 'handler-1',
    status: 200,
    update: true,
    caseAction: true,
    prepare: async () => {
      const { id } = await fileComplaint();
      return {
        path: `/v1/complaints/${id}/triage`,
        body: { category: 'examiner_misconduct', severity: 'normal', stationId },
        otherBody: { category: 'examiner_misconduct', severity: 'serious', stationId },
        effects: events(COMPLAINT_CASE, id, 'triaged'),
      };
    },
  },
  {
    route: '/v1/sessions/{id}/candidates',
    as: 'admin-1',
    status: 200,
    update: true,
    caseAction: true,
    prepare: async () => {
      const { sessionId } = await ok(`/v1/stations/${stationId}/sessions`, 'admin-1', session(), 201);
      const candidate = (name: string, identityNumber: string) => ({ name, identityNumber, occupationCode: '6-18-01-01', level: 3 });
      return {
        path: `/v1/sessions/${sessionId}/candidates`,
        body: { candidates: [candidate('李明', '440605199001010014')] },
        otherBody: { candidates: [candidate('王芳', '440605199001010022')] },
        effects: events(SESSION_CASE, sessionId, 'candidates_added'),
      };
    },
  },
  {
    route: '/v1/inspections/{id}/team',
    as: 'sup-1',
    status: 200,
    update: true,
    caseAction: true,
    prepare: async () => {
      const { id } = await ok('/v1/inspections', 'sup-1', { stationId, reason: 'spot check' }, 201);
      return {
        path: `/v1/inspections/${id}/team`,
        body: { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' },
        otherBody: { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-2' },
        effects: events(INSPECTION_CASE, id, 'team_assigned'),
      };
    },
  },
  {
    route: '/v1/certificates/{number}/revocation',
    as: 'sup-1',
    status: 200,
    prepare: async () => {
      const number = await certificate();
      return {
        path: `/v1/certificates/${number}/revocation`,
        body: { reason: '以欺骗手段取得证书' },
        otherBody: { reason: '鉴定成绩作假' },
        effects: events(CERTIFICATE_CASE, number, 'revoked'),
      };
    },
  },
  {
    route: '/v1/certificates/{number}/replacement',
    as: 'sup-1',
    status: 200,
    prepare: async () => {
      const number = await certificate();
      return {
        path: `/v1/certificates/${number}/replacement`,
        body: { reason: 'lost' },
        otherBody: { reason: 'damaged' },
        effects: count('certificates', { replaces: number }),
      };
    },
  },
  {
    route: '/v1/blank-forms/receipts',
    as: 'sup-gd',
    status: 201,
    crash: true,
    prepare: async () => {
      const first = `IR${String(++formSeq).padStart(8, '0')}`;
      return {
        path: '/v1/blank-forms/receipts',
        body: { provinceCode: '440000', firstSerial: first, lastSerial: first },
        otherBody: { provinceCode: '440000', firstSerial: first, lastSerial: first, batch: '第二批' },
        effects: formsWith({ serial: first }),
      };
    },
  },
  {
    route: '/v1/stations/{id}/blank-forms/requests',
    as: 'admin-1',
    status: 201,
    prepare: async () => {
      await seedApprovedSession(h, stationId, 1);
      return {
        path: `/v1/stations/${stationId}/blank-forms/requests`,
        body: { quarter, count: 1 },
        otherBody: { quarter, count: 2 },
        effects: await growth(events(BLANK_FORM_CASE, stationStockTrail(stationId), 'blank_forms_requested')),
      };
    },
  },
  {
    route: '/v1/stations/{id}/blank-forms/distributions',
    as: 'sup-gd',
    status: 201,
    crash: true,
    prepare: async () => {
      const [serial, other] = [await blankForm(), await blankForm()];
      await seedApprovedSession(h, stationId, 1);
      return {
        path: `/v1/stations/${stationId}/blank-forms/distributions`,
        body: { quarter, firstSerial: serial, lastSerial: serial },
        otherBody: { quarter, firstSerial: other, lastSerial: other },
        effects: formsWith({ station_id: stationId, serial }),
      };
    },
  },
  {
    route: '/v1/certificates/{number}/print',
    as: 'admin-1',
    status: 200,
    prepare: async () => {
      const [serial, number] = [await blankForm(true), await certificate()];
      return {
        path: `/v1/certificates/${number}/print`,
        body: { serial },
        otherBody: { serial: `${serial.slice(0, -1)}9` },
        effects: count('certificates', { number, blank_serial: serial }),
      };
    },
  },
  {
    route: '/v1/blank-forms/{serial}/void',
    as: 'admin-1',
    status: 200,
    prepare: async () => {
      const serial = await blankForm(true);
      return {
        path: `/v1/blank-forms/${serial}/void`,
        body: { reason: '打印错位，证书作废' },
        otherBody: { reason: '污损' },
        effects: formsWith({ serial, status: 'voided' }),
      };
    },
  },
  {
    route: '/v1/stations/{id}/blank-forms/stocktakes',
    as: 'admin-1',
    status: 201,
    crash: true,
    prepare: async () => {
      // The count the register expects: a stocktake that matches, so no complaint case besides.
      const inHand = (await h.api('GET', `/v1/stations/${stationId}/blank-forms?quarter=${quarter}`, { as: 'admin-1' })).body.inStock as number;
      return {
        path: `/v1/stations/${stationId}/blank-forms/stocktakes`,
        body: { quarter, inHand },
        otherBody: { quarter, inHand: inHand + 1 },
        effects: await growth(count('blank_form_stocktakes', { station_id: stationId })),
      };
    },
  },
  {
    route: '/v1/warnings/{id}/dismissal',
    as: 'sup-gd',
    status: 200,
    prepare: async () => {
      // An open warning on the station, each in a window of its own.
      const start = new Date(Date.UTC(2026, 0, 1) + ++serial * 86_400_000).toISOString();
      const window = { since: start, until: start, start, end: start };
      const { id } = await recordWarning(h.db, { rule: 'blank_stock_mismatch', subjectType: 'station', subjectId: String(stationId), window, figures: {} });
      return {
        path: `/v1/warnings/${id}/dismissal`,
        body: { reasons: ['盘点差异已查明为录入错误'] },
        otherBody: { reasons: ['另一理由'] },
        effects: events(WARNING_CASE, id, 'warning_dismissed'),
      };
    },
  },
  {
    route: '/v1/calendars/{year}',
    as: 'sup-gd',
    status: 201,
    prepare: async () => ({
      path: '/v1/calendars/2031',
      body: { scope: '440000', holidays: ['2031-03-03'], reason: '省政府公布的地方节假日' },
      otherBody: { scope: '440000', holidays: ['2031-03-04'], reason: '省政府公布的地方节假日' },
      effects: await growth(count('calendar_versions', { scope: '440000', year: 2031 })),
    }),
  },
  {
    route: '/v1/certificates/imports',
    as: 'sup-gd',
    status: 201,
    csv: true,
    streamed: true,
    crash: true,
    prepare: async () => {
      const [number, other] = [legacyCertificate(++serial), legacyCertificate(++serial)];
      return {
        path: '/v1/certificates/imports',
        body: `${LEGACY_HEADER}\n${number},张三明,${nationalId(serial)},6-18-02-04,3,2019-06-30\n`,
        otherBody: `${LEGACY_HEADER}\n${other},李四,${nationalId(serial + 1)},6-18-02-04,3,2019-06-30\n`,
        effects: count('certificates', { number }),
      };
    },
  },
];

/** Exactly one effect (the count may land after the response, when an activity writes it), and one run of any workflow started. */
async function expectActedOnce(target: Target, first: ApiResponse) {
  expect(await eventually(target.effects, { until: (n) => n >= 1 })).toBe(1);
  if (!target.workflowId) return;
  const workflowId = await target.workflowId(first);
  const runs = await eventually(async () => (await h.temporal.workflow.count(`WorkflowId = '${workflowId}'`)).count, { until: (n) => n >= 1 });
  expect(runs, workflowId).toBe(1);
}

/**
 * What the API leaves when it dies after acting but before storing its response: a claim gone stale (30 s), no response,
 * and for a streamed route the hash of its route alone, the body's being stored with the response.
 */
async function simulateCrash(key: string, streamedPath?: string) {
  await h
    .db('idempotency_keys')
    .where({ idem_key: key })
    .update({
      status_code: null,
      response: null,
      claimed_at: new Date(Date.now() - 60_000),
      ...(streamedPath ? { request_hash: routeHash('POST', streamedPath).digest('hex') } : {}),
    });
}

describe('Idempotency-Key on every POST', () => {
  // A readOnly POST (a query too large for a URL) acts on nothing: exempt, it keeps no Idempotency-Key (the test below).
  it('covers every POST route: each route in the table, or a case type by one of its actions', () => {
    const posts = [...PUBLIC_ROUTES, ...ROUTES].filter((r) => r.method === 'post' && !r.readOnly).map((r) => r.path);
    const listed = ROWS.map((r) => r.route);
    expect(posts).toEqual(expect.arrayContaining(listed));
    const caseTypes = ROWS.filter((r) => r.caseAction).map((r) => r.route.replace(/[^/]+$/, ''));
    expect(posts.filter((p) => !listed.includes(p) && !caseTypes.some((base) => p.startsWith(base)))).toEqual([]);
  });

  for (const row of ROWS) {
    it(`${row.route}: replays the first response and acts once; another body with the key is 422${row.update ? '; a retry the API lost track of applies once' : ''}`, async () => {
      const t = await row.prepare();
      const headers = { ...t.headers, 'Idempotency-Key': newKey() };
      const first = await send(row, t.path, t.body, headers);
      expect(first.status, JSON.stringify(first.body)).toBe(row.status);
      expect(first.headers.get('idempotent-replayed')).toBeNull();

      const again = await send(row, t.path, t.body, headers);
      expect(again.status).toBe(first.status);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');

      const other = await send(row, t.path, t.otherBody, headers);
      expect(other.status, JSON.stringify(other.body)).toBe(422);
      expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', details: [{ field: 'Idempotency-Key' }] });

      if (row.update) {
        // As if the API died between the update and storing its response: Temporal still has the update id.
        await h.db('idempotency_keys').where({ idem_key: headers['Idempotency-Key'] }).delete();
        const retried = await send(row, t.path, t.body, headers);
        expect(retried.status, JSON.stringify(retried.body)).toBe(first.status);
        expect(retried.headers.get('idempotent-replayed')).toBeNull();
        expect(retried.body).toEqual(first.body);
      }
      await expectActedOnce(t, first);
    });

    it(`${row.route}: two requests with one key at once act once`, async () => {
      const t = await row.prepare();
      const headers = { ...t.headers, 'Idempotency-Key': newKey() };
      const pair = await Promise.all([send(row, t.path, t.body, headers), send(row, t.path, t.body, headers)]);
      const acted = pair.filter((r) => r.status === row.status && !r.headers.has('idempotent-replayed'));
      expect(acted, JSON.stringify(pair.map((r) => [r.status, r.body]))).toHaveLength(1);
      const [other] = pair.filter((r) => r !== acted[0]);
      if (other.status === 409) {
        expect(other.body.error.code).toBe('in_progress');
        expect(other.headers.get('retry-after')).toBe('2');
      } else {
        expect(other.headers.get('idempotent-replayed')).toBe('true');
        expect(other.body).toEqual(acted[0].body);
      }
      // Retried once the first has answered: its response.
      const retried = await send(row, t.path, t.body, headers);
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(retried.body).toEqual(acted[0].body);
      await expectActedOnce(t, acted[0]);
    });
  }

  for (const row of ROWS.filter((r) => r.crash)) {
    it(`${row.route}: a retry after a crash acts once and answers the same`, async () => {
      const t = await row.prepare();
      const headers = { 'Idempotency-Key': newKey() };
      const first = await send(row, t.path, t.body, headers);
      expect(first.status, JSON.stringify(first.body)).toBe(row.status);
      await simulateCrash(headers['Idempotency-Key'], row.streamed && t.path);
      const retried = await send(row, t.path, t.body, headers);
      expect(retried.status, JSON.stringify(retried.body)).toBe(first.status);
      expect(retried.body).toEqual(first.body);
      await expectActedOnce(t, first);
    });
  }

  it('a read-only POST with a key answers afresh each time: the batch check is the same CSV twice, not a replay', async () => {
    const number = await certificate();
    const check = async () => {
      const res = await fetch(`${h.baseUrl}/v1/public/certificate-checks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Idempotency-Key': 'idem-batch-check' },
        body: JSON.stringify({ csv: `number,name\n${number},张三明\n` }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      return res.text();
    };
    const first = await check();
    expect(first).toContain(`${number},张三明,found,`);
    expect(await check()).toBe(first);
  });

  it("keeps a public answer sealed: the complaint's secret is never stored in clear", async () => {
    const headers = { 'Idempotency-Key': newKey() };
    const body = { category: 'other', happenedOn: '2026-11-01', description: 'The appraisal fee was asked twice at the door.' };
    const first = await h.api('POST', '/v1/public/complaints', { body, headers });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const stored = await h.db('idempotency_keys').where({ idem_key: headers['Idempotency-Key'] }).first('response');
    expect(JSON.stringify(stored)).not.toContain(first.body.secret);
    const again = await h.api('POST', '/v1/public/complaints', { body, headers });
    expect(again.body).toEqual(first.body);
  });

  it('a retry after a crash, once the case has ended, answers with that case and starts no second run', async () => {
    const headers = { 'Idempotency-Key': newKey() };
    const { body } = await h.api('POST', '/v1/qualifications', { as: 'exam-2', body: admission(), headers });
    await ok(`/v1/qualifications/${body.id}/admission-decision`, 'rev-2', { outcome: 'reject', reasons: ['exam record incomplete'] });
    const handle = h.temporal.workflow.getHandle(qualificationWorkflowId(body.id));
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED');
    await simulateCrash(headers['Idempotency-Key']);
    const retried = await h.api('POST', '/v1/qualifications', { as: 'exam-2', body: admission(), headers });
    expect(retried.body).toMatchObject({ id: body.id, status: 'rejected' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});
