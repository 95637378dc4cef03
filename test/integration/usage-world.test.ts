import { createTestDb, type TestDb } from "../support/db";
import { call, getRequest } from "../support/http";
import { commitBandwidth, createOrg, createUser, signedIn } from "../support/factories";
import type { Metric, ProductKind } from "#db/schema";
import { contractSamplesCsv, contractUsage } from "~/modules/metering/contract-usage.server";
import { attachMeter, listMeters } from "~/modules/metering/meters.server";
import { applyTermination } from "~/modules/requests/contracts.server";
import { inTransaction } from "~/utils/db.server";
import { loader as pageLoader } from "~/routes/app.usage.$contractId";
import { loader as csvLoader } from "~/routes/app.usage.$contractId.samples[.csv]";

/**
 * Two tenants at Lomé (Africa/Lome = UTC, so local days are UTC days), October 2026 (a closed month):
 *
 *   CA  tenant A, since 2026-09-01, commit 60 Mbps
 *   CB1 tenant B, since 2026-09-01, commit 200 Mbps, terminated on 2026-10-10 (last day) by an operator
 *   CB2 tenant B, since 2026-09-01, commit 100 Mbps
 *
 *   meter     kind       attached (October windows, [from, to))
 *   A-PDU     power      CA all month                      [10-01, 11-01)
 *   A-SW      bandwidth  CA all month                      [10-01, 11-01)
 *   MV-PDU    power      CA, moved to CB2 from 10-16       CA [10-01, 10-16), CB2 [10-16, 11-01)
 *   MV-SW     bandwidth  CA, moved to CB2 from 10-16       CA [10-01, 10-16), CB2 [10-16, 11-01)
 *   FUT-SW    bandwidth  CA from 10-25 (future on 10-20)   CA [10-25, 11-01)
 *   B1-PDU    power      CB1 until its termination         CB1 [10-01, 10-11)
 *   B1-SW     bandwidth  CB1 until its termination         CB1 [10-01, 10-11)
 *   B2-SW     bandwidth  CB2 all month                     CB2 [10-01, 11-01)
 *
 * Every meter also reports outside its windows (before the month, after a termination, before an
 * attachment, after a move): those samples belong to no one else. Collectors' clocks jitter: the
 * second meter of an instant, and `out` after `in`, arrive a few seconds late; one 5-minute instant
 * all the same. Every expected figure below is worked out by hand from the table above.
 */

let t: TestDb;
let ldc: string;
let CA: string;
let CB1: string;
let CB2: string;
let tenantA: { id: string; cookie: string };
let tenantB: { id: string; cookie: string };
const meterIds: Record<string, string> = {};

const at = (day: number, h: number, m: number, s = 0) => new Date(Date.UTC(2026, 9, day, h, m, s));
const atSep = (day: number, h: number, m: number) => new Date(Date.UTC(2026, 8, day, h, m));
const atNov = (day: number, h: number, m: number) => new Date(Date.UTC(2026, 10, day, h, m));
const FIVE = 300_000;

/** Every sample written, to list each contract's CSV rows from the windows above. */
const written: { meter: string; metric: Metric; at: Date; value: number }[] = [];
function sample(meter: string, metric: Metric, instant: Date, value: number) {
  written.push({ meter, metric, at: instant, value });
}

