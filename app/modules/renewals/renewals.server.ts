import { sql, type Kysely } from "kysely";
import type { Database, ProductKind } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, operatorsWhoCan, orgManagers, uniqueRecipients, type Recipient } from "~/modules/email/recipients.server";
import { enqueue, registerJobHandler, type Job } from "~/modules/jobs/jobs.server";
import { applyTermination } from "~/modules/requests/contracts.server";
import { shortRef } from "~/modules/requests/requests.server";
import { commitmentEndOn } from "~/modules/billing/compute";
import { startLoop } from "~/utils/loop.server";
import { dayIn } from "~/utils/dates";
import { isUuid } from "~/utils/ids";
import type { RenewalMailProps } from "#emails/renewal";
import { addDays, noticeDeadline, noticesToRecord, NOTICE_STEPS, type NoticeStep } from "./renewals";

/**
 * Renewals (issue 10; migration 2026_12_02_1010_renewals).
 *
 * A contract's commitment runs to `contracts.commitment_ends_on`. A daily job (`contracts.renewals`,
 * key `contracts.renewals:<UTC day>`, on the one job runner, scheduled like the payment reminders)
 * does two things at each site, on the site's calendar day (`site_today`, or `today` from a test):
 *
 * 1. Tacit renewal (*tacite reconduction*): an open-ended contract (`end_on` NULL) whose commitment
 *    ended before today gets a new commitment of the same term from the next day
 *    (`contract_renewals`, `commitment_ends_on` moved on). Where the operators set renewal prices
 *    for that commitment (`renewal_prices`), the version of that kind in force on the renewal day
 *    is closed on the commitment's last day and a new version starts the next day with the same
 *    quantity at the new price (`contract_lines.renewal_id`); the billing run bills each version
 *    for its days. One transaction per contract, holding the contract's row lock, so two runs
 *    renew a commitment once. A version that itself starts on the renewal day (an amendment from
 *    that day) keeps the price it was approved at.
 * 2. Notices: an open-ended contract whose commitment ends within 90 days gets the 90-, 60- and
 *    30-day notices, each once, to the organisation's owners and admins (their language) and to the
 *    operators who set renewal prices (`prices:manage`). Every notice lists the renewal prices set
 *    by then (the 90-day one carries those set before it). When several are due at once (a contract
 *    first seen 45 days before its end), only the latest goes out, the earlier ones are recorded
 *    as skipped.
 *
 * Exactly once: each notice is a row of `renewal_notices`, UNIQUE (contract, commitment end, step),
 * inserted with ON CONFLICT DO NOTHING in the transaction that queues its e-mails. A second run at
 * the same time inserts nothing, rolls back, and queues nothing.
 *
 * A contract with a last day of service (a termination, or the tenant's notice of non-renewal)
 * neither renews nor gets notices. The tenant's notice (`giveNotice`, owners and admins) is taken
 * until the deadline — the commitment's end minus the site's `renewal_notice_days` — and ends the
 * contract on the commitment's end through the termination path (`applyTermination`: allocations,
 * ports and meters end that day).
 */

export const RENEWALS_KIND = "contracts.renewals";
export const renewalsKey = (day: string) => `${RENEWALS_KIND}:${day}`;
/** The daily run waits for this hour (UTC): 06:00 in Lomé, 07:00 in Kinshasa and Brazzaville. */
export const RENEWALS_HOUR_UTC = 6;
/** Operators who hear about renewals: those who may set renewal prices. */
export const RENEWAL_OPERATORS = "prices:manage" as const;
/** How far ahead the notices and the operators' list look. */
export const RENEWAL_HORIZON_DAYS = NOTICE_STEPS[0];

/** The text of the termination change a notice of non-renewal records (shown in the contract's history). */
export const NOTICE_CHANGE_DETAILS = "Préavis de non-renouvellement / Notice of non-renewal";

// ---------------------------------------------------------------------------------------------
// Prices announced for a renewal

