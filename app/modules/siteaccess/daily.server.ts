/**
 * The daily site-access job (`siteaccess.daily`, key `siteaccess.daily:<UTC day>`, on the one job
 * runner, scheduled in server.ts like the renewals; CLI `siteaccess run`). At each site, on the
 * site's calendar day (`site_today`, or `today` from a test):
 *
 * 1. Purge: the identity number of every visit whose day is at least `VISIT_ID_RETENTION_DAYS`
 *    (default 90) days before today is set to NULL and `id_purged_at` stamped — on the boundary
 *    day itself (visit_on + N = today) it goes, the day before it stays. Same for badge holders
 *    whose access ended (last valid day, or revocation day) that many days ago.
 * 2. Badge reminders: a current holder whose last valid day is 30 or 7 days ahead (or closer,
 *    when the job missed the day: the latest due step is sent, earlier ones are not) gets one
 *    e-mail to the organisation's owners, admins and technical members, each once: a row of
 *    `badge_reminders`, UNIQUE (holder, expiry day, days before), inserted ON CONFLICT DO NOTHING
 *    in the transaction that queues the e-mails. A second run inserts nothing and sends nothing.
 */
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "#db/schema";
import type { Executor } from "#db/types";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linkBase, orgManagers } from "~/modules/email/recipients.server";
import { enqueue, registerJobHandler, type Job } from "~/modules/jobs/jobs.server";
import { startLoop } from "~/utils/loop.server";
import { dayIn } from "~/utils/dates";
import { BADGE_REMINDER_DAYS, DEFAULT_ID_RETENTION_DAYS, maskIdNumber } from "./shared";
import { addDays } from "./visits.server";

export const SITE_ACCESS_KIND = "siteaccess.daily";
export const siteAccessKey = (day: string) => `${SITE_ACCESS_KIND}:${day}`;
/** The daily run waits for this hour (UTC): 02:00 in Lomé, 03:00 in Kinshasa and Brazzaville. */
export const SITE_ACCESS_HOUR_UTC = 2;

/** Days an identity number is kept after the visit: `VISIT_ID_RETENTION_DAYS`, a whole number from 1 to 3650 (default 90). */
export function idRetentionDays(env: Record<string, string | undefined> = process.env): number {
  const raw = env.VISIT_ID_RETENTION_DAYS;
  if (raw === undefined || raw.trim() === "") return DEFAULT_ID_RETENTION_DAYS;
  const parsed = z.coerce.number().int().min(1).max(3650).safeParse(raw.trim());
  if (!parsed.success || !/^\d+$/.test(raw.trim())) throw new Error(`VISIT_ID_RETENTION_DAYS must be a whole number of days from 1 to 3650 (got "${raw}")`);
  return parsed.data;
}

export interface SiteAccessSiteSummary {
  site: string;
  today: string;
  visitsPurged: number;
  badgesPurged: number;
  reminders: number;
  emails: number;
}

export interface SiteAccessRunSummary {
  sites: SiteAccessSiteSummary[];
  visitsPurged: number;
  badgesPurged: number;
  reminders: number;
  emails: number;
}

