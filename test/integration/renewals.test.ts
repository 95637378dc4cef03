import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { giveNotice, renewalsKey, RENEWALS_KIND, runRenewals, scheduleRenewals, setRenewalPrice } from "~/modules/renewals/renewals.server";
import { runJobToCompletion } from "~/modules/jobs/jobs.server";
import { runBilling } from "~/modules/billing/run.server";
import { anotherPool, createTestDb, usingPostgres, type TestDb } from "../support/db";
import { createUser } from "../support/factories";
import { addContract, addOrg, invoiceOf, linesOf, siteByCode, type FrozenLines } from "../support/billing-world";

/**
 * Renewals at LDC (XOF, VAT 18 %, Africa/Lome = UTC; renewal notice 30 days):
 *
 * K, Kossi Digital's contract from 2026-03-17 for 12 months: commitment until 2027-03-16, renewal
 *   on 2027-03-17. Lines: 4 rack units at 25 000 (setup 5 000 each), 2 kW at 100 000, energy at 150.
 *   Notices: 90 days before = 2026-12-16, 60 = 2027-01-15, 30 = 2027-02-14; notice deadline
 *   2027-02-14 (2027-03-16 − 30 days).
 *   Recipients of a notice: Kossi's owner (fr) and admin (en) — not its billing, technical or
 *   viewer members — and the operators who set prices (ops_admin fr, ops_finance en), not ops_noc:
 *   4 e-mails.
 * T, another tenant's contract at LDC (same dates): never in Kossi's mail, not reachable by Kossi.
 */
async function world(db: Kysely<Database>) {
  const site = await siteByCode(db, "LDC");
  const kossi = await addOrg(db, "Kossi Digital");
  const tiers = await addOrg(db, "Tiers SARL");
  const owner = await createUser(db, { orgId: kossi, role: "owner", email: "owner@kossi.test", locale: "fr" });
  const admin = await createUser(db, { orgId: kossi, role: "admin", email: "admin@kossi.test", locale: "en" });
  const billing = await createUser(db, { orgId: kossi, role: "billing", email: "billing@kossi.test" });
  const technical = await createUser(db, { orgId: kossi, role: "technical", email: "tech@kossi.test" });
  const viewer = await createUser(db, { orgId: kossi, role: "viewer", email: "viewer@kossi.test" });
  await createUser(db, { orgId: tiers, role: "owner", email: "owner@tiers.test" });
  const opsAdmin = await createUser(db, { operatorRole: "ops_admin", email: "admin@dc.test", locale: "fr" });
  const finance = await createUser(db, { operatorRole: "ops_finance", email: "finance@dc.test", locale: "en" });
  await createUser(db, { operatorRole: "ops_noc", email: "noc@dc.test" });
  const lines: FrozenLines = { rack_unit: [4, 25_000, 5_000], power_commit_kw: [2, 100_000], energy_kwh: [0, 150] };
  const K = await addContract(db, { orgId: kossi, siteId: site.id, startOn: "2026-03-17", termMonths: 12 }, lines);
  const T = await addContract(db, { orgId: tiers, siteId: site.id, startOn: "2026-03-17", termMonths: 12 }, { rack_unit: [1, 25_000] });
  const rack = await db
    .selectFrom("racks as r")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .select("r.id")
    .where("m.site_id", "=", site.id)
    .where("r.status", "=", "active")
    .orderBy("r.name")
    .executeTakeFirstOrThrow();
  await db.insertInto("allocations").values({ contract_id: K, org_id: kossi, rack_id: rack.id, kind: "units", first_u: 1, last_u: 4, start_on: "2026-03-17", end_on: null, power_w: 2000 }).execute();
  return { site, kossi, tiers, K, T, owner, admin, billing, technical, viewer, opsAdmin, finance };
}

type World = Awaited<ReturnType<typeof world>>;

const run = (db: Kysely<Database>, today: string) => runRenewals(db, { today, siteCodes: ["LDC"] });

