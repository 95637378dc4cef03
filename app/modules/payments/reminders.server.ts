import { sql, type Kysely } from "kysely";
import type { Database, Locale, OrgKind } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { billingAddresses, linkBase } from "~/modules/email/recipients.server";
import { getIssuer } from "~/modules/billing/issuers.server";
import { enqueue, registerJobHandler, type Job } from "~/modules/jobs/jobs.server";
import { startLoop } from "~/utils/loop.server";
import { dayIn } from "~/utils/dates";
import { reminderTone, type PaymentReminderProps } from "#emails/payment-reminder";
import { storeStatementPdf } from "./statement.server";

/**
 * Payment reminders (issue 9, collections; migration 2026_12_02_0930_reminders).
 *
 * A daily job (`payments.reminders`, key `payments.reminders:<UTC day>`) on the one job runner.
 * `scheduleReminders` (called by a loop in server.ts) enqueues the day's job once, whatever the
 * number of server processes: one INSERT that adds the key only when no job of that key exists at
 * all (a done run is not enqueued again that day). Finance's "run now" enqueues the same key again
 * (a no-op while one is queued or running; a later run sends only what became due since).
 *
 * For each site, on the site's calendar day (`site_today`, or `today` given by a test), each
 * issued invoice with a balance (`invoice_balance_minor`) whose organisation is not paused gets
 * the step of its organisation kind's schedule that is due (due_on + offset ≤ today) and not yet
 * recorded. When several are due at once (the first run on an old invoice, a pause just lifted),
 * only the latest goes out and the earlier ones are recorded as `skipped`: no burst of four
 * e-mails. A step earlier than one already recorded (added to the schedule later) is not sent.
 *
 * Exactly once: each step is a row of `reminder_steps`, UNIQUE (invoice_id, offset_days), inserted
 * in the transaction that queues its e-mails (the transactional outbox). Two runs at once — two
 * processes, or a reclaimed job — insert the same row; the second waits for the first and inserts
 * nothing, so it queues nothing.
 *
 * "Marks invoices overdue": invoices are immutable rows (issued | paid | void); overdue is derived,
 * never stored — issued, with a balance, due before the site's today. The run's summary counts them
 * per site (`overdue`), as the pages that show an overdue badge compute it.
 */

export const REMINDERS_KIND = "payments.reminders";
export const remindersKey = (day: string) => `${REMINDERS_KIND}:${day}`;

export const REMINDER_ORG_KINDS = ["sme", "agency"] as const satisfies readonly OrgKind[];
export const DEFAULT_REMINDER_SCHEDULES: Record<OrgKind, number[]> = { sme: [-3, 7, 15, 30], agency: [30, 60] };
export const REMINDER_OFFSET_MIN = -60;
export const REMINDER_OFFSET_MAX = 365;
export const REMINDER_MAX_STEPS = 6;
/** The daily run waits for this hour (UTC): 07:00 in Lomé, 08:00 in Kinshasa and Brazzaville. */
export const REMINDERS_HOUR_UTC = 7;

/** `day` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * Which steps of `offsets` to record for an invoice due on `dueOn`, on `today`, given the offsets
 * already recorded: the latest due step is sent, earlier due ones skipped. Pure (tested alone).
 */
export function stepsToRecord(input: { dueOn: string; today: string; offsets: readonly number[]; recorded: readonly number[] }): { send: number | null; skip: number[] } {
  const last = input.recorded.length ? Math.max(...input.recorded) : -Infinity;
  const due = input.offsets.filter((o) => o > last && !input.recorded.includes(o) && addDays(input.dueOn, o) <= input.today).sort((a, b) => a - b);
  if (!due.length) return { send: null, skip: [] };
  return { send: due[due.length - 1], skip: due.slice(0, -1) };
}

// ---------------------------------------------------------------------------------------------
// Schedules

export interface SiteSchedules {
  siteId: string;
  siteCode: string;
  siteName: string;
  today: string;
  offsets: Record<OrgKind, number[]>;
}

export async function listSchedules(db: Executor): Promise<SiteSchedules[]> {
  const sites = await db.selectFrom("sites").select(["id", "code", "name", sql<string>`site_today(id)::text`.as("today")]).orderBy("code").execute();
  const rows = await db.selectFrom("reminder_schedules").select(["site_id", "org_kind", "offsets_days"]).execute();
  return sites.map((s) => {
    const offsets = { ...DEFAULT_REMINDER_SCHEDULES };
    for (const r of rows) if (r.site_id === s.id) offsets[r.org_kind] = r.offsets_days.map(Number);
    return { siteId: s.id, siteCode: s.code, siteName: s.name, today: s.today, offsets };
  });
}

