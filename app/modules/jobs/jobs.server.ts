import { sql, type Selectable } from "kysely";
import type { Executor } from "#db/types";
import type { JobsTable } from "#db/schema";
import { startLoop } from "~/utils/loop.server";

/**
 * The one job runner (CONVENTIONS "One job runner for all background work"; migration
 * 2026_12_01_1100_jobs): every kind of background work is a row of `jobs`, run by the handler
 * registered for its kind.
 *
 * - `enqueue`: one queued-or-running job per key; a second enqueue meanwhile returns the existing
 *   job (no-op). A key whose last job is done or failed is enqueued again as a NEW row (the earlier
 *   run's result stays as history; a page shows the newest row of a key).
 * - `claimNext`: one statement, `FOR UPDATE SKIP LOCKED` over due queued jobs and running jobs whose
 *   lease has expired (the process holding it died): two workers never claim the same job. The
 *   claim takes a lease (`lease_owner`, `lease_until`) that `reportProgress` extends.
 * - `complete` / `fail` / `reportProgress` act only while the caller still holds the lease.
 *   `fail` retries with exponential back-off (5 s × 2^(attempt−1), at most 10 min) until
 *   `max_attempts`, then the job is `failed`.
 * - Handlers must be safe to re-run from the start (a reclaimed job starts again): the billing
 *   run is (one transaction per organisation, drafts recomputed, issued invoices untouched).
 */

export type Job = Selectable<JobsTable>;

export interface JobContext {
  db: Executor;
  job: Job;
  /** Records progress and extends the lease; false when the lease was lost (stop working). */
  progress(done: number, total: number | null, label?: string | null): Promise<boolean>;
}

export type JobHandler = (ctx: JobContext) => Promise<unknown>;

const handlers = new Map<string, JobHandler>();

/** Registers the handler of a kind (once; modules call it when loaded). */
export function registerJobHandler(kind: string, handler: JobHandler) {
  handlers.set(kind, handler);
}

export const jobHandler = (kind: string) => handlers.get(kind);

export const DEFAULT_LEASE_MS = 60_000;

/** Back-off before attempt n + 1 after n failed attempts. */
export const retryDelayMs = (attempts: number) => Math.min(600_000, 5_000 * 2 ** Math.max(0, attempts - 1));

export async function enqueue(
  db: Executor,
  input: { kind: string; key: string; payload?: unknown; maxAttempts?: number; runAfter?: Date },
): Promise<{ job: Job; created: boolean }> {
  const inserted = await sql<Job>`
    INSERT INTO jobs (kind, key, payload, max_attempts, run_after)
    VALUES (${input.kind}, ${input.key}, ${JSON.stringify(input.payload ?? {})}::jsonb, ${input.maxAttempts ?? 3}, ${input.runAfter ?? new Date()})
    ON CONFLICT (key) WHERE status IN ('queued', 'running') DO NOTHING
    RETURNING *`.execute(db);
  if (inserted.rows[0]) return { job: inserted.rows[0], created: true };
  const existing = await db.selectFrom("jobs").selectAll().where("key", "=", input.key).where("status", "in", ["queued", "running"]).executeTakeFirst();
  // The active job finished between the two statements: enqueue again.
  if (!existing) return enqueue(db, input);
  return { job: existing, created: false };
}

