import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarterOf } from '../../domain/certificate';
import { seedApprovedSession, seedCertificate } from '../support/certificates';
import { licenseStation } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';
import { expectNoDrift } from '../support/statistics';

/**
 * Blank certificate stock (空白证书) through HTTP: Guangdong's supervisor (sup-gd) receives a serial range and gives
 * admin-1's station (Foshan, in Guangdong) forms up to its approved passes of the quarter; the station prints a
 * certificate on one, voids a spoiled one, and the quarter reconciles; a stocktake missing a form opens one
 * complaint case however often it is retried; an overlapping receipt is refused; Fujian's supervisor sees nothing.
 */
let h: Harness;
let stationId: number;
const quarter = quarterOf(Date.now());
const serial = (n: number) => `GD${String(n).padStart(8, '0')}`;
const certificate = () => seedCertificate(h, stationId);

const fields = (body: { error: { details: Array<{ field: string; code: string }> } }) => body.error.details.map((d) => `${d.field}:${d.code}`);
const reconciliation = async (as = 'admin-1') => (await h.api('GET', `/v1/stations/${stationId}/blank-forms?quarter=${quarter}`, { as })).body;

beforeAll(async () => {
  h = await startHarness();
  stationId = await licenseStation(h);
  await seedApprovedSession(h, stationId, 3);
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('blank certificate stock', () => {
  it('receives a range, refuses an overlapping one, and gives the station no more forms than its approved passes', async () => {
    const received = await h.api('POST', '/v1/blank-forms/receipts', {
      as: 'sup-gd',
      body: { provinceCode: '440000', firstSerial: serial(1), lastSerial: serial(10), batch: '2026年第一批' },
    });
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    expect(received.body).toMatchObject({ provinceCode: '440000', firstSerial: serial(1), lastSerial: serial(10), count: 10 });

    const overlapping = await h.api('POST', '/v1/blank-forms/receipts', {
      as: 'sup-gd',
      body: { provinceCode: '440000', firstSerial: serial(8), lastSerial: serial(15) },
    });
    expect(overlapping.status).toBe(409);
    expect(fields(overlapping.body)).toEqual(['firstSerial:overlap']);
    const backwards = await h.api('POST', '/v1/blank-forms/receipts', {
      as: 'sup-gd',
      body: { provinceCode: '440000', firstSerial: serial(30), lastSerial: serial(20) },
    });
    expect(fields(backwards.body)).toEqual(['lastSerial:before_first']);
    const stock = await h.api('GET', '/v1/blank-forms?provinceCode=440000', { as: 'sup-gd' });
    expect(stock.body).toMatchObject({ received: 10, inStock: 10, inStockRanges: [{ first: serial(1), last: serial(10), count: 10 }] });

    const request = await h.api('POST', `/v1/stations/${stationId}/blank-forms/requests`, { as: 'admin-1', body: { quarter, count: 3 } });
    expect(request.status, JSON.stringify(request.body)).toBe(201);
    expect((await reconciliation()).requests.map((e: { data: { count: number } }) => e.data.count)).toEqual([3]);

    // Three passes this quarter: four forms are too many, three are given, and then none more.
    const tooMany = await h.api('POST', `/v1/stations/${stationId}/blank-forms/distributions`, { as: 'sup-gd', body: { quarter, count: 4 } });
    expect(tooMany.status).toBe(409);
    expect(fields(tooMany.body)).toEqual(['count:over_allowance']);
    const given = await h.api('POST', `/v1/stations/${stationId}/blank-forms/distributions`, { as: 'sup-gd', body: { quarter, count: 3 } });
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    expect(given.body.ranges).toEqual([{ first: serial(1), last: serial(3), count: 3 }]);
    const more = await h.api('POST', `/v1/stations/${stationId}/blank-forms/distributions`, {
      as: 'sup-gd',
      body: { quarter, firstSerial: serial(4), lastSerial: serial(4) },
    });
    expect(fields(more.body)).toEqual(['lastSerial:over_allowance']);
    expect(await reconciliation()).toMatchObject({ approvedPasses: 3, received: 3, inStock: 3, allowance: 0 });
  });

  it('prints a certificate on a form once, voids a spoiled one, and the quarter reconciles', async () => {
    const number = await certificate();
    const printed = await h.api('POST', `/v1/certificates/${number}/print`, { as: 'admin-1', body: { serial: serial(1) } });
    expect(printed.status, JSON.stringify(printed.body)).toBe(200);
    expect(printed.body).toMatchObject({ serial: serial(1), status: 'printed', certificateNumber: number });
    expect((await h.db('certificates').where({ number }).first()).blank_serial).toBe(serial(1));

    const again = await h.api('POST', `/v1/certificates/${number}/print`, { as: 'admin-1', body: { serial: serial(2) } });
    expect(again.status).toBe(409);
    expect(fields(again.body)).toEqual(['number:already_printed']);
    // A form still in the province's stock is not the station's to print on.
    const other = await certificate();
    const notGiven = await h.api('POST', `/v1/certificates/${other}/print`, { as: 'admin-1', body: { serial: serial(9) } });
    expect(fields(notGiven.body)).toEqual(['serial:not_in_stock']);

    const voided = await h.api('POST', `/v1/blank-forms/${serial(2)}/void`, { as: 'admin-1', body: { reason: '打印错位，证书作废' } });
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    expect(voided.body).toMatchObject({ status: 'voided', voidReason: '打印错位，证书作废', voidedBy: 'admin-1' });
    const printedVoid = await h.api('POST', `/v1/blank-forms/${serial(1)}/void`, { as: 'admin-1', body: { reason: '重复' } });
    expect(fields(printedVoid.body)).toEqual(['serial:not_in_stock']);

    expect(await reconciliation('sup-gd')).toMatchObject({
      received: 3,
      issued: 1,
      voided: 1,
      inStock: 1,
      balanced: true,
      inStockRanges: [{ first: serial(3), last: serial(3), count: 1 }],
    });
    // The certificate's own trail tells of the print.
    expect(await h.db('events').where({ case_type: 'certificate', case_id: number }).pluck('action')).toContain('certificate_printed');
  });

  it('a stocktake that matches opens nothing; one missing a form opens exactly one complaint, however often retried', async () => {
    const matching = await h.api('POST', `/v1/stations/${stationId}/blank-forms/stocktakes`, { as: 'admin-1', body: { quarter, inHand: [serial(3)] } });
    expect(matching.status, JSON.stringify(matching.body)).toBe(201);
    expect(matching.body.stocktake).toMatchObject({ counted: 1, expected: 1, balanced: true, complaintId: null });

    const key = 'stocktake-missing-one';
    const missing = () =>
      h.api('POST', `/v1/stations/${stationId}/blank-forms/stocktakes`, { as: 'admin-1', body: { quarter, inHand: [] }, headers: { 'Idempotency-Key': key } });
    const first = await missing();
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.stocktake).toMatchObject({ counted: 0, expected: 1, balanced: false, missing: [serial(3)] });
    expect(first.body.reconciliation.balanced).toBe(false);
    const complaintId = first.body.stocktake.complaintId as string;
    expect(complaintId).toBeTruthy();

    // The API died before storing the answer: the retry takes over the stale claim, runs again with the same
    // reserved id, and finds its stocktake and its case.
    await h
      .db('idempotency_keys')
      .where({ idem_key: key })
      .update({ status_code: null, response: null, claimed_at: new Date(Date.now() - 60_000) });
    const retried = await missing();
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.body.stocktake).toMatchObject({ id: first.body.stocktake.id, complaintId });
    expect((await missing()).body.stocktake.complaintId).toBe(complaintId);

    const complaint = await eventually(async () => {
      const res = await h.api('GET', `/v1/complaints/${complaintId}`, { as: 'sup-gd' });
      return res.status === 200 ? res.body.record : undefined;
    });
    expect(complaint).toMatchObject({ category: 'fraudulent_appraisal' });
    const rows = await eventually(async () => {
      const found = await h.db('complaints').where({ station_id: stationId });
      return found.length ? found : undefined;
    });
    expect(rows.map((r) => r.id)).toEqual([complaintId]);
    expect(await h.db('blank_form_stocktakes').where({ station_id: stationId, balanced: false }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  it("outside one's jurisdiction the station's stock is not there", async () => {
    expect((await h.api('GET', `/v1/stations/${stationId}/blank-forms`, { as: 'sup-fj' })).status).toBe(404);
    expect((await h.api('GET', '/v1/blank-forms?provinceCode=440000', { as: 'sup-fj' })).status).toBe(404);
    const distribution = await h.api('POST', `/v1/stations/${stationId}/blank-forms/distributions`, { as: 'sup-fj', body: { count: 1 } });
    expect(distribution.status).toBe(404);
    const receipt = await h.api('POST', '/v1/blank-forms/receipts', {
      as: 'sup-fj',
      body: { provinceCode: '440000', firstSerial: 'FJ0001', lastSerial: 'FJ0002' },
    });
    expect(fields(receipt.body)).toEqual(['provinceCode:no_such_province']);
    // Another station's administrator: neither its forms nor its page.
    expect((await h.api('POST', `/v1/blank-forms/${serial(3)}/void`, { as: 'admin-2', body: { reason: '不是我的' } })).status).toBe(404);
    expect((await h.api('POST', `/v1/stations/${stationId}/blank-forms/stocktakes`, { as: 'admin-2', body: { quarter, inHand: 0 } })).status).toBe(404);
    // Nothing moved.
    expect(await reconciliation()).toMatchObject({ received: 3, issued: 1, voided: 1, inStock: 1 });
  });
});

it('leaves the statistics summaries equal to a recomputation from the registers', () => expectNoDrift(h));
