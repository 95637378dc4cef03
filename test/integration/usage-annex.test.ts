import { parse } from "csv-parse/sync";
import { sql, type Kysely } from "kysely";
import type { Database, Metric, ProductKind } from "#db/schema";
import { runBilling } from "~/modules/billing/run.server";
import { ANNEX_HEADER, localIso, usageAnnexCsv, utcIso } from "~/modules/billing/annex.server";
import { decimalToMicros } from "~/modules/billing/money";
import { loader as tenantAnnex } from "~/routes/app.invoices.$invoiceId.annex[.csv]";
import { loader as opsAnnex } from "~/routes/ops.billing.invoices.$invoiceId.annex[.csv]";
import { createTestDb, type TestDb } from "../support/db";
import { commitBandwidth, createOrg, signedIn } from "../support/factories";
import { call, getRequest } from "../support/http";

/**
 * The usage annex of October 2026 at BZV (XAF, Africa/Brazzaville = UTC+1: the month is
 * 2026-09-30T23:00Z → 2026-10-31T23:00Z), recomputed the way an auditor would, from the CSV alone.
 *
 * Kara (contract KA, commit 50 Mbps, energy 150 XAF/kWh, overage 5 000 XAF/Mbps):
 * - bandwidth meter BZV-SW1 all month; BZV-SW2 until 15 October (moved to Other's contract KB on the
 *   16th, local: 2026-10-15T23:00Z).
 *   20 instants from 2026-10-05T10:00Z, k = 0..19: SW1 max(in 10 + k, out 5) = 10 + k,
 *   SW2 max(in 3, out 2k) → sums 13, 14, 16, then 10 + 3k = 19 … 67 (k = 3..19);
 *   2026-09-30T23:00Z (1 October 00:00 local): SW1 1 → 1; 2026-09-30T22:55Z (September local): 900, not October's;
 *   2026-10-15T22:55Z (15 October 23:55 local): SW2 100 alone → 100;
 *   2026-10-15T23:00Z and later SW2 belongs to KB (1 000, 500): never in Kara's series.
 *   N = 22 instants; kept = ceil(0.95 × 22) = 21; p95 = the 21st value ascending = 67; 1 discarded (100).
 *   Overage (67 − 50) × 5 000 = 85 000.
 * - power meter BZV-PDU-K: 1 000 (30 Sep 20:00Z, before the month) → 1 200 → 1 350.5 → reset 20 →
 *   100.25 (31 Oct 22:00Z = 23:00 local); 130 at 31 Oct 23:00Z is November's.
 *   kWh = last − first + Σ before resets = 100.25 − 1 000 + 1 350.5 = 450.75.
 * Other (contract KB): BZV-SW2 from the 16th, its own power meter BZV-PDU-O.
 */

let t: TestDb;
let bzv: string;
const org: Record<string, string> = {};
const contract: Record<string, string> = {};
const invoice: Record<string, string> = {};