const notices = (db: Kysely<Database>, contractId: string) =>
  db
    .selectFrom("renewal_notices")
    .select(["commitment_ends_on", "days_before", "status", "run_on", "recipients", "with_prices"])
    .where("contract_id", "=", contractId)
    .orderBy("days_before", "desc")
    .execute();

const mails = (db: Kysely<Database>, like = "renewal_%") =>
  db.selectFrom("email_outbox").select(["to_address", "template", "locale", "subject", "text"]).where("template", "like", like).orderBy("created_at").orderBy("to_address").execute();

const contract = (db: Kysely<Database>, id: string) => db.selectFrom("contracts").select(["end_on", "commitment_ends_on"]).where("id", "=", id).executeTakeFirstOrThrow();

const versions = (db: Kysely<Database>, id: string) =>
  db
    .selectFrom("contract_lines")
    .select(["kind", "quantity", "unit_price_minor", "valid_from", "valid_to", "renewal_id"])
    .where("contract_id", "=", id)
    .orderBy("kind")
    .orderBy("valid_from")
    .execute();

const actor = (u: { id: string; email: string }) => ({ id: u.id, email: u.email, ip: null });

const inTrx = <T extends { ok: boolean }>(db: Kysely<Database>, fn: (trx: import("#db/types").Trx) => Promise<T>) =>
  db
    .transaction()
    .execute(async (trx) => {
      const r = await fn(trx);
      if (!r.ok) throw Object.assign(new Error("rollback"), { result: r });
      return r;
    })
    .catch((e: { result?: T }) => {
      if (e.result) return e.result;
      throw e;
    });

