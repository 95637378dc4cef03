import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import type { Database, Metric, ProductKind } from "#db/schema";
import { runBilling } from "~/modules/billing/run.server";
import { ChargeError, recordOneOff, waiveEarlyTermination } from "~/modules/billing/charges.server";
import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { runTsx, withDatabaseAt } from "../support/cli";
import { commitBandwidth, createOrg } from "../support/factories";

/**
 * The billing run of LDC (XOF, VAT 18 %, Africa/Lome = UTC) for October 2026 (31 days), figures
 * worked out by hand:
 *
 * Alpha — CA from 2026-10-17 (open), active 17..31 = 15 days:
 *   recurring full_rack 1 × 250 000:                      250 000 × 15 / 31 = 120 967.74 → 120 968
 *   recurring power_commit_kw 2 × 90 000 = 180 000/month: 180 000 × 15 / 31 = 87 096.77 → 87 097
 *   setup full_rack 1 × 100 000                                                         = 100 000
 *   subtotal 308 065; VAT 18 % = 55 451.7 → 55 452; total 363 517
 * Bravo — CB1 from 2026-01-01, 12 months, terminated 2026-10-10 (commitment until 2026-12-31);
 *         CB2 from 2026-02-01 (open), commit 50 Mbps:
 *   CB1 recurring full_rack 1 × 200 000, 10/31 days: 2 000 000 / 31 = 64 516.13 → 64 516
 *   CB1 early termination 11 Oct → 31 Dec: 21/31 of October (4 200 000 / 31 = 135 483.87 → 135 484)
 *       + November + December (2 × 200 000)                                          = 535 484
 *   CB2 recurring bandwidth_commit_mbps 50 × 10 000                                    = 500 000
 *   CB2 energy: readings 1 000 (30 Sep, before the month) → 1 200 → 1 350.5 → reset 20 → 100.25:
 *       200 + 150.5 + 20 + 80.25 = 450.75 kWh × 150 = 67 612.5 → 67 613
 *   CB2 overage: 20 instants, max(in 40 + 2k, out 10) = 40..78; p95 at position (20·95+99) div 100
 *       = 19 → 76 Mbps; (76 − 50) × 5 000 = 130 000
 *   subtotal 1 297 613; VAT 233 570.34 → 233 570; total 1 531 183
 * Charlie Agency — exempt (certificate CERT-2026-001, 2026-01-01..2026-12-31), 2 full racks × 150 000
 *   subtotal 300 000; VAT 0; total 300 000
 * Foxtrot — claims exemption, certificate ended 2026-10-15 (not valid on 31 October): VAT applies
 *   1 full rack 100 000; VAT 18 000; total 118 000; flagged exemption_expired
 * (A contract's lines come in the order of the product kinds' enum: full_rack before power_commit_kw.)
 * Not billed: Echo (LDC contract ended 2026-09-30), Delta (a contract at BZV).
 */

