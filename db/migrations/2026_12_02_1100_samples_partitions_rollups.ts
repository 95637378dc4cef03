import { sql, type Kysely } from "kysely";

/**
 * Samples at national scale (issue 11, ADR 019).
 *
 * 1. `samples` becomes PARTITIONED BY RANGE (at), one partition per calendar month in UTC
 *    (`samples_y2026m11` holds [2026-11-01 00:00Z, 2026-12-01 00:00Z)), plus `samples_default` for an
 *    instant no monthly partition covers (a sample back-filled years ago): ingestion never fails for
 *    want of a partition. The existing table is renamed, its rows moved month by month into the new
 *    one, and the primary key (meter_id, metric, at) built once the rows are in.
 *    - `samples_create_partition(month)`: creates a month's partition (idempotent; serialised by an
 *      advisory lock); rows of that month already in the default partition are moved into it first.
 *      The partition-maintenance job calls it for this month and the next three, every day.
 *    - `samples_drop_partitions_before(first_kept)`: retention. Drops every monthly partition that
 *      ends on or before `first_kept` (DROP TABLE: no row-by-row DELETE) and the default partition's
 *      rows before it (a handful by construction). Rollups are kept.
 *
 * 2. Rollups, maintained by a statement-level trigger on `samples` (every writer: the API, the CSV
 *    import, seeds, COPY), so a month's figures read thousands of narrow rows, not every sample:
 *    - `usage_instants` (meter, 5-minute instant): the highest bw_in, bw_out and power_w reading of
 *      the meter in that instant (the per-meter step of usage.server.ts). New samples only ever raise
 *      a maximum, so the upsert takes GREATEST (exact whatever the order of arrival; a duplicate is
 *      not inserted, so it never reaches the trigger).
 *    - `energy_hours` (meter, UTC hour): the hour's first and last energy reading and `inner_kwh`,
 *      the sum of positive deltas between the hour's consecutive readings (a drop counts from zero;
 *      NULL with a single reading). Energy over a window is then the inner sums plus the delta from
 *      each hour's predecessor's last reading to its first, which is exact. A touched hour is
 *      recomputed from its samples, after locking its row: a concurrent batch touching the same hour
 *      waits, then recomputes with a snapshot that includes the first batch's samples.
 */