/** A contract with its frozen lines and its committed bandwidth: [Mbps, monthly price per Mbps]. */
async function contract(orgId: string, [commitMbps, commitPrice]: readonly [number, number], lines: Partial<Record<ProductKind, readonly [number, number]>>) {
  const row = await t.db
    .insertInto("contracts")
    .values({ org_id: orgId, site_id: ldc, start_on: "2026-09-01", term_months: 12, request_id: null, approved_by: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  await commitBandwidth(t.db, row.id, commitMbps, { price: commitPrice });
  const products = await t.db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", ldc).execute();
  await t.db
    .insertInto("contract_lines")
    .values(
      Object.entries(lines).map(([kind, [quantity, price]]) => {
        const p = products.find((x) => x.kind === kind)!;
        return { contract_id: row.id, product_id: p.id, kind: p.kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: price, currency: "XOF" as const };
      }),
    )
    .execute();
  return row.id;
}

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  const site = await t.db.selectFrom("sites").select(["id", "time_zone", "currency"]).where("code", "=", "LDC").executeTakeFirstOrThrow();
  expect(site).toMatchObject({ time_zone: "Africa/Lome", currency: "XOF" });
  ldc = site.id;
  const orgA = await createOrg(t.db, { name: "Tenant A" });
  const orgB = await createOrg(t.db, { name: "Tenant B" });
  tenantA = await signedIn(t.db, { orgId: orgA.id, role: "viewer" });
  tenantB = await signedIn(t.db, { orgId: orgB.id, role: "viewer" });
  const operator = await createUser(t.db, { operatorRole: "ops_admin" });
  const actor = { id: operator.id, email: operator.email };

  const prices = { power_commit_kw: [2, 90_000], energy_kwh: [0, 150], bandwidth_overage_mbps: [0, 5_000] } as const;
  CA = await contract(orgA.id, [60, 10_000], prices);
  CB1 = await contract(orgB.id, [200, 10_000], prices);
  CB2 = await contract(orgB.id, [100, 10_000], prices);

  const meters: [string, "power" | "bandwidth"][] = [
    ["A-PDU", "power"],
    ["A-SW", "bandwidth"],
    ["MV-PDU", "power"],
    ["MV-SW", "bandwidth"],
    ["FUT-SW", "bandwidth"],
    ["B1-PDU", "power"],
    ["B1-SW", "bandwidth"],
    ["B2-SW", "bandwidth"],
  ];
  for (const [externalId, kind] of meters) {
    meterIds[externalId] = (await t.db.insertInto("meters").values({ site_id: ldc, external_id: externalId, kind, description: null }).returning("id").executeTakeFirstOrThrow()).id;
  }
  const attach = async (meter: string, contractId: string, fromOn: string) =>
    expect(await inTransaction((trx) => attachMeter(trx, { meterId: meterIds[meter], contractId, fromOn, actor }))).toEqual({ ok: true });
  for (const m of ["A-PDU", "A-SW", "MV-PDU", "MV-SW"]) await attach(m, CA, "2026-09-01");
  for (const m of ["B1-PDU", "B1-SW"]) await attach(m, CB1, "2026-09-01");
  await attach("B2-SW", CB2, "2026-09-01");
  await attach("FUT-SW", CA, "2026-10-25");
  // The move: MV-* measure CB2 from 16 October; their CA attachment ends on the 15th.
  await attach("MV-PDU", CB2, "2026-10-16");
  await attach("MV-SW", CB2, "2026-10-16");
  // The termination, through the operators' use-case (its request written as the tenant's page would).
  const change = await t.db
    .insertInto("contract_changes")
    .values({ contract_id: CB1, org_id: orgB.id, kind: "termination", requested_end_on: "2026-10-10", details: null, requested_by: tenantB.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  expect(await inTransaction((trx) => applyTermination(trx, { changeId: change.id, endOn: "2026-10-10", actor }))).toEqual({ ok: true });

  // --- Bandwidth -------------------------------------------------------------------------------
  // CA, 2 October from 00:00, 40 instants k = 0..39: A-SW in 10 + k (out 5, 2 s late);
  // MV-SW in 20 (3 s late), out 1 (4 s late).
  for (let k = 0; k < 40; k++) {
    const i = new Date(at(2, 0, 0).getTime() + k * FIVE);
    sample("A-SW", "bw_in_mbps", i, 10 + k);
    sample("A-SW", "bw_out_mbps", new Date(i.getTime() + 2000), 5);
    sample("MV-SW", "bw_in_mbps", new Date(i.getTime() + 3000), 20);
    sample("MV-SW", "bw_out_mbps", new Date(i.getTime() + 4000), 1);
  }
  // FUT-SW before its attachment (counts for no one) and after it (CA): 26 October 00:00 and 00:05.
  for (let k = 0; k < 6; k++) sample("FUT-SW", "bw_in_mbps", new Date(at(2, 0, 0).getTime() + k * FIVE), 1000);
  for (let k = 0; k < 2; k++) {
    sample("FUT-SW", "bw_in_mbps", new Date(at(26, 0, 0).getTime() + k * FIVE), 500);
    sample("FUT-SW", "bw_out_mbps", new Date(at(26, 0, 0).getTime() + k * FIVE + 2000), 400);
  }
  // CB1, 3 October from 00:00, 20 instants k = 0..19: B1-SW in 100 + 5k, out 150 (1 s late).
  for (let k = 0; k < 20; k++) {
    const i = new Date(at(3, 0, 0).getTime() + k * FIVE);
    sample("B1-SW", "bw_in_mbps", i, 100 + 5 * k);
    sample("B1-SW", "bw_out_mbps", new Date(i.getTime() + 1000), 150);
  }
  // B1-SW before the month and after the termination: counted nowhere.
  sample("B1-SW", "bw_in_mbps", atSep(30, 23, 55), 900);
  sample("B1-SW", "bw_in_mbps", at(12, 10, 0), 900);
  // CB2, 20 October from 00:00, 20 instants k = 0..19: B2-SW in 50, out 60 (2 s late);
  // MV-SW (now CB2's) in k (3 s late), out 0 (4 s late).
  for (let k = 0; k < 20; k++) {
    const i = new Date(at(20, 0, 0).getTime() + k * FIVE);
    sample("B2-SW", "bw_in_mbps", i, 50);
    sample("B2-SW", "bw_out_mbps", new Date(i.getTime() + 2000), 60);
    sample("MV-SW", "bw_in_mbps", new Date(i.getTime() + 3000), k);
    sample("MV-SW", "bw_out_mbps", new Date(i.getTime() + 4000), 0);
  }

  // --- Power draw ------------------------------------------------------------------------------
  // CA, 2 October 00:00, 00:05, 00:10: A-PDU 1000, 1200, 1100; MV-PDU 500, 500, 900 (4 s late).
  [1000, 1200, 1100].forEach((w, k) => sample("A-PDU", "power_w", new Date(at(2, 0, 0).getTime() + k * FIVE), w));
  [500, 500, 900].forEach((w, k) => sample("MV-PDU", "power_w", new Date(at(2, 0, 0).getTime() + k * FIVE + 4000), w));
  // MV-PDU after the move: CB2's.
  sample("MV-PDU", "power_w", at(20, 0, 0), 700);
  // CB1: 3000 W on 3 October; 9999 W after its termination, counted nowhere.
  sample("B1-PDU", "power_w", at(3, 0, 0), 3000);
  sample("B1-PDU", "power_w", at(12, 0, 0), 9999);

  // --- Energy counters (kWh) ------------------------------------------------------------------
  // A-PDU: 100 on 30 Sep (the starting point), 150 (+50), reset to 20 (+20), 50 (+30); 80 in November.
  sample("A-PDU", "energy_kwh", atSep(30, 23, 0), 100);
  sample("A-PDU", "energy_kwh", at(5, 0, 0), 150);
  sample("A-PDU", "energy_kwh", at(10, 0, 0), 20);
  sample("A-PDU", "energy_kwh", at(31, 0, 0), 50);
  sample("A-PDU", "energy_kwh", atNov(1, 0, 0), 80);
  // MV-PDU: 1000 on 30 Sep, 1040 (+40), 1050 on 15 Oct 23:00 (+10) for CA; after the move, from 1050
  // (the last reading before CB2's window): 1053 (+3), 1060 (+7) for CB2.
  sample("MV-PDU", "energy_kwh", atSep(30, 23, 0), 1000);
  sample("MV-PDU", "energy_kwh", at(10, 0, 0), 1040);
  sample("MV-PDU", "energy_kwh", at(15, 23, 0), 1050);
  sample("MV-PDU", "energy_kwh", at(16, 1, 0), 1053);
  sample("MV-PDU", "energy_kwh", at(31, 0, 0), 1060);
  // B1-PDU: 500 (first reading, nothing before), 520 (+20), 530 (+10); 600 after the termination.
  sample("B1-PDU", "energy_kwh", at(1, 0, 0), 500);
  sample("B1-PDU", "energy_kwh", at(5, 0, 0), 520);
  sample("B1-PDU", "energy_kwh", at(10, 12, 0), 530);
  sample("B1-PDU", "energy_kwh", at(20, 0, 0), 600);

  await t.db
    .insertInto("samples")
    .values(written.map((s) => ({ meter_id: meterIds[s.meter], metric: s.metric, at: s.at, value: String(s.value) })))
    .execute();
});

afterAll(async () => {
  await t.cleanup();
});

const OPERATOR = { operator: true } as const;
const AFTER_OCTOBER = new Date("2026-12-01T12:00:00Z"); // October is closed: final figures
const usage = (id: string) => contractUsage(t.db, OPERATOR, id, "2026-10", AFTER_OCTOBER).then((u) => u!);
/** The hourly series as rows, each hour (counted from the month's first instant) as its UTC instant. */
const series = ({ hourly, period }: Awaited<ReturnType<typeof usage>>) =>
  hourly.hour.map((h, i) => ({ hour: new Date(period.from.getTime() + h * 3_600_000).toISOString(), in: hourly.inMbps[i], out: hourly.outMbps[i], power: hourly.powerW[i] }));

test("CA: its own meters over their own windows — not CB1's after the termination, not MV-* after the move, not FUT-SW before its date", async () => {
  const u = await usage(CA);
  expect(u.meters.map((m) => m.externalId).sort()).toEqual(["A-PDU", "A-SW", "FUT-SW", "MV-PDU", "MV-SW"]);
  // Per instant on 2 Oct: max(10 + k, 5) + max(20, 1) = 30 + k, k = 0..39; on 26 Oct FUT-SW max(500, 400)
  // = 500, twice. N = 42, position (95 × 42 + 99) div 100 = 40: sorted 30..69, 500, 500 → 69.
  expect(u.bandwidth).toMatchObject({ p95Mbps: "69.000000", samples: 42, commitMbps: 60, overMbps: "9.000000" });
  // Above the 60 Mbps commit: 30 + k > 60 for k = 31..39 (9), and the two FUT-SW instants.
  expect(u.bandwidth.burst.used).toBe(11);
  expect(u.bandwidth.overageMinor).toBe(45_000); // 9 Mbps × 5,000
  // Per instant: 1000 + 500, 1200 + 500, 1100 + 900 → peak 2000, average 5200 / 3 = 1733.3.
  expect(u.power).toMatchObject({ peakW: "2000.000000", averageW: "1733.3" });
  // A-PDU 50 + 20 + 30 = 100; MV-PDU until the move 40 + 10 = 50 → 150 kWh (× 150 = 22,500).
  expect(u.energy.kwh).toBe("150.000000");
  expect(u.energy.costMinor).toBe(22_500);
  // Hourly maxima of per-instant sums: in 30 + k (k = 11, 23, 35, 39 at the end of each hour), out 5 + 1.
  expect(series(u)).toEqual([
    { hour: "2026-10-02T00:00:00.000Z", in: 41, out: 6, power: 2000 },
    { hour: "2026-10-02T01:00:00.000Z", in: 53, out: 6, power: null },
    { hour: "2026-10-02T02:00:00.000Z", in: 65, out: 6, power: null },
    { hour: "2026-10-02T03:00:00.000Z", in: 69, out: 6, power: null },
    { hour: "2026-10-26T00:00:00.000Z", in: 500, out: 400, power: null },
  ]);
});

test("CB1, terminated on 10 October: its meters until then, nobody else's", async () => {
  const u = await usage(CB1);
  expect(u.meters.map((m) => m.externalId).sort()).toEqual(["B1-PDU", "B1-SW"]);
  // max(100 + 5k, 150): 150 for k = 0..10 (11 instants), then 155..195. N = 20, position 19 → 190.
  expect(u.bandwidth).toMatchObject({ p95Mbps: "190.000000", samples: 20, overMbps: "0", overageMinor: 0 });
  expect(u.power).toMatchObject({ peakW: "3000.000000", averageW: "3000.0" });
  // 500 → 520 → 530: 30 kWh (the 600 of the 20th is after the contract).
  expect(u.energy.kwh).toBe("30.000000");
  expect(series(u)).toEqual([
    { hour: "2026-10-03T00:00:00.000Z", in: 155, out: 150, power: 3000 },
    { hour: "2026-10-03T01:00:00.000Z", in: 195, out: 150, power: null },
  ]);
});

test("CB2: its own meter, and the moved meters from the 16th only", async () => {
  const u = await usage(CB2);
  expect(u.meters.map((m) => m.externalId).sort()).toEqual(["B2-SW", "MV-PDU", "MV-SW"]);
  // max(50, 60) + max(k, 0) = 60 + k, k = 0..19: N = 20, position 19 → 78.
  expect(u.bandwidth).toMatchObject({ p95Mbps: "78.000000", samples: 20, overMbps: "0", overageMinor: 0 });
  expect(u.power).toMatchObject({ peakW: "700.000000", averageW: "700.0" });
  // From 1050 (15 Oct 23:00, the last reading before the window): +3, +7 = 10 kWh.
  expect(u.energy.kwh).toBe("10.000000");
  expect(series(u)).toEqual([
    { hour: "2026-10-20T00:00:00.000Z", in: 61, out: 60, power: 700 },
    { hour: "2026-10-20T01:00:00.000Z", in: 69, out: 60, power: null },
  ]);
});

describe("the CSV of each contract holds exactly its meters' samples in their windows", () => {
  const windows: Record<string, [string, Date, Date][]> = {
    CA: [
      ["A-PDU", at(1, 0, 0), atNov(1, 0, 0)],
      ["A-SW", at(1, 0, 0), atNov(1, 0, 0)],
      ["MV-PDU", at(1, 0, 0), at(16, 0, 0)],
      ["MV-SW", at(1, 0, 0), at(16, 0, 0)],
      ["FUT-SW", at(25, 0, 0), atNov(1, 0, 0)],
    ],
    CB1: [
      ["B1-PDU", at(1, 0, 0), at(11, 0, 0)],
      ["B1-SW", at(1, 0, 0), at(11, 0, 0)],
    ],
    CB2: [
      ["B2-SW", at(1, 0, 0), atNov(1, 0, 0)],
      ["MV-PDU", at(16, 0, 0), atNov(1, 0, 0)],
      ["MV-SW", at(16, 0, 0), atNov(1, 0, 0)],
    ],
  };
  // A-SW 80 + A-PDU 3 power + 3 energy + MV-SW 80 + MV-PDU 3 + 2 + FUT-SW 4 = 175;
  // B1-SW 40 + B1-PDU 1 + 3 = 44; B2-SW 40 + MV-SW 40 + MV-PDU 1 + 2 = 83.
  test.each([
    ["CA", 175],
    ["CB1", 44],
    ["CB2", 83],
  ])("%s: %i rows", async (name, rows) => {
    const id = { CA, CB1, CB2 }[name]!;
    let text = "";
    for await (const chunk of contractSamplesCsv(t.db, OPERATOR, id, "2026-10")) text += chunk;
    const [header, ...lines] = text.trimEnd().split("\n");
    expect(header).toBe("meter,metric,at,value");
    const expected = written
      .filter((s) => windows[name].some(([meter, from, to]) => s.meter === meter && s.at >= from && s.at < to))
      .map((s) => `${s.meter},${s.metric},${s.at.toISOString()},${s.value.toFixed(6)}`);
    expect(expected).toHaveLength(rows);
    expect(lines.sort()).toEqual(expected.sort());
  });
});

test("the operators' meter list on a given day: current attachments, and the upcoming ones said as such", async () => {
  const on = async (today: string) => Object.fromEntries((await listMeters(t.db, ldc, today)).map((m) => [m.external_id, m]));
  const before = await on("2026-10-12");
  // On 12 October: MV-SW still measures CA, and goes to CB2 on the 16th; FUT-SW measures nothing yet.
  expect(before["MV-SW"]).toMatchObject({ contract_id: CA, attached_on: "2026-09-01", upcoming_contract_id: CB2, upcoming_on: "2026-10-16" });
  expect(before["FUT-SW"]).toMatchObject({ contract_id: null, upcoming_contract_id: CA, upcoming_on: "2026-10-25" });
  // CB1 ended on the 10th: its meters are attached to nothing.
  expect(before["B1-SW"]).toMatchObject({ contract_id: null, upcoming_contract_id: null });
  const after = await on("2026-10-25");
  expect(after["FUT-SW"]).toMatchObject({ contract_id: CA, attached_on: "2026-10-25", upcoming_contract_id: null });
  expect(after["MV-SW"]).toMatchObject({ contract_id: CB2, attached_on: "2026-10-16" });
});

test("on 20 October, CA's usage names FUT-SW as upcoming from the 25th and the moved meters with their dates", async () => {
  const u = (await contractUsage(t.db, OPERATOR, CA, "2026-10", new Date("2026-10-20T12:00:00Z")))!;
  const m = Object.fromEntries(u.meters.map((x) => [x.externalId, x]));
  expect(m["FUT-SW"]).toMatchObject({ fromOn: "2026-10-25", untilOn: null, upcoming: true });
  expect(m["MV-SW"]).toMatchObject({ fromOn: "2026-09-01", untilOn: "2026-10-15", upcoming: false });
  expect(m["A-SW"]).toMatchObject({ fromOn: "2026-09-01", untilOn: null, upcoming: false });
});

test("each tenant reads its own contracts and gets 404 for the other's, on the page and the CSV", async () => {
  const page = (cookie: string, id: string) => call(pageLoader, getRequest(`/app/usage/${id}?month=2026-10`, { cookie }), { contractId: id });
  const csv = (cookie: string, id: string) => call(csvLoader, getRequest(`/app/usage/${id}/samples.csv?month=2026-10`, { cookie }), { contractId: id });
  for (const [cookie, mine, theirs] of [
    [tenantA.cookie, [CA], [CB1, CB2]],
    [tenantB.cookie, [CB1, CB2], [CA]],
  ] as const) {
    for (const id of mine) {
      expect((await page(cookie, id)).status).toBe(200);
      expect((await csv(cookie, id)).status).toBe(200);
    }
    for (const id of theirs) {
      expect((await page(cookie, id)).status).toBe(404);
      expect((await csv(cookie, id)).status).toBe(404);
    }
  }
  // Through the page: CA's figures are CA's.
  const d = await (await page(tenantA.cookie, CA)).json();
  expect(d.bandwidth).toMatchObject({ p95Mbps: "69.000000", samples: 42 });
  expect(d.energy.kwh).toBe("150.000000");
});
