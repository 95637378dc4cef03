import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { recordPayment } from "~/modules/payments/payments.server";
import {
  remindersKey,
  REMINDERS_KIND,
  pauseReminders,
  resumeReminders,
  runReminders,
  runRemindersNow,
  saveSchedule,
  scheduleReminders,
  stepsToRecord,
} from "~/modules/payments/reminders.server";
import { parseOffsets } from "~/modules/payments/reminders-forms.server";
import { runJobToCompletion } from "~/modules/jobs/jobs.server";
import { anotherPool, createTestDb, usingPostgres, type TestDb } from "../support/db";
import { createOrg, createUser } from "../support/factories";
import { issuedInvoice } from "../support/payments-world";
import { pdfText } from "../support/pdf";

/**
 * Payment reminders, in a world at LDC (XOF, VAT 18 %, payment terms 30 days):
 *
 * Kossi (SME, French): K = subtotal 100 000 → 118 000, issued 2026-10-03, due 2026-11-02.
 *   SME schedule −3, +7, +15, +30 → steps on 2026-10-30, 11-09, 11-17, 12-02.
 *   Recipients: its billing address and its billing member (2 e-mails per step); its viewer gets nothing.
 * Ansi (agency, English): A = subtotal 50 000 → 59 000, issued 2026-10-03, due 2026-11-02;
 *   agency schedule +30, +60 → 2026-12-02, 2027-01-01. Billing address only.
 * Tiers (SME, other tenant): T = subtotal 70 000 → 82 600, same dates: never in Kossi's or Ansi's mail.
 */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

async function world(db: Kysely<Database>) {
  const kossi = await createOrg(db, { name: "Kossi Tech" });
  const ansi = await createOrg(db, { name: "ANSI Togo" });
  const tiers = await createOrg(db, { name: "Tiers SARL" });
  await db.updateTable("organisations").set({ kind: "agency", billing_language: "en" }).where("id", "=", ansi.id).execute();
  const billingMember = await createUser(db, { orgId: kossi.id, role: "billing", email: "compta@kossi.test" });
  await createUser(db, { orgId: kossi.id, role: "viewer", email: "viewer@kossi.test" });
  const K = await issuedInvoice(db, { orgId: kossi.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 100_000, issuedOn: "2026-10-03" });
  const A = await issuedInvoice(db, { orgId: ansi.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 50_000, issuedOn: "2026-10-03" });
  const T = await issuedInvoice(db, { orgId: tiers.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 70_000, issuedOn: "2026-10-03" });
  return { kossi: kossi.id, ansi: ansi.id, tiers: tiers.id, billingMember, K, A, T };
}

const steps = (db: Kysely<Database>, invoiceId: string) =>
  db.selectFrom("reminder_steps").select(["offset_days", "status", "run_on", "step_on", "recipients"]).where("invoice_id", "=", invoiceId).orderBy("offset_days").execute();

const mails = (db: Kysely<Database>, like = "payment_reminder_%") =>
  db.selectFrom("email_outbox").select(["to_address", "template", "locale", "subject", "text", "attachment_document_id"]).where("template", "like", like).orderBy("created_at").orderBy("to_address").execute();

const run = (db: Kysely<Database>, today: string) => runReminders(db, { today, siteCodes: ["LDC"] });

