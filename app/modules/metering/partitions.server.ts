import { sql } from "kysely";
import type { Executor } from "#db/types";
import { env } from "#db/env.server";
import { registerJobHandler, type Job } from "~/modules/jobs/jobs.server";
import { startLoop } from "~/utils/loop.server";
import { dayIn } from "~/utils/dates";

/**
 * Upkeep of the monthly partitions of `samples` (migration 2026_12_02_1100, ADR 019), a daily job
 * on the one job runner (`samples.partitions`, key `samples.partitions:<UTC day>`):
 *
 * - creates the partitions of this month and the next `MONTHS_AHEAD` (UTC months), so samples never
 *   land in the default partition in normal operation (a month created late takes its rows out of
 *   the default partition first — `samples_create_partition`);
 * - with `SAMPLES_RETENTION_MONTHS = N`, drops the partitions of months before the N months that
 *   precede this one (this month and the N before it are kept): DROP TABLE of whole months, never a
 *   row-by-row DELETE. The rollups (`usage_instants`, `energy_hours`) are kept, so the usage pages,
 *   the billing run and late usage still read those months; the annex of an issued invoice is the
 *   document stored at issue. Ingestion refuses a sample older than the kept months (400).
 * - deletes the usage pages' kept figures (`usage_month_cache`, ADR 025) no one has computed for
 *   `CACHE_KEEP_DAYS`: a cache, so a month viewed again is computed again; it never grows with
 *   every contract and month ever viewed.
 *
 * Safe to run twice at once (two servers): both SQL functions take one advisory lock and are
 * idempotent.
 */

export const PARTITIONS_KIND = "samples.partitions";
export const MONTHS_AHEAD = 3;
/** The smallest retention allowed: a month must be billed (and its late usage seen) before its samples go. */
export const MIN_RETENTION_MONTHS = 3;

/** Kept figures of the usage pages older than this are deleted by the daily upkeep. */
export const CACHE_KEEP_DAYS = 31;

export const partitionsKey = (day: string) => `${PARTITIONS_KIND}:${day}`;

/** `SAMPLES_RETENTION_MONTHS`, or null (keep every sample). */
export const retentionMonths = (): number | null => env().SAMPLES_RETENTION_MONTHS ?? null;

const addMonths = (firstDay: string, k: number) => {
  const [y, m] = firstDay.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + k, 1));
  return d.toISOString().slice(0, 10);
};

/** The first instant whose samples are kept with a retention of `months` on `now` (UTC): the first day of the month `months` before this one. */
export function retentionHorizon(now: Date, months: number | null): Date | null {
  if (months === null) return null;
  return new Date(`${addMonths(`${dayIn("UTC", now).slice(0, 7)}-01`, -months)}T00:00:00Z`);
}

export interface PartitionUpkeep {
  created: string[];
  dropped: string[];
  partitions: number;
  /** Rows of `usage_month_cache` deleted. */
  cachePruned: number;
}

export async function maintainSamplePartitions(db: Executor, opts: { now?: Date; retentionMonths?: number | null } = {}): Promise<PartitionUpkeep> {
  const now = opts.now ?? new Date();
  const thisMonth = `${dayIn("UTC", now).slice(0, 7)}-01`;
  const created: string[] = [];
  for (let k = 0; k <= MONTHS_AHEAD; k++) {
    const month = addMonths(thisMonth, k);
    const { rows } = await sql<{ created: boolean; name: string }>`SELECT samples_create_partition(${month}::date) AS created, samples_partition_name(${month}::date) AS name`.execute(db);
    if (rows[0].created) created.push(rows[0].name);
  }
  const months = opts.retentionMonths === undefined ? retentionMonths() : opts.retentionMonths;
  let dropped: string[] = [];
  const horizon = retentionHorizon(now, months);
  if (horizon) {
    const { rows } = await sql<{ dropped: string[] }>`SELECT samples_drop_partitions_before(${horizon.toISOString().slice(0, 10)}::date) AS dropped`.execute(db);
    dropped = rows[0].dropped;
  }
  const pruned = await db
    .deleteFrom("usage_month_cache")
    .where("computed_at", "<", new Date(now.getTime() - CACHE_KEEP_DAYS * 86_400_000))
    .executeTakeFirst();
  return { created, dropped, partitions: (await samplePartitions(db)).length, cachePruned: Number(pruned.numDeletedRows) };
}

/** The monthly partitions with their size on disk (table and indexes), oldest first. */
export async function samplePartitions(db: Executor) {
  const { rows } = await sql<{ name: string; bytes: number }>`
    SELECT c.relname AS name, pg_total_relation_size(c.oid)::int8 AS bytes
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'samples'::regclass
     ORDER BY c.relname`.execute(db);
  return rows;
}

registerJobHandler(PARTITIONS_KIND, async ({ db }) => maintainSamplePartitions(db));

/** Enqueues the day's upkeep once (UTC day), whatever the number of servers (same statement as the reminders). */
export async function schedulePartitionUpkeep(db: Executor, now = new Date()): Promise<Job | null> {
  const key = partitionsKey(dayIn("UTC", now));
  const { rows } = await sql<Job>`
    INSERT INTO jobs (kind, key, payload, max_attempts, run_after)
    SELECT ${PARTITIONS_KIND}, ${key}, '{}'::jsonb, 5, ${now}
     WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE key = ${key})
    ON CONFLICT (key) WHERE status IN ('queued', 'running') DO NOTHING
    RETURNING *`.execute(db);
  return rows[0] ?? null;
}

/** The loop of server.ts: every `intervalMs` (default an hour), makes sure the day's upkeep is enqueued. */
export function startPartitionsSchedule(db: Executor, opts: { intervalMs?: number } = {}): () => Promise<void> {
  return startLoop("samples.partitions", opts.intervalMs ?? 60 * 60_000, async () => {
    await schedulePartitionUpkeep(db);
  }, { firstAfterMs: 3_000 });
}
