import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { runBilling } from "~/modules/billing/run.server";
import { recordOneOff, waiveEarlyTermination } from "~/modules/billing/charges.server";
import { createTestDb, type TestDb } from "../support/db";
import { addContract, addMeter, addOrg, addSamples, expectLines, invoiceOf, invoicedNames, linesOf, siteByCode, type SiteRow } from "../support/billing-world";

/**
 * Hand-computed invoices in each currency, from prices frozen on the contracts by this file (never
 * the catalogue's, except the KIN remote-hands price, used when a contract has none).
 *
 * Seeded sites (seeds/reference.ts), checked below:
 *   BZV  XAF (francs, no decimals)  VAT 1890 bp = 18.9 %  Africa/Brazzaville (UTC+1, no DST)
 *   KIN  USD (amounts in cents)     VAT 1600 bp = 16 %    Africa/Kinshasa   (UTC+1, no DST)
 *   LDC  XOF (francs, no decimals)  VAT 1800 bp = 18 %    Africa/Lome       (UTC)
 * Every figure: each line rounded half-up to the minor unit; VAT = round_half_up(subtotal × rate);
 * total = subtotal + VAT. A contract's lines: recurring lines, then setup fees, energy, overage,
 * one-off charges (by date), early termination; recurring and setup lines in the order of the frozen
 * lines' kind, alphabetical (`contract_lines.kind` is text): bandwidth_commit_mbps, cross_connect,
 * full_rack, half_rack, power_commit_kw, rack_unit.
 *
 * Each describe builds one world, records its one-off charges and waivers, and runs its months
 * in calendar order in beforeAll; the tests only read (flags such as first_invoice depend on the
 * earlier months, all run there).
 */

const checkSite = (site: SiteRow, currency: string, vat: number, tz: string) => expect([site.currency, site.vat_rate_bp, site.time_zone]).toEqual([currency, vat, tz]);

async function runMonths(db: Kysely<Database>, code: string, periods: string[]) {
  const results = [];
  for (const period of periods) results.push(await runBilling(db, { siteCode: code, period }));
  return results;
}

// =============================================================================================
// BZV — XAF, 18.9 %, UTC+1. Months: January 2027 (31 days), February 2027 (28), April 2027 (30),
// February 2028 (29).