async function addContract(db: Kysely<Database>, o: { orgId: string; siteId: string; startOn: string; commit: [number, number] }, lines: Partial<Record<ProductKind, [number, number]>>) {
  const row = await db
    .insertInto("contracts")
    .values({ org_id: o.orgId, site_id: o.siteId, request_id: null, start_on: o.startOn, end_on: null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const products = await db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", o.siteId).execute();
  await db
    .insertInto("contract_lines")
    .values(
      Object.entries(lines).map(([kind, [quantity, price]]) => {
        const p = products.find((x) => x.kind === kind)!;
        return { contract_id: row.id, product_id: p.id, kind: p.kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: price, setup_fee_minor: 0, currency: "XAF" as const };
      }),
    )
    .execute();
  // The committed bandwidth: [Mbps, monthly price per Mbps], a bandwidth_commit_mbps version.
  await commitBandwidth(db, row.id, o.commit[0], { price: o.commit[1] });
  return row.id;
}

type AnnexRow = Record<(typeof ANNEX_HEADER)[number], string>;
const parseAnnex = (csv: string): AnnexRow[] => parse(csv, { columns: true, skip_empty_lines: true });

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  bzv = (await t.db.selectFrom("sites").select("id").where("code", "=", "BZV").executeTakeFirstOrThrow()).id;
  org.kara = (await createOrg(t.db, { name: "Kara" })).id;
  org.other = (await createOrg(t.db, { name: "Other" })).id;
  const metered: Partial<Record<ProductKind, [number, number]>> = { energy_kwh: [0, 150], bandwidth_overage_mbps: [0, 5_000] };
  contract.KA = await addContract(t.db, { orgId: org.kara, siteId: bzv, startOn: "2026-01-01", commit: [50, 10_000] }, metered);
  contract.KB = await addContract(t.db, { orgId: org.other, siteId: bzv, startOn: "2026-01-01", commit: [10, 10_000] }, metered);

  const meter = async (externalId: string, kind: "power" | "bandwidth") =>
    (await t.db.insertInto("meters").values({ site_id: bzv, external_id: externalId, kind, description: null }).returning("id").executeTakeFirstOrThrow()).id;
  const sw1 = await meter("BZV-SW1", "bandwidth");
  const sw2 = await meter("BZV-SW2", "bandwidth");
  const pduK = await meter("BZV-PDU-K", "power");
  const pduO = await meter("BZV-PDU-O", "power");
  await t.db
    .insertInto("meter_attachments")
    .values([
      { meter_id: sw1, contract_id: contract.KA, attached_on: "2026-01-01", detached_on: null },
      { meter_id: sw2, contract_id: contract.KA, attached_on: "2026-01-01", detached_on: "2026-10-15" },
      { meter_id: sw2, contract_id: contract.KB, attached_on: "2026-10-16", detached_on: null },
      { meter_id: pduK, contract_id: contract.KA, attached_on: "2026-01-01", detached_on: null },
      { meter_id: pduO, contract_id: contract.KB, attached_on: "2026-01-01", detached_on: null },
    ])
    .execute();

  const samples: { meter_id: string; metric: Metric; at: Date; value: string }[] = [];
  const bw = (meterId: string, at: Date, inMbps: number, outMbps: number) => {
    samples.push({ meter_id: meterId, metric: "bw_in_mbps", at, value: String(inMbps) });
    // The out reading comes 3 s later: same 5-minute instant.
    samples.push({ meter_id: meterId, metric: "bw_out_mbps", at: new Date(at.getTime() + 3000), value: String(outMbps) });
  };
  for (let k = 0; k < 20; k++) {
    const at = new Date(Date.UTC(2026, 9, 5, 10, 5 * k));
    bw(sw1, at, 10 + k, 5);
    bw(sw2, at, 3, 2 * k);
  }
  bw(sw1, new Date("2026-09-30T22:55:00Z"), 900, 0);
  bw(sw1, new Date("2026-09-30T23:00:00Z"), 1, 0);
  bw(sw2, new Date("2026-10-15T22:55:00Z"), 100, 0);
  bw(sw2, new Date("2026-10-15T23:00:00Z"), 1000, 0);
  for (let k = 0; k < 20; k++) bw(sw2, new Date(Date.UTC(2026, 9, 20, 10, 5 * k)), 500, 0);
  const energy = (meterId: string, at: string, value: string) => samples.push({ meter_id: meterId, metric: "energy_kwh", at: new Date(at), value });
  energy(pduK, "2026-09-30T20:00:00Z", "1000");
  energy(pduK, "2026-10-10T00:00:00Z", "1200");
  energy(pduK, "2026-10-15T00:00:00Z", "1350.5");
  energy(pduK, "2026-10-15T00:05:00Z", "20");
  energy(pduK, "2026-10-31T22:00:00Z", "100.25");
  energy(pduK, "2026-10-31T23:00:00Z", "130");
  energy(pduO, "2026-10-01T00:00:00Z", "5");
  energy(pduO, "2026-10-30T00:00:00Z", "77");
  await t.db.insertInto("samples").values(samples).execute();

  await runBilling(t.db, { siteCode: "BZV", period: "2026-10" });
  for (const [key, id] of Object.entries(org)) {
    invoice[key] = (await t.db.selectFrom("invoices").select("id").where("org_id", "=", id).where("period", "=", "2026-10").executeTakeFirstOrThrow()).id;
  }
}, 120_000);