export async function getJob(db: Executor, id: string) {
  return db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The newest job of a key (what a page polls for progress). */
export async function latestJob(db: Executor, key: string) {
  return db.selectFrom("jobs").selectAll().where("key", "=", key).orderBy("created_at", "desc").orderBy("id").limit(1).executeTakeFirst();
}

/** The latest job of each key (as `latestJob`), in one statement; a key without a job is absent. */
export async function latestJobs(db: Executor, keys: string[]): Promise<Map<string, Job>> {
  if (!keys.length) return new Map();
  const rows = await db
    .selectFrom("jobs")
    .selectAll()
    .distinctOn("key")
    .where("key", "in", keys)
    .orderBy("key")
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
  return new Map(rows.map((r) => [r.key, r]));
}

/**
 * Claims the next due job (or `only` that one) for `owner`, with a lease of `leaseMs`. A running job
 * whose lease expired counts as due; one that has used all its attempts is marked failed instead.
 */
export async function claimNext(db: Executor, owner: string, leaseMs = DEFAULT_LEASE_MS, opts: { now?: Date; only?: string; kinds?: string[] } = {}): Promise<Job | undefined> {
  const now = opts.now ?? new Date();
  await db
    .updateTable("jobs")
    .set({ status: "failed", error: "lease expired after the last attempt", lease_owner: null, lease_until: null, finished_at: now, updated_at: now })
    .where("status", "=", "running")
    .where("lease_until", "<", now)
    .where(sql<boolean>`attempts >= max_attempts`)
    .execute();
  const { rows } = await sql<Job>`
    WITH due AS MATERIALIZED (
      SELECT id FROM jobs
       WHERE ((status = 'queued' AND run_after <= ${now}) OR (status = 'running' AND lease_until < ${now}))
         ${opts.only ? sql`AND id = ${opts.only}` : sql``}
         ${opts.kinds ? sql`AND kind = ANY(${opts.kinds}::text[])` : sql``}
       ORDER BY run_after, created_at, id
       LIMIT 1
       FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs j
       SET status = 'running', lease_owner = ${owner}, lease_until = ${new Date(now.getTime() + leaseMs)},
           attempts = j.attempts + 1, started_at = coalesce(j.started_at, ${now}), error = NULL, updated_at = ${now}
      FROM due WHERE j.id = due.id
    RETURNING j.*`.execute(db);
  return rows[0];
}

export async function reportProgress(
  db: Executor,
  jobId: string,
  owner: string,
  progress: { done: number; total: number | null; label?: string | null },
  leaseMs = DEFAULT_LEASE_MS,
  now = new Date(),
): Promise<boolean> {
  const r = await db
    .updateTable("jobs")
    .set({
      progress_done: progress.done,
      progress_total: progress.total,
      progress_label: progress.label?.slice(0, 500) ?? null,
      lease_until: new Date(now.getTime() + leaseMs),
      updated_at: now,
    })
    .where("id", "=", jobId)
    .where("status", "=", "running")
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function complete(db: Executor, jobId: string, owner: string, result: unknown, now = new Date()): Promise<boolean> {
  const r = await db
    .updateTable("jobs")
    .set({ status: "done", result: JSON.stringify(result ?? null), lease_owner: null, lease_until: null, finished_at: now, updated_at: now })
    .where("id", "=", jobId)
    .where("status", "=", "running")
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records a failure: queued again after the back-off while attempts remain, else `failed`. */
export async function fail(db: Executor, jobId: string, owner: string, error: unknown, now = new Date()): Promise<"retry" | "failed" | "lost"> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  const job = await db.selectFrom("jobs").select(["attempts", "max_attempts"]).where("id", "=", jobId).where("status", "=", "running").where("lease_owner", "=", owner).executeTakeFirst();
  if (!job) return "lost";
  const retry = job.attempts < job.max_attempts;
  await db
    .updateTable("jobs")
    .set({
      status: retry ? "queued" : "failed",
      error: message,
      run_after: retry ? new Date(now.getTime() + retryDelayMs(job.attempts)) : now,
      lease_owner: null,
      lease_until: null,
      finished_at: retry ? null : now,
      updated_at: now,
    })
    .where("id", "=", jobId)
    .where("lease_owner", "=", owner)
    .execute();
  return retry ? "retry" : "failed";
}

/** Runs one claimed job with its handler; returns how it ended. */
export async function runClaimed(db: Executor, job: Job, owner: string, leaseMs = DEFAULT_LEASE_MS): Promise<"done" | "retry" | "failed" | "lost"> {
  const handler = handlers.get(job.kind);
  if (!handler) return fail(db, job.id, owner, new Error(`no handler for job kind ${job.kind}`));
  try {
    const result = await handler({ db, job, progress: (done, total, label) => reportProgress(db, job.id, owner, { done, total, label }, leaseMs) });
    return (await complete(db, job.id, owner, result)) ? "done" : "lost";
  } catch (error) {
    return fail(db, job.id, owner, error);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a job to the end in this process (the CLI): claims it when it is due or its lease expired,
 * runs it, retries after the back-off; while another process holds it, waits for that one. Returns
 * the job as it ended (done or failed).
 */
export async function runJobToCompletion(db: Executor, jobId: string, opts: { owner?: string; leaseMs?: number; pollMs?: number } = {}): Promise<Job> {
  const owner = opts.owner ?? `cli:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  for (;;) {
    const job = await getJob(db, jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    if (job.status === "done" || job.status === "failed") return job;
    const claimed = await claimNext(db, owner, opts.leaseMs, { only: jobId });
    if (claimed) {
      await runClaimed(db, claimed, owner, opts.leaseMs);
      continue;
    }
    const wait = job.status === "queued" ? Math.max(0, job.run_after.getTime() - Date.now()) : (opts.pollMs ?? 500);
    await sleep(Math.min(Math.max(wait, 50), opts.pollMs ?? 5_000));
  }
}

/**
 * The one loop for all background work (for `server.ts`): every `intervalMs`, claims due jobs one
 * by one and runs them until none is due. Returns a stop function that waits for the current job.
 * The handlers' modules must have been imported (they register their kinds when loaded).
 */
export function startJobWorker(db: Executor, opts: { intervalMs: number; owner?: string; leaseMs?: number }): () => Promise<void> {
  const owner = opts.owner ?? `worker:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  return startLoop("jobs", opts.intervalMs, async (stopped) => {
    while (!stopped()) {
      const job = await claimNext(db, owner, opts.leaseMs, { kinds: [...handlers.keys()] });
      if (!job) break;
      const outcome = await runClaimed(db, job, owner, opts.leaseMs);
      if (outcome !== "done") console.error(`[jobs] ${job.kind} ${job.key}: ${outcome}`);
    }
  });
}