describe("BZV (XAF, VAT 18.9 %)", () => {
  let t: TestDb;
  let site: SiteRow;
  const org: Record<string, string> = {};
  const k: Record<string, string> = {};
  let runs: Awaited<ReturnType<typeof runMonths>>;

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    const db = t.db;
    site = await siteByCode(db, "BZV");
    const s = site.id;

    org.amani = await addOrg(db, "Amani Telecom");
    org.bisa = await addOrg(db, "Bisa Networks");
    org.dima = await addOrg(db, "Dima Services");
    org.eko = await addOrg(db, "Eko Digital");
    org.fara = await addOrg(db, "Fara Solutions");
    org.gabo = await addOrg(db, "Gabo Logistique");
    org.hanga = await addOrg(db, "Hanga Bank");
    org.imani = await addOrg(db, "Imani Energie");
    org.jamii = await addOrg(db, "Jamii Agency", { agency: true, certificate: { reference: "CG-EXO-2027-014", from: "2027-01-01", to: "2027-12-31" } });
    org.kivu = await addOrg(db, "Kivu Agency", { agency: true, certificate: { reference: "CG-EXO-2026-007", from: "2026-02-01", to: "2027-01-31" } });
    org.lusala = await addOrg(db, "Lusala Mining");

    k.amani = await addContract(
      db,
      { orgId: org.amani, siteId: s, startOn: "2026-07-01", termMonths: 24, commitMbps: 100 },
      { full_rack: [1, 480_000], bandwidth_commit_mbps: [100, 2_400], energy_kwh: [0, 125], bandwidth_overage_mbps: [0, 3_601] },
    );
    k.bisa = await addContract(db, { orgId: org.bisa, siteId: s, startOn: "2027-01-17" }, { full_rack: [1, 480_000, 150_000], cross_connect: [2, 32_000, 80_000], remote_hands_hour: [0, 38_333] });
    k.dima = await addContract(db, { orgId: org.dima, siteId: s, startOn: "2027-02-17" }, { full_rack: [1, 500_000] });
    k.eko = await addContract(db, { orgId: org.eko, siteId: s, startOn: "2027-04-17" }, { rack_unit: [4, 16_000] });
    k.fara = await addContract(db, { orgId: org.fara, siteId: s, startOn: "2028-02-17" }, { full_rack: [1, 480_000] });
    // Commitment 2026-04-01 → 2027-03-31; ends 12 April 2027, after it: no early termination.
    k.gabo = await addContract(db, { orgId: org.gabo, siteId: s, startOn: "2026-04-01", endOn: "2027-04-12" }, { full_rack: [1, 333_333] });
    // Commitment 2026-09-17 → 2027-09-16; both end on 10 February 2027.
    k.hanga = await addContract(db, { orgId: org.hanga, siteId: s, startOn: "2026-09-17", endOn: "2027-02-10" }, { full_rack: [1, 480_000], power_commit_kw: [2, 50_000] });
    k.imani = await addContract(db, { orgId: org.imani, siteId: s, startOn: "2026-09-17", endOn: "2027-02-10" }, { full_rack: [1, 480_000] });
    k.jamii = await addContract(db, { orgId: org.jamii, siteId: s, startOn: "2026-05-01" }, { full_rack: [2, 480_000] });
    k.kivu = await addContract(db, { orgId: org.kivu, siteId: s, startOn: "2026-05-01" }, { full_rack: [1, 480_000], rack_unit: [3, 16_123] });
    k.lusala = await addContract(db, { orgId: org.lusala, siteId: s, startOn: "2026-01-01", endOn: "2026-12-31" }, { full_rack: [1, 480_000] });

    // Amani's energy (local time = UTC+1): 5 000 on 31 Dec 23:00 local is December's; 5 010 at
    // 00:30 local on 1 January is January's; a reset on 20 January; 310 at 00:30 local on 1 February
    // is February's.
    const pdu = await addMeter(db, { siteId: s, externalId: "AM-PDU", kind: "power", contractId: k.amani, attachedOn: "2026-07-01" });
    await addSamples(db, pdu, "energy_kwh", [
      ["2026-12-31T22:00:00Z", "5000"],
      ["2026-12-31T23:30:00Z", "5010"],
      ["2027-01-10T00:00:00Z", "5400.5"],
      ["2027-01-20T00:00:00Z", "5612.25"],
      ["2027-01-20T00:05:00Z", "12"],
      ["2027-01-31T22:30:00Z", "300.5"],
      ["2027-01-31T23:30:00Z", "310"],
      ["2027-02-28T22:00:00Z", "1000"],
    ]);
    // Amani's port: 20 instants in January, in = 60.5 + 3k, out = 50; one instant at 00:10 local on
    // 1 February (90/90); 10 instants in February, in 80, out 95.25.
    const sw = await addMeter(db, { siteId: s, externalId: "AM-SW", kind: "bandwidth", contractId: k.amani, attachedOn: "2026-07-01" });
    const at = (base: string, i: number) => new Date(Date.parse(base) + i * 300_000).toISOString();
    const jan = Array.from({ length: 20 }, (_, i) => i);
    const feb = Array.from({ length: 10 }, (_, i) => i);
    await addSamples(db, sw, "bw_in_mbps", [...jan.map((i): [string, string] => [at("2027-01-05T00:00:00Z", i), String(60.5 + 3 * i)]), ["2027-01-31T23:10:00Z", "90"], ...feb.map((i): [string, string] => [at("2027-02-02T00:00:00Z", i), "80"])]);
    await addSamples(db, sw, "bw_out_mbps", [...jan.map((i): [string, string] => [at("2027-01-05T00:00:01Z", i), "50"]), ["2027-01-31T23:10:02Z", "90"], ...feb.map((i): [string, string] => [at("2027-02-02T00:00:02Z", i), "95.25"])]);

    // One-off charges on Bisa: two in February, one on 1 March (not February's).
    await db.transaction().execute(async (trx) => {
      await recordOneOff(trx, { actor: null, contractId: k.bisa, kind: "remote_hands", chargedOn: "2027-02-03", quantity: "2.25", description: "Remplacement d'un disque" });
      await recordOneOff(trx, { actor: null, contractId: k.bisa, kind: "other", chargedOn: "2027-02-28", amountMinor: 15_000, description: "Badge perdu" });
      await recordOneOff(trx, { actor: null, contractId: k.bisa, kind: "other", chargedOn: "2027-03-01", amountMinor: 9_999, description: "Pas en février" });
    });
    await db.transaction().execute((trx) => waiveEarlyTermination(trx, { actor: null, contractId: k.imani, reason: "Migration vers un autre site du groupe" }));

    runs = await runMonths(db, "BZV", ["2027-01", "2027-02", "2027-04", "2028-02"]);
  }, 240_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  test("the seeded site: XAF, 18.9 %, Africa/Brazzaville; each month bills exactly the organisations with a contract that month", async () => {
    checkSite(site, "XAF", 1890, "Africa/Brazzaville");
    expect(runs).toEqual([
      { site: "BZV", period: "2027-01", invoices: 7, issued: 0 },
      { site: "BZV", period: "2027-02", invoices: 8, issued: 0 },
      { site: "BZV", period: "2027-04", invoices: 7, issued: 0 },
      { site: "BZV", period: "2028-02", invoices: 7, issued: 0 },
    ]);
    // Lusala ended on 31 December 2026; Dima starts in February, Eko in April, Fara in February 2028;
    // Gabo ends in April 2027, Hanga and Imani in February 2027.
    expect(await invoicedNames(t.db, site.id, "2027-01")).toEqual(["Amani Telecom", "Bisa Networks", "Gabo Logistique", "Hanga Bank", "Imani Energie", "Jamii Agency", "Kivu Agency"]);
    expect(await invoicedNames(t.db, site.id, "2027-02")).toEqual(["Amani Telecom", "Bisa Networks", "Dima Services", "Gabo Logistique", "Hanga Bank", "Imani Energie", "Jamii Agency", "Kivu Agency"]);
    expect(await invoicedNames(t.db, site.id, "2027-04")).toEqual(["Amani Telecom", "Bisa Networks", "Dima Services", "Eko Digital", "Gabo Logistique", "Jamii Agency", "Kivu Agency"]);
    expect(await invoicedNames(t.db, site.id, "2028-02")).toEqual(["Amani Telecom", "Bisa Networks", "Dima Services", "Eko Digital", "Fara Solutions", "Jamii Agency", "Kivu Agency"]);
  });

  test("full month of 31 days with an energy counter reset and p95 above commit (Amani, January 2027)", async () => {
    // energy (site time, UTC+1): 5 010 − 5 000 = 10; 5 400.5 − 5 010 = 390.5; 5 612.25 − 5 400.5 = 211.75;
    //   reset → 12; 300.5 − 12 = 288.5 → 912.75 kWh × 125 = 114 093.75 → 114 094
    // p95 of 20 instants: position (20 × 95 + 99) div 100 = 19 → 60.5 + 3 × 18 = 114.5 Mbps;
    //   (114.5 − 100) × 3 601 = 14.5 × 3 601 = 52 214.5 → 52 215
    // subtotal 480 000 + 100 × 2 400 + 114 094 + 52 215 = 886 309
    // VAT 886 309 × 18.9 % = 167 512.401 → 167 512; total 1 053 821
    expectLines(await linesOf(t.db, org.amani, "2027-01"), [
      { kind: "recurring", contract: k.amani, quantity: "100", unit: 2_400, amount: 240_000, fr: ["janvier 2027"], en: ["January 2027"] },
      { kind: "recurring", contract: k.amani, quantity: "1", unit: 480_000, amount: 480_000, fr: ["Baie complète (par mois) — janvier 2027"], en: ["Full rack (per month) — January 2027"] },
      { kind: "energy", contract: k.amani, quantity: "912.75", unit: 125, amount: 114_094, fr: ["912,75 kWh consommés en janvier 2027"], en: ["912.75 kWh used in January 2027"] },
      {
        kind: "bandwidth_overage",
        contract: k.amani,
        quantity: "14.5",
        unit: 3_601,
        amount: 52_215,
        fr: ["p95 = 114,5 Mbps, engagement 100 Mbps, 20 mesures"],
        en: ["p95 = 114.5 Mbps, commit 100 Mbps, 20 samples"],
      },
    ]);
    expect(await invoiceOf(t.db, org.amani, "2027-01")).toMatchObject({
      status: "draft",
      currency: "XAF",
      subtotal_minor: 886_309,
      vat_rate_bp: 1890,
      vat_minor: 167_512,
      total_minor: 1_053_821,
      is_vat_exempt: false,
      flags: ["first_invoice", "overage"],
    });
  });

  test("full month of 28 days, p95 below commit: no overage line (Amani, February 2027)", async () => {
    // energy: 310 − 300.5 = 9.5; 1 000 − 310 = 690 → 699.5 kWh × 125 = 87 437.5 → 87 438
    // p95 of 11 instants (one at 00:10 local on 1 February): position (11 × 95 + 99) div 100 = 11
    //   → max(80, 95.25) = 95.25 < 100: no overage
    // subtotal 480 000 + 240 000 + 87 438 = 807 438; VAT × 18.9 % = 152 605.782 → 152 606; total 960 044
    expectLines(await linesOf(t.db, org.amani, "2027-02"), [
      { kind: "recurring", contract: k.amani, quantity: "100", unit: 2_400, amount: 240_000, fr: ["février 2027"], en: ["February 2027"] },
      { kind: "recurring", contract: k.amani, quantity: "1", unit: 480_000, amount: 480_000, fr: ["février 2027"], en: ["February 2027"] },
      { kind: "energy", contract: k.amani, quantity: "699.5", unit: 125, amount: 87_438, fr: ["699,5 kWh"], en: ["699.5 kWh"] },
    ]);
    expect(await invoiceOf(t.db, org.amani, "2027-02")).toMatchObject({ currency: "XAF", subtotal_minor: 807_438, vat_rate_bp: 1890, vat_minor: 152_606, total_minor: 960_044, flags: [] });
  });

  test("a contract starting on the 17th of a 31-day month, with setup fees (Bisa, January 2027)", async () => {
    // active 17..31 = 15/31 days
    // full_rack 480 000 × 15 / 31 = 232 258.06 → 232 258
    // cross_connect 2 × 32 000 = 64 000 × 15 / 31 = 30 967.74 → 30 968
    // setup full_rack 1 × 150 000; setup cross_connect 2 × 80 000 = 160 000
    // subtotal 573 226; VAT × 18.9 % = 108 339.714 → 108 340; total 681 566
    const span = { fr: ["du 17 janvier 2027 au 31 janvier 2027 (15/31 jours)"], en: ["17 January 2027 to 31 January 2027 (15/31 days)"] };
    expectLines(await linesOf(t.db, org.bisa, "2027-01"), [
      { kind: "recurring", contract: k.bisa, quantity: "2", unit: 32_000, amount: 30_968, ...span },
      { kind: "recurring", contract: k.bisa, quantity: "1", unit: 480_000, amount: 232_258, ...span },
      { kind: "setup", contract: k.bisa, quantity: "2", unit: 80_000, amount: 160_000, fr: ["Frais de mise en service — Interconnexion"], en: ["Setup fee — Cross-connect"] },
      { kind: "setup", contract: k.bisa, quantity: "1", unit: 150_000, amount: 150_000, fr: ["Frais de mise en service — Baie complète"], en: ["Setup fee — Full rack"] },
    ]);
    expect(await invoiceOf(t.db, org.bisa, "2027-01")).toMatchObject({ currency: "XAF", subtotal_minor: 573_226, vat_rate_bp: 1890, vat_minor: 108_340, total_minor: 681_566, flags: ["first_invoice"] });
  });

  test("one-off charges land on their month: remote hands at the contract's frozen price and another charge (Bisa, February 2027)", async () => {
    // full month: 480 000 + 64 000 = 544 000 (no setup any more)
    // remote hands 2.25 h × 38 333 (frozen) = 86 249.25 → 86 249 (3 February); other charge 15 000 (28 February);
    // the charge of 1 March is March's
    // subtotal 645 249; VAT × 18.9 % = 121 952.061 → 121 952; total 767 201
    expectLines(await linesOf(t.db, org.bisa, "2027-02"), [
      { kind: "recurring", contract: k.bisa, quantity: "2", unit: 32_000, amount: 64_000, fr: ["février 2027"], en: ["February 2027"] },
      { kind: "recurring", contract: k.bisa, quantity: "1", unit: 480_000, amount: 480_000, fr: ["février 2027"], en: ["February 2027"] },
      { kind: "one_off", contract: k.bisa, quantity: "2.25", unit: 38_333, amount: 86_249, fr: ["(heures) — Remplacement d'un disque (3 février 2027)"], en: ["(hours) — Remplacement d'un disque (3 February 2027)"] },
      { kind: "one_off", contract: k.bisa, quantity: "1", unit: 15_000, amount: 15_000, fr: ["Badge perdu (28 février 2027)"], en: ["Badge perdu (28 February 2027)"] },
    ]);
    expect(await invoiceOf(t.db, org.bisa, "2027-02")).toMatchObject({ subtotal_minor: 645_249, vat_minor: 121_952, total_minor: 767_201, flags: [] });
  });

  test("a contract starting on the 17th of a 28-day month (Dima, February 2027)", async () => {
    // 17..28 = 12/28 days: 500 000 × 12 / 28 = 214 285.71 → 214 286
    // VAT 214 286 × 18.9 % = 40 500.054 → 40 500; total 254 786
    expectLines(await linesOf(t.db, org.dima, "2027-02"), [
      { kind: "recurring", contract: k.dima, quantity: "1", unit: 500_000, amount: 214_286, fr: ["du 17 février 2027 au 28 février 2027 (12/28 jours)"], en: ["17 February 2027 to 28 February 2027 (12/28 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.dima, "2027-02")).toMatchObject({ subtotal_minor: 214_286, vat_minor: 40_500, total_minor: 254_786, flags: ["first_invoice"] });
  });

  test("a contract starting on the 17th of a 30-day month (Eko, April 2027)", async () => {
    // 17..30 = 14/30 days: 4 × 16 000 = 64 000 × 14 / 30 = 29 866.67 → 29 867
    // VAT 29 867 × 18.9 % = 5 644.863 → 5 645; total 35 512
    expectLines(await linesOf(t.db, org.eko, "2027-04"), [
      { kind: "recurring", contract: k.eko, quantity: "4", unit: 16_000, amount: 29_867, fr: ["du 17 avril 2027 au 30 avril 2027 (14/30 jours)"], en: ["17 April 2027 to 30 April 2027 (14/30 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.eko, "2027-04")).toMatchObject({ subtotal_minor: 29_867, vat_minor: 5_645, total_minor: 35_512, flags: ["first_invoice"] });
  });

  test("a contract starting on the 17th of a 29-day month (Fara, February 2028)", async () => {
    // 17..29 = 13/29 days: 480 000 × 13 / 29 = 215 172.41 → 215 172
    // VAT 215 172 × 18.9 % = 40 667.508 → 40 668; total 255 840
    expectLines(await linesOf(t.db, org.fara, "2028-02"), [
      { kind: "recurring", contract: k.fara, quantity: "1", unit: 480_000, amount: 215_172, fr: ["du 17 février 2028 au 29 février 2028 (13/29 jours)"], en: ["17 February 2028 to 29 February 2028 (13/29 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.fara, "2028-02")).toMatchObject({ subtotal_minor: 215_172, vat_minor: 40_668, total_minor: 255_840, flags: ["first_invoice"] });
  });

  test("a full month of 29 days is the monthly price (Bisa, February 2028)", async () => {
    // 480 000 + 64 000 = 544 000; VAT 102 816 (exact); total 646 816
    expect((await linesOf(t.db, org.bisa, "2028-02")).map((l) => [l.kind, l.amount_minor])).toEqual([
      ["recurring", 64_000],
      ["recurring", 480_000],
    ]);
    expect(await invoiceOf(t.db, org.bisa, "2028-02")).toMatchObject({ subtotal_minor: 544_000, vat_minor: 102_816, total_minor: 646_816 });
  });

  test("a contract ending mid-month after its commitment: prorated, no early termination (Gabo, April 2027)", async () => {
    // 1..12 April = 12/30 days: 333 333 × 12 / 30 = 133 333.2 → 133 333
    // VAT 133 333 × 18.9 % = 25 199.937 → 25 200; total 158 533
    expectLines(await linesOf(t.db, org.gabo, "2027-04"), [
      { kind: "recurring", contract: k.gabo, quantity: "1", unit: 333_333, amount: 133_333, fr: ["du 1er avril 2027 au 12 avril 2027 (12/30 jours)"], en: ["1 April 2027 to 12 April 2027 (12/30 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.gabo, "2027-04")).toMatchObject({ subtotal_minor: 133_333, vat_minor: 25_200, total_minor: 158_533, flags: [] });
  });

  test("early termination not waived: the rest of the commitment is due (Hanga, February 2027)", async () => {
    // active 1..10 February = 10/28 days:
    //   full_rack 480 000 × 10 / 28 = 171 428.57 → 171 429
    //   power 2 × 50 000 = 100 000 × 10 / 28 = 35 714.29 → 35 714
    // early termination, monthly 580 000, from 11 February to 16 September 2027:
    //   February 11..28 = 18/28: 580 000 × 18 / 28 = 372 857.14 → 372 857
    //   March..August = 6 full months × 580 000 = 3 480 000
    //   September 1..16 = 16/30: 580 000 × 16 / 30 = 309 333.33 → 309 333
    //   = 4 162 190
    // subtotal 171 429 + 35 714 + 4 162 190 = 4 369 333; VAT × 18.9 % = 825 803.937 → 825 804; total 5 195 137
    const span = { fr: ["du 1er février 2027 au 10 février 2027 (10/28 jours)"], en: ["1 February 2027 to 10 February 2027 (10/28 days)"] };
    expectLines(await linesOf(t.db, org.hanga, "2027-02"), [
      { kind: "recurring", contract: k.hanga, quantity: "1", unit: 480_000, amount: 171_429, ...span },
      { kind: "recurring", contract: k.hanga, quantity: "2", unit: 50_000, amount: 35_714, ...span },
      {
        kind: "early_termination",
        contract: k.hanga,
        quantity: "1",
        unit: 4_162_190,
        amount: 4_162_190,
        fr: ["du 11 février 2027 au 16 septembre 2027", "6 mois complets + 18/28 jours de février 2027 + 16/30 jours de septembre 2027"],
        en: ["from 11 February 2027 to 16 September 2027", "6 full months + 18/28 days of February 2027 + 16/30 days of September 2027"],
      },
    ]);
    expect(await invoiceOf(t.db, org.hanga, "2027-02")).toMatchObject({ subtotal_minor: 4_369_333, vat_minor: 825_804, total_minor: 5_195_137, flags: [] });
  });

  test("early termination waived: only the days served (Imani, February 2027)", async () => {
    // 480 000 × 10 / 28 = 171 428.57 → 171 429; VAT × 18.9 % = 32 400.081 → 32 400; total 203 829
    expectLines(await linesOf(t.db, org.imani, "2027-02"), [
      { kind: "recurring", contract: k.imani, quantity: "1", unit: 480_000, amount: 171_429, fr: ["(10/28 jours)"], en: ["(10/28 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.imani, "2027-02")).toMatchObject({ subtotal_minor: 171_429, vat_minor: 32_400, total_minor: 203_829 });
  });

  test("a VAT-exempt agency with a valid certificate: VAT 0 and the certificate's reference (Jamii, January and February 2027)", async () => {
    // 2 × 480 000 = 960 000; exempt: VAT 0; total 960 000
    expectLines(await linesOf(t.db, org.jamii, "2027-01"), [{ kind: "recurring", contract: k.jamii, quantity: "2", unit: 480_000, amount: 960_000, fr: ["janvier 2027"], en: ["January 2027"] }]);
    for (const period of ["2027-01", "2027-02"]) {
      expect(await invoiceOf(t.db, org.jamii, period)).toMatchObject({ subtotal_minor: 960_000, vat_rate_bp: 1890, vat_minor: 0, total_minor: 960_000, is_vat_exempt: true, vat_exemption_reference: "CG-EXO-2027-014" });
    }
  });

  test("an agency whose certificate ended on 31 January: exempt in January, VAT and the flag exemption_expired in February (Kivu)", async () => {
    // 3 × 16 123 = 48 369 + 480 000 = 528 369
    // January: exempt, VAT 0. February: VAT 528 369 × 18.9 % = 99 861.741 → 99 862; total 628 231
    const lines = [
      { kind: "recurring", contract: k.kivu, quantity: "1", unit: 480_000, amount: 480_000, fr: ["février 2027"], en: ["February 2027"] },
      { kind: "recurring", contract: k.kivu, quantity: "3", unit: 16_123, amount: 48_369, fr: ["février 2027"], en: ["February 2027"] },
    ];
    expectLines(await linesOf(t.db, org.kivu, "2027-02"), lines);
    expect(await invoiceOf(t.db, org.kivu, "2027-01")).toMatchObject({ subtotal_minor: 528_369, vat_minor: 0, total_minor: 528_369, is_vat_exempt: true, vat_exemption_reference: "CG-EXO-2026-007", flags: ["first_invoice"] });
    expect(await invoiceOf(t.db, org.kivu, "2027-02")).toMatchObject({
      subtotal_minor: 528_369,
      vat_minor: 99_862,
      total_minor: 628_231,
      is_vat_exempt: false,
      vat_exemption_reference: null,
      flags: ["exemption_expired"],
    });
  });
});

// =============================================================================================
// KIN — USD in cents, 16 %, UTC+1. Months: November 2026 (30 days), February 2027 (28),
// March 2027 (31), February 2028 (29).

describe("KIN (USD cents, VAT 16 %)", () => {
  let t: TestDb;
  let site: SiteRow;
  const org: Record<string, string> = {};
  const k: Record<string, string> = {};
  let runs: Awaited<ReturnType<typeof runMonths>>;
  let remoteHandsPrice: number;

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    const db = t.db;
    site = await siteByCode(db, "KIN");
    const s = site.id;
    remoteHandsPrice = (await db.selectFrom("products").select("unit_price_minor").where("site_id", "=", s).where("kind", "=", "remote_hands_hour").executeTakeFirstOrThrow()).unit_price_minor;

    org.mbote = await addOrg(db, "Mbote Cloud");
    org.nzadi = await addOrg(db, "Nzadi Data");
    org.okapi = await addOrg(db, "Okapi Media");
    org.pende = await addOrg(db, "Pende Services");
    org.ruzizi = await addOrg(db, "Ruzizi Tech");
    org.sankuru = await addOrg(db, "Sankuru Transport");
    org.tshopo = await addOrg(db, "Tshopo Bank");
    org.ubangi = await addOrg(db, "Ubangi Energy");
    org.virunga = await addOrg(db, "Virunga Agency", { agency: true, certificate: { reference: "CD-EXO-2027-031", from: "2027-01-01", to: "2028-12-31" } });
    org.wagenia = await addOrg(db, "Wagenia Agency", { agency: true, certificate: { reference: "CD-EXO-2026-002", from: "2026-03-01", to: "2027-02-27" } });
    org.xala = await addOrg(db, "Xala Foods");

    k.mbote = await addContract(
      db,
      { orgId: org.mbote, siteId: s, startOn: "2026-06-01", termMonths: 36, commitMbps: 200 },
      { half_rack: [2, 50_000], energy_kwh: [0, 22], bandwidth_commit_mbps: [200, 3_500], bandwidth_overage_mbps: [0, 5_251] },
    );
    k.nzadi = await addContract(db, { orgId: org.nzadi, siteId: s, startOn: "2027-03-17" }, { full_rack: [1, 90_000, 25_000], power_commit_kw: [4, 9_050] });
    k.okapi = await addContract(db, { orgId: org.okapi, siteId: s, startOn: "2026-11-17" }, { half_rack: [1, 50_050] });
    k.pende = await addContract(db, { orgId: org.pende, siteId: s, startOn: "2027-02-17" }, { full_rack: [1, 90_000] });
    k.ruzizi = await addContract(db, { orgId: org.ruzizi, siteId: s, startOn: "2028-02-17" }, { full_rack: [1, 90_000] });
    // Commitment 2025-11-01 → 2026-10-31; ends 18 November 2026, after it.
    k.sankuru = await addContract(db, { orgId: org.sankuru, siteId: s, startOn: "2025-11-01", endOn: "2026-11-18" }, { full_rack: [1, 88_888] });
    // 24 months from 2026-06-01: commitment until 2028-05-31; both end on 14 March 2027.
    k.tshopo = await addContract(db, { orgId: org.tshopo, siteId: s, startOn: "2026-06-01", endOn: "2027-03-14", termMonths: 24 }, { full_rack: [1, 90_000], bandwidth_commit_mbps: [10, 3_500] });
    k.ubangi = await addContract(db, { orgId: org.ubangi, siteId: s, startOn: "2026-06-01", endOn: "2027-03-14", termMonths: 24 }, { full_rack: [1, 90_000] });
    k.virunga = await addContract(db, { orgId: org.virunga, siteId: s, startOn: "2026-10-01" }, { full_rack: [3, 90_000] });
    k.wagenia = await addContract(db, { orgId: org.wagenia, siteId: s, startOn: "2026-10-01" }, { full_rack: [1, 90_000], cross_connect: [1, 6_033, 15_000] });
    k.xala = await addContract(db, { orgId: org.xala, siteId: s, startOn: "2028-03-01" }, { full_rack: [1, 90_000] });

    // Mbote's energy (UTC+1): 79 100 on 31 January 23:00 local; 80 000 on 28 February 23:30 local;
    // 80 004.25 at 00:15 local on 1 March; a reset on 20 March; 640 at 00:20 local on 1 April.
    const pdu = await addMeter(db, { siteId: s, externalId: "MB-PDU", kind: "power", contractId: k.mbote, attachedOn: "2026-06-01" });
    await addSamples(db, pdu, "energy_kwh", [
      ["2027-01-31T22:00:00Z", "79100"],
      ["2027-02-28T22:30:00Z", "80000"],
      ["2027-02-28T23:15:00Z", "80004.25"],
      ["2027-03-12T10:00:00Z", "80600"],
      ["2027-03-20T10:00:00Z", "3.5"],
      ["2027-03-31T22:00:00Z", "634.25"],
      ["2027-03-31T23:20:00Z", "640"],
    ]);
    // Two ports, summed per 5-minute instant (port B's collector 3 s late: same instant).
    // March: 40 instants, A in 100 + 2.5k (out 100), B in 50 (out 20) → 150 + 2.5k.
    // February: 10 instants, A in 140 + k (out 100), B in 50.75 → 190.75 + k, at most 199.75.
    const swA = await addMeter(db, { siteId: s, externalId: "MB-SW-A", kind: "bandwidth", contractId: k.mbote, attachedOn: "2026-06-01" });
    const swB = await addMeter(db, { siteId: s, externalId: "MB-SW-B", kind: "bandwidth", contractId: k.mbote, attachedOn: "2026-06-01" });
    const at = (base: string, i: number) => new Date(Date.parse(base) + i * 300_000).toISOString();
    const mar = Array.from({ length: 40 }, (_, i) => i);
    const feb = Array.from({ length: 10 }, (_, i) => i);
    await addSamples(db, swA, "bw_in_mbps", [...mar.map((i): [string, string] => [at("2027-03-10T09:00:00Z", i), String(100 + 2.5 * i)]), ...feb.map((i): [string, string] => [at("2027-02-10T09:00:00Z", i), String(140 + i)])]);
    await addSamples(db, swA, "bw_out_mbps", [...mar.map((i): [string, string] => [at("2027-03-10T09:00:01Z", i), "100"]), ...feb.map((i): [string, string] => [at("2027-02-10T09:00:01Z", i), "100"])]);
    await addSamples(db, swB, "bw_in_mbps", [...mar.map((i): [string, string] => [at("2027-03-10T09:00:03Z", i), "50"]), ...feb.map((i): [string, string] => [at("2027-02-10T09:00:03Z", i), "50.75"])]);
    await addSamples(db, swB, "bw_out_mbps", mar.map((i): [string, string] => [at("2027-03-10T09:00:03Z", i), "20"]));

    // Remote hands on Nzadi, whose contract has no remote-hands line: the site's price at recording.
    await db.transaction().execute((trx) =>
      recordOneOff(trx, { actor: null, contractId: k.nzadi, kind: "remote_hands", chargedOn: "2027-03-20", quantity: "1.75", description: "Câblage d'un serveur" }),
    );
    await db.transaction().execute((trx) => waiveEarlyTermination(trx, { actor: null, contractId: k.ubangi, reason: "Reprise du contrat par la maison mère" }));

    runs = await runMonths(db, "KIN", ["2026-11", "2027-02", "2027-03", "2028-02"]);
  }, 240_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  test("the seeded site: USD, 16 %, Africa/Kinshasa; each month bills exactly the organisations with a contract that month", async () => {
    checkSite(site, "USD", 1600, "Africa/Kinshasa");
    // The seeded remote-hands price, USD 75.00 per hour, used for Nzadi below.
    expect(remoteHandsPrice).toBe(7_500);
    expect(runs.map((r) => [r.period, r.invoices, r.issued])).toEqual([
      ["2026-11", 7, 0],
      ["2027-02", 7, 0],
      ["2027-03", 8, 0],
      ["2028-02", 7, 0],
    ]);
    expect(await invoicedNames(t.db, site.id, "2026-11")).toEqual(["Mbote Cloud", "Okapi Media", "Sankuru Transport", "Tshopo Bank", "Ubangi Energy", "Virunga Agency", "Wagenia Agency"]);
    expect(await invoicedNames(t.db, site.id, "2027-02")).toEqual(["Mbote Cloud", "Okapi Media", "Pende Services", "Tshopo Bank", "Ubangi Energy", "Virunga Agency", "Wagenia Agency"]);
    expect(await invoicedNames(t.db, site.id, "2027-03")).toEqual(["Mbote Cloud", "Nzadi Data", "Okapi Media", "Pende Services", "Tshopo Bank", "Ubangi Energy", "Virunga Agency", "Wagenia Agency"]);
    // Xala starts in March 2028: never billed here.
    expect(await invoicedNames(t.db, site.id, "2028-02")).toEqual(["Mbote Cloud", "Nzadi Data", "Okapi Media", "Pende Services", "Ruzizi Tech", "Virunga Agency", "Wagenia Agency"]);
  });

  test("full month of 31 days, energy counter reset, p95 over two ports above commit, energy jump (Mbote, March 2027)", async () => {
    // energy: 80 004.25 − 80 000 = 4.25; 80 600 − 80 004.25 = 595.75; reset → 3.5; 634.25 − 3.5 = 630.75
    //   → 1 234.25 kWh × 22 = 27 153.5 → 27 154 cents
    // p95 of 40 instants: position (40 × 95 + 99) div 100 = 38 → 150 + 2.5 × 37 = 242.5 Mbps;
    //   (242.5 − 200) × 5 251 = 42.5 × 5 251 = 223 167.5 → 223 168
    // subtotal 2 × 50 000 + 200 × 3 500 + 27 154 + 223 168 = 100 000 + 700 000 + 250 322 = 1 050 322
    // VAT 16 % = 168 051.52 → 168 052; total 1 218 374 (USD 12,183.74)
    // energy jump: 1 234.25 > 1.3 × 900 = 1 170 (February's kWh)
    expectLines(await linesOf(t.db, org.mbote, "2027-03"), [
      { kind: "recurring", contract: k.mbote, quantity: "200", unit: 3_500, amount: 700_000, fr: ["mars 2027"], en: ["March 2027"] },
      { kind: "recurring", contract: k.mbote, quantity: "2", unit: 50_000, amount: 100_000, fr: ["Demi-baie (par mois) — mars 2027"], en: ["Half rack (per month) — March 2027"] },
      { kind: "energy", contract: k.mbote, quantity: "1234.25", unit: 22, amount: 27_154, fr: ["1\u00a0234,25 kWh consommés en mars 2027"], en: ["1,234.25 kWh used in March 2027"] },
      {
        kind: "bandwidth_overage",
        contract: k.mbote,
        quantity: "42.5",
        unit: 5_251,
        amount: 223_168,
        fr: ["p95 = 242,5 Mbps, engagement 200 Mbps, 40 mesures"],
        en: ["p95 = 242.5 Mbps, commit 200 Mbps, 40 samples"],
      },
    ]);
    expect(await invoiceOf(t.db, org.mbote, "2027-03")).toMatchObject({
      status: "draft",
      currency: "USD",
      subtotal_minor: 1_050_322,
      vat_rate_bp: 1600,
      vat_minor: 168_052,
      total_minor: 1_218_374,
      is_vat_exempt: false,
      flags: ["overage", "energy_jump"],
    });
  });

  test("full month of 28 days, p95 below commit (Mbote, February 2027)", async () => {
    // energy 80 000 − 79 100 = 900 kWh × 22 = 19 800 (the reading at 00:15 local on 1 March is March's)
    // p95 of 10 instants: position 10 → 190.75 + 9 = 199.75 < 200: no overage
    // subtotal 100 000 + 700 000 + 19 800 = 819 800; VAT 16 % = 131 168; total 950 968
    expectLines(await linesOf(t.db, org.mbote, "2027-02"), [
      { kind: "recurring", contract: k.mbote, quantity: "200", unit: 3_500, amount: 700_000, fr: ["février 2027"], en: ["February 2027"] },
      { kind: "recurring", contract: k.mbote, quantity: "2", unit: 50_000, amount: 100_000, fr: ["février 2027"], en: ["February 2027"] },
      { kind: "energy", contract: k.mbote, quantity: "900", unit: 22, amount: 19_800, fr: ["900 kWh consommés en février 2027"], en: ["900 kWh used in February 2027"] },
    ]);
    expect(await invoiceOf(t.db, org.mbote, "2027-02")).toMatchObject({ currency: "USD", subtotal_minor: 819_800, vat_minor: 131_168, total_minor: 950_968, flags: [] });
  });

  test("a contract starting on the 17th of a 31-day month, with a setup fee and remote hands at the site's price (Nzadi, March 2027)", async () => {
    // 17..31 = 15/31 days:
    //   full_rack 90 000 × 15 / 31 = 43 548.39 → 43 548
    //   power 4 × 9 050 = 36 200 × 15 / 31 = 17 516.13 → 17 516
    //   setup full_rack 1 × 25 000
    //   remote hands 1.75 h × 7 500 = 13 125 (20 March)
    // subtotal 99 189; VAT 16 % = 15 870.24 → 15 870; total 115 059
    const span = { fr: ["du 17 mars 2027 au 31 mars 2027 (15/31 jours)"], en: ["17 March 2027 to 31 March 2027 (15/31 days)"] };
    expectLines(await linesOf(t.db, org.nzadi, "2027-03"), [
      { kind: "recurring", contract: k.nzadi, quantity: "1", unit: 90_000, amount: 43_548, ...span },
      { kind: "recurring", contract: k.nzadi, quantity: "4", unit: 9_050, amount: 17_516, ...span },
      { kind: "setup", contract: k.nzadi, quantity: "1", unit: 25_000, amount: 25_000, fr: ["Frais de mise en service — Baie complète"], en: ["Setup fee — Full rack"] },
      { kind: "one_off", contract: k.nzadi, quantity: "1.75", unit: 7_500, amount: 13_125, fr: ["Câblage d'un serveur (20 mars 2027)"], en: ["Câblage d'un serveur (20 March 2027)"] },
    ]);
    expect(await invoiceOf(t.db, org.nzadi, "2027-03")).toMatchObject({ subtotal_minor: 99_189, vat_minor: 15_870, total_minor: 115_059, flags: ["first_invoice"] });
  });

  test("a contract starting on the 17th of a 30-day month (Okapi, November 2026)", async () => {
    // 17..30 = 14/30: 50 050 × 14 / 30 = 23 356.67 → 23 357; VAT 16 % = 3 737.12 → 3 737; total 27 094
    expectLines(await linesOf(t.db, org.okapi, "2026-11"), [
      { kind: "recurring", contract: k.okapi, quantity: "1", unit: 50_050, amount: 23_357, fr: ["du 17 novembre 2026 au 30 novembre 2026 (14/30 jours)"], en: ["17 November 2026 to 30 November 2026 (14/30 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.okapi, "2026-11")).toMatchObject({ subtotal_minor: 23_357, vat_minor: 3_737, total_minor: 27_094, flags: ["first_invoice"] });
  });

  test("a contract starting on the 17th of a 28-day month (Pende, February 2027)", async () => {
    // 12/28: 90 000 × 12 / 28 = 38 571.43 → 38 571; VAT 6 171.36 → 6 171; total 44 742
    expectLines(await linesOf(t.db, org.pende, "2027-02"), [
      { kind: "recurring", contract: k.pende, quantity: "1", unit: 90_000, amount: 38_571, fr: ["(12/28 jours)"], en: ["(12/28 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.pende, "2027-02")).toMatchObject({ subtotal_minor: 38_571, vat_minor: 6_171, total_minor: 44_742 });
  });

  test("a contract starting on the 17th of a 29-day month (Ruzizi, February 2028)", async () => {
    // 13/29: 90 000 × 13 / 29 = 40 344.83 → 40 345; VAT 6 455.2 → 6 455; total 46 800
    expectLines(await linesOf(t.db, org.ruzizi, "2028-02"), [
      { kind: "recurring", contract: k.ruzizi, quantity: "1", unit: 90_000, amount: 40_345, fr: ["du 17 février 2028 au 29 février 2028 (13/29 jours)"], en: ["17 February 2028 to 29 February 2028 (13/29 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.ruzizi, "2028-02")).toMatchObject({ subtotal_minor: 40_345, vat_minor: 6_455, total_minor: 46_800 });
  });

  test("a contract ending mid-month after its commitment (Sankuru, November 2026)", async () => {
    // 1..18 November = 18/30: 88 888 × 18 / 30 = 53 332.8 → 53 333; VAT 8 533.28 → 8 533; total 61 866
    expectLines(await linesOf(t.db, org.sankuru, "2026-11"), [
      { kind: "recurring", contract: k.sankuru, quantity: "1", unit: 88_888, amount: 53_333, fr: ["du 1er novembre 2026 au 18 novembre 2026 (18/30 jours)"], en: ["1 November 2026 to 18 November 2026 (18/30 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.sankuru, "2026-11")).toMatchObject({ subtotal_minor: 53_333, vat_minor: 8_533, total_minor: 61_866 });
  });

  test("early termination not waived, commitment ending on a month end (Tshopo, March 2027)", async () => {
    // active 1..14 March = 14/31:
    //   full_rack 90 000 × 14 / 31 = 40 645.16 → 40 645
    //   bandwidth 10 × 3 500 = 35 000 × 14 / 31 = 15 806.45 → 15 806
    // early termination, monthly 125 000, 15 March 2027 → 31 May 2028:
    //   March 15..31 = 17/31: 125 000 × 17 / 31 = 68 548.39 → 68 548
    //   April 2027..May 2028 = 14 full months × 125 000 = 1 750 000
    //   = 1 818 548
    // subtotal 40 645 + 15 806 + 1 818 548 = 1 874 999; VAT 16 % = 299 999.84 → 300 000; total 2 174 999
    const span = { fr: ["du 1er mars 2027 au 14 mars 2027 (14/31 jours)"], en: ["1 March 2027 to 14 March 2027 (14/31 days)"] };
    expectLines(await linesOf(t.db, org.tshopo, "2027-03"), [
      { kind: "recurring", contract: k.tshopo, quantity: "10", unit: 3_500, amount: 15_806, ...span },
      { kind: "recurring", contract: k.tshopo, quantity: "1", unit: 90_000, amount: 40_645, ...span },
      {
        kind: "early_termination",
        contract: k.tshopo,
        quantity: "1",
        unit: 1_818_548,
        amount: 1_818_548,
        fr: ["du 15 mars 2027 au 31 mai 2028", "(14 mois complets + 17/31 jours de mars 2027)"],
        en: ["from 15 March 2027 to 31 May 2028", "(14 full months + 17/31 days of March 2027)"],
      },
    ]);
    expect(await invoiceOf(t.db, org.tshopo, "2027-03")).toMatchObject({ subtotal_minor: 1_874_999, vat_minor: 300_000, total_minor: 2_174_999 });
  });

  test("early termination waived (Ubangi, March 2027)", async () => {
    // 90 000 × 14 / 31 = 40 645.16 → 40 645; VAT 6 503.2 → 6 503; total 47 148
    expectLines(await linesOf(t.db, org.ubangi, "2027-03"), [
      { kind: "recurring", contract: k.ubangi, quantity: "1", unit: 90_000, amount: 40_645, fr: ["(14/31 jours)"], en: ["(14/31 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.ubangi, "2027-03")).toMatchObject({ subtotal_minor: 40_645, vat_minor: 6_503, total_minor: 47_148 });
  });

  test("a VAT-exempt agency: no certificate yet in November (VAT, flag exemption_missing), a valid one in March (VAT 0) (Virunga)", async () => {
    // 3 × 90 000 = 270 000. November: VAT 16 % = 43 200; total 313 200. March: VAT 0; total 270 000
    expectLines(await linesOf(t.db, org.virunga, "2027-03"), [{ kind: "recurring", contract: k.virunga, quantity: "3", unit: 90_000, amount: 270_000, fr: ["mars 2027"], en: ["March 2027"] }]);
    expect(await invoiceOf(t.db, org.virunga, "2026-11")).toMatchObject({ subtotal_minor: 270_000, vat_minor: 43_200, total_minor: 313_200, is_vat_exempt: false, flags: ["first_invoice", "exemption_missing"] });
    expect(await invoiceOf(t.db, org.virunga, "2027-03")).toMatchObject({ subtotal_minor: 270_000, vat_rate_bp: 1600, vat_minor: 0, total_minor: 270_000, is_vat_exempt: true, vat_exemption_reference: "CD-EXO-2027-031", flags: [] });
  });

  test("an agency whose certificate ended on 27 February: exempt in November, VAT and exemption_expired in February (Wagenia)", async () => {
    // 90 000 + 6 033 = 96 033 (the cross-connect's setup fee was October's).
    // November: exempt. February (the certificate does not cover the 28th): VAT 16 % = 15 365.28 → 15 365; total 111 398
    expectLines(await linesOf(t.db, org.wagenia, "2027-02"), [
      { kind: "recurring", contract: k.wagenia, quantity: "1", unit: 6_033, amount: 6_033, fr: ["Interconnexion (cross-connect, par mois) — février 2027"], en: ["Cross-connect (per month) — February 2027"] },
      { kind: "recurring", contract: k.wagenia, quantity: "1", unit: 90_000, amount: 90_000, fr: ["février 2027"], en: ["February 2027"] },
    ]);
    expect(await invoiceOf(t.db, org.wagenia, "2026-11")).toMatchObject({ subtotal_minor: 96_033, vat_minor: 0, total_minor: 96_033, is_vat_exempt: true, vat_exemption_reference: "CD-EXO-2026-002" });
    expect(await invoiceOf(t.db, org.wagenia, "2027-02")).toMatchObject({ subtotal_minor: 96_033, vat_minor: 15_365, total_minor: 111_398, is_vat_exempt: false, flags: ["exemption_expired"] });
  });
});

// =============================================================================================
// LDC — XOF, 18 %, UTC. What billing-run.test.ts (October 2026, 31 days) does not cover: months of
// 28, 29 and 30 days, and p95 below commit.

describe("LDC (XOF, VAT 18 %): months of 28, 29 and 30 days", () => {
  let t: TestDb;
  let site: SiteRow;
  const org: Record<string, string> = {};
  const k: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    const db = t.db;
    site = await siteByCode(db, "LDC");
    const s = site.id;
    org.zio = await addOrg(db, "Zio Services");
    org.kara = await addOrg(db, "Kara Hosting");
    org.lama = await addOrg(db, "Lama Conseil");
    k.zio = await addContract(db, { orgId: org.zio, siteId: s, startOn: "2027-02-17", commitMbps: 20 }, { full_rack: [1, 250_000], bandwidth_commit_mbps: [20, 18_000], bandwidth_overage_mbps: [0, 27_000] });
    k.kara = await addContract(db, { orgId: org.kara, siteId: s, startOn: "2028-02-17" }, { half_rack: [1, 125_000] });
    k.lama = await addContract(db, { orgId: org.lama, siteId: s, startOn: "2027-04-17" }, { rack_unit: [2, 15_500] });
    // Zio's port in February: 8 instants, in 19.5, out 12 → p95 19.5 < 20.
    const sw = await addMeter(db, { siteId: s, externalId: "ZIO-SW", kind: "bandwidth", contractId: k.zio, attachedOn: "2027-02-17" });
    const at = (i: number) => new Date(Date.parse("2027-02-20T12:00:00Z") + i * 300_000).toISOString();
    await addSamples(db, sw, "bw_in_mbps", Array.from({ length: 8 }, (_, i): [string, string] => [at(i), "19.5"]));
    await addSamples(db, sw, "bw_out_mbps", Array.from({ length: 8 }, (_, i): [string, string] => [at(i), "12"]));
    await runMonths(db, "LDC", ["2027-02", "2027-04", "2028-02"]);
  }, 240_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  test("the seeded site: XOF, 18 %, Africa/Lome", () => {
    checkSite(site, "XOF", 1800, "Africa/Lome");
  });

  test("start on the 17th of a 28-day month, p95 below commit: no overage line (Zio, February 2027)", async () => {
    // 12/28: 250 000 × 12 / 28 = 107 142.86 → 107 143; 20 × 18 000 = 360 000 × 12 / 28 = 154 285.71 → 154 286
    // subtotal 261 429; VAT 18 % = 47 057.22 → 47 057; total 308 486
    const span = { fr: ["du 17 février 2027 au 28 février 2027 (12/28 jours)"], en: ["17 February 2027 to 28 February 2027 (12/28 days)"] };
    expectLines(await linesOf(t.db, org.zio, "2027-02"), [
      { kind: "recurring", contract: k.zio, quantity: "20", unit: 18_000, amount: 154_286, ...span },
      { kind: "recurring", contract: k.zio, quantity: "1", unit: 250_000, amount: 107_143, ...span },
    ]);
    expect(await invoiceOf(t.db, org.zio, "2027-02")).toMatchObject({ currency: "XOF", subtotal_minor: 261_429, vat_rate_bp: 1800, vat_minor: 47_057, total_minor: 308_486, flags: ["first_invoice"] });
  });

  test("a full month of 29 days is the monthly price; a start on the 17th is 13/29 (February 2028)", async () => {
    // Zio: 250 000 + 360 000 = 610 000; VAT 109 800; total 719 800
    expectLines(await linesOf(t.db, org.zio, "2028-02"), [
      { kind: "recurring", contract: k.zio, quantity: "20", unit: 18_000, amount: 360_000, fr: ["février 2028"], en: ["February 2028"] },
      { kind: "recurring", contract: k.zio, quantity: "1", unit: 250_000, amount: 250_000, fr: ["février 2028"], en: ["February 2028"] },
    ]);
    expect(await invoiceOf(t.db, org.zio, "2028-02")).toMatchObject({ subtotal_minor: 610_000, vat_minor: 109_800, total_minor: 719_800 });
    // Kara: 125 000 × 13 / 29 = 56 034.48 → 56 034; VAT 10 086.12 → 10 086; total 66 120
    expectLines(await linesOf(t.db, org.kara, "2028-02"), [
      { kind: "recurring", contract: k.kara, quantity: "1", unit: 125_000, amount: 56_034, fr: ["(13/29 jours)"], en: ["(13/29 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.kara, "2028-02")).toMatchObject({ subtotal_minor: 56_034, vat_minor: 10_086, total_minor: 66_120 });
  });

  test("start on the 17th of a 30-day month (Lama, April 2027)", async () => {
    // 2 × 15 500 = 31 000 × 14 / 30 = 14 466.67 → 14 467; VAT 2 604.06 → 2 604; total 17 071
    expectLines(await linesOf(t.db, org.lama, "2027-04"), [
      { kind: "recurring", contract: k.lama, quantity: "2", unit: 15_500, amount: 14_467, fr: ["du 17 avril 2027 au 30 avril 2027 (14/30 jours)"], en: ["17 April 2027 to 30 April 2027 (14/30 days)"] },
    ]);
    expect(await invoiceOf(t.db, org.lama, "2027-04")).toMatchObject({ subtotal_minor: 14_467, vat_minor: 2_604, total_minor: 17_071 });
  });
});
