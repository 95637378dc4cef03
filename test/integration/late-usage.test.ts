import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { provideDictionary } from "~/i18n/dictionary";
import { sql, type Kysely } from "kysely";
import type { Database, Metric, ProductKind } from "#db/schema";
import { runBilling } from "~/modules/billing/run.server";
import { lateUsage } from "~/modules/billing/late-usage.server";
import LateUsagePage, { loader as lateUsagePage } from "~/routes/ops.billing.late-usage";
import { fr } from "~/i18n/fr";
import { en } from "~/i18n/en";
import { createTestDb, type TestDb } from "../support/db";
import { commitBandwidth, createOrg, signedIn } from "../support/factories";
import { body, call, getRequest } from "../support/http";

/**
 * Late usage at LDC (XOF, UTC) for October 2026, figures by hand.
 *
 * Billed (issued on 2 November):
 * - Kara, contract KA (commit 50 Mbps; 150 XOF/kWh; 5 000 XOF per Mbps above the commit):
 *   energy 1 000 (30 Sep) → 1 100.5 (20 Oct) = 100.5 kWh × 150 = 15 075;
 *   bandwidth 20 instants max(in 40 + 2k, out 10) = 40..78, p95 at position (20·95 + 99) div 100 = 19
 *   → 76 Mbps; (76 − 50) × 5 000 = 130 000.
 * - Other, contract KB: energy 0 → 10 kWh; bandwidth 5 Mbps (below its commit of 10): no overage line.
 * - Charlie, contract KC: its October invoice stays a draft.
 * Late samples for Kara's October, arrived after issue:
 *   energy 1 200.75 on 31 Oct → 200.75 kWh × 150 = 30 112.5 → 30 113; difference 30 113 − 15 075 = +15 038;
 *   bandwidth 10 more instants at 100 Mbps → N = 30, position (30·95 + 99) div 100 = 29 → 100 Mbps;
 *   (100 − 50) × 5 000 = 250 000; difference +120 000. Invoice difference +135 038.
 */

let t: TestDb;
let ldc: string;
const org: Record<string, string> = {};
const contract: Record<string, string> = {};
const invoice: Record<string, string> = {};
const meter: Record<string, string> = {};