describe("renewals", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  let w: World;

  beforeEach(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    w = await world(db);
  });
  afterEach(() => t.cleanup());

  it("backfills and fills the commitment: start + term − 1 day (31 January + 1 month clamps like the billing rule)", async () => {
    expect(await contract(db, w.K)).toEqual({ end_on: null, commitment_ends_on: "2027-03-16" });
    const jan31 = await addContract(db, { orgId: w.kossi, siteId: w.site.id, startOn: "2026-01-31", termMonths: 24 }, {});
    expect((await contract(db, jan31)).commitment_ends_on).toBe("2028-01-30");
    const leap = await addContract(db, { orgId: w.kossi, siteId: w.site.id, startOn: "2028-02-29", termMonths: 12 }, {});
    expect((await contract(db, leap)).commitment_ends_on).toBe("2029-02-27");
    expect(await db.selectFrom("sites").select(["code", "renewal_notice_days"]).orderBy("code").execute()).toEqual([
      { code: "BZV", renewal_notice_days: 30 },
      { code: "KIN", renewal_notice_days: 30 },
      { code: "LDC", renewal_notice_days: 30 },
    ]);
    await expect(db.updateTable("sites").set({ renewal_notice_days: 120 }).where("code", "=", "LDC").execute()).rejects.toThrow();
  });

  it("sends the 90-, 60- and 30-day notices once each, to owners, admins and pricing operators in their language", async () => {
    const days = ["2026-12-15", "2026-12-16", "2026-12-16", "2027-01-14", "2027-01-15", "2027-01-15", "2027-02-14", "2027-02-14", "2027-03-16"];
    const sent: number[] = [];
    for (const day of days) sent.push((await run(db, day)).notices);
    // K and T each get a notice on the 90th, 60th and 30th day before.
    expect(sent).toEqual([0, 2, 0, 0, 2, 0, 2, 0, 0]);
    expect(await notices(db, w.K)).toEqual([
      { commitment_ends_on: "2027-03-16", days_before: 90, status: "sent", run_on: "2026-12-16", recipients: 4, with_prices: false },
      { commitment_ends_on: "2027-03-16", days_before: 60, status: "sent", run_on: "2027-01-15", recipients: 4, with_prices: false },
      { commitment_ends_on: "2027-03-16", days_before: 30, status: "sent", run_on: "2027-02-14", recipients: 4, with_prices: false },
    ]);
    const all = await mails(db);
    const kossi = all.filter((m) => m.subject.includes(w.K.slice(0, 8).toUpperCase()));
    expect(kossi).toHaveLength(12);
    expect([...new Set(kossi.map((m) => `${m.template} ${m.to_address} ${m.locale}`))].sort()).toEqual([
      "renewal_notice admin@kossi.test en",
      "renewal_notice owner@kossi.test fr",
      "renewal_notice_ops admin@dc.test fr",
      "renewal_notice_ops finance@dc.test en",
    ]);
    const first = kossi.find((m) => m.to_address === "owner@kossi.test")!;
    expect(first.subject).toContain("17 mars 2027");
    expect(first.text).toContain("14 févr. 2027");
    expect(first.text).toContain("Les prix actuels du contrat restent inchangés");
    expect(all.some((m) => ["billing@kossi.test", "tech@kossi.test", "viewer@kossi.test", "noc@dc.test"].includes(m.to_address))).toBe(false);
    expect(all.filter((m) => m.to_address === "owner@tiers.test")).toHaveLength(3);
  });

  it("a contract first seen 45 days before its end gets the 60-day notice only, the 90-day one recorded as skipped", async () => {
    const summary = await run(db, "2027-01-30");
    expect(summary).toMatchObject({ notices: 2, skipped: 2, renewed: 0 });
    expect((await notices(db, w.K)).map((n) => [n.days_before, n.status])).toEqual([
      [90, "skipped"],
      [60, "sent"],
    ]);
    expect((await mails(db)).filter((m) => m.to_address === "owner@kossi.test")).toHaveLength(1);
  });

  it("two runs at once send each notice once", async () => {
    const [a, b] = await Promise.all([run(db, "2026-12-16"), run(db, "2026-12-16")]);
    expect(a.notices + b.notices).toBe(2);
    expect(await notices(db, w.K)).toHaveLength(1);
    expect(await mails(db)).toHaveLength(7);
  });

  it("the 90-day notice carries the renewal prices set before it; tacit renewal creates versions at those prices, billed to the day", async () => {
    const set = await inTrx(db, (trx) =>
      setRenewalPrice(trx, { contractId: w.K, commitmentEndsOn: "2027-03-16", kind: "rack_unit", unitPriceMinor: 27_500, actor: actor(w.finance), today: "2026-12-01" }),
    );
    expect(set).toEqual({ ok: true, changed: true });
    await run(db, "2026-12-16");
    expect((await notices(db, w.K))[0]).toMatchObject({ days_before: 90, with_prices: true });
    const owner = (await mails(db)).find((m) => m.to_address === "owner@kossi.test")!;
    expect(owner.text).toContain("Nouveaux prix applicables à partir du 17 mars 2027");
    expect(owner.text.replace(/[\u00a0\u202f]/g, " ")).toMatch(/25 000 F CFA[\s\S]*27 500 F CFA/);

    // Not renewed on its last day; renewed the next day, once.
    expect((await run(db, "2027-03-16")).renewed).toBe(0);
    const [r1, r2] = await Promise.all([run(db, "2027-03-17"), run(db, "2027-03-17")]);
    expect(r1.renewed + r2.renewed).toBe(2); // K and T
    expect(r1.repriced + r2.repriced).toBe(1);
    expect(await contract(db, w.K)).toEqual({ end_on: null, commitment_ends_on: "2028-03-16" });
    const renewal = await db.selectFrom("contract_renewals").select(["id", "previous_ends_on", "starts_on", "ends_on", "repriced"]).where("contract_id", "=", w.K).execute();
    expect(renewal).toMatchObject([{ previous_ends_on: "2027-03-16", starts_on: "2027-03-17", ends_on: "2028-03-16", repriced: 1 }]);
    expect(await versions(db, w.K)).toEqual([
      { kind: "energy_kwh", quantity: 0, unit_price_minor: 150, valid_from: "2026-03-17", valid_to: null, renewal_id: null },
      { kind: "power_commit_kw", quantity: 2, unit_price_minor: 100_000, valid_from: "2026-03-17", valid_to: null, renewal_id: null },
      { kind: "rack_unit", quantity: 4, unit_price_minor: 25_000, valid_from: "2026-03-17", valid_to: "2027-03-16", renewal_id: null },
      { kind: "rack_unit", quantity: 4, unit_price_minor: 27_500, valid_from: "2027-03-17", valid_to: null, renewal_id: renewal[0].id },
    ]);
    // The allocation goes on: nothing ends at a tacit renewal.
    expect(await db.selectFrom("allocations").select("end_on").where("contract_id", "=", w.K).execute()).toEqual([{ end_on: null }]);

    // March 2027 (31 days): rack units 4 × 25 000 for 16 days = round(100 000 × 16/31) = 51 613,
    // then 4 × 27 500 for 15 days = round(110 000 × 15/31) = 53 226; power 2 × 100 000 = 200 000;
    // no setup fee for the renewed version (same quantity). Subtotal 304 839, VAT 18 % = 54 871.02
    // → 54 871, total 359 710.
    await runBilling(db, { siteCode: "LDC", period: "2027-03" });
    const lines = await linesOf(db, w.kossi, "2027-03");
    expect(lines.map((l) => [l.kind, l.quantity, Number(l.unit_price_minor), Number(l.amount_minor)])).toEqual([
      ["recurring", "2.000000", 100_000, 200_000],
      ["recurring", "4.000000", 25_000, 51_613],
      ["recurring", "4.000000", 27_500, 53_226],
    ]);
    expect(await invoiceOf(db, w.kossi, "2027-03")).toMatchObject({ subtotal_minor: 304_839, vat_minor: 54_871, total_minor: 359_710 });
    // April 2027: the new price for the whole month. 110 000 + 200 000 = 310 000, VAT 55 800.
    await runBilling(db, { siteCode: "LDC", period: "2027-04" });
    expect(await invoiceOf(db, w.kossi, "2027-04")).toMatchObject({ subtotal_minor: 310_000, vat_minor: 55_800, total_minor: 365_800 });

    // A notice for the NEW commitment comes 90 days before 2028-03-16, not before.
    expect((await run(db, "2027-12-16")).notices).toBe(0);
    expect((await run(db, "2027-12-17")).notices).toBe(2);
  });

  it("an early termination after a renewal owes the CURRENT commitment", async () => {
    await inTrx(db, (trx) => setRenewalPrice(trx, { contractId: w.K, commitmentEndsOn: "2027-03-16", kind: "rack_unit", unitPriceMinor: 27_500, actor: actor(w.finance), today: "2026-12-01" }));
    await run(db, "2027-03-17");
    await db.updateTable("contracts").set({ end_on: "2027-06-30" }).where("id", "=", w.K).execute();
    // Still due: 2027-07-01 → 2028-03-16 at the versions in force on 2027-06-30 (110 000 + 200 000 =
    // 310 000 a month): July–February = 8 full months = 2 480 000, March 2028 16/31 days =
    // round(310 000 × 16/31) = 160 000. Total 2 640 000 (without the renewal: nothing, the first
    // commitment ended on 2027-03-16).
    await runBilling(db, { siteCode: "LDC", period: "2027-06" });
    const early = (await linesOf(db, w.kossi, "2027-06")).filter((l) => l.kind === "early_termination");
    expect(early.map((l) => Number(l.amount_minor))).toEqual([2_640_000]);
  });

  it("notice given before the deadline ends the contract on the commitment's end, through the termination path; no renewal follows", async () => {
    const r = await inTrx(db, (trx) => giveNotice(trx, { orgId: w.kossi, contractId: w.K, actor: actor(w.admin), today: "2027-02-14" }));
    expect(r).toEqual({ ok: true, endOn: "2027-03-16" });
    expect(await contract(db, w.K)).toEqual({ end_on: "2027-03-16", commitment_ends_on: "2027-03-16" });
    expect(await db.selectFrom("allocations").select("end_on").where("contract_id", "=", w.K).execute()).toEqual([{ end_on: "2027-03-16" }]);
    const change = await db.selectFrom("contract_changes").select(["kind", "status", "requested_end_on", "requested_by", "decided_by"]).where("contract_id", "=", w.K).execute();
    expect(change).toEqual([{ kind: "termination", status: "applied", requested_end_on: "2027-03-16", requested_by: w.admin.id, decided_by: w.admin.id }]);
    expect(await db.selectFrom("renewal_opt_outs").select(["commitment_ends_on", "given_on", "deadline_on", "given_by_email"]).where("contract_id", "=", w.K).execute()).toEqual([
      { commitment_ends_on: "2027-03-16", given_on: "2027-02-14", deadline_on: "2027-02-14", given_by_email: "admin@kossi.test" },
    ]);
    const audit = await db.selectFrom("audit_log").select(["action", "actor_email"]).where("entity_id", "=", w.K).orderBy("at").orderBy("action").execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["contract.terminated", "renewal.notice_given"]);
    const sent = await mails(db, "%");
    expect([...new Set(sent.map((m) => `${m.template} ${m.to_address}`))].sort()).toEqual([
      "renewal_notice_given admin@kossi.test",
      "renewal_notice_given owner@kossi.test",
      "renewal_notice_given_ops admin@dc.test",
      "renewal_notice_given_ops finance@dc.test",
      "renewal_notice_given_ops noc@dc.test",
    ]);
    // A second notice, a renewal price, the day's notices: nothing more.
    expect(await inTrx(db, (trx) => giveNotice(trx, { orgId: w.kossi, contractId: w.K, actor: actor(w.owner), today: "2027-02-14" }))).toEqual({ ok: false, error: "already_given" });
    expect(await inTrx(db, (trx) => setRenewalPrice(trx, { contractId: w.K, commitmentEndsOn: "2027-03-16", kind: "rack_unit", unitPriceMinor: 1, actor: actor(w.finance), today: "2027-02-15" }))).toEqual({
      ok: false,
      error: "not_renewing",
    });
    expect((await run(db, "2027-02-14")).notices).toBe(1); // T only
    const after = await run(db, "2027-03-17");
    expect(after.renewed).toBe(1); // T only
    expect(await contract(db, w.K)).toEqual({ end_on: "2027-03-16", commitment_ends_on: "2027-03-16" });
    expect(await db.selectFrom("contract_renewals").select("id").where("contract_id", "=", w.K).execute()).toEqual([]);
  });

  it("notice after the deadline is refused and writes nothing", async () => {
    const before = await counts(db);
    expect(await inTrx(db, (trx) => giveNotice(trx, { orgId: w.kossi, contractId: w.K, actor: actor(w.owner), today: "2027-02-15" }))).toEqual({ ok: false, error: "deadline_passed" });
    expect(await counts(db)).toEqual(before);
    expect(await contract(db, w.K)).toEqual({ end_on: null, commitment_ends_on: "2027-03-16" });
    // Another organisation's contract: not found (whatever the date).
    expect(await inTrx(db, (trx) => giveNotice(trx, { orgId: w.kossi, contractId: w.T, actor: actor(w.owner), today: "2027-01-01" }))).toEqual({ ok: false, error: "not_found" });
    expect(await inTrx(db, (trx) => giveNotice(trx, { orgId: w.kossi, contractId: "nope", actor: actor(w.owner), today: "2027-01-01" }))).toEqual({ ok: false, error: "not_found" });
    // A site with a longer notice: LDC at 60 days → the deadline is 2027-01-15.
    await db.updateTable("sites").set({ renewal_notice_days: 60 }).where("code", "=", "LDC").execute();
    expect(await inTrx(db, (trx) => giveNotice(trx, { orgId: w.kossi, contractId: w.K, actor: actor(w.owner), today: "2027-01-16" }))).toEqual({ ok: false, error: "deadline_passed" });
    expect(await counts(db)).toEqual(before);
  });

  it("renewal prices: only for a line in force at the end, only until the commitment ends, for the commitment in force; audited", async () => {
    const set = (o: Partial<Parameters<typeof setRenewalPrice>[1]>) =>
      inTrx(db, (trx) => setRenewalPrice(trx, { contractId: w.K, commitmentEndsOn: "2027-03-16", kind: "rack_unit", unitPriceMinor: 27_500, actor: actor(w.finance), today: "2027-01-01", ...o }));
    expect(await set({ kind: "cage" })).toEqual({ ok: false, error: "no_line" });
    expect(await set({ commitmentEndsOn: "2028-03-16" })).toEqual({ ok: false, error: "commitment_changed" });
    expect(await set({ today: "2027-03-17" })).toEqual({ ok: false, error: "too_late" });
    expect(await set({ contractId: "00000000-0000-4000-8000-000000000000" })).toEqual({ ok: false, error: "not_found" });
    expect(await set({})).toEqual({ ok: true, changed: true });
    expect(await set({})).toEqual({ ok: true, changed: false });
    expect(await set({ unitPriceMinor: null })).toEqual({ ok: true, changed: true });
    expect(await db.selectFrom("renewal_prices").select("kind").execute()).toEqual([]);
    const audit = await db.selectFrom("audit_log").select(["action", "actor_email"]).where("entity_id", "=", w.K).orderBy("at").execute();
    expect(audit).toEqual([
      { action: "renewal.price_set", actor_email: "finance@dc.test" },
      { action: "renewal.price_cleared", actor_email: "finance@dc.test" },
    ]);
  });

  it("the daily job is enqueued once per day and runs to completion", async () => {
    const now = new Date("2026-12-16T05:00:00Z");
    const [j1, j2] = await Promise.all([scheduleRenewals(db, now), scheduleRenewals(db, now)]);
    expect([j1, j2].filter(Boolean)).toHaveLength(1);
    const job = (j1 ?? j2)!;
    expect(job).toMatchObject({ kind: RENEWALS_KIND, key: renewalsKey("2026-12-16") });
    await db.updateTable("jobs").set({ payload: JSON.stringify({ day: "2026-12-16", today: "2026-12-16" }), run_after: new Date("2000-01-01T00:00:00Z") }).where("id", "=", job.id).execute();
    const done = await runJobToCompletion(db, job.id);
    expect(done.status).toBe("done");
    expect(done.result).toMatchObject({ notices: 2, emails: 7, renewed: 0 });
    expect(await scheduleRenewals(db, new Date("2026-12-16T20:00:00Z"))).toBeNull();
  });
});

