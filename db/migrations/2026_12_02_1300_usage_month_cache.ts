import { sql, type Kysely } from "kysely";

/**
 * A contract's month of usage figures, kept once computed (issue 11: usage pages at a few statements
 * whatever the samples). ADR 025.
 *
 * - `meters.samples_version`: raised by one for every statement that stores samples of the meter
 *   (a trigger after the rollups', in the same transaction as the samples). Any snapshot that sees
 *   a sample sees the version it raised.
 * - `usage_month_cache`: per contract and month, the figures the usage pages show (95th percentile,
 *   energy, power, per day, per hour) and the fingerprint they were computed for: the site's zone,
 *   the month, the contract's commit and each attached meter's window, kind and `samples_version`.
 *   A page whose fingerprint differs computes the figures again from the rollups and replaces the
 *   row; nothing else ever needs to clear it. A cache only: deleting any row is always safe.
 */
export async function up(db: Kysely<any>) {
  await sql`
    ALTER TABLE meters ADD COLUMN samples_version bigint NOT NULL DEFAULT 0;

    CREATE FUNCTION samples_bump_meter_versions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- Rows locked in key order first: two batches over the same meters never wait on each other crosswise.
      PERFORM 1 FROM meters WHERE id IN (SELECT meter_id FROM new_samples) ORDER BY id FOR NO KEY UPDATE;
      UPDATE meters SET samples_version = samples_version + 1 WHERE id IN (SELECT meter_id FROM new_samples);
      RETURN NULL;
    END $$;

    -- Named to fire after samples_rollup (triggers fire in name order): the meters' rows are the
    -- statement's last locks, held only until its commit, so two batches of the same meters still
    -- insert and roll up side by side (fired first, it serialised them: −29 % in bench:scale).
    CREATE TRIGGER samples_rollup_versions AFTER INSERT ON samples REFERENCING NEW TABLE AS new_samples
      FOR EACH STATEMENT EXECUTE FUNCTION samples_bump_meter_versions();

    CREATE TABLE usage_month_cache (
      contract_id uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      fingerprint text NOT NULL,
      figures jsonb NOT NULL,
      computed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (contract_id, month)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE usage_month_cache;
    DROP TRIGGER samples_rollup_versions ON samples;
    DROP FUNCTION samples_bump_meter_versions();
    ALTER TABLE meters DROP COLUMN samples_version;
  `.execute(db);
}