async function addContract(db: Kysely<Database>, o: { orgId: string; commit: [number, number] }, lines: Partial<Record<ProductKind, [number, number]>>) {
  const row = await db
    .insertInto("contracts")
    .values({ org_id: o.orgId, site_id: ldc, request_id: null, start_on: "2026-01-01", end_on: null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const products = await db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", ldc).execute();
  await db
    .insertInto("contract_lines")
    .values(
      Object.entries(lines).map(([kind, [quantity, price]]) => {
        const p = products.find((x) => x.kind === kind)!;
        return { contract_id: row.id, product_id: p.id, kind: p.kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: price, setup_fee_minor: 0, currency: "XOF" as const };
      }),
    )
    .execute();
  // The committed bandwidth: [Mbps, monthly price per Mbps], a bandwidth_commit_mbps version.
  await commitBandwidth(db, row.id, o.commit[0], { price: o.commit[1] });
  return row.id;
}

type Sample = { meter_id: string; metric: Metric; at: Date; value: string };
const bandwidth = (meterId: string, at: Date, inMbps: number, outMbps: number): Sample[] => [
  { meter_id: meterId, metric: "bw_in_mbps", at, value: String(inMbps) },
  { meter_id: meterId, metric: "bw_out_mbps", at: new Date(at.getTime() + 2000), value: String(outMbps) },
];
const reading = (meterId: string, at: string, value: string): Sample => ({ meter_id: meterId, metric: "energy_kwh", at: new Date(at), value });
const insert = (samples: Sample[]) => t.db.insertInto("samples").values(samples).execute();

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  ldc = (await t.db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow()).id;
  for (const name of ["Kara", "Other", "Charlie"]) org[name] = (await createOrg(t.db, { name })).id;
  const metered: Partial<Record<ProductKind, [number, number]>> = { energy_kwh: [0, 150], bandwidth_overage_mbps: [0, 5_000] };
  contract.KA = await addContract(t.db, { orgId: org.Kara, commit: [50, 10_000] }, metered);
  contract.KB = await addContract(t.db, { orgId: org.Other, commit: [10, 10_000] }, metered);
  contract.KC = await addContract(t.db, { orgId: org.Charlie, commit: [10, 10_000] }, metered);
  for (const [name, kind, c] of [
    ["PA", "power", contract.KA],
    ["SA", "bandwidth", contract.KA],
    ["PB", "power", contract.KB],
    ["SB", "bandwidth", contract.KB],
    ["PC", "power", contract.KC],
  ] as const) {
    meter[name] = (await t.db.insertInto("meters").values({ site_id: ldc, external_id: `LDC-${name}`, kind, description: null }).returning("id").executeTakeFirstOrThrow()).id;
    await t.db.insertInto("meter_attachments").values({ meter_id: meter[name], contract_id: c, attached_on: "2026-01-01", detached_on: null }).execute();
  }
  const samples: Sample[] = [
    reading(meter.PA, "2026-09-30T23:00:00Z", "1000"),
    reading(meter.PA, "2026-10-20T00:00:00Z", "1100.5"),
    reading(meter.PB, "2026-10-01T00:00:00Z", "0"),
    reading(meter.PB, "2026-10-31T00:00:00Z", "10"),
    reading(meter.PC, "2026-10-01T00:00:00Z", "0"),
    reading(meter.PC, "2026-10-31T00:00:00Z", "3"),
  ];
  for (let k = 0; k < 20; k++) {
    samples.push(...bandwidth(meter.SA, new Date(Date.UTC(2026, 9, 5, 0, 5 * k)), 40 + 2 * k, 10));
    samples.push(...bandwidth(meter.SB, new Date(Date.UTC(2026, 9, 5, 0, 5 * k)), 5, 1));
  }
  await insert(samples);
  await runBilling(t.db, { siteCode: "LDC", period: "2026-10" });
  for (const name of Object.keys(org)) {
    invoice[name] = (await t.db.selectFrom("invoices").select("id").where("org_id", "=", org[name]).where("period", "=", "2026-10").executeTakeFirstOrThrow()).id;
  }
  // Issued the way the issue step does it: number, dates and payment reference in one UPDATE.
  for (const [name, n] of [["Kara", 1], ["Other", 2]] as const) {
    await sql`UPDATE invoices SET status = 'issued', number = ${`LDC-2026-00000${n}`}, issued_on = '2026-11-02', due_on = '2026-12-02', payment_reference = ${`LDC-PAY-000${n}`}
               WHERE id = ${invoice[name]}`.execute(t.db);
  }
}, 120_000);

/** The page's HTML for a loader answer, rendered on the server in a router (no browser needed). */
function render(view: unknown, locale: "fr" | "en") {
  // As entry.server.tsx does at start: the server holds both dictionaries; the root names the locale.
  provideDictionary("fr", fr);
  provideDictionary("en", en);
  const router = createMemoryRouter(
    [{ id: "root", path: "/", loader: () => null, children: [{ id: "page", index: true, loader: () => null, Component: LateUsagePage }] }],
    { initialEntries: ["/"], hydrationData: { loaderData: { root: { locale }, page: view } } },
  );
  return renderToString(createElement(RouterProvider, { router }));
}

afterAll(async () => {
  await t?.cleanup();
});

test("the lines billed what the readings gave at issue: nothing is listed", async () => {
  const lines = await t.db.selectFrom("invoice_lines").select(["kind", "quantity", "amount_minor"]).where("invoice_id", "=", invoice.Kara).where("kind", "in", ["energy", "bandwidth_overage"]).orderBy("position").execute();
  expect(lines).toEqual([
    { kind: "energy", quantity: "100.500000", amount_minor: 15_075 },
    { kind: "bandwidth_overage", quantity: "26.000000", amount_minor: 130_000 },
  ]);
  expect(await lateUsage(t.db)).toEqual([]);
});