describe("payment reminders", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  let w: Awaited<ReturnType<typeof world>>;
  const actor = () => ({ id: w.billingMember.id, email: "finance@dc.test", ip: null });

  beforeEach(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    w = await world(db);
  });
  afterEach(() => t.cleanup());

  it("has the figures the world describes, and every site the default schedules", async () => {
    expect([w.K.totalMinor, w.A.totalMinor, w.T.totalMinor, w.K.dueOn]).toEqual([118_000, 59_000, 82_600, "2026-11-02"]);
    const rows = await db.selectFrom("reminder_schedules as r").innerJoin("sites as s", "s.id", "r.site_id").select(["s.code", "r.org_kind", "r.offsets_days"]).orderBy("s.code").orderBy("r.org_kind").execute();
    expect(rows.map((r) => `${r.code}:${r.org_kind}:${r.offsets_days.join(",")}`)).toEqual([
      "BZV:agency:30,60",
      "BZV:sme:-3,7,15,30",
      "KIN:agency:30,60",
      "KIN:sme:-3,7,15,30",
      "LDC:agency:30,60",
      "LDC:sme:-3,7,15,30",
    ]);
  });

  it("sends each step once per invoice across the days, in the tone of the step", async () => {
    const days = ["2026-10-29", "2026-10-30", "2026-10-30", "2026-10-31", "2026-11-09", "2026-11-09", "2026-11-16", "2026-11-17", "2026-12-01", "2026-12-02", "2026-12-02", "2027-01-01", "2027-03-01"];
    const sentPerDay: number[] = [];
    for (const day of days) sentPerDay.push((await run(db, day)).sent);
    // Kossi: −3 on 10-30, +7 on 11-09, +15 on 11-17, +30 on 12-02; Tiers the same; Ansi +30 on 12-02, +60 on 2027-01-01.
    expect(sentPerDay).toEqual([0, 2, 0, 0, 2, 0, 0, 2, 0, 3, 0, 1, 0]);
    expect(await steps(db, w.K.id)).toEqual([
      { offset_days: -3, status: "sent", run_on: "2026-10-30", step_on: "2026-10-30", recipients: 2 },
      { offset_days: 7, status: "sent", run_on: "2026-11-09", step_on: "2026-11-09", recipients: 2 },
      { offset_days: 15, status: "sent", run_on: "2026-11-17", step_on: "2026-11-17", recipients: 2 },
      { offset_days: 30, status: "sent", run_on: "2026-12-02", step_on: "2026-12-02", recipients: 2 },
    ]);
    expect((await steps(db, w.A.id)).map((s) => [s.offset_days, s.status])).toEqual([
      [30, "sent"],
      [60, "sent"],
    ]);
    const kossiMails = (await mails(db)).filter((m) => m.subject.includes(w.K.number));
    // 4 steps × (billing address + billing member); never the viewer.
    expect(kossiMails).toHaveLength(8);
    expect(new Set(kossiMails.map((m) => m.to_address)).has("viewer@kossi.test")).toBe(false);
    expect(kossiMails.filter((m) => m.to_address === "compta@kossi.test").map((m) => m.template)).toEqual([
      "payment_reminder_upcoming",
      "payment_reminder_overdue",
      "payment_reminder_overdue",
      "payment_reminder_final",
    ]);
  });

  it("the first run on an old overdue invoice sends only the latest step; the earlier ones are recorded as skipped", async () => {
    const old = await issuedInvoice(db, { orgId: w.kossi, siteCode: "LDC", period: "2026-02", subtotalMinor: 10_000, issuedOn: "2026-03-03" });
    expect(old.dueOn).toBe("2026-04-02");
    const summary = await run(db, "2026-12-02");
    expect((await steps(db, old.id)).map((s) => [s.offset_days, s.status])).toEqual([
      [-3, "skipped"],
      [7, "skipped"],
      [15, "skipped"],
      [30, "sent"],
    ]);
    const oldMails = (await mails(db)).filter((m) => m.subject.includes(old.number));
    expect(oldMails).toHaveLength(2);
    expect(oldMails[0].template).toBe("payment_reminder_final");
    // 2026-04-02 → 2026-12-02: 244 days late.
    expect(plain(oldMails[0].text)).toContain("244 jours");
    // The summary: K, T (due 11-02) and the old one are overdue at LDC; A too; 3 steps for K, T and old skipped ahead of their +30.
    expect(summary.sites[0]).toMatchObject({ site: "LDC", today: "2026-12-02", overdue: 4, sent: 4, skipped: 9, paused: 0 });
  });

  it("a paused organisation gets nothing; resumed, it gets only the step due then", async () => {
    await db.transaction().execute((trx) => pauseReminders(trx, { orgId: w.kossi, reason: "Bon de commande en cours", actor: actor() }));
    expect(await db.transaction().execute((trx) => pauseReminders(trx, { orgId: w.kossi, reason: "Encore", actor: actor() }))).toEqual({ ok: false, error: "already_paused" });
    const s1 = await run(db, "2026-10-30");
    const s2 = await run(db, "2026-11-09");
    expect([s1.paused, s2.paused]).toEqual([1, 1]);
    expect(await steps(db, w.K.id)).toEqual([]);
    expect((await mails(db)).some((m) => m.subject.includes(w.K.number))).toBe(false);

    await db.transaction().execute((trx) => resumeReminders(trx, { orgId: w.kossi, actor: actor() }));
    await run(db, "2026-11-10");
    expect((await steps(db, w.K.id)).map((s) => [s.offset_days, s.status])).toEqual([
      [-3, "skipped"],
      [7, "sent"],
    ]);
    expect((await mails(db)).filter((m) => m.subject.includes(w.K.number))).toHaveLength(2);
    await run(db, "2026-11-17");
    expect((await steps(db, w.K.id)).map((s) => s.offset_days)).toEqual([-3, 7, 15]);
    // Audited: who paused, why, and who resumed.
    const audit = await db.selectFrom("audit_log").select(["action", "org_id"]).where("action", "like", "reminders.%").orderBy("at").execute();
    expect(audit).toEqual([
      { action: "reminders.paused", org_id: w.kossi },
      { action: "reminders.resumed", org_id: w.kossi },
    ]);
  });

  it("a paid invoice gets nothing; a partly paid one is reminded of its balance", async () => {
    const pay = (orgId: string, amountMinor: number, reference: string) =>
      db.transaction().execute((trx) => recordPayment(trx, { orgId, currency: "XOF", amountMinor, method: "bank_transfer", reference, receivedOn: "2026-11-01", actor: null }));
    expect(await pay(w.kossi, 118_000, "VIR K")).toMatchObject({ ok: true });
    expect(await pay(w.tiers, 32_600, "VIR T")).toMatchObject({ ok: true });
    const summary = await run(db, "2026-11-09");
    expect(await steps(db, w.K.id)).toEqual([]);
    const tiersMails = (await mails(db)).filter((m) => m.subject.includes(w.T.number));
    expect(tiersMails).toHaveLength(1);
    // 82 600 − 32 600 = 50 000 left.
    expect(plain(tiersMails[0].text)).toContain("Reste à payer : 50 000 F CFA");
    expect(summary.sites[0]).toMatchObject({ overdue: 2, sent: 1 });
  });

  it("writes in the organisation's billing language, with the invoice, amount, due date, days late, reference and how to pay; the statement attached", async () => {
    await run(db, "2026-12-02");
    const all = await mails(db);
    const fr = all.find((m) => m.to_address === "compta@kossi.test")!;
    expect(fr.locale).toBe("fr");
    expect(plain(fr.subject)).toBe(`Relance – facture ${w.K.number} impayée depuis 30 jours – 118 000 F CFA`);
    const frText = plain(fr.text);
    for (const part of [w.K.number, "118 000 F CFA", "2 nov. 2026", "30 jours", w.K.paymentReference, "Banque Commerciale du Golfe", "TG005 01001 012345678901 45", "Flooz : +228 99 00 00 01", "relevé de compte est joint"]) {
      expect(frText).toContain(part);
    }
    const en = all.find((m) => m.subject.includes(w.A.number))!;
    expect(en.locale).toBe("en");
    expect(plain(en.subject)).toBe(`Payment demand – invoice ${w.A.number} unpaid for 30 days – F CFA 59,000`);
    const enText = plain(en.text);
    for (const part of [w.A.number, "F CFA 59,000", "Nov 2, 2026", "Overdue by", w.A.paymentReference, "statement of account is attached"]) expect(enText).toContain(part);

    // The attachment is the organisation's own statement: its invoice, never another tenant's.
    for (const [mail, own, others] of [
      [fr, w.K, [w.A, w.T]],
      [en, w.A, [w.K, w.T]],
    ] as const) {
      expect(mail.attachment_document_id).not.toBeNull();
      const doc = await db.selectFrom("documents").select(["kind", "content"]).where("id", "=", mail.attachment_document_id!).executeTakeFirstOrThrow();
      expect(doc.kind).toBe("statement_pdf");
      const { text } = await pdfText(doc.content);
      expect(text).toContain(own.number);
      for (const other of others) expect(text).not.toContain(other.number);
      expect(plain(mail.text)).not.toContain(others[0].number);
      expect(plain(mail.text)).not.toContain(others[1].paymentReference);
    }
    // One statement per organisation and run, shared by its recipients.
    const kossiDocs = new Set(all.filter((m) => m.subject.includes(w.K.number)).map((m) => m.attachment_document_id));
    expect(kossiDocs.size).toBe(1);
  });

  it("two runs at once send each step once", async () => {
    const [a, b] = await Promise.all([run(db, "2026-11-09"), run(db, "2026-11-09")]);
    // K and T: −3 skipped, +7 sent — by one of the two runs.
    expect(a.sent + b.sent).toBe(2);
    expect((await steps(db, w.K.id)).map((s) => [s.offset_days, s.status])).toEqual([
      [-3, "skipped"],
      [7, "sent"],
    ]);
    expect(await mails(db)).toHaveLength(3);
  });

  it("the daily job is enqueued once per day, runs once, and 'run now' adds only what became due", async () => {
    const now = new Date("2026-12-02T05:00:00Z");
    const [j1, j2] = await Promise.all([scheduleReminders(db, now), scheduleReminders(db, now)]);
    expect([j1, j2].filter(Boolean)).toHaveLength(1);
    const job = (j1 ?? j2)!;
    expect(job).toMatchObject({ kind: REMINDERS_KIND, key: remindersKey("2026-12-02"), status: "queued" });
    expect(job.run_after.toISOString()).toBe("2026-12-02T07:00:00.000Z");
    // Due now (the test does not wait for 07:00), with the site's day fixed by the test (the payload's `today`).
    const past = new Date("2000-01-01T00:00:00Z");
    await db.updateTable("jobs").set({ payload: JSON.stringify({ day: "2026-12-02", today: "2026-12-02" }), run_after: past }).where("id", "=", job.id).execute();
    const done = await runJobToCompletion(db, job.id);
    expect(done.status).toBe("done");
    expect(done.result).toMatchObject({ sent: 3, overdue: 3 });
    expect(await scheduleReminders(db, new Date("2026-12-02T18:00:00Z"))).toBeNull();
    expect(await db.selectFrom("reminder_steps").select("job_id").where("invoice_id", "=", w.K.id).where("status", "=", "sent").executeTakeFirst()).toEqual({ job_id: job.id });

    const again = await db.transaction().execute((trx) => runRemindersNow(trx, { actor: actor(), now: new Date("2026-12-02T10:00:00Z") }));
    expect(again.created).toBe(true);
    await db.updateTable("jobs").set({ payload: JSON.stringify({ day: "2026-12-02", today: "2026-12-02" }), run_after: past }).where("id", "=", again.job.id).execute();
    expect((await runJobToCompletion(db, again.job.id)).result).toMatchObject({ sent: 0 });
    expect((await mails(db)).length).toBe(4);
    // The next day's schedule is a new key.
    expect(await scheduleReminders(db, new Date("2026-12-03T00:01:00Z"))).toMatchObject({ key: remindersKey("2026-12-03") });
  });

  it("schedules: validated by the form and by the database, audited, applied by the next run", async () => {
    expect(parseOffsets("−3, +7;15 30")).toEqual({ ok: true, offsets: [-3, 7, 15, 30] });
    expect(parseOffsets("")).toEqual({ ok: true, offsets: [] });
    expect(parseOffsets("1,2,3,4,5,6,7")).toEqual({ ok: false, error: "reminders.error.offsetsTooMany" });
    expect(parseOffsets("7, 7")).toEqual({ ok: false, error: "reminders.error.offsetsDuplicate" });
    expect(parseOffsets("-61")).toEqual({ ok: false, error: "reminders.error.offsetsRange" });
    expect(parseOffsets("366")).toEqual({ ok: false, error: "reminders.error.offsetsRange" });
    expect(parseOffsets("1.5")).toEqual({ ok: false, error: "reminders.error.offsetsFormat" });
    const site = await db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow();
    for (const bad of [[7, 3], [1, 1], [1, 2, 3, 4, 5, 6, 7], [400]]) {
      await expect(db.updateTable("reminder_schedules").set({ offsets_days: bad }).where("site_id", "=", site.id).execute()).rejects.toThrow(/reminder_schedules_offsets_check/);
    }
    expect(await db.transaction().execute((trx) => saveSchedule(trx, { siteCode: "LDC", orgKind: "sme", offsets: [10, 2], actor: actor() }))).toEqual({ ok: true, changed: true });
    expect(await db.transaction().execute((trx) => saveSchedule(trx, { siteCode: "LDC", orgKind: "sme", offsets: [2, 10], actor: actor() }))).toEqual({ ok: true, changed: false });
    expect(await db.transaction().execute((trx) => saveSchedule(trx, { siteCode: "XXX", orgKind: "sme", offsets: [2], actor: actor() }))).toEqual({ ok: false, error: "not_found" });
    await run(db, "2026-11-05");
    expect((await steps(db, w.K.id)).map((s) => [s.offset_days, s.status])).toEqual([[2, "sent"]]);
    const audit = await db.selectFrom("audit_log").select(["action", "before", "after"]).where("action", "=", "reminders.schedule_changed").execute();
    expect(audit).toEqual([{ action: "reminders.schedule_changed", before: { orgKind: "sme", offsets: [-3, 7, 15, 30] }, after: { orgKind: "sme", offsets: [2, 10] } }]);
    // A step is never changed or deleted.
    await expect(db.deleteFrom("reminder_steps").execute()).rejects.toThrow(/never changed or deleted/);
  });
});