async function counts(db: Kysely<Database>) {
  const { rows } = await sql<Record<string, string>>`
    SELECT (SELECT count(*) FROM contract_changes)::text AS changes, (SELECT count(*) FROM renewal_opt_outs)::text AS opt_outs,
           (SELECT count(*) FROM email_outbox)::text AS emails, (SELECT count(*) FROM audit_log)::text AS audit,
           (SELECT count(*) FROM allocations WHERE end_on IS NOT NULL)::text AS ended`.execute(db);
  return rows[0];
}

describe.runIf(usingPostgres())("two processes on PostgreSQL", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
  });
  afterAll(() => t.cleanup());

  it("two connections running the same day at once send each notice once and renew each commitment once", async () => {
    const w = await world(t.db);
    const site = w.site;
    for (let i = 0; i < 8; i++) {
      const org = await addOrg(t.db, `Client ${i}`);
      await createUser(t.db, { orgId: org, role: "owner", email: `owner${i}@client.test` });
      await addContract(t.db, { orgId: org, siteId: site.id, startOn: "2026-03-17", termMonths: 12 }, { rack_unit: [1, 10_000 + i] });
    }
    const other = await anotherPool(t.db, 5);
    try {
      const [a, b] = await Promise.all([run(t.db, "2026-12-16"), run(other, "2026-12-16")]);
      expect(a.notices + b.notices).toBe(10);
      const n = await t.db.selectFrom("renewal_notices").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(10);
      // 2 contracts with 2 tenant recipients... K: owner + admin; T: owner; 8 clients: owner; each + 2 operators.
      const emails = await t.db.selectFrom("email_outbox").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
      expect(Number(emails.n)).toBe(2 + 1 + 8 + 10 * 2);
      const [c, d] = await Promise.all([run(t.db, "2027-03-17"), run(other, "2027-03-17")]);
      expect(c.renewed + d.renewed).toBe(10);
      const renewals = await t.db.selectFrom("contract_renewals").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
      expect(Number(renewals.n)).toBe(10);
    } finally {
      await other.destroy();
    }
  });
});