test("samples of another month, or of a tenant whose invoice is still a draft, list nothing", async () => {
  await insert([
    reading(meter.PA, "2026-11-01T00:00:00Z", "5000"),
    ...bandwidth(meter.SA, new Date("2026-11-02T00:00:00Z"), 900, 900),
    reading(meter.PB, "2026-09-15T00:00:00Z", "0"),
    ...bandwidth(meter.SB, new Date("2026-09-15T00:00:00Z"), 900, 900),
    reading(meter.PC, "2026-10-15T00:00:00Z", "2"),
    reading(meter.PC, "2026-10-30T00:00:00Z", "2.5"),
  ]);
  expect(await lateUsage(t.db)).toEqual([]);
  expect(await lateUsage(t.db, { period: "2026-10" })).toEqual([]);
});

test("late samples for an issued month: the invoice is listed with billed and current figures and the difference, computed by hand", async () => {
  const late: Sample[] = [reading(meter.PA, "2026-10-31T12:00:00Z", "1200.75")];
  for (let k = 0; k < 10; k++) late.push(...bandwidth(meter.SA, new Date(Date.UTC(2026, 9, 6, 0, 5 * k)), 100, 3));
  await insert(late);

  const listed = await lateUsage(t.db);
  expect(listed).toEqual([
    {
      invoiceId: invoice.Kara,
      number: "LDC-2026-000001",
      status: "issued",
      orgId: org.Kara,
      orgName: "Kara",
      siteId: ldc,
      siteCode: "LDC",
      period: "2026-10",
      currency: "XOF",
      issuedOn: "2026-11-02",
      differenceMinor: 135_038,
      contracts: [
        {
          contractId: contract.KA,
          ref: contract.KA.slice(0, 8).toUpperCase(),
          energy: { billedKwh: "100.5", currentKwh: "200.75", unitPriceMinor: 150, billedMinor: 15_075, currentMinor: 30_113, differenceMinor: 15_038 },
          bandwidth: {
            commitMbps: 50,
            billedP95: "76",
            currentP95: "100",
            billedOverMbps: "26",
            currentOverMbps: "50",
            currentSamples: 30,
            unitPriceMinor: 5_000,
            billedMinor: 130_000,
            currentMinor: 250_000,
            differenceMinor: 120_000,
          },
          differenceMinor: 135_038,
        },
      ],
    },
  ]);
  // Filters: the site and the month select it; another site or month does not.
  expect((await lateUsage(t.db, { siteId: ldc, period: "2026-10" })).map((i) => i.number)).toEqual(["LDC-2026-000001"]);
  const bzv = (await t.db.selectFrom("sites").select("id").where("code", "=", "BZV").executeTakeFirstOrThrow()).id;
  expect(await lateUsage(t.db, { siteId: bzv })).toEqual([]);
  expect(await lateUsage(t.db, { period: "2026-09" })).toEqual([]);
  expect(await lateUsage(t.db, { siteId: "not-a-uuid" })).toEqual([]);
  expect(await lateUsage(t.db, { period: "2026-13" })).toEqual([]);

  // A paid invoice is still listed (only its status changes).
  await sql`UPDATE invoices SET status = 'paid' WHERE id = ${invoice.Kara}`.execute(t.db);
  expect((await lateUsage(t.db)).map((i) => [i.number, i.status])).toEqual([["LDC-2026-000001", "paid"]]);
  await sql`UPDATE invoices SET status = 'issued' WHERE id = ${invoice.Kara}`.execute(t.db);
});