describe("stepsToRecord", () => {
  const base = { dueOn: "2026-11-02", offsets: [-3, 7, 15, 30] };
  it.each([
    ["2026-10-29", [], { send: null, skip: [] }],
    ["2026-10-30", [], { send: -3, skip: [] }],
    ["2026-11-09", [-3], { send: 7, skip: [] }],
    ["2026-11-20", [], { send: 15, skip: [-3, 7] }],
    ["2026-11-20", [15], { send: null, skip: [] }],
    ["2027-06-01", [7], { send: 30, skip: [15] }],
  ] as const)("on %s with %j recorded", (today, recorded, expected) => {
    expect(stepsToRecord({ ...base, today, recorded })).toEqual(expected);
  });
});

describe.runIf(usingPostgres())("two processes on PostgreSQL", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
  });
  afterAll(() => t.cleanup());

  it("two connections running the same day at once send each step once", async () => {
    const w = await world(t.db);
    const more = [];
    for (let i = 0; i < 8; i++) {
      const org = await createOrg(t.db, { name: `Client ${i}` });
      more.push(await issuedInvoice(t.db, { orgId: org.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 10_000 + i, issuedOn: "2026-10-03" }));
    }
    // A second pool on the same database: another process.
    const other = await anotherPool(t.db, 5);
    try {
      const results = await Promise.all([
        runReminders(t.db, { today: "2026-11-20", siteCodes: ["LDC"] }),
        runReminders(other, { today: "2026-11-20", siteCodes: ["LDC"] }),
        runReminders(other, { today: "2026-11-20", siteCodes: ["LDC"] }),
      ]);
      // K, T and the 8 others (SME: +15 sent, −3 and +7 skipped); Ansi (agency) has nothing due yet.
      expect(results.reduce((s, r) => s + r.sent, 0)).toBe(10);
      const sent = await t.db.selectFrom("reminder_steps").select(["invoice_id", "offset_days", "status"]).execute();
      expect(sent.filter((s) => s.status === "sent")).toHaveLength(10);
      expect(sent.filter((s) => s.status === "skipped")).toHaveLength(20);
      // One e-mail per recipient and step: K has 2 recipients, the 9 others 1.
      const outbox = await t.db.selectFrom("email_outbox").select(["to_address", "subject"]).where("template", "like", "payment_reminder_%").execute();
      expect(outbox).toHaveLength(11);
      expect(new Set(outbox.map((m) => `${m.to_address}|${m.subject}`)).size).toBe(11);
      expect(w.K.dueOn).toBe("2026-11-02");
    } finally {
      await other.destroy();
    }
  });
});
