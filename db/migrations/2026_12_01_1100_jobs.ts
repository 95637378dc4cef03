import { sql, type Kysely } from "kysely";

/**
 * The one job runner (CONVENTIONS "One job runner for all background work"; module
 * `app/modules/jobs/jobs.server.ts`): billing runs, issuing a month, reminders… are rows here.
 *
 * - `key` names the work ("billing.run:LDC:2026-10"). At most one job per key is queued or running
 *   (partial unique index): a second enqueue meanwhile is a no-op. Once done or failed, the same key
 *   may be enqueued again as a new row, so the history of runs stays.
 * - A worker claims a job with `FOR UPDATE SKIP LOCKED` and holds it under a lease (`lease_owner`,
 *   `lease_until`) that its progress reports extend; a running job whose lease has expired (its
 *   process was killed) is claimable again.
 * - A failure is retried with back-off (`run_after`) until `max_attempts`, then the job is `failed`.
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.]{1,60}$'),
      key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
      payload jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
      run_after timestamptz NOT NULL DEFAULT now(),
      lease_owner text,
      lease_until timestamptz,
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
      progress_done integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
      progress_total integer CHECK (progress_total >= 0),
      progress_label text CHECK (length(progress_label) <= 500),
      result jsonb,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT jobs_lease_check CHECK (status <> 'running' OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
    );
    CREATE UNIQUE INDEX jobs_key_active_key ON jobs (key) WHERE status IN ('queued', 'running');
    CREATE INDEX jobs_due_idx ON jobs (run_after) WHERE status = 'queued';
    CREATE INDEX jobs_lease_idx ON jobs (lease_until) WHERE status = 'running';
    CREATE INDEX jobs_key_idx ON jobs (key, created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`DROP TABLE jobs`.execute(db);
}
