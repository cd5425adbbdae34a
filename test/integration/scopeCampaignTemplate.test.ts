import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import routineChecklist from '../../db/seeds/checklist.station-routine.v1.json';
import { upsertUsers } from '../../db/queries/users';
import { appraisalSession, guangzhouApplication, licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * Jurisdiction of campaigns, checklist templates and quality-supervisor dispatch (security finding 8):
 * a campaign is seen only where it was launched; a city publishes its own checklist, never the national
 * one, and its stations' inspections use it; only an entitled, unconflicted quality supervisor is dispatched.
 */
let h: Harness;
/** admin-1's station in Foshan (440600): 南海机械厂, affiliated with its training centre (南海机械厂培训中心). */
let foshanStation: number;
/** admin-2's station in Guangzhou (440100). */
let guangzhouStation: number;
beforeAll(async () => {
  h = await startHarness();
  foshanStation = await licenseStation(h);
  guangzhouStation = await licenseStation(h, 'admin-2', guangzhouApplication);
}, 120_000);
afterAll(async () => h?.close());

const MISSING_ULID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const fields = (res: { body: any }) => (res.body.error.details as Array<{ field: string }>).map((d) => d.field);
/** The answer for an id that exists nowhere, with that id swapped for `id`: what a hidden object must look like. */
const asUnknown = (unknown: { status: number; body: unknown }, missingId: string, id: string) => ({
  status: unknown.status,
  body: JSON.parse(JSON.stringify(unknown.body).replaceAll(missingId, id)),
});
const answer = (res: { status: number; body: unknown }) => ({ status: res.status, body: res.body });

describe('campaign reads', () => {
  it('shows a campaign only to supervisors covering where it was launched, and answers others as for an unknown id', async () => {
    const launch = async (as: string, filter: Record<string, string>) => {
      const res = await h.api('POST', '/v1/campaigns', { as, body: { name: `campaign by ${as}`, filter } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const id = res.body.id as string;
      await eventually(async () => (await h.api('GET', `/v1/campaigns/${id}`, { as })).status === 200);
      return id;
    };
    // Nothing matches in Xinjiang: the national campaign completes at once.
    const national = await launch('sup-1', { provinceCode: '650000' });
    const foshan = await launch('sup-fs', {});

    const read = (id: string, as: string) => h.api('GET', `/v1/campaigns/${id}`, { as });
    const unknown = await read(MISSING_ULID, 'sup-xm');
    expect(unknown.status).toBe(404);
    for (const [id, as] of [
      [national, 'sup-xm'],
      [foshan, 'sup-xm'],
      [national, 'sup-fs'],
      [national, 'sup-gd'],
      [foshan, 'sup-gz'],
      [foshan, 'sup-mach'],
    ]) {
      expect(answer(await read(id, as)), `${as} reading ${id === national ? 'the national' : 'the Foshan'} campaign`).toEqual(
        asUnknown(unknown, MISSING_ULID, id),
      );
    }
    for (const [id, as] of [
      [national, 'sup-1'],
      [foshan, 'sup-1'],
      [foshan, 'sup-gd'],
      [foshan, 'sup-fs'],
    ]) {
      const res = await read(id, as);
      expect(res.status, `${as} reading ${id}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.id).toBe(id);
    }
  });
});

describe('checklist templates by jurisdiction', () => {
  const publish = (as: string, body: Record<string, unknown>, id = 'station-routine') => h.api('POST', `/v1/checklist-templates/${id}/versions`, { as, body });
  const read = (as: string, jurisdiction?: string, id = 'station-routine') =>
    h.api('GET', `/v1/checklist-templates/${id}${jurisdiction ? `?jurisdiction=${jurisdiction}` : ''}`, { as });
  const inspect = async (as: string, stationId: number) => {
    const res = await h.api('POST', '/v1/inspections', { as, body: { stationId, reason: 'which checklist' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; template: { id: string; version: number; jurisdiction: string; items: Array<{ id: string }> } };
  };
  const guangzhouItem = {
    id: 'site.ventilation',
    section: 'site_and_equipment',
    text: '车间通风已检查（广州市规则）',
    weight: 5,
    maxScore: 10,
    critical: false,
  };
  const cityChecklist = [...routineChecklist, guangzhouItem];

  it('refuses a city supervisor the national checklist, and new inspections keep using it unchanged', async () => {
    const before = await read('sup-1');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ id: 'station-routine', version: 1, jurisdiction: 'CN' });

    // As the attack was made: no jurisdiction named means the national template.
    for (const body of [{ items: cityChecklist }, { items: cityChecklist, jurisdiction: 'CN' }]) {
      const res = await publish('sup-gz', body);
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.body.error.message).toContain('only national supervisors');
      expect(fields(res)).toEqual(['jurisdiction']);
    }
    // Its own province is above it too: readable, not publishable.
    expect((await publish('sup-gz', { items: cityChecklist, jurisdiction: '440000' })).status).toBe(403);
    // Another city, another province: as if there were no such template.
    const unknownRead = await read('sup-xm', undefined, 'never-published');
    for (const jurisdiction of ['440600', '350200']) {
      expect(answer(await publish('sup-gz', { items: cityChecklist, jurisdiction })), jurisdiction).toEqual(
        asUnknown(unknownRead, 'never-published', 'station-routine'),
      );
    }
    // Industry authorities have no place of their own to publish for.
    const industry = await publish('sup-mach', { items: cityChecklist, jurisdiction: 'IND:machinery' });
    expect(industry.status).toBe(400);
    expect(fields(industry)).toContain('jurisdiction');

    expect(answer(await read('sup-1'))).toEqual(answer(before));
    expect(await h.db('checklist_templates').where({ id: 'station-routine' }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
    expect((await inspect('sup-1', guangzhouStation)).template).toMatchObject({ id: 'station-routine', version: 1, jurisdiction: 'CN' });
  });

  it("uses a city's own checklist for the city's stations and the national one elsewhere", async () => {
    const published = await publish('sup-gz', { items: cityChecklist, jurisdiction: '440100' });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body).toMatchObject({ id: 'station-routine', version: 2, jurisdiction: '440100' });

    // Ad-hoc inspections: Guangzhou's station gets the Guangzhou checklist, Foshan's the national one.
    const inGuangzhou = await inspect('sup-gz', guangzhouStation);
    expect(inGuangzhou.template).toMatchObject({ id: 'station-routine', version: 2, jurisdiction: '440100' });
    expect(inGuangzhou.template.items.map((i) => i.id)).toContain('site.ventilation');
    expect((await h.api('GET', `/v1/inspections/${inGuangzhou.id}`, { as: 'sup-gz' })).body.record.template).toEqual({ id: 'station-routine', version: 2 });
    const inFoshan = await inspect('sup-fs', foshanStation);
    expect(inFoshan.template).toMatchObject({ id: 'station-routine', version: 1, jurisdiction: 'CN' });
    expect(inFoshan.template.items.map((i) => i.id)).not.toContain('site.ventilation');

    // A province's campaign: each station's inspection takes its place's checklist.
    const campaign = await h.api('POST', '/v1/campaigns', { as: 'sup-gd', body: { name: '广东省春季检查', filter: {} } });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    const started = async (): Promise<Array<{ station_id: number; template_version: number }>> =>
      h.db('inspections').where({ campaign_id: campaign.body.id }).select('station_id', 'template_version');
    const rows = await eventually(started, { until: (r) => r.length === 2 });
    expect(Object.fromEntries(rows.map((r) => [r.station_id, r.template_version]))).toEqual({ [guangzhouStation]: 2, [foshanStation]: 1 });

    // A later national version does not displace Guangzhou's own.
    const nationalV3 = await publish('sup-1', { items: routineChecklist });
    expect(nationalV3.body).toMatchObject({ version: 3, jurisdiction: 'CN' });
    expect((await inspect('sup-gz', guangzhouStation)).template).toMatchObject({ version: 2, jurisdiction: '440100' });
    expect((await inspect('sup-fs', foshanStation)).template).toMatchObject({ version: 3, jurisdiction: 'CN' });
  });

  it('lets each caller read the templates of their own line only', async () => {
    const unknown = await read('sup-fs', undefined, 'never-published');
    expect(unknown.status).toBe(404);
    // Guangzhou's version: its city, its province, the nation, and the Guangzhou station's administrator.
    for (const as of ['sup-gz', 'sup-gd', 'sup-1', 'admin-2']) {
      const res = await read(as, '440100');
      expect(res.status, `${as}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body).toMatchObject({ version: 2, jurisdiction: '440100' });
    }
    // Not Foshan's supervisor, Xiamen's, nor the Foshan station's administrator.
    for (const as of ['sup-fs', 'sup-xm', 'admin-1'])
      expect(answer(await read(as, '440100')), as).toEqual(asUnknown(unknown, 'never-published', 'station-routine'));
    // Everybody reads the national one, and Foshan (without its own) falls back to it.
    for (const as of ['sup-xm', 'sup-gz', 'admin-1', 'insp-2', 'sup-mach']) expect((await read(as)).body, as).toMatchObject({ version: 3, jurisdiction: 'CN' });
    expect((await read('sup-fs', '440600')).body).toMatchObject({ version: 3, jurisdiction: 'CN' });

    // The timeline leaves out versions of places off the caller's line.
    const timeline = async (as: string) =>
      ((await h.api('GET', '/v1/checklist-templates/station-routine/timeline', { as })).body.items as Array<{ data: { version: number } }>).map(
        (e) => e.data.version,
      );
    expect(await timeline('sup-gd')).toEqual([1, 2, 3]);
    expect(await timeline('sup-fs')).toEqual([1, 3]);
  });
});

describe('quality supervisor dispatch', () => {
  it('dispatches only a quality supervisor of the station’s place who has no tie to it, and records them', async () => {
    // A Foshan quality supervisor from an organisation the station declared itself affiliated with.
    await upsertUsers(h.db, [
      {
        id: 'qs-nanhai',
        name: '潘立',
        email: 'pan.li@nanhai-training.example',
        roles: ['quality_supervisor'],
        organisation: '佛山市质量督导办公室',
        affiliations: ['南海机械厂培训中心'],
        jurisdictions: ['440600'],
      },
    ]);
    for (const examiner of ['exam-1', 'exam-2']) await qualifyExaminer(h, examiner);
    const created = await h.api('POST', `/v1/stations/${foshanStation}/sessions`, { as: 'admin-1', body: appraisalSession({ date: '2027-04-01' }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sessionId = created.body.sessionId as string;
    const dispatchTo = (id: string, qualitySupervisorId: string, as = 'sup-fs') =>
      h.api('POST', `/v1/sessions/${id}/quality-supervisor`, { as, body: { qualitySupervisorId } });
    const dispatch = (qualitySupervisorId: string, as = 'sup-fs') => dispatchTo(sessionId, qualitySupervisorId, as);
    const recorded = async () =>
      (await h.api('GET', `/v1/stations/${foshanStation}/sessions`, { as: 'sup-1' })).body.items.find((s: { id: string }) => s.id === sessionId)
        .qualitySupervisorId;

    const refusals: Array<[string, string, number, string[]]> = [
      ["the station's own administrator", 'admin-1', 400, ['not a quality supervisor']],
      ['a supervisor without the role', 'sup-2', 400, ['not a quality supervisor']],
      ['an unknown person', 'nobody-at-all', 400, ['unknown user']],
      ['a Xiamen quality supervisor', 'qs-xm', 409, ['qs-xm', "outside the station's jurisdiction"]],
      ['a quality supervisor from the station’s declared affiliate', 'qs-nanhai', 409, ['回避', '南海机械厂培训中心']],
    ];
    for (const [who, id, status, words] of refusals) {
      const res = await dispatch(id);
      expect(res.status, `${who}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(fields(res), who).toEqual(['qualitySupervisorId']);
      for (const word of words) expect(res.body.error.message, who).toContain(word);
    }
    // The administrator holding the role and the place is still the station's own.
    await h.db('user_roles').insert({ user_id: 'admin-1', role: 'quality_supervisor' });
    await h.db('user_jurisdictions').insert({ user_id: 'admin-1', code: '440600' });
    const own = await dispatch('admin-1');
    expect(own.status, JSON.stringify(own.body)).toBe(409);
    expect(own.body.error.message).toContain('administers this station');
    expect(fields(own)).toEqual(['qualitySupervisorId']);
    // A supervisor outside the station does not see its session: answered as for a session that does not exist.
    const unknown = await dispatchTo(MISSING_ULID, 'qs-fs', 'sup-xm');
    expect(unknown.status).toBe(404);
    expect(answer(await dispatch('qs-fs', 'sup-xm'))).toEqual(asUnknown(unknown, MISSING_ULID, sessionId));
    expect(await recorded()).toBeNull();

    const accepted = await dispatch('qs-fs');
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ id: sessionId, qualitySupervisor: { id: 'qs-fs' } });
    expect(await recorded()).toBe('qs-fs');
    const dispatched = await eventually(async () => {
      const items = (await h.api('GET', `/v1/sessions/${sessionId}/timeline`, { as: 'sup-fs' })).body.items as Array<{
        action: string;
        actorId: string;
        data: unknown;
      }>;
      return items.find((e) => e.action === 'quality_supervisor_dispatched');
    });
    expect(dispatched).toMatchObject({ actorId: 'sup-fs', data: { qualitySupervisorId: 'qs-fs' } });
    // A national quality supervisor serves anywhere.
    expect((await dispatch('qs-1', 'sup-1')).status).toBe(200);
    expect(await recorded()).toBe('qs-1');
  });
});