/** Replaces one schedule (offsets validated by the caller's form and by the database), audited. */
export async function saveSchedule(
  trx: Trx,
  input: { siteCode: string; orgKind: OrgKind; offsets: number[]; actor: Actor },
): Promise<{ ok: true; changed: boolean } | { ok: false; error: "not_found" }> {
  const site = await trx.selectFrom("sites").select("id").where("code", "=", input.siteCode).executeTakeFirst();
  if (!site) return { ok: false, error: "not_found" };
  const offsets = [...new Set(input.offsets)].sort((a, b) => a - b);
  const before = await trx
    .selectFrom("reminder_schedules")
    .select("offsets_days")
    .where("site_id", "=", site.id)
    .where("org_kind", "=", input.orgKind)
    .forUpdate()
    .executeTakeFirst();
  const previous = before ? before.offsets_days.map(Number) : DEFAULT_REMINDER_SCHEDULES[input.orgKind];
  if (before && previous.join(",") === offsets.join(",")) return { ok: true, changed: false };
  await trx
    .insertInto("reminder_schedules")
    .values({ site_id: site.id, org_kind: input.orgKind, offsets_days: offsets, updated_by: input.actor.id, updated_at: new Date() })
    .onConflict((oc) => oc.columns(["site_id", "org_kind"]).doUpdateSet({ offsets_days: offsets, updated_by: input.actor.id, updated_at: new Date() }))
    .execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "reminders.schedule_changed",
    entityType: "site",
    entityId: site.id,
    before: { orgKind: input.orgKind, offsets: previous },
    after: { orgKind: input.orgKind, offsets },
  });
  return { ok: true, changed: true };
}

// ---------------------------------------------------------------------------------------------
// Pauses

export interface ReminderPauseView {
  id: string;
  reason: string;
  pausedAt: Date;
  pausedBy: string | null;
  resumedAt: Date | null;
  resumedBy: string | null;
}

/** An organisation's pauses, newest first (the open one, if any, first). */
export async function reminderPauses(db: Executor, orgId: string, limit = 5): Promise<ReminderPauseView[]> {
  return db
    .selectFrom("reminder_pauses as p")
    .leftJoin("users as a", "a.id", "p.paused_by")
    .leftJoin("users as b", "b.id", "p.resumed_by")
    .select(["p.id", "p.reason", "p.paused_at as pausedAt", "a.email as pausedBy", "p.resumed_at as resumedAt", "b.email as resumedBy"])
    .where("p.org_id", "=", orgId)
    .orderBy(sql`p.resumed_at IS NULL`, "desc")
    .orderBy("p.paused_at", "desc")
    .limit(limit)
    .execute();
}

/** Organisations whose reminders are paused now, by name. */
export async function pausedOrganisations(db: Executor) {
  return db
    .selectFrom("reminder_pauses as p")
    .innerJoin("organisations as o", "o.id", "p.org_id")
    .leftJoin("users as a", "a.id", "p.paused_by")
    .select(["o.id as orgId", "o.name", "o.kind", "p.reason", "p.paused_at as pausedAt", "a.email as pausedBy"])
    .where("p.resumed_at", "is", null)
    .orderBy("o.name")
    .execute();
}

export type PauseError = "not_found" | "already_paused" | "not_paused";

export async function pauseReminders(trx: Trx, input: { orgId: string; reason: string; actor: Actor }): Promise<{ ok: true } | { ok: false; error: PauseError }> {
  const org = await trx.selectFrom("organisations").select("id").where("id", "=", input.orgId).forUpdate().executeTakeFirst();
  if (!org) return { ok: false, error: "not_found" };
  const open = await trx.selectFrom("reminder_pauses").select("id").where("org_id", "=", org.id).where("resumed_at", "is", null).executeTakeFirst();
  if (open) return { ok: false, error: "already_paused" };
  const row = await trx.insertInto("reminder_pauses").values({ org_id: org.id, reason: input.reason, paused_by: input.actor.id }).returning("id").executeTakeFirstOrThrow();
  await recordAudit(trx, { actor: input.actor, action: "reminders.paused", entityType: "organisation", entityId: org.id, orgId: org.id, after: { pauseId: row.id, reason: input.reason } });
  return { ok: true };
}