export async function up(db: Kysely<any>) {
  await sql`
    ALTER TABLE samples RENAME TO samples_unpartitioned;
    ALTER INDEX samples_pkey RENAME TO samples_unpartitioned_pkey;

    CREATE TABLE samples (
      meter_id uuid NOT NULL,
      metric text NOT NULL CHECK (metric IN ('energy_kwh', 'power_w', 'bw_in_mbps', 'bw_out_mbps')),
      at timestamptz NOT NULL,
      value numeric(20, 6) NOT NULL CHECK (value >= 0)
    ) PARTITION BY RANGE (at);
    CREATE TABLE samples_default PARTITION OF samples DEFAULT;

    CREATE FUNCTION samples_partition_name(first_day date) RETURNS text IMMUTABLE LANGUAGE sql
      AS $$ SELECT 'samples_' || to_char(first_day, '"y"YYYY"m"MM') $$;

    CREATE FUNCTION samples_create_partition(month date) RETURNS boolean LANGUAGE plpgsql AS $$
    DECLARE
      part_name text := samples_partition_name(date_trunc('month', month)::date);
      lo timestamptz := date_trunc('month', month)::date::timestamp AT TIME ZONE 'UTC';
      hi timestamptz := (date_trunc('month', month) + interval '1 month')::date::timestamp AT TIME ZONE 'UTC';
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('samples_partitions'));
      IF to_regclass(part_name) IS NOT NULL THEN
        RETURN false;
      END IF;
      IF EXISTS (SELECT 1 FROM samples_default WHERE at >= lo AND at < hi) THEN
        -- The default partition holds rows of this month: move them into a new table, then attach it.
        EXECUTE format('CREATE TABLE %I (LIKE samples INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part_name);
        EXECUTE format('INSERT INTO %I SELECT * FROM samples_default WHERE at >= $1 AND at < $2', part_name) USING lo, hi;
        DELETE FROM samples_default WHERE at >= lo AND at < hi;
        EXECUTE format('ALTER TABLE samples ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part_name, lo, hi);
      ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF samples FOR VALUES FROM (%L) TO (%L)', part_name, lo, hi);
      END IF;
      RETURN true;
    END $$;

    CREATE FUNCTION samples_drop_partitions_before(first_kept date) RETURNS text[] LANGUAGE plpgsql AS $$
    DECLARE
      part record;
      dropped text[] := '{}';
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('samples_partitions'));
      FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'samples'::regclass AND c.relname ~ '^samples_y[0-9]{4}m[0-9]{2}$'
           AND (to_date(substr(c.relname, 10), 'YYYY"m"MM') + interval '1 month')::date <= first_kept
         ORDER BY c.relname
      LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped || part.relname::text;
      END LOOP;
      DELETE FROM samples_default WHERE at < (first_kept::timestamp AT TIME ZONE 'UTC');
      RETURN dropped;
    END $$;

    -- A partition for every month that has samples, and for this month and the next three.
    SELECT samples_create_partition(m::date)
      FROM (SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AS m FROM samples_unpartitioned
            UNION SELECT date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => k) FROM generate_series(0, 3) k) months;
    INSERT INTO samples SELECT * FROM samples_unpartitioned;
    ALTER TABLE samples ADD PRIMARY KEY (meter_id, metric, at);

    CREATE TABLE usage_instants (
      meter_id uuid NOT NULL,
      at timestamptz NOT NULL,
      bw_in numeric(20, 6),
      bw_out numeric(20, 6),
      power_w numeric(20, 6),
      PRIMARY KEY (meter_id, at)
    );

    CREATE TABLE energy_hours (
      meter_id uuid NOT NULL,
      at timestamptz NOT NULL,
      readings int NOT NULL,
      first_at timestamptz NOT NULL,
      first_value numeric(20, 6) NOT NULL,
      last_at timestamptz NOT NULL,
      last_value numeric(20, 6) NOT NULL,
      inner_kwh numeric,
      PRIMARY KEY (meter_id, at)
    );

    CREATE FUNCTION samples_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO usage_instants AS u (meter_id, at, bw_in, bw_out, power_w)
      SELECT meter_id, date_bin('5 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
             max(value) FILTER (WHERE metric = 'bw_in_mbps'),
             max(value) FILTER (WHERE metric = 'bw_out_mbps'),
             max(value) FILTER (WHERE metric = 'power_w')
        FROM new_samples
       WHERE metric <> 'energy_kwh'
       GROUP BY 1, 2
       ORDER BY 1, 2
      ON CONFLICT (meter_id, at) DO UPDATE
        SET bw_in = greatest(u.bw_in, excluded.bw_in),
            bw_out = greatest(u.bw_out, excluded.bw_out),
            power_w = greatest(u.power_w, excluded.power_w);

      IF NOT EXISTS (SELECT 1 FROM new_samples WHERE metric = 'energy_kwh') THEN
        RETURN NULL;
      END IF;
      -- Lock (or create) the touched hours first, in key order ...
      INSERT INTO energy_hours AS e (meter_id, at, readings, first_at, first_value, last_at, last_value)
      SELECT meter_id, date_bin('1 hour', at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), 0, min(at), 0, min(at), 0
        FROM new_samples
       WHERE metric = 'energy_kwh'
       GROUP BY 1, 2
       ORDER BY 1, 2
      ON CONFLICT (meter_id, at) DO UPDATE SET readings = e.readings;
      -- ... then recompute them from their samples (a new statement: a new snapshot).
      WITH touched AS (
        SELECT DISTINCT meter_id, date_bin('1 hour', at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS at
          FROM new_samples WHERE metric = 'energy_kwh'
      ), readings AS (
        SELECT t.meter_id, t.at AS hour, s.at, s.value, lag(s.value) OVER (PARTITION BY t.meter_id, t.at ORDER BY s.at) AS prev
          FROM touched t
          JOIN samples s ON s.meter_id = t.meter_id AND s.metric = 'energy_kwh' AND s.at >= t.at AND s.at < t.at + interval '1 hour'
      ), hours AS (
        SELECT meter_id, hour, count(*)::int AS n, min(at) AS first_at, max(at) AS last_at,
               (array_agg(value ORDER BY at))[1] AS first_value,
               (array_agg(value ORDER BY at DESC))[1] AS last_value,
               sum(CASE WHEN prev IS NULL THEN NULL WHEN value >= prev THEN value - prev ELSE value END) AS inner_kwh
          FROM readings GROUP BY 1, 2
      )
      UPDATE energy_hours e
         SET readings = h.n, first_at = h.first_at, first_value = h.first_value,
             last_at = h.last_at, last_value = h.last_value, inner_kwh = h.inner_kwh
        FROM hours h
       WHERE e.meter_id = h.meter_id AND e.at = h.hour;
      RETURN NULL;
    END $$;
  `.execute(db);

  // Rollups of the samples already stored, then the trigger keeps them.
  await sql`
    INSERT INTO usage_instants (meter_id, at, bw_in, bw_out, power_w)
    SELECT meter_id, date_bin('5 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           max(value) FILTER (WHERE metric = 'bw_in_mbps'),
           max(value) FILTER (WHERE metric = 'bw_out_mbps'),
           max(value) FILTER (WHERE metric = 'power_w')
      FROM samples WHERE metric <> 'energy_kwh'
     GROUP BY 1, 2;

    INSERT INTO energy_hours (meter_id, at, readings, first_at, first_value, last_at, last_value, inner_kwh)
    SELECT meter_id, hour, count(*)::int, min(at), (array_agg(value ORDER BY at))[1], max(at), (array_agg(value ORDER BY at DESC))[1],
           sum(CASE WHEN prev IS NULL THEN NULL WHEN value >= prev THEN value - prev ELSE value END)
      FROM (SELECT meter_id, at, value, date_bin('1 hour', at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour,
                   lag(value) OVER (PARTITION BY meter_id, date_bin('1 hour', at, TIMESTAMPTZ '2000-01-01 00:00:00+00') ORDER BY at) AS prev
              FROM samples WHERE metric = 'energy_kwh') r
     GROUP BY meter_id, hour;

    CREATE TRIGGER samples_rollup AFTER INSERT ON samples REFERENCING NEW TABLE AS new_samples
      FOR EACH STATEMENT EXECUTE FUNCTION samples_rollup();

    DROP TABLE samples_unpartitioned;
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TRIGGER samples_rollup ON samples;
    DROP FUNCTION samples_rollup();
    DROP TABLE usage_instants, energy_hours;
    CREATE TABLE samples_unpartitioned (LIKE samples INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
    INSERT INTO samples_unpartitioned SELECT * FROM samples;
    DROP TABLE samples;
    DROP FUNCTION samples_create_partition(date), samples_drop_partitions_before(date), samples_partition_name(date);
    ALTER TABLE samples_unpartitioned RENAME TO samples;
    ALTER TABLE samples ADD PRIMARY KEY (meter_id, metric, at);
  `.execute(db);
}