test("the page: operators with billing:manage see the difference; filters are validated (400, never 500); others are refused", async () => {
  const finance = await signedIn(t.db, { operatorRole: "ops_finance" });
  const noc = await signedIn(t.db, { operatorRole: "ops_noc" });
  const tenant = await signedIn(t.db, { orgId: org.Kara, role: "owner" });
  const get = (query: string, cookie: string) => call(lateUsagePage, getRequest(`/ops/billing/late-usage${query}`, { cookie }));

  const page = await get("", finance.cookie);
  expect(page.status).toBe(200);
  const view = await body(page);
  expect(view.values).toEqual({ site: "", period: "2026-10" });
  expect(view.periods).toEqual(["2026-10"]);
  expect(view.invoices.map((i: { number: string; differenceMinor: number }) => [i.number, i.differenceMinor])).toEqual([["LDC-2026-000001", 135_038]]);

  const filtered = await body(await get("?site=ldc&period=2026-10", finance.cookie));
  expect(filtered.values).toEqual({ site: "LDC", period: "2026-10" });
  expect(filtered.invoices).toHaveLength(1);

  // Another site: no issued invoice there, an empty list.
  const bzv = await get("?site=BZV", finance.cookie);
  const bzvAgain = await get("?site=BZV", finance.cookie);
  expect(bzv.status).toBe(200);
  expect(await body(bzv)).toMatchObject({ periods: [], invoices: [], values: { site: "BZV", period: "" } });

  for (const query of ["?period=2026-13", "?period=9999-01", "?period=%00", "?site=XXX", "?site=%E2%80%AE"]) {
    const bad = await get(query, finance.cookie);
    expect(bad.status, query).toBe(400);
  }
  expect((await get("?period=2026-09", finance.cookie)).status).toBe(200);
  expect((await body(await get("?period=2026-09", finance.cookie))).invoices).toEqual([]);

  // What the operator reads: the invoice, billed and current figures, the signed difference.
  const text = (html: string) => html.replace(/<!-- -->/g, "").replace(/&#x27;/g, "'").replace(/[\u00a0\u202f]/g, " ");
  const fullFr = text(render(view, "fr"));
  expect(fullFr).toContain("Facture LDC-2026-000001");
  expect(fullFr).toContain("100,5 kWh</td><td class=\"nowrap\">200,75 kWh");
  expect(fullFr).toContain("p95 76 Mbit/s, 26 Mbit/s au-delà de l'engagement</td><td>p95 100 Mbit/s, 50 Mbit/s au-delà");
  expect(fullFr).toContain("+15 038 F CFA");
  expect(fullFr).toContain("+120 000 F CFA");
  expect(fullFr).toContain("Écart de la facture : +135 038 F CFA");
  expect(fullFr).toContain("+135 038 F CFA</strong></td>");
  expect(fullFr).toContain("à facturer en complément");
  expect(text(render(view, "en"))).toContain("Difference on the invoice");
  expect(text(render(await body(await get("?period=2026-09", finance.cookie)), "fr"))).toContain("Aucun écart");
  expect(text(render(await body(bzvAgain), "en"))).toContain("No invoice issued yet");

  expect((await get("", noc.cookie)).status).toBe(403);
  expect((await get("", tenant.cookie)).status).toBe(404);
});

test("late samples can also lower the p95: the overage difference is then negative (to credit)", async () => {
  // 210 more instants at 1 Mbps: N = 240, position (240·95 + 99) div 100 = 228. Ascending: 210 × 1
  // (1..210), 40, 42, …, 78 (211..230), 10 × 100 (231..240) → position 228 is 40 + 2 × 17 = 74 Mbps;
  // (74 − 50) × 5 000 = 120 000, billed 130 000: −10 000. With the energy's +15 038: +5 038.
  const low: Sample[] = [];
  for (let k = 0; k < 210; k++) low.push(...bandwidth(meter.SA, new Date(Date.UTC(2026, 9, 7, 0, 5 * k)), 1, 0));
  await insert(low);
  const [kara] = await lateUsage(t.db, { period: "2026-10" });
  expect(kara.contracts[0].bandwidth).toMatchObject({ billedP95: "76", currentP95: "74", billedOverMbps: "26", currentOverMbps: "24", currentSamples: 240, currentMinor: 120_000, differenceMinor: -10_000 });
  expect(kara.contracts[0].energy?.differenceMinor).toBe(15_038);
  expect(kara.differenceMinor).toBe(5_038);
});