export async function resumeReminders(trx: Trx, input: { orgId: string; actor: Actor }): Promise<{ ok: true } | { ok: false; error: PauseError }> {
  const org = await trx.selectFrom("organisations").select("id").where("id", "=", input.orgId).forUpdate().executeTakeFirst();
  if (!org) return { ok: false, error: "not_found" };
  const resumed = await trx
    .updateTable("reminder_pauses")
    .set({ resumed_at: new Date(), resumed_by: input.actor.id })
    .where("org_id", "=", org.id)
    .where("resumed_at", "is", null)
    .returning(["id", "reason"])
    .executeTakeFirst();
  if (!resumed) return { ok: false, error: "not_paused" };
  await recordAudit(trx, { actor: input.actor, action: "reminders.resumed", entityType: "organisation", entityId: org.id, orgId: org.id, before: { pauseId: resumed.id, reason: resumed.reason } });
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// The run

export interface SiteRunSummary {
  site: string;
  /** The site's calendar day the run used. */
  today: string;
  /** Issued invoices with a balance due before today (derived; nothing is stored). */
  overdue: number;
  /** Steps sent, and the e-mails they queued. */
  sent: number;
  emails: number;
  /** Earlier steps recorded as skipped because a later one was due at the same time. */
  skipped: number;
  /** Invoices with a step due whose organisation's reminders are paused. */
  paused: number;
}

export interface ReminderRunSummary {
  sites: SiteRunSummary[];
  overdue: number;
  sent: number;
  emails: number;
  skipped: number;
  paused: number;
}

interface Candidate {
  id: string;
  org_id: string;
  number: string;
  due_on: string;
  currency: string;
  total_minor: number;
  payment_reference: string;
  kind: OrgKind;
  org_name: string;
  billing_email: string;
  billing_language: Locale;
  recorded: number[];
  is_paused: boolean;
}

/**
 * The statement of account attached to a reminder: this year to date, or from the month of the
 * organisation's oldest unpaid invoice in that currency when it is older.
 */
async function reminderStatement(trx: Trx, input: { orgId: string; currency: string; today: string; locale: Locale }): Promise<string> {
  const oldest = await trx
    .selectFrom("invoices")
    .select(sql<string | null>`min(issued_on)::text`.as("on"))
    .where("org_id", "=", input.orgId)
    .where("currency", "=", input.currency as "XOF")
    .where("status", "=", "issued")
    .executeTakeFirst();
  const yearStart = `${input.today.slice(0, 4)}-01-01`;
  const from = oldest?.on && oldest.on.slice(0, 7) + "-01" < yearStart ? `${oldest.on.slice(0, 7)}-01` : yearStart;
  const { documentId } = await storeStatementPdf(trx, { orgId: input.orgId, currency: input.currency, from, to: input.today, locale: input.locale, today: input.today });
  return documentId;
}

/** The addresses a billing message goes to: the billing address and the owner and billing members, once each. */
class StepTaken extends Error {}

/**
 * One invoice's step, in one transaction: the skipped rows, the sent row (or nothing when another
 * run recorded it first: the transaction is rolled back), the statement and the e-mails.
 */
async function sendStep(
  db: Kysely<Database>,
  c: Candidate,
  step: { send: number; skip: number[] },
  ctx: { today: string; siteId: string; siteName: string; jobId: string | null; statements: Map<string, string> },
): Promise<{ emails: number; skipped: number } | null> {
  try {
    const done = await db.transaction().execute(async (trx) => {
      // Still owed and not paused (a payment or a pause may have landed since the list was read).
      const { rows } = await sql<{ balance: string; paused: boolean }>`
        SELECT invoice_balance_minor(i.id)::text AS balance,
               EXISTS (SELECT 1 FROM reminder_pauses p WHERE p.org_id = i.org_id AND p.resumed_at IS NULL) AS paused
          FROM invoices i WHERE i.id = ${c.id}::uuid AND i.org_id = ${c.org_id}::uuid AND i.status = 'issued'`.execute(trx);
      const balance = Number(rows[0]?.balance ?? 0);
      if (!rows[0] || balance <= 0 || rows[0].paused) return null;

      const record = (offset: number, status: "sent" | "skipped", extra: { recipients?: number; statement_document_id?: string | null } = {}) =>
        trx
          .insertInto("reminder_steps")
          .values({ invoice_id: c.id, org_id: c.org_id, offset_days: offset, status, run_on: ctx.today, step_on: addDays(c.due_on, offset), job_id: ctx.jobId, ...extra })
          .onConflict((oc) => oc.columns(["invoice_id", "offset_days"]).doNothing())
          .returning("id")
          .executeTakeFirst();

      let skipped = 0;
      for (const offset of step.skip) if (await record(offset, "skipped")) skipped++;
      const addresses = await billingAddresses(trx, c.org_id, c.billing_email);
      const cacheKey = `${c.org_id}:${c.currency}`;
      const statementId = ctx.statements.get(cacheKey) ?? (await reminderStatement(trx, { orgId: c.org_id, currency: c.currency, today: ctx.today, locale: c.billing_language }));
      const sent = await record(step.send, "sent", { recipients: addresses.length, statement_document_id: statementId });
      if (!sent) throw new StepTaken();

      const issuer = await getIssuer(trx, ctx.siteId);
      const daysFromDue = daysBetween(c.due_on, ctx.today);
      const props: PaymentReminderProps = {
        orgName: c.org_name,
        siteName: ctx.siteName,
        number: c.number,
        balanceMinor: balance,
        totalMinor: Number(c.total_minor),
        currency: c.currency,
        dueOn: c.due_on,
        daysFromDue,
        paymentReference: c.payment_reference,
        payee: {
          legalName: issuer?.legal_name ?? ctx.siteName,
          bankName: issuer?.bank_name ?? null,
          bankAccount: issuer?.bank_account ?? null,
          swift: issuer?.swift ?? null,
          mobileMoney: (issuer?.mobile_money ?? "").split(/\r?\n/).map((l) => l.trim()).filter(Boolean),
        },
        statementAttached: true,
        url: `${linkBase()}/app/invoices/${c.id}`,
      };
      const template = `payment_reminder_${reminderTone(daysFromDue)}` as const;
      for (const to of addresses) {
        await enqueueEmail(trx, { to, locale: c.billing_language, attachmentDocumentId: statementId, message: { template, props } });
      }
      return { emails: addresses.length, skipped, cacheKey, statementId };
    });
    // Committed: the next invoice of this organisation and currency attaches the same statement.
    if (done) ctx.statements.set(done.cacheKey, done.statementId);
    return done;
  } catch (error) {
    if (error instanceof StepTaken) return null;
    throw error;
  }
}

/**
 * Runs the reminders of every site (or `siteCodes`) for `today` (default: each site's own day).
 * Safe to run again, and concurrently: each step is recorded, and sent, once.
 */
export async function runReminders(
  db: Kysely<Database>,
  opts: { today?: string; siteCodes?: string[]; jobId?: string | null; onProgress?: (done: number, total: number, label: string) => unknown } = {},
): Promise<ReminderRunSummary> {
  let sitesQuery = db.selectFrom("sites").select(["id", "code", "name", sql<string>`site_today(id)::text`.as("today")]).orderBy("code");
  if (opts.siteCodes) sitesQuery = sitesQuery.where("code", "in", opts.siteCodes.length ? opts.siteCodes : [""]);
  const sites = await sitesQuery.execute();
  const schedules = await listSchedules(db);
  const statements = new Map<string, string>();
  const summary: ReminderRunSummary = { sites: [], overdue: 0, sent: 0, emails: 0, skipped: 0, paused: 0 };

  for (const [i, site] of sites.entries()) {
    const today = opts.today ?? site.today;
    const offsets = schedules.find((s) => s.siteId === site.id)?.offsets ?? DEFAULT_REMINDER_SCHEDULES;
    const line: SiteRunSummary = { site: site.code, today, overdue: 0, sent: 0, emails: 0, skipped: 0, paused: 0 };

    const overdue = await db
      .selectFrom("invoices")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("site_id", "=", site.id)
      .where("status", "=", "issued")
      .where("due_on", "<", today)
      .where(sql<boolean>`invoice_balance_minor(id) > 0`)
      .executeTakeFirstOrThrow();
    line.overdue = Number(overdue.n);

    const candidates = (await db
      .selectFrom("invoices as i")
      .innerJoin("organisations as o", "o.id", "i.org_id")
      .select(["i.id", "i.org_id", "i.number", "i.due_on", "i.currency", "i.total_minor", "i.payment_reference", "o.kind", "o.name as org_name", "o.billing_email", "o.billing_language"])
      .select(sql<number[]>`coalesce((SELECT array_agg(r.offset_days) FROM reminder_steps r WHERE r.invoice_id = i.id), '{}')`.as("recorded"))
      .select(sql<boolean>`EXISTS (SELECT 1 FROM reminder_pauses p WHERE p.org_id = i.org_id AND p.resumed_at IS NULL)`.as("is_paused"))
      .where("i.site_id", "=", site.id)
      .where("i.status", "=", "issued")
      .where("i.due_on", "is not", null)
      .where(sql<boolean>`invoice_balance_minor(i.id) > 0`)
      .orderBy("i.due_on")
      .orderBy("i.number")
      .execute()) as Candidate[];

    for (const c of candidates) {
      const step = stepsToRecord({ dueOn: c.due_on, today, offsets: offsets[c.kind] ?? [], recorded: c.recorded.map(Number) });
      if (step.send === null) continue;
      if (c.is_paused) {
        line.paused++;
        continue;
      }
      const done = await sendStep(db, c, { send: step.send, skip: step.skip }, { today, siteId: site.id, siteName: site.name, jobId: opts.jobId ?? null, statements });
      if (!done) continue;
      line.sent++;
      line.emails += done.emails;
      line.skipped += done.skipped;
    }
    summary.sites.push(line);
    for (const k of ["overdue", "sent", "emails", "skipped", "paused"] as const) summary[k] += line[k];
    await opts.onProgress?.(i + 1, sites.length, site.code);
  }
  return summary;
}

registerJobHandler(REMINDERS_KIND, async ({ db, job, progress }) => {
  const payload = (job.payload ?? {}) as { today?: string };
  return runReminders(db as Kysely<Database>, { today: payload.today, jobId: job.id, onProgress: (done, total, label) => progress(done, total, label) });
});

// ---------------------------------------------------------------------------------------------
// Scheduling

/**
 * Enqueues the day's run (UTC day of `now`), to start at REMINDERS_HOUR_UTC, unless a job of that
 * key exists already — queued, running, done or failed: one statement, so two processes calling
 * it at once add one job. Returns the new job, or null.
 */
export async function scheduleReminders(db: Executor, now = new Date()): Promise<Job | null> {
  const day = dayIn("UTC", now);
  const key = remindersKey(day);
  const runAfter = new Date(`${day}T${String(REMINDERS_HOUR_UTC).padStart(2, "0")}:00:00Z`);
  const { rows } = await sql<Job>`
    INSERT INTO jobs (kind, key, payload, max_attempts, run_after)
    SELECT ${REMINDERS_KIND}, ${key}, ${JSON.stringify({ day })}::jsonb, 3, ${runAfter}
     WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE key = ${key})
    ON CONFLICT (key) WHERE status IN ('queued', 'running') DO NOTHING
    RETURNING *`.execute(db);
  return rows[0] ?? null;
}

/**
 * Finance's "run now": today's run, now. A run of today's key already queued starts now instead of
 * at its hour; one running is left alone; after a finished run a new run of the same key is queued
 * (it sends only the steps that became due since). Audited.
 */
export async function runRemindersNow(trx: Trx, input: { actor: Actor; now?: Date }): Promise<{ job: Job; created: boolean }> {
  const now = input.now ?? new Date();
  const day = dayIn("UTC", now);
  const result = await enqueue(trx, { kind: REMINDERS_KIND, key: remindersKey(day), payload: { day } });
  if (!result.created && result.job.status === "queued" && result.job.run_after > now) {
    await trx.updateTable("jobs").set({ run_after: now, updated_at: now }).where("id", "=", result.job.id).where("status", "=", "queued").execute();
  }
  await recordAudit(trx, { actor: input.actor, action: "reminders.run_requested", entityType: "job", entityId: result.job.id, after: { key: result.job.key, created: result.created } });
  return result;
}

/** The loop of server.ts: every `intervalMs`, makes sure the day's run is enqueued. */
export function startRemindersSchedule(db: Executor, opts: { intervalMs?: number } = {}): () => Promise<void> {
  return startLoop(
    "reminders",
    opts.intervalMs ?? 10 * 60_000,
    async () => {
      await scheduleReminders(db);
    },
    { firstAfterMs: 5_000 },
  );
}

// ---------------------------------------------------------------------------------------------
// The page

export interface ReminderRunView {
  id: string;
  key: string;
  status: Job["status"];
  runAfter: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  error: string | null;
  result: ReminderRunSummary | null;
}

export async function recentReminderRuns(db: Executor, limit = 10): Promise<ReminderRunView[]> {
  const rows = await db.selectFrom("jobs").selectAll().where("kind", "=", REMINDERS_KIND).orderBy("created_at", "desc").orderBy("id").limit(limit).execute();
  return rows.map((j) => ({
    id: j.id,
    key: j.key,
    status: j.status,
    runAfter: j.run_after.toISOString(),
    startedAt: j.started_at?.toISOString() ?? null,
    finishedAt: j.finished_at?.toISOString() ?? null,
    attempts: j.attempts,
    error: j.error,
    result: (j.result as ReminderRunSummary | null) ?? null,
  }));
}