export interface AnnouncedPrice {
  kind: ProductKind;
  nameFr: string;
  nameEn: string;
  quantity: number;
  /** The price of the version in force on the commitment's last day. */
  currentMinor: number;
  nextMinor: number;
}

/** The renewal prices set for the renewal after `commitmentEndsOn`, beside the prices in force on that day. */
export async function announcedPrices(db: Executor, contractId: string, commitmentEndsOn: string): Promise<AnnouncedPrice[]> {
  const rows = await db
    .selectFrom("renewal_prices as p")
    .innerJoin("contract_lines as l", (j) =>
      j
        .onRef("l.contract_id", "=", "p.contract_id")
        .onRef("l.kind", "=", "p.kind")
        .on("l.valid_from", "<=", commitmentEndsOn)
        .on((eb) => eb.or([eb("l.valid_to", "is", null), eb("l.valid_to", ">=", commitmentEndsOn)])),
    )
    .select(["p.kind", "l.name_fr", "l.name_en", "l.quantity", "l.unit_price_minor as current", "p.unit_price_minor as next"])
    .where("p.contract_id", "=", contractId)
    .where("p.commitment_ends_on", "=", commitmentEndsOn)
    .orderBy("p.kind")
    .execute();
  return rows.map((r) => ({ kind: r.kind, nameFr: r.name_fr, nameEn: r.name_en, quantity: r.quantity, currentMinor: Number(r.current), nextMinor: Number(r.next) }));
}

// ---------------------------------------------------------------------------------------------
// Tacit renewal

/**
 * Renews one contract whose commitment ended before `today` (as many terms as needed to reach
 * today), in the caller's transaction, holding the contract's row lock. Nothing when it has a last
 * day of service or its commitment has not ended (another run renewed it first).
 */
