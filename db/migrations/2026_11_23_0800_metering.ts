import { sql, type Kysely } from "kysely";

/**
 * Metering: meters at a site, their attachment to contracts over time, API tokens for the
 * collectors, and the samples themselves.
 *
 * `samples` is keyed by (meter, metric, at): re-sending a sample never counts twice (the first
 * value stored stands), and the same key serves every per-meter, per-period aggregation as an
 * index range scan, however many months accumulate. Values are exact decimals (counter deltas
 * must not drift).
 *
 * `samples.meter_id` has no foreign key: a per-row referential check costs a third of the ingestion
 * throughput. Integrity holds another way: ingestion resolves every meter of a batch (at the
 * token's site) before inserting, and meters are never deleted (a trigger refuses it).
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE meters (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      external_id text NOT NULL CHECK (external_id ~ '^[A-Za-z0-9._:/-]{1,100}$'),
      kind text NOT NULL CHECK (kind IN ('power', 'bandwidth')),
      description text CHECK (length(description) <= 200),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (site_id, external_id)
    );

    -- Which contract a meter measures, and when; a meter moves to another contract when one ends.
    CREATE TABLE meter_attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meter_id uuid NOT NULL REFERENCES meters (id),
      contract_id uuid NOT NULL REFERENCES contracts (id),
      attached_on date NOT NULL,
      detached_on date CHECK (detached_on IS NULL OR detached_on >= attached_on),
      during daterange GENERATED ALWAYS AS (daterange(attached_on, detached_on, '[]')) STORED,
      CONSTRAINT meter_attachments_one_at_a_time EXCLUDE USING gist (meter_id WITH =, during WITH &&)
    );
    CREATE INDEX meter_attachments_contract_idx ON meter_attachments (contract_id);

    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      name text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
      scopes text[] NOT NULL CHECK (scopes <@ ARRAY['usage:write', 'usage:read']::text[] AND cardinality(scopes) > 0),
      -- SHA-256 of the token; the token itself is shown once and never stored.
      token_hash text NOT NULL UNIQUE,
      token_prefix text NOT NULL,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    CREATE FUNCTION meters_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'meters are never deleted: their samples are billing records' USING HINT = 'meter_delete';
    END $$;
    CREATE TRIGGER meters_never_deleted BEFORE DELETE ON meters FOR EACH ROW EXECUTE FUNCTION meters_never_deleted();

    CREATE TABLE samples (
      meter_id uuid NOT NULL,
      metric text NOT NULL CHECK (metric IN ('energy_kwh', 'power_w', 'bw_in_mbps', 'bw_out_mbps')),
      at timestamptz NOT NULL,
      value numeric(20, 6) NOT NULL CHECK (value >= 0),
      PRIMARY KEY (meter_id, metric, at)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`DROP TABLE samples, api_tokens, meter_attachments, meters; DROP FUNCTION meters_never_deleted`.execute(db);
}