async function addContract(db: Kysely<Database>, o: { orgId: string; siteId: string; startOn: string; endOn?: string; commitMbps?: number }, lines: Partial<Record<ProductKind, [number, number, number?]>>) {
  const row = await db
    .insertInto("contracts")
    .values({ org_id: o.orgId, site_id: o.siteId, request_id: null, start_on: o.startOn, end_on: o.endOn ?? null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const products = await db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", o.siteId).execute();
  const { currency } = await db.selectFrom("sites").select("currency").where("id", "=", o.siteId).executeTakeFirstOrThrow();
  await db
    .insertInto("contract_lines")
    .values(
      Object.entries(lines).map(([kind, [quantity, price, setup]]) => {
        const p = products.find((x) => x.kind === kind)!;
        return { contract_id: row.id, product_id: p.id, kind: p.kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: price, setup_fee_minor: setup ?? 0, currency };
      }),
    )
    .execute();
  // The committed bandwidth is the bandwidth_commit_mbps line (at the test's price), or a version at price 0.
  const line = lines.bandwidth_commit_mbps;
  if (o.commitMbps !== undefined && line && line[0] !== o.commitMbps) throw new Error(`commitMbps ${o.commitMbps} ≠ the bandwidth_commit_mbps line's ${line[0]}`);
  if (o.commitMbps && !line) await commitBandwidth(db, row.id, o.commitMbps);
  return row.id;
}

const snapshot = async (db: Kysely<Database>) => ({
  invoices: await db.selectFrom("invoices").selectAll().orderBy("id").execute().then((rows) => rows.map(({ updated_at: _u, ...r }) => r)),
  lines: await db.selectFrom("invoice_lines").selectAll().orderBy("invoice_id").orderBy("position").execute(),
});

const linesOf = (db: Kysely<Database>, orgId: string) =>
  db
    .selectFrom("invoice_lines as l")
    .innerJoin("invoices as i", "i.id", "l.invoice_id")
    .select(["l.contract_id", "l.kind", "l.quantity", "l.unit_price_minor", "l.amount_minor", "l.description_fr", "l.description_en"])
    .where("i.org_id", "=", orgId)
    .where("i.period", "=", "2026-10")
    .orderBy("l.position")
    .execute();

const invoiceOf = (db: Kysely<Database>, orgId: string) =>
  db
    .selectFrom("invoices")
    .select(["id", "status", "currency", "subtotal_minor", "vat_rate_bp", "vat_minor", "total_minor", "is_vat_exempt", "vat_exemption_reference", "flags"])
    .where("org_id", "=", orgId)
    .where("period", "=", "2026-10")
    .executeTakeFirst();


/** The October world above (Alpha … Foxtrot, their contracts, meters and samples), written into `db`. */
async function buildOctober(db: Kysely<Database>) {
  const org: Record<string, string> = {};
  const contract: Record<string, string> = {};
  const sites = await db.selectFrom("sites").select(["id", "code"]).execute();
  const ldc = sites.find((s) => s.code === "LDC")!.id;
  const bzv = sites.find((s) => s.code === "BZV")!.id;
  for (const name of ["Alpha", "Bravo", "Charlie Agency", "Delta", "Echo", "Foxtrot"]) org[name] = (await createOrg(db, { name })).id;
  await db.updateTable("organisations").set({ kind: "agency", is_vat_exempt: true }).where("id", "=", org["Charlie Agency"]).execute();
  await db.updateTable("organisations").set({ is_vat_exempt: true }).where("id", "=", org.Foxtrot).execute();
  await db
    .insertInto("vat_exemption_certificates")
    .values([
      { org_id: org["Charlie Agency"], reference: "CERT-2026-001", valid_from: "2026-01-01", valid_to: "2026-12-31", created_by: null },
      { org_id: org.Foxtrot, reference: "CERT-F-2025", valid_from: "2025-10-16", valid_to: "2026-10-15", created_by: null },
    ])
    .execute();

  contract.CA = await addContract(db, { orgId: org.Alpha, siteId: ldc, startOn: "2026-10-17" }, { full_rack: [1, 250_000, 100_000], power_commit_kw: [2, 90_000] });
  contract.CB1 = await addContract(db, { orgId: org.Bravo, siteId: ldc, startOn: "2026-01-01", endOn: "2026-10-10" }, { full_rack: [1, 200_000] });
  contract.CB2 = await addContract(
    db,
    { orgId: org.Bravo, siteId: ldc, startOn: "2026-02-01", commitMbps: 50 },
    { bandwidth_commit_mbps: [50, 10_000], energy_kwh: [0, 150], bandwidth_overage_mbps: [0, 5_000] },
  );
  contract.CC = await addContract(db, { orgId: org["Charlie Agency"], siteId: ldc, startOn: "2026-03-01" }, { full_rack: [2, 150_000] });
  contract.CD = await addContract(db, { orgId: org.Delta, siteId: bzv, startOn: "2026-01-01" }, { full_rack: [1, 150_000] });
  contract.CE = await addContract(db, { orgId: org.Echo, siteId: ldc, startOn: "2026-01-01", endOn: "2026-09-30" }, { full_rack: [1, 150_000] });
  contract.CF = await addContract(db, { orgId: org.Foxtrot, siteId: ldc, startOn: "2026-01-01" }, { full_rack: [1, 100_000] });

  const meter = async (externalId: string, kind: "power" | "bandwidth") => {
    const m = await db.insertInto("meters").values({ site_id: ldc, external_id: externalId, kind, description: null }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("meter_attachments").values({ meter_id: m.id, contract_id: contract.CB2, attached_on: "2026-02-01", detached_on: null }).execute();
    return m.id;
  };
  const pdu = await meter("B-PDU", "power");
  const sw = await meter("B-SW", "bandwidth");
  const samples: { meter_id: string; metric: Metric; at: Date; value: string }[] = [
    { meter_id: pdu, metric: "energy_kwh", at: new Date("2026-09-30T23:00:00Z"), value: "1000" },
    { meter_id: pdu, metric: "energy_kwh", at: new Date("2026-10-10T00:00:00Z"), value: "1200" },
    { meter_id: pdu, metric: "energy_kwh", at: new Date("2026-10-15T00:00:00Z"), value: "1350.5" },
    { meter_id: pdu, metric: "energy_kwh", at: new Date("2026-10-15T00:05:00Z"), value: "20" },
    { meter_id: pdu, metric: "energy_kwh", at: new Date("2026-10-31T23:00:00Z"), value: "100.25" },
    // November: not October's.
    { meter_id: pdu, metric: "energy_kwh", at: new Date("2026-11-01T00:05:00Z"), value: "130" },
  ];
  for (let k = 0; k < 20; k++) {
    const at = new Date(Date.UTC(2026, 9, 5, 0, 5 * k));
    samples.push({ meter_id: sw, metric: "bw_in_mbps", at, value: String(40 + 2 * k) });
    samples.push({ meter_id: sw, metric: "bw_out_mbps", at: new Date(at.getTime() + 2000), value: "10" });
  }
  await db.insertInto("samples").values(samples).execute();
  return { ldc, org, contract };
}

/** A fresh database holding the October world, billed once: for the tests that change it. */
async function billedOctober() {
  const t = await createTestDb({ reference: true });
  const world = await buildOctober(t.db);
  await runBilling(t.db, { siteCode: "LDC", period: "2026-10" });
  return { t, ...world };
}

describe("October 2026 at LDC, computed by hand", () => {
  // One world billed once, shared by the tests that only read it (a correct re-run leaves it as it is).
  let t: TestDb;
  let world: Awaited<ReturnType<typeof buildOctober>>;
  let result: Awaited<ReturnType<typeof runBilling>>;
  const progress: [number, number, string | null][] = [];

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    world = await buildOctober(t.db);
    result = await runBilling(t.db, { siteCode: "LDC", period: "2026-10", onProgress: (d, n, label) => progress.push([d, n, label]) });
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  test("a month's run: one draft per organisation with a contract that month, every line and total as computed by hand", async () => {
    const { org, contract } = world;
    expect(result).toEqual({ site: "LDC", period: "2026-10", invoices: 4, issued: 0 });
    expect(progress).toEqual([
      [0, 4, null],
      [1, 4, "Alpha"],
      [2, 4, "Bravo"],
      [3, 4, "Charlie Agency"],
      [4, 4, "Foxtrot"],
    ]);

    expect(await linesOf(t.db, org.Alpha)).toEqual([
      expect.objectContaining({ contract_id: contract.CA, kind: "recurring", quantity: "1.000000", unit_price_minor: 250_000, amount_minor: 120_968 }),
      expect.objectContaining({ contract_id: contract.CA, kind: "recurring", quantity: "2.000000", unit_price_minor: 90_000, amount_minor: 87_097 }),
      expect.objectContaining({ contract_id: contract.CA, kind: "setup", quantity: "1.000000", unit_price_minor: 100_000, amount_minor: 100_000 }),
    ]);
    expect(await invoiceOf(t.db, org.Alpha)).toMatchObject({ status: "draft", currency: "XOF", subtotal_minor: 308_065, vat_rate_bp: 1800, vat_minor: 55_452, total_minor: 363_517, is_vat_exempt: false, flags: ["first_invoice"] });

    const bravo = await linesOf(t.db, org.Bravo);
    expect(bravo).toEqual([
      expect.objectContaining({ contract_id: contract.CB1, kind: "recurring", amount_minor: 64_516 }),
      expect.objectContaining({ contract_id: contract.CB1, kind: "early_termination", quantity: "1.000000", amount_minor: 535_484 }),
      expect.objectContaining({ contract_id: contract.CB2, kind: "recurring", quantity: "50.000000", unit_price_minor: 10_000, amount_minor: 500_000 }),
      expect.objectContaining({ contract_id: contract.CB2, kind: "energy", quantity: "450.750000", unit_price_minor: 150, amount_minor: 67_613 }),
      expect.objectContaining({ contract_id: contract.CB2, kind: "bandwidth_overage", quantity: "26.000000", unit_price_minor: 5_000, amount_minor: 130_000 }),
    ]);
    expect(bravo[4].description_fr).toContain("p95 = 76 Mbps, engagement 50 Mbps, 20 mesures");
    expect(bravo[4].description_en).toContain("p95 = 76 Mbps, commit 50 Mbps, 20 samples");
    expect(bravo[1].description_fr).toContain("du 11 octobre 2026 au 31 décembre 2026");
    expect(await invoiceOf(t.db, org.Bravo)).toMatchObject({ subtotal_minor: 1_297_613, vat_minor: 233_570, total_minor: 1_531_183, flags: ["first_invoice", "overage"] });

    expect(await invoiceOf(t.db, org["Charlie Agency"])).toMatchObject({ subtotal_minor: 300_000, vat_minor: 0, total_minor: 300_000, is_vat_exempt: true, vat_exemption_reference: "CERT-2026-001", flags: ["first_invoice"] });
    expect(await invoiceOf(t.db, org.Foxtrot)).toMatchObject({ subtotal_minor: 100_000, vat_minor: 18_000, total_minor: 118_000, is_vat_exempt: false, vat_exemption_reference: null, flags: ["first_invoice", "exemption_expired"] });

    expect(await invoiceOf(t.db, org.Echo)).toBeUndefined();
    expect(await t.db.selectFrom("invoices").select("id").where("org_id", "=", org.Delta).execute()).toEqual([]);
  });

  test("a re-run yields identical rows (same invoices, same line rows, same figures)", async () => {
    const before = await snapshot(t.db);
    expect(before.invoices).toHaveLength(4);
    expect(await runBilling(t.db, { siteCode: "LDC", period: "2026-10" })).toEqual({ site: "LDC", period: "2026-10", invoices: 4, issued: 0 });
    expect(await snapshot(t.db)).toEqual(before);
  });
});

describe("October 2026 at LDC, changed after its first run (a fresh world per test)", () => {
  let fresh: Awaited<ReturnType<typeof billedOctober>> | undefined;

  afterEach(async () => {
    await fresh?.t.cleanup();
    fresh = undefined;
  });

  test("an issued invoice is left untouched by a re-run, while drafts follow the data", async () => {
    fresh = await billedOctober();
    const { t, org, contract } = fresh;
    const charlie = (await invoiceOf(t.db, org["Charlie Agency"]))!;
    // Issued the way the issue step does it: number, dates and payment reference in one UPDATE.
    await sql`UPDATE invoices SET status = 'issued', number = 'LDC-2026-000001', issued_on = '2026-11-02', due_on = '2026-12-02', payment_reference = 'LDC-PAY-0001'
               WHERE id = ${charlie.id}`.execute(t.db);
    const issuedBefore = await t.db.selectFrom("invoices").selectAll().where("id", "=", charlie.id).executeTakeFirstOrThrow();
    const issuedLines = await t.db.selectFrom("invoice_lines").selectAll().where("invoice_id", "=", charlie.id).execute();

    // Prices change after the fact (a correction): the drafts follow, the issued invoice does not.
    await t.db.updateTable("contract_lines").set({ unit_price_minor: 175_000 }).where("contract_id", "in", [contract.CC, contract.CF]).execute();
    expect(await runBilling(t.db, { siteCode: "LDC", period: "2026-10" })).toEqual({ site: "LDC", period: "2026-10", invoices: 3, issued: 1 });
    expect(await t.db.selectFrom("invoices").selectAll().where("id", "=", charlie.id).executeTakeFirstOrThrow()).toEqual(issuedBefore);
    expect(await t.db.selectFrom("invoice_lines").selectAll().where("invoice_id", "=", charlie.id).execute()).toEqual(issuedLines);
    // Foxtrot: 175 000 + 18 % (31 500) = 206 500.
    expect(await invoiceOf(t.db, org.Foxtrot)).toMatchObject({ subtotal_minor: 175_000, vat_minor: 31_500, total_minor: 206_500 });
  }, 60_000);

  test("a draft of an organisation without a contract that month any more is removed by the next run", async () => {
    fresh = await billedOctober();
    const { t, org, contract } = fresh;
    expect(await invoiceOf(t.db, org.Alpha)).toBeDefined();
    await t.db.updateTable("contracts").set({ start_on: "2026-11-01" }).where("id", "=", contract.CA).execute();
    expect(await runBilling(t.db, { siteCode: "LDC", period: "2026-10" })).toEqual({ site: "LDC", period: "2026-10", invoices: 3, issued: 0 });
    expect(await invoiceOf(t.db, org.Alpha)).toBeUndefined();
    expect((await invoiceOf(t.db, org.Bravo))?.status).toBe("draft");
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// The CLI, as finance runs it: a child process on its own embedded database.

// The CLI runs on its own embedded database whatever TEST_DATABASE_URL says: on PostgreSQL (test:pg)
// this file would repeat the PGlite run exactly, so it runs once, with `npm test`.
describe.skipIf(usingPostgres())("billing run on the command line", () => {
  let dataDir: string;
  const run = (args: string[]) => runTsx(dataDir, args);
  const withDatabase = <T,>(fn: (db: Kysely<Database>) => Promise<T>) => withDatabaseAt(dataDir, fn);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portal-billing-cli-"));
    const seeded = await run(["seeds/run.ts", "--no-demo"]);
    expect(seeded.code, seeded.stderr).toBe(0);
    await withDatabase(async (db) => {
      const site = await db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow();
      const o = await createOrg(db, { name: "Kara Hosting" });
      await addContract(db, { orgId: o.id, siteId: site.id, startOn: "2026-10-01" }, { full_rack: [1, 250_000] });
    });
  }, 180_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test("prints the contract's JSON alone on the last line; a second run recomputes the same draft", async () => {
    const first = await run(["app/cli.ts", "billing", "run", "--site", "LDC", "--period", "2026-10"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trimEnd().split("\n").at(-1)).toBe('{"site":"LDC","period":"2026-10","invoices":1,"issued":0}');
    const again = await run(["app/cli.ts", "billing", "run", "--site", "LDC", "--period", "2026-10"]);
    expect(again.stdout.trimEnd().split("\n").at(-1)).toBe('{"site":"LDC","period":"2026-10","invoices":1,"issued":0}');
    await withDatabase(async (db) => {
      expect(await db.selectFrom("invoices").select(["period", "subtotal_minor", "total_minor"]).execute()).toEqual([{ period: "2026-10", subtotal_minor: 250_000, total_minor: 295_000 }]);
      expect(await db.selectFrom("jobs").select(["kind", "key", "status"]).execute()).toEqual([
        { kind: "billing.run", key: "billing.run:LDC:2026-10", status: "done" },
        { kind: "billing.run", key: "billing.run:LDC:2026-10", status: "done" },
      ]);
    });
  }, 240_000);

  test("bad arguments exit 2 with a message and write nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["--site", "LDC", "--period", "2026-13"], /--period/],
      [["--site", "LDC", "--period", "26-10"], /--period/],
      [["--site", "LDC", "--period", "1999-12"], /--period/],
      [["--site", "LDC", "--period", "2101-01"], /--period/],
      [["--site", "XYZ", "--period", "2026-10"], /Unknown site XYZ/],
      [["--period", "2026-10"], /--site/],
    ];
    for (const [args, message] of cases) {
      const r = await run(["app/cli.ts", "billing", "run", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    await withDatabase(async (db) => {
      expect(await db.selectFrom("jobs").select("key").where("key", "not like", "%:LDC:2026-10").execute()).toEqual([]);
    });
  }, 240_000);
});

// ---------------------------------------------------------------------------------------------
// One-off charges and early-termination waivers (October to December 2026 at LDC). One database for
// the describe; each test creates its own organisations and contracts and reads only those.

describe("one-off charges and early-termination waivers", () => {
  let t: TestDb;
  let ldc: string;

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    ldc = (await t.db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow()).id;
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const linesIn = (orgId: string, period: string) =>
    t.db
      .selectFrom("invoice_lines as l")
      .innerJoin("invoices as i", "i.id", "l.invoice_id")
      .select(["l.contract_id", "l.kind", "l.quantity", "l.unit_price_minor", "l.amount_minor", "l.description_fr", "l.description_en"])
      .where("i.org_id", "=", orgId)
      .where("i.period", "=", period)
      .orderBy("l.position")
      .execute();

  test("remote hands, 1.5 h on 10 November at the contract's frozen price, land on November's invoice and not on December's", async () => {
    const golf = (await createOrg(t.db, { name: "Golf" })).id;
    // Frozen remote-hands price 15 333 per hour (the site's product price differs: the frozen one counts).
    const cg = await addContract(t.db, { orgId: golf, siteId: ldc, startOn: "2026-01-01" }, { full_rack: [1, 100_000], remote_hands_hour: [0, 15_333] });
    const charge = await t.db.transaction().execute((trx) =>
      recordOneOff(trx, { actor: null, contractId: cg, kind: "remote_hands", chargedOn: "2026-11-10", quantity: "1.5", description: "Remplacement d'un disque" }),
    );
    // 1.5 × 15 333 = 22 999.5 → 23 000 (half-up).
    expect(charge.amountMinor).toBe(23_000);
    expect(await t.db.selectFrom("one_off_charges").select(["org_id", "quantity", "unit_price_minor", "amount_minor"]).where("id", "=", charge.id).executeTakeFirst()).toEqual({
      org_id: golf,
      quantity: "1.50",
      unit_price_minor: 15_333,
      amount_minor: 23_000,
    });
    expect(await t.db.selectFrom("audit_log").select(["action", "org_id"]).where("entity_id", "=", cg).execute()).toEqual([{ action: "billing.one_off_recorded", org_id: golf }]);

    await runBilling(t.db, { siteCode: "LDC", period: "2026-11" });
    const november = await linesIn(golf, "2026-11");
    expect(november).toEqual([
      expect.objectContaining({ contract_id: cg, kind: "recurring", amount_minor: 100_000 }),
      expect.objectContaining({ contract_id: cg, kind: "one_off", quantity: "1.500000", unit_price_minor: 15_333, amount_minor: 23_000 }),
    ]);
    expect(november[1].description_fr).toContain("Remplacement d'un disque (10 novembre 2026)");
    const inv = await t.db.selectFrom("invoices").select(["subtotal_minor", "vat_minor", "total_minor"]).where("org_id", "=", golf).where("period", "=", "2026-11").executeTakeFirstOrThrow();
    // 123 000 + 18 % (22 140) = 145 140.
    expect(inv).toEqual({ subtotal_minor: 123_000, vat_minor: 22_140, total_minor: 145_140 });

    await runBilling(t.db, { siteCode: "LDC", period: "2026-12" });
    expect(await linesIn(golf, "2026-12")).toEqual([expect.objectContaining({ contract_id: cg, kind: "recurring", amount_minor: 100_000 })]);
  });

  test("a charge in a month whose invoice is issued, or outside the contract's dates, is refused and writes nothing", async () => {
    const india = (await createOrg(t.db, { name: "India" })).id;
    const ci = await addContract(t.db, { orgId: india, siteId: ldc, startOn: "2026-03-01" }, { full_rack: [2, 150_000] });
    const juliet = (await createOrg(t.db, { name: "Juliet" })).id;
    const cj = await addContract(t.db, { orgId: juliet, siteId: ldc, startOn: "2026-01-01", endOn: "2026-09-30" }, { full_rack: [1, 150_000] });
    await runBilling(t.db, { siteCode: "LDC", period: "2026-10" });
    await sql`UPDATE invoices SET status = 'issued', number = 'LDC-2026-000101', issued_on = '2026-11-02', due_on = '2026-12-02', payment_reference = 'LDC-PAY-0101'
               WHERE org_id = ${india} AND period = '2026-10'`.execute(t.db);
    const count = async () => Number((await t.db.selectFrom("one_off_charges").select((eb) => eb.fn.countAll<string>().as("n")).where("contract_id", "in", [ci, cj]).executeTakeFirstOrThrow()).n);

    await expect(
      t.db.transaction().execute((trx) => recordOneOff(trx, { actor: null, contractId: ci, kind: "other", chargedOn: "2026-10-05", amountMinor: 10_000, description: "Badge perdu" })),
    ).rejects.toMatchObject({ code: "invoice_issued" });
    await expect(
      t.db.transaction().execute((trx) => recordOneOff(trx, { actor: null, contractId: cj, kind: "other", chargedOn: "2026-10-05", amountMinor: 10_000, description: "Badge perdu" })),
    ).rejects.toEqual(new ChargeError("outside_contract"));
    expect(await count()).toBe(0);
    // November's invoice is not issued: a charge there is taken.
    await t.db.transaction().execute((trx) => recordOneOff(trx, { actor: null, contractId: ci, kind: "other", chargedOn: "2026-11-05", amountMinor: 10_000, description: "Badge perdu" }));
    expect(await count()).toBe(1);
  });

  test("a waived early termination gives no early_termination line (and the waiver is audited)", async () => {
    const hotel = (await createOrg(t.db, { name: "Hotel" })).id;
    // 12 months from 2026-01-01, ended 2026-11-20: commitment until 2026-12-31.
    const ch = await addContract(t.db, { orgId: hotel, siteId: ldc, startOn: "2026-01-01", endOn: "2026-11-20" }, { full_rack: [1, 90_000] });
    await runBilling(t.db, { siteCode: "LDC", period: "2026-11" });
    // Before the waiver: 1..20 November = 20/30 × 90 000 = 60 000;
    // 21 Nov → 31 Dec = 10/30 of November (30 000) + December (90 000) = 120 000.
    expect((await linesIn(hotel, "2026-11")).map((l) => [l.kind, l.amount_minor])).toEqual([
      ["recurring", 60_000],
      ["early_termination", 120_000],
    ]);

    await expect(t.db.transaction().execute((trx) => waiveEarlyTermination(trx, { actor: null, contractId: ch, reason: "  " }))).rejects.toMatchObject({ code: "bad_reason" });
    await t.db.transaction().execute((trx) => waiveEarlyTermination(trx, { actor: null, contractId: ch, reason: "Geste commercial : migration vers BZV" }));
    await expect(t.db.transaction().execute((trx) => waiveEarlyTermination(trx, { actor: null, contractId: ch, reason: "encore" }))).rejects.toMatchObject({ code: "already_waived" });
    expect(await t.db.selectFrom("audit_log").select(["action", "org_id"]).where("entity_id", "=", ch).execute()).toEqual([{ action: "billing.early_termination_waived", org_id: hotel }]);

    await runBilling(t.db, { siteCode: "LDC", period: "2026-11" });
    expect((await linesIn(hotel, "2026-11")).map((l) => [l.kind, l.amount_minor])).toEqual([["recurring", 60_000]]);
    expect(await t.db.selectFrom("invoices").select("subtotal_minor").where("org_id", "=", hotel).where("period", "=", "2026-11").executeTakeFirstOrThrow()).toEqual({ subtotal_minor: 60_000 });
  });

  test("the composite foreign key refuses a charge or a waiver whose organisation is not the contract's", async () => {
    const kilo = (await createOrg(t.db, { name: "Kilo" })).id;
    const lima = (await createOrg(t.db, { name: "Lima" })).id;
    const ck = await addContract(t.db, { orgId: kilo, siteId: ldc, startOn: "2026-01-01" }, { full_rack: [1, 100_000] });
    await expect(
      t.db
        .insertInto("one_off_charges")
        .values({ contract_id: ck, org_id: lima, kind: "other", charged_on: "2026-11-12", quantity: "1", unit_price_minor: 5_000, amount_minor: 5_000, description: "x", created_by: null })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    await expect(t.db.insertInto("early_termination_waivers").values({ contract_id: ck, org_id: lima, reason: "x", waived_by: null }).execute()).rejects.toThrow(/foreign key/i);
  });
});