/** The reminder step due for a last valid day `validUntil` on `today`, or null. */
export function reminderDue(validUntil: string, today: string): (typeof BADGE_REMINDER_DAYS)[number] | null {
  const days = Math.round((Date.parse(`${validUntil}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (days < 0) return null;
  // The smallest step at or above the days left: 30 from 30 days down to 8, then 7.
  const steps = [...BADGE_REMINDER_DAYS].sort((a, b) => a - b);
  return steps.find((s) => days <= s) ?? null;
}

export async function runSiteAccess(
  db: Kysely<Database>,
  opts: { today?: string; retentionDays?: number; siteCodes?: string[]; jobId?: string | null; onProgress?: (done: number, total: number, label: string) => unknown } = {},
): Promise<SiteAccessRunSummary> {
  const retention = opts.retentionDays ?? idRetentionDays();
  let sitesQuery = db.selectFrom("sites").select(["id", "code", "name", sql<string>`site_today(id)::text`.as("today")]).orderBy("code");
  if (opts.siteCodes) sitesQuery = sitesQuery.where("code", "in", opts.siteCodes.length ? opts.siteCodes : [""]);
  const sites = await sitesQuery.execute();
  const summary: SiteAccessRunSummary = { sites: [], visitsPurged: 0, badgesPurged: 0, reminders: 0, emails: 0 };
  for (const [i, site] of sites.entries()) {
    const today = opts.today ?? site.today;
    const line: SiteAccessSiteSummary = { site: site.code, today, visitsPurged: 0, badgesPurged: 0, reminders: 0, emails: 0 };
    const lastKept = addDays(today, -retention);
    const purgedAt = new Date();
    const visits = await db
      .updateTable("visits")
      .set({ id_doc_number: null, id_purged_at: purgedAt })
      .where("site_id", "=", site.id)
      .where("id_doc_number", "is not", null)
      .where("visit_on", "<=", lastKept)
      .executeTakeFirst();
    line.visitsPurged = Number(visits.numUpdatedRows);
    const badges = await db
      .updateTable("badge_holders")
      .set({ id_doc_number: null, id_purged_at: purgedAt })
      .where("site_id", "=", site.id)
      .where("id_doc_number", "is not", null)
      .where(sql<boolean>`least(valid_until, coalesce((revoked_at AT TIME ZONE (SELECT time_zone FROM sites WHERE id = badge_holders.site_id))::date, valid_until)) <= ${lastKept}::date`)
      .executeTakeFirst();
    line.badgesPurged = Number(badges.numUpdatedRows);

    const due = await db
      .selectFrom("badge_holders as b")
      .innerJoin("organisations as o", "o.id", "b.org_id")
      .select(["b.id", "b.org_id", "b.name", "b.company", "b.id_doc_type", "b.id_doc_number", "b.valid_until", "o.name as org_name"])
      .where("b.site_id", "=", site.id)
      .where("b.revoked_at", "is", null)
      .where("b.valid_until", ">=", today)
      .where("b.valid_until", "<=", addDays(today, Math.max(...BADGE_REMINDER_DAYS)))
      .orderBy("b.valid_until")
      .orderBy("b.id")
      .execute();
    for (const holder of due) {
      const step = reminderDue(holder.valid_until, today);
      if (step === null) continue;
      const sent = await db.transaction().execute(async (trx) => {
        const to = await orgManagers(trx, holder.org_id, ["owner", "admin", "technical"]);
        const row = await trx
          .insertInto("badge_reminders")
          .values({ badge_holder_id: holder.id, org_id: holder.org_id, expires_on: holder.valid_until, days_before: step, run_on: today, recipients: to.length, job_id: opts.jobId ?? null })
          .onConflict((oc) => oc.columns(["badge_holder_id", "expires_on", "days_before"]).doNothing())
          .returning("id")
          .executeTakeFirst();
        if (!row) return 0;
        for (const r of to) {
          await enqueueEmail(trx, {
            to: r.email,
            locale: r.locale,
            message: {
              template: "site_access_badge_expiring",
              props: {
                visitRef: "",
                siteName: site.name,
                orgName: holder.org_name,
                personName: holder.name,
                company: holder.company,
                idDocType: holder.id_doc_type,
                idNumberMasked: maskIdNumber(holder.id_doc_number),
                date: holder.valid_until,
                daysBefore: step,
                url: `${linkBase()}/app/desk/badges`,
              },
            },
          });
        }
        return to.length;
      });
      if (sent === 0) continue;
      line.reminders++;
      line.emails += sent;
    }
    summary.sites.push(line);
    for (const k of ["visitsPurged", "badgesPurged", "reminders", "emails"] as const) summary[k] += line[k];
    await opts.onProgress?.(i + 1, sites.length, site.code);
  }
  return summary;
}

registerJobHandler(SITE_ACCESS_KIND, async ({ db, job, progress }) => {
  const payload = (job.payload ?? {}) as { today?: string };
  return runSiteAccess(db as Kysely<Database>, { today: payload.today, jobId: job.id, onProgress: (done, total, label) => progress(done, total, label) });
});

/** Enqueues the day's run (UTC day of `now`) to start at SITE_ACCESS_HOUR_UTC, unless a job of that key exists already. */
export async function scheduleSiteAccess(db: Executor, now = new Date()): Promise<Job | null> {
  const day = dayIn("UTC", now);
  const key = siteAccessKey(day);
  const runAfter = new Date(`${day}T${String(SITE_ACCESS_HOUR_UTC).padStart(2, "0")}:00:00Z`);
  const { rows } = await sql<Job>`
    INSERT INTO jobs (kind, key, payload, max_attempts, run_after)
    SELECT ${SITE_ACCESS_KIND}, ${key}, ${JSON.stringify({ day })}::jsonb, 3, ${runAfter}
     WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE key = ${key})
    ON CONFLICT (key) WHERE status IN ('queued', 'running') DO NOTHING
    RETURNING *`.execute(db);
  return rows[0] ?? null;
}

/** Today's run now (a no-op while one is queued or running). */
export async function runSiteAccessNow(db: Executor, now = new Date()) {
  return enqueue(db, { kind: SITE_ACCESS_KIND, key: siteAccessKey(dayIn("UTC", now)), payload: { day: dayIn("UTC", now) } });
}

/** The loop of server.ts: every `intervalMs`, makes sure the day's run is enqueued. */
export function startSiteAccessSchedule(db: Executor, opts: { intervalMs?: number } = {}): () => Promise<void> {
  // Fail at start, not at 02:00, on a malformed retention setting.
  idRetentionDays();
  return startLoop("siteaccess", opts.intervalMs ?? 10 * 60_000, async () => void (await scheduleSiteAccess(db)), { firstAfterMs: 9_000 });
}