afterAll(async () => {
  await t?.cleanup();
});

const lineOf = (kind: "energy" | "bandwidth_overage") =>
  t.db.selectFrom("invoice_lines").select(["quantity", "details", "amount_minor"]).where("invoice_id", "=", invoice.kara).where("kind", "=", kind).executeTakeFirstOrThrow();
const same = (a: string, b: string) => expect(decimalToMicros(a)).toBe(decimalToMicros(b));

test("the annex of a draft: an auditor recomputes the p95 and the energy from the CSV alone, and finds the lines' figures", async () => {
  const csv = await usageAnnexCsv(t.db, invoice.kara);
  expect(csv.split("\n")[0]).toBe(ANNEX_HEADER.join(","));
  const rows = parseAnnex(csv);
  expect(rows[0]).toMatchObject({ record: "invoice", at_utc: "2026-09-30T23:00:00Z", at_local: "2026-10-01T00:00:00+01:00", until_utc: "2026-10-31T23:00:00Z" });
  expect(rows[0].detail).toBe("number=draft;period=2026-10;site=BZV;time_zone=Africa/Brazzaville;status=draft");
  // Only Kara's contract; the other tenant's contract and its own meter never appear.
  expect(new Set(rows.slice(1).map((r) => r.contract_id))).toEqual(new Set([contract.KA]));
  expect(csv).not.toContain("BZV-PDU-O");
  expect(csv).not.toContain(contract.KB);

  // Bandwidth: the meters and their windows (SW2 until its move, 16 October local).
  expect(rows.filter((r) => r.record === "bw_meter").map((r) => [r.meter, r.at_utc, r.until_utc, r.until_local])).toEqual([
    ["BZV-SW1", "2026-09-30T23:00:00Z", "2026-10-31T23:00:00Z", "2026-11-01T00:00:00+01:00"],
    ["BZV-SW2", "2026-09-30T23:00:00Z", "2026-10-15T23:00:00Z", "2026-10-16T00:00:00+01:00"],
  ]);
  const instants = rows.filter((r) => r.record === "bw_instant");
  const n = instants.length;
  expect(n).toBe(22);
  const values = instants.map((r) => Number(r.mbps));
  const expected = [1, 13, 14, 16, ...Array.from({ length: 17 }, (_, i) => 10 + 3 * (i + 3)), 100];
  expect([...values].sort((a, b) => a - b)).toEqual(expected);
  expect(values).not.toContain(900);
  expect(values).not.toContain(1000);
  expect(values).not.toContain(500);
  expect(instants[0]).toMatchObject({ at_utc: "2026-09-30T23:00:00Z", at_local: "2026-10-01T00:00:00+01:00", mbps: "1.000000" });
  expect(instants.find((r) => r.at_utc === "2026-10-05T10:00:00Z")).toMatchObject({ mbps: "13.000000", detail: "BZV-SW1=10.000000;BZV-SW2=3.000000" });
  expect(instants.find((r) => r.at_utc === "2026-10-15T22:55:00Z")).toMatchObject({ at_local: "2026-10-15T23:55:00+01:00", mbps: "100.000000", detail: "BZV-SW2=100.000000" });

  // Ranks are the ascending order; the discarded ones are the top n − ceil(0.95 n).
  const byRank = [...instants].sort((a, b) => Number(a.rank) - Number(b.rank));
  expect(byRank.map((r) => Number(r.rank))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(byRank.map((r) => Number(r.mbps))).toEqual(expected);
  const kept = Math.ceil((95 * n) / 100);
  const discarded = instants.filter((r) => r.discarded === "true");
  expect(discarded.length).toBe(n - kept);
  expect(discarded.map((r) => Number(r.mbps))).toEqual([100]);
  const maxKept = Math.max(...instants.filter((r) => r.discarded === "false").map((r) => Number(r.mbps)));
  expect(maxKept).toBe(67);

  const overage = await lineOf("bandwidth_overage");
  const billedP95 = (overage.details as { p95_mbps: string }).p95_mbps;
  same(billedP95, String(maxKept));
  same(overage.quantity, String(maxKept - 50));
  expect(overage.amount_minor).toBe(85_000);
  const summary = rows.find((r) => r.record === "bw_summary")!;
  expect(summary).toMatchObject({ rank: "21", discarded: "1", samples: "22" });
  // The month's commit, a decimal (day-weighted across the bandwidth versions, ADR 015): one version of 50.
  same(summary.commit_mbps, "50");
  same(summary.mbps, "67");
  same(summary.billed, billedP95);
  // The overage billed is billed − commit, from the CSV alone.
  expect(decimalToMicros(summary.billed) - decimalToMicros(summary.commit_mbps)).toBe(decimalToMicros(overage.quantity));

  // Energy: first, resets and last of the window; kWh = last − first + Σ before.
  const e = rows.filter((r) => r.record.startsWith("energy_"));
  expect(e.map((r) => [r.record, r.meter, r.at_utc, r.kwh_before, r.kwh])).toEqual([
    ["energy_meter", "BZV-PDU-K", "2026-09-30T23:00:00Z", "", "450.750000"],
    ["energy_first", "BZV-PDU-K", "2026-09-30T20:00:00Z", "", "1000.000000"],
    ["energy_reset", "BZV-PDU-K", "2026-10-15T00:05:00Z", "1350.500000", "20.000000"],
    ["energy_last", "BZV-PDU-K", "2026-10-31T22:00:00Z", "", "100.250000"],
    ["energy_summary", "", "2026-09-30T23:00:00Z", "", "450.750000"],
  ]);
  expect(e[3].at_local).toBe("2026-10-31T23:00:00+01:00");
  const first = decimalToMicros(e[1].kwh);
  const last = decimalToMicros(e[3].kwh);
  const resets = e.filter((r) => r.record === "energy_reset").reduce((s, r) => s + decimalToMicros(r.kwh_before), 0n);
  const energyLine = await lineOf("energy");
  expect(last - first + resets).toBe(decimalToMicros(energyLine.quantity));
  expect(decimalToMicros(energyLine.quantity)).toBe(450_750_000n);
  same(e[4].billed, energyLine.quantity);
});

test("routes: a tenant gets its own issued invoice's annex (the frozen copy once stored), never another's or a draft; operators get any", async () => {
  const kara = await signedIn(t.db, { orgId: org.kara, role: "billing" });
  const other = await signedIn(t.db, { orgId: org.other, role: "owner" });
  const finance = await signedIn(t.db, { operatorRole: "ops_finance" });
  const noc = await signedIn(t.db, { operatorRole: "ops_noc" });
  const tenantGet = (id: string, cookie: string) => call(tenantAnnex, getRequest(`/app/invoices/${id}/annex.csv`, { cookie }), { invoiceId: id });
  const opsGet = (id: string, cookie: string) => call(opsAnnex, getRequest(`/ops/billing/invoices/${id}/annex.csv`, { cookie }), { invoiceId: id });

  // A draft: 404 for its own tenant too.
  expect((await tenantGet(invoice.kara, kara.cookie)).status).toBe(404);
  await sql`UPDATE invoices SET status = 'issued', number = 'BZV-2026-000001', issued_on = '2026-11-02', due_on = '2026-12-02', payment_reference = 'BZV-PAY-0001'
             WHERE id = ${invoice.kara}`.execute(t.db);

  const own = await tenantGet(invoice.kara, kara.cookie);
  expect(own.status).toBe(200);
  expect(own.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  expect(own.headers.get("Content-Disposition")).toBe('attachment; filename="annex-BZV-2026-000001.csv"');
  const text = await own.text();
  expect(text).toBe(await usageAnnexCsv(t.db, invoice.kara));
  expect(parseAnnex(text)[0].detail).toContain("number=BZV-2026-000001");

  // Another organisation's invoice (issued or not), Other's own draft, a malformed id: 404.
  expect((await tenantGet(invoice.kara, other.cookie)).status).toBe(404);
  expect((await tenantGet(invoice.other, kara.cookie)).status).toBe(404);
  expect((await tenantGet(invoice.other, other.cookie)).status).toBe(404);
  expect((await tenantGet("not-a-uuid", kara.cookie)).status).toBe(404);

  // Operators with billing:manage: any invoice, drafts included; others refused.
  const draft = await opsGet(invoice.other, finance.cookie);
  expect(draft.status).toBe(200);
  expect(draft.headers.get("Content-Disposition")).toBe(`attachment; filename="annex-draft-${invoice.other}.csv"`);
  const otherRows = parseAnnex(await draft.text());
  expect(otherRows.filter((r) => r.record === "bw_instant").map((r) => Number(r.mbps))).toEqual([1000, ...Array(20).fill(500)]);
  expect(otherRows.find((r) => r.record === "energy_summary")?.kwh).toBe("72.000000");
  expect((await opsGet(invoice.kara, finance.cookie)).status).toBe(200);
  expect((await opsGet(invoice.kara, noc.cookie)).status).toBe(403);
  expect((await opsGet("00000000-0000-4000-8000-000000000000", finance.cookie)).status).toBe(404);
  expect((await opsGet(invoice.kara, kara.cookie)).status).toBe(404);

  // The copy frozen at issue is what is served from then on, even when samples change.
  const frozen = "record,contract_id\ninvoice,frozen\n";
  const doc = await t.db
    .insertInto("documents")
    .values({ kind: "usage_annex_csv", content_type: "text/csv", filename: "annex-BZV-2026-000001.csv", content: Buffer.from(frozen) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`UPDATE invoices SET annex_document_id = ${doc.id} WHERE id = ${invoice.kara}`.execute(t.db);
  expect(await (await tenantGet(invoice.kara, kara.cookie)).text()).toBe(frozen);
  expect(await (await opsGet(invoice.kara, finance.cookie)).text()).toBe(frozen);
  // Operators can still ask for the annex as of now (late samples included); tenants cannot.
  const live = await call(opsAnnex, getRequest(`/ops/billing/invoices/${invoice.kara}/annex.csv?live=1`, { cookie: finance.cookie }), { invoiceId: invoice.kara });
  expect(await live.text()).toBe(await usageAnnexCsv(t.db, invoice.kara));
  expect(await (await call(tenantAnnex, getRequest(`/app/invoices/${invoice.kara}/annex.csv?live=1`, { cookie: kara.cookie }), { invoiceId: invoice.kara })).text()).toBe(frozen);
});

test("local instants carry the site's offset, across a daylight-saving change and for half-hour offsets", () => {
  expect(localIso(new Date("2026-10-05T00:05:00Z"), "Africa/Lome")).toBe("2026-10-05T00:05:00+00:00");
  expect(localIso(new Date("2026-09-30T23:00:00Z"), "Africa/Kinshasa")).toBe("2026-10-01T00:00:00+01:00");
  expect(localIso(new Date("2026-10-25T00:59:59Z"), "Europe/Paris")).toBe("2026-10-25T02:59:59+02:00");
  expect(localIso(new Date("2026-10-25T01:00:00Z"), "Europe/Paris")).toBe("2026-10-25T02:00:00+01:00");
  expect(localIso(new Date("2026-07-01T12:34:56Z"), "America/St_Johns")).toBe("2026-07-01T10:04:56-02:30");
  expect(localIso(new Date("2026-12-01T12:34:56Z"), "America/St_Johns")).toBe("2026-12-01T09:04:56-03:30");
  expect(utcIso(new Date("2026-10-05T00:05:00Z"))).toBe("2026-10-05T00:05:00Z");
  // A reading's milliseconds are kept (two readings a fraction of a second apart stay distinct).
  expect(utcIso(new Date("2026-10-05T00:05:00.123Z"))).toBe("2026-10-05T00:05:00.123Z");
  expect(localIso(new Date("2026-10-05T00:05:00.123Z"), "Africa/Kinshasa")).toBe("2026-10-05T01:05:00.123+01:00");
});