export async function renewContract(trx: Trx, input: { contractId: string; today: string; jobId?: string | null }): Promise<{ renewals: number; repriced: number }> {
  const c = await trx
    .selectFrom("contracts")
    .select(["id", "org_id", "end_on", "commitment_ends_on", "term_months"])
    .where("id", "=", input.contractId)
    .forUpdate()
    .executeTakeFirst();
  const out = { renewals: 0, repriced: 0 };
  if (!c || c.end_on !== null || c.commitment_ends_on >= input.today) return out;
  const first = c.commitment_ends_on;
  let current = first;
  while (current < input.today) {
    const startsOn = addDays(current, 1);
    const endsOn = commitmentEndOn(startsOn, c.term_months);
    const renewal = await trx
      .insertInto("contract_renewals")
      .values({ contract_id: c.id, previous_ends_on: current, starts_on: startsOn, ends_on: endsOn, term_months: c.term_months, job_id: input.jobId ?? null })
      .onConflict((oc) => oc.columns(["contract_id", "starts_on"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!renewal) break;
    const repriced = await repriceAtRenewal(trx, { contractId: c.id, previousEndsOn: current, startsOn, renewalId: renewal.id });
    if (repriced) await trx.updateTable("contract_renewals").set({ repriced }).where("id", "=", renewal.id).execute();
    out.renewals++;
    out.repriced += repriced;
    current = endsOn;
  }
  if (!out.renewals) return out;
  await trx.updateTable("contracts").set({ commitment_ends_on: current }).where("id", "=", c.id).execute();
  await recordAudit(trx, {
    actor: null,
    action: "contract.renewed",
    entityType: "contract",
    entityId: c.id,
    orgId: c.org_id,
    before: { commitment_ends_on: first },
    after: { commitment_ends_on: current, renewals: out.renewals, repriced: out.repriced },
  });
  return out;
}

/** New line versions at the renewal prices set for the commitment ending `previousEndsOn`; returns how many. */
async function repriceAtRenewal(trx: Trx, input: { contractId: string; previousEndsOn: string; startsOn: string; renewalId: string }): Promise<number> {
  const prices = await trx
    .selectFrom("renewal_prices")
    .select(["kind", "unit_price_minor"])
    .where("contract_id", "=", input.contractId)
    .where("commitment_ends_on", "=", input.previousEndsOn)
    .orderBy("kind")
    .execute();
  let repriced = 0;
  for (const p of prices) {
    const v = await trx
      .selectFrom("contract_lines")
      .select(["id", "product_id", "kind", "name_fr", "name_en", "quantity", "unit_price_minor", "setup_fee_minor", "currency", "valid_from", "valid_to"])
      .where("contract_id", "=", input.contractId)
      .where("kind", "=", p.kind)
      .where("valid_from", "<=", input.startsOn)
      .where((eb) => eb.or([eb("valid_to", "is", null), eb("valid_to", ">=", input.startsOn)]))
      .forUpdate()
      .executeTakeFirst();
    if (!v || v.valid_from === input.startsOn || Number(v.unit_price_minor) === Number(p.unit_price_minor)) continue;
    // Close the version on the commitment's last day, then the same quantity at the new price.
    await trx.updateTable("contract_lines").set({ valid_to: input.previousEndsOn }).where("id", "=", v.id).execute();
    await trx
      .insertInto("contract_lines")
      .values({
        contract_id: input.contractId,
        product_id: v.product_id,
        kind: v.kind,
        name_fr: v.name_fr,
        name_en: v.name_en,
        quantity: v.quantity,
        unit_price_minor: Number(p.unit_price_minor),
        setup_fee_minor: v.setup_fee_minor,
        currency: v.currency,
        valid_from: input.startsOn,
        valid_to: v.valid_to,
        change_id: null,
        renewal_id: input.renewalId,
      })
      .execute();
    repriced++;
  }
  return repriced;
}

// ---------------------------------------------------------------------------------------------
// Notices

interface NoticeCandidate {
  id: string;
  org_id: string;
  org_name: string;
  commitment_ends_on: string;
  term_months: number;
  recorded: number[];
}

class NoticeTaken extends Error {}

async function sendNotice(
  db: Kysely<Database>,
  c: NoticeCandidate,
  step: { send: NoticeStep; skip: NoticeStep[] },
  ctx: { today: string; siteName: string; currency: string; noticeDays: number; jobId: string | null },
): Promise<{ emails: number; skipped: number } | null> {
  try {
    return await db.transaction().execute(async (trx) => {
      // Still renewing, still this commitment (a notice of non-renewal or a renewal may have landed).
      const fresh = await trx.selectFrom("contracts").select(["end_on", "commitment_ends_on"]).where("id", "=", c.id).forShare().executeTakeFirst();
      if (!fresh || fresh.end_on !== null || fresh.commitment_ends_on !== c.commitment_ends_on) return null;
      const prices = await announcedPrices(trx, c.id, c.commitment_ends_on);
      const tenants = await orgManagers(trx, c.org_id);
      const operators = await operatorsWhoCan(trx, RENEWAL_OPERATORS);
      const record = (days: NoticeStep, status: "sent" | "skipped", extra: { recipients?: number; with_prices?: boolean } = {}) =>
        trx
          .insertInto("renewal_notices")
          .values({ contract_id: c.id, org_id: c.org_id, commitment_ends_on: c.commitment_ends_on, days_before: days, status, run_on: ctx.today, job_id: ctx.jobId, ...extra })
          .onConflict((oc) => oc.columns(["contract_id", "commitment_ends_on", "days_before"]).doNothing())
          .returning("id")
          .executeTakeFirst();
      let skipped = 0;
      for (const days of step.skip) if (await record(days, "skipped")) skipped++;
      const sent = await record(step.send, "sent", { recipients: tenants.length + operators.length, with_prices: prices.length > 0 });
      if (!sent) throw new NoticeTaken();

      const props: Omit<RenewalMailProps, "url"> = {
        orgName: c.org_name,
        siteName: ctx.siteName,
        contractRef: shortRef(c.id),
        commitmentEndsOn: c.commitment_ends_on,
        renewedUntil: commitmentEndOn(addDays(c.commitment_ends_on, 1), c.term_months),
        termMonths: c.term_months,
        deadlineOn: noticeDeadline(c.commitment_ends_on, ctx.noticeDays),
        today: ctx.today,
        daysBefore: step.send,
        prices: prices.map(({ nameFr, nameEn, quantity, currentMinor, nextMinor }) => ({ nameFr, nameEn, quantity, currentMinor, nextMinor })),
        currency: ctx.currency,
      };
      for (const to of tenants) {
        await enqueueEmail(trx, { to: to.email, locale: to.locale, message: { template: "renewal_notice", props: { ...props, url: `${linkBase()}/app/services/${c.id}` } } });
      }
      for (const to of operators) {
        await enqueueEmail(trx, { to: to.email, locale: to.locale, message: { template: "renewal_notice_ops", props: { ...props, url: `${linkBase()}/ops/contracts/renewals` } } });
      }
      return { emails: tenants.length + operators.length, skipped };
    });
  } catch (error) {
    if (error instanceof NoticeTaken) return null;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The run

export interface SiteRenewalSummary {
  site: string;
  /** The site's calendar day the run used. */
  today: string;
  /** Commitments renewed, and line versions created at new prices. */
  renewed: number;
  repriced: number;
  /** Notices sent, the e-mails they queued, and earlier notices recorded as skipped. */
  notices: number;
  emails: number;
  skipped: number;
}

export interface RenewalRunSummary {
  sites: SiteRenewalSummary[];
  renewed: number;
  repriced: number;
  notices: number;
  emails: number;
  skipped: number;
}

/**
 * Runs the renewals of every site (or `siteCodes`) for `today` (default: each site's own day).
 * Safe to run again, and concurrently: each commitment is renewed, and each notice sent, once.
 */
export async function runRenewals(
  db: Kysely<Database>,
  opts: { today?: string; siteCodes?: string[]; jobId?: string | null; onProgress?: (done: number, total: number, label: string) => unknown } = {},
): Promise<RenewalRunSummary> {
  let sitesQuery = db
    .selectFrom("sites")
    .select(["id", "code", "name", "currency", "renewal_notice_days", sql<string>`site_today(id)::text`.as("today")])
    .orderBy("code");
  if (opts.siteCodes) sitesQuery = sitesQuery.where("code", "in", opts.siteCodes.length ? opts.siteCodes : [""]);
  const sites = await sitesQuery.execute();
  const summary: RenewalRunSummary = { sites: [], renewed: 0, repriced: 0, notices: 0, emails: 0, skipped: 0 };

  for (const [i, site] of sites.entries()) {
    const today = opts.today ?? site.today;
    const line: SiteRenewalSummary = { site: site.code, today, renewed: 0, repriced: 0, notices: 0, emails: 0, skipped: 0 };

    const due = await db
      .selectFrom("contracts")
      .select("id")
      .where("site_id", "=", site.id)
      .where("end_on", "is", null)
      .where("commitment_ends_on", "<", today)
      .orderBy("commitment_ends_on")
      .orderBy("id")
      .execute();
    for (const { id } of due) {
      const r = await db.transaction().execute((trx) => renewContract(trx, { contractId: id, today, jobId: opts.jobId ?? null }));
      line.renewed += r.renewals;
      line.repriced += r.repriced;
    }

    const candidates = (await db
      .selectFrom("contracts as c")
      .innerJoin("organisations as o", "o.id", "c.org_id")
      .select(["c.id", "c.org_id", "o.name as org_name", "c.commitment_ends_on", "c.term_months"])
      .select(
        sql<number[]>`coalesce((SELECT array_agg(n.days_before) FROM renewal_notices n WHERE n.contract_id = c.id AND n.commitment_ends_on = c.commitment_ends_on), '{}')`.as("recorded"),
      )
      .where("c.site_id", "=", site.id)
      .where("c.end_on", "is", null)
      .where("c.commitment_ends_on", ">=", today)
      .where("c.commitment_ends_on", "<=", addDays(today, RENEWAL_HORIZON_DAYS))
      .orderBy("c.commitment_ends_on")
      .orderBy("c.id")
      .execute()) as NoticeCandidate[];
    for (const c of candidates) {
      const step = noticesToRecord({ commitmentEndsOn: c.commitment_ends_on, today, recorded: c.recorded.map(Number) });
      if (step.send === null) continue;
      const done = await sendNotice(db, c, { send: step.send, skip: step.skip }, {
        today,
        siteName: site.name,
        currency: site.currency,
        noticeDays: site.renewal_notice_days,
        jobId: opts.jobId ?? null,
      });
      if (!done) continue;
      line.notices++;
      line.emails += done.emails;
      line.skipped += done.skipped;
    }
    summary.sites.push(line);
    for (const k of ["renewed", "repriced", "notices", "emails", "skipped"] as const) summary[k] += line[k];
    await opts.onProgress?.(i + 1, sites.length, site.code);
  }
  return summary;
}

registerJobHandler(RENEWALS_KIND, async ({ db, job, progress }) => {
  const payload = (job.payload ?? {}) as { today?: string };
  return runRenewals(db as Kysely<Database>, { today: payload.today, jobId: job.id, onProgress: (done, total, label) => progress(done, total, label) });
});

/**
 * Enqueues the day's run (UTC day of `now`), to start at RENEWALS_HOUR_UTC, unless a job of that key
 * exists already — queued, running, done or failed: one statement, so two processes calling it at
 * once add one job. Returns the new job, or null.
 */
export async function scheduleRenewals(db: Executor, now = new Date()): Promise<Job | null> {
  const day = dayIn("UTC", now);
  const key = renewalsKey(day);
  const runAfter = new Date(`${day}T${String(RENEWALS_HOUR_UTC).padStart(2, "0")}:00:00Z`);
  const { rows } = await sql<Job>`
    INSERT INTO jobs (kind, key, payload, max_attempts, run_after)
    SELECT ${RENEWALS_KIND}, ${key}, ${JSON.stringify({ day })}::jsonb, 3, ${runAfter}
     WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE key = ${key})
    ON CONFLICT (key) WHERE status IN ('queued', 'running') DO NOTHING
    RETURNING *`.execute(db);
  return rows[0] ?? null;
}

/** An operator's "run now": today's run now (a no-op while one is queued or running). */
export async function runRenewalsNow(db: Executor, now = new Date()): Promise<{ job: Job; created: boolean }> {
  const day = dayIn("UTC", now);
  const result = await enqueue(db, { kind: RENEWALS_KIND, key: renewalsKey(day), payload: { day } });
  if (!result.created && result.job.status === "queued" && result.job.run_after > now) {
    await db.updateTable("jobs").set({ run_after: now, updated_at: now }).where("id", "=", result.job.id).where("status", "=", "queued").execute();
  }
  return result;
}

/** The loop of server.ts: every `intervalMs`, makes sure the day's run is enqueued. */
export function startRenewalsSchedule(db: Executor, opts: { intervalMs?: number } = {}): () => Promise<void> {
  return startLoop(
    "renewals",
    opts.intervalMs ?? 10 * 60_000,
    async () => {
      await scheduleRenewals(db);
    },
    { firstAfterMs: 7_000 },
  );
}

// ---------------------------------------------------------------------------------------------
// The tenant's notice of non-renewal

export type NoticeError = "not_found" | "not_renewing" | "already_given" | "deadline_passed" | "termination_pending" | "commitment_changed";

/**
 * A tenant's owner or admin gives notice of non-renewal: the contract ends on the commitment's last
 * day, through the termination path (a termination change, applied at once: allocations, ports and
 * meters end that day). Refused after the deadline (the commitment's end minus the site's notice
 * days, on the site's calendar), and when `commitmentEndsOn` (the commitment the page showed) is
 * no longer the one in force. Expected failures write nothing (the caller rolls back).
 */
export async function giveNotice(
  trx: Trx,
  input: { orgId: string; contractId: string; commitmentEndsOn?: string; actor: Actor; today?: string; baseUrl?: string },
): Promise<{ ok: true; endOn: string } | { ok: false; error: NoticeError }> {
  if (!isUuid(input.contractId)) return { ok: false, error: "not_found" };
  const c = await trx
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .innerJoin("organisations as o", "o.id", "c.org_id")
    .select(["c.id", "c.org_id", "c.end_on", "c.commitment_ends_on", "c.term_months", "s.renewal_notice_days", "s.name as site_name", "o.name as org_name"])
    .select(sql<string>`site_today(c.site_id)::text`.as("site_today"))
    .where("c.id", "=", input.contractId)
    .where("c.org_id", "=", input.orgId)
    .forUpdate("c")
    .executeTakeFirst();
  if (!c) return { ok: false, error: "not_found" };
  const today = input.today ?? c.site_today;
  const given = await trx.selectFrom("renewal_opt_outs").select("given_on").where("contract_id", "=", c.id).where("commitment_ends_on", "=", c.commitment_ends_on).executeTakeFirst();
  if (given) return { ok: false, error: "already_given" };
  if (input.commitmentEndsOn && input.commitmentEndsOn !== c.commitment_ends_on) return { ok: false, error: "commitment_changed" };
  if (c.end_on !== null) return { ok: false, error: "not_renewing" };
  const deadline = noticeDeadline(c.commitment_ends_on, c.renewal_notice_days);
  if (today > deadline) return { ok: false, error: "deadline_passed" };
  const pending = await trx.selectFrom("contract_changes").select("id").where("contract_id", "=", c.id).where("kind", "=", "termination").where("status", "=", "pending").executeTakeFirst();
  if (pending) return { ok: false, error: "termination_pending" };

  const change = await trx
    .insertInto("contract_changes")
    .values({ contract_id: c.id, org_id: c.org_id, kind: "termination", requested_end_on: c.commitment_ends_on, details: NOTICE_CHANGE_DETAILS, requested_by: input.actor.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  const applied = await applyTermination(trx, { changeId: change.id, endOn: c.commitment_ends_on, actor: input.actor, notify: false });
  if (!applied.ok) return { ok: false, error: "not_renewing" };
  await trx
    .insertInto("renewal_opt_outs")
    .values({
      contract_id: c.id,
      org_id: c.org_id,
      commitment_ends_on: c.commitment_ends_on,
      given_on: today,
      deadline_on: deadline,
      given_by: input.actor.id,
      given_by_email: input.actor.email,
      change_id: change.id,
    })
    .execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "renewal.notice_given",
    entityType: "contract",
    entityId: c.id,
    orgId: c.org_id,
    before: { end_on: null, commitment_ends_on: c.commitment_ends_on },
    after: { end_on: c.commitment_ends_on, given_on: today, deadline_on: deadline },
  });

  const user = await trx.selectFrom("users").select("name").where("id", "=", input.actor.id).executeTakeFirst();
  const props: Omit<RenewalMailProps, "url"> = {
    orgName: c.org_name,
    siteName: c.site_name,
    contractRef: shortRef(c.id),
    commitmentEndsOn: c.commitment_ends_on,
    renewedUntil: commitmentEndOn(addDays(c.commitment_ends_on, 1), c.term_months),
    termMonths: c.term_months,
    deadlineOn: deadline,
    today,
    givenBy: user?.name ?? input.actor.email,
    currency: "",
  };
  const base = linkBase(input.baseUrl);
  for (const to of await orgManagers(trx, c.org_id)) {
    await enqueueEmail(trx, { to: to.email, locale: to.locale, message: { template: "renewal_notice_given", props: { ...props, url: `${base}/app/services/${c.id}` } } });
  }
  const operators: Recipient[] = uniqueRecipients(await operatorsWhoCan(trx, "requests:approve"), await operatorsWhoCan(trx, RENEWAL_OPERATORS));
  for (const to of operators) {
    await enqueueEmail(trx, { to: to.email, locale: to.locale, message: { template: "renewal_notice_given_ops", props: { ...props, url: `${base}/ops/contracts/${c.id}` } } });
  }
  return { ok: true, endOn: c.commitment_ends_on };
}

// ---------------------------------------------------------------------------------------------
// The operators' renewal prices

export type RenewalPriceError = "not_found" | "commitment_changed" | "not_renewing" | "too_late" | "no_line";

/**
 * Sets (or, with `unitPriceMinor` null, clears) the price of one kind for the renewal after the
 * commitment ending `commitmentEndsOn`, any time until that day (site calendar). The kind must be
 * one of the contract's lines in force on that day. Audited.
 */
export async function setRenewalPrice(
  trx: Trx,
  input: { contractId: string; commitmentEndsOn: string; kind: ProductKind; unitPriceMinor: number | null; actor: Actor; today?: string },
): Promise<{ ok: true; changed: boolean } | { ok: false; error: RenewalPriceError }> {
  if (!isUuid(input.contractId)) return { ok: false, error: "not_found" };
  const c = await trx
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select(["c.id", "c.org_id", "c.end_on", "c.commitment_ends_on", "s.currency"])
    .select(sql<string>`site_today(c.site_id)::text`.as("site_today"))
    .where("c.id", "=", input.contractId)
    .forUpdate("c")
    .executeTakeFirst();
  if (!c) return { ok: false, error: "not_found" };
  if (c.commitment_ends_on !== input.commitmentEndsOn) return { ok: false, error: "commitment_changed" };
  if (c.end_on !== null) return { ok: false, error: "not_renewing" };
  if ((input.today ?? c.site_today) > c.commitment_ends_on) return { ok: false, error: "too_late" };
  const line = await trx
    .selectFrom("contract_lines")
    .select(["unit_price_minor"])
    .where("contract_id", "=", c.id)
    .where("kind", "=", input.kind)
    .where("valid_from", "<=", c.commitment_ends_on)
    .where((eb) => eb.or([eb("valid_to", "is", null), eb("valid_to", ">=", c.commitment_ends_on)]))
    .executeTakeFirst();
  if (!line) return { ok: false, error: "no_line" };
  const before = await trx
    .selectFrom("renewal_prices")
    .select("unit_price_minor")
    .where("contract_id", "=", c.id)
    .where("commitment_ends_on", "=", c.commitment_ends_on)
    .where("kind", "=", input.kind)
    .executeTakeFirst();
  const previous = before ? Number(before.unit_price_minor) : null;
  if (previous === input.unitPriceMinor) return { ok: true, changed: false };
  if (input.unitPriceMinor === null) {
    await trx.deleteFrom("renewal_prices").where("contract_id", "=", c.id).where("commitment_ends_on", "=", c.commitment_ends_on).where("kind", "=", input.kind).execute();
  } else {
    const values = { unit_price_minor: input.unitPriceMinor, set_by: input.actor.id, set_at: new Date() };
    await trx
      .insertInto("renewal_prices")
      .values({ contract_id: c.id, commitment_ends_on: c.commitment_ends_on, kind: input.kind, currency: c.currency, ...values })
      .onConflict((oc) => oc.columns(["contract_id", "commitment_ends_on", "kind"]).doUpdateSet(values))
      .execute();
  }
  await recordAudit(trx, {
    actor: input.actor,
    action: input.unitPriceMinor === null ? "renewal.price_cleared" : "renewal.price_set",
    entityType: "contract",
    entityId: c.id,
    orgId: c.org_id,
    before: { kind: input.kind, commitment_ends_on: c.commitment_ends_on, unit_price_minor: previous },
    after: { kind: input.kind, commitment_ends_on: c.commitment_ends_on, unit_price_minor: input.unitPriceMinor, current_minor: Number(line.unit_price_minor) },
  });
  return { ok: true, changed: true };
}
