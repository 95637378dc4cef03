import { sql, type Kysely } from "kysely";

/**
 * Renewals (issue 10; module app/modules/renewals/).
 *
 * - `sites.renewal_notice_days`: how many days before the end of a commitment the tenant's notice
 *   of non-renewal must be given at the latest (default 30). Between 1 and 90, so the first notice
 *   (90 days before) always reaches the tenant on or before the deadline.
 * - `contracts.commitment_ends_on`: the last day of the commitment in force. Backfilled (and filled
 *   on insert by `contracts_commitment_default`) as start + term − 1 day, the billing rule of
 *   `commitmentEndOn` (PostgreSQL clamps 31 January + 1 month to the end of February, as it does).
 *   A tacit renewal moves it on by one term. A column rather than a table of terms: every reader
 *   (billing, the contract page, the daily job) needs the current commitment only, and it is read
 *   and locked with the contract's own row, so a renewal is one conditional UPDATE of a row that
 *   two job runs serialise on. The earlier commitments stay readable in `contract_renewals`.
 *   Changing start_on or term_months before any renewal recomputes it.
 * - `contract_renewals`: each tacit renewal (previous end, new commitment, how many line versions
 *   were repriced). UNIQUE (contract_id, starts_on): a commitment is renewed once.
 *   `contract_lines.renewal_id` names the renewal that created a version at a new price.
 * - `contract_commitment_end(contract, day)`: the last day of the commitment in force on `day`
 *   (the first commitment end on or after it; the current one when `day` is NULL or later) — what
 *   an early termination on `day` still owes.
 * - `renewal_notices`: the 90/60/30-day notices, one row per (contract, commitment end, days
 *   before), `sent` or `skipped` (a later notice was due at the same time). The UNIQUE key is
 *   inserted with ON CONFLICT DO NOTHING in the transaction that queues the e-mails: a second job
 *   run — another process, a reclaimed job — waits for the first and inserts nothing, so each
 *   notice goes out once. Immutable.
 * - `renewal_opt_outs`: the tenant's notice of non-renewal for one commitment (who, when, the
 *   deadline it met — enforced here too), with the termination change it applied (end_on = the
 *   commitment's end, through the termination path).
 * - `renewal_prices`: the operators' prices for the renewal that follows a given commitment end,
 *   per contract and product kind (integer minor units of the site's currency), who and when.
 */
export async function up(db: Kysely<any>) {
  await sql`
    ALTER TABLE sites ADD COLUMN renewal_notice_days integer NOT NULL DEFAULT 30
      CONSTRAINT sites_renewal_notice_days_check CHECK (renewal_notice_days BETWEEN 1 AND 90);

    ALTER TABLE contracts ADD COLUMN commitment_ends_on date;
    UPDATE contracts SET commitment_ends_on = (start_on + make_interval(months => term_months))::date - 1;
    ALTER TABLE contracts
      ALTER COLUMN commitment_ends_on SET NOT NULL,
      ADD CONSTRAINT contracts_commitment_after_start CHECK (commitment_ends_on >= start_on);

    CREATE TABLE contract_renewals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      contract_id uuid NOT NULL REFERENCES contracts (id),
      previous_ends_on date NOT NULL,
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      term_months integer NOT NULL CHECK (term_months IN (12, 24, 36)),
      repriced integer NOT NULL DEFAULT 0 CHECK (repriced >= 0),
      job_id uuid REFERENCES jobs (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT contract_renewals_once UNIQUE (contract_id, starts_on),
      CONSTRAINT contract_renewals_next_day CHECK (starts_on = previous_ends_on + 1),
      CONSTRAINT contract_renewals_order CHECK (ends_on > starts_on)
    );
    ALTER TABLE contract_lines ADD COLUMN renewal_id uuid REFERENCES contract_renewals (id);

    CREATE FUNCTION contracts_commitment_default() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.commitment_ends_on IS NULL THEN
          NEW.commitment_ends_on := (NEW.start_on + make_interval(months => NEW.term_months))::date - 1;
        END IF;
      ELSIF (NEW.start_on <> OLD.start_on OR NEW.term_months <> OLD.term_months)
            AND NEW.commitment_ends_on = OLD.commitment_ends_on
            AND NOT EXISTS (SELECT 1 FROM contract_renewals WHERE contract_id = NEW.id) THEN
        NEW.commitment_ends_on := (NEW.start_on + make_interval(months => NEW.term_months))::date - 1;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER contracts_commitment_default BEFORE INSERT OR UPDATE OF start_on, term_months ON contracts
      FOR EACH ROW EXECUTE FUNCTION contracts_commitment_default();

    CREATE FUNCTION contract_commitment_end(contract uuid, day date) RETURNS date LANGUAGE sql STABLE AS $$
      SELECT coalesce(
        (SELECT min(e) FROM (
           SELECT c.commitment_ends_on AS e FROM contracts c WHERE c.id = contract
           UNION ALL
           SELECT r.previous_ends_on FROM contract_renewals r WHERE r.contract_id = contract
         ) ends WHERE e >= day),
        (SELECT c.commitment_ends_on FROM contracts c WHERE c.id = contract))
    $$;

    CREATE TABLE renewal_notices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      contract_id uuid NOT NULL REFERENCES contracts (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      commitment_ends_on date NOT NULL,
      days_before integer NOT NULL CHECK (days_before IN (90, 60, 30)),
      status text NOT NULL CHECK (status IN ('sent', 'skipped')),
      -- The site's day of the run that recorded it.
      run_on date NOT NULL,
      recipients integer NOT NULL DEFAULT 0 CHECK (recipients >= 0),
      -- The notice announced new prices for the renewal.
      with_prices boolean NOT NULL DEFAULT false,
      job_id uuid REFERENCES jobs (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT renewal_notices_once UNIQUE (contract_id, commitment_ends_on, days_before)
    );
    CREATE INDEX renewal_notices_org_idx ON renewal_notices (org_id, created_at);

    CREATE FUNCTION renewal_notices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'a renewal notice is never changed or deleted' USING HINT = 'renewal_notice_immutable';
    END $$;
    CREATE TRIGGER renewal_notices_immutable BEFORE UPDATE OR DELETE ON renewal_notices
      FOR EACH ROW EXECUTE FUNCTION renewal_notices_immutable();

    CREATE TABLE renewal_opt_outs (
      contract_id uuid NOT NULL REFERENCES contracts (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      commitment_ends_on date NOT NULL,
      -- The site's day the notice was given, and the last day it could be.
      given_on date NOT NULL,
      deadline_on date NOT NULL,
      given_by uuid REFERENCES users (id) ON DELETE SET NULL,
      given_by_email text NOT NULL CHECK (length(given_by_email) BETWEEN 3 AND 254),
      given_at timestamptz NOT NULL DEFAULT now(),
      change_id uuid NOT NULL REFERENCES contract_changes (id),
      PRIMARY KEY (contract_id, commitment_ends_on),
      CONSTRAINT renewal_opt_outs_in_time CHECK (given_on <= deadline_on AND deadline_on <= commitment_ends_on)
    );

    CREATE TABLE renewal_prices (
      contract_id uuid NOT NULL REFERENCES contracts (id),
      -- The commitment after which the price applies (from the next day, if it renews).
      commitment_ends_on date NOT NULL,
      kind text NOT NULL CHECK (kind IN ('rack_unit', 'half_rack', 'full_rack', 'cage', 'power_commit_kw', 'energy_kwh',
                                         'bandwidth_commit_mbps', 'bandwidth_overage_mbps', 'cross_connect', 'remote_hands_hour')),
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0 AND unit_price_minor <= 10000000000000),
      currency text NOT NULL,
      set_by uuid REFERENCES users (id) ON DELETE SET NULL,
      set_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (contract_id, commitment_ends_on, kind)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE renewal_prices, renewal_opt_outs;
    DROP TRIGGER renewal_notices_immutable ON renewal_notices;
    DROP TABLE renewal_notices;
    DROP FUNCTION renewal_notices_immutable(), contract_commitment_end(uuid, date);
    DROP TRIGGER contracts_commitment_default ON contracts;
    DROP FUNCTION contracts_commitment_default();
    ALTER TABLE contract_lines DROP COLUMN renewal_id;
    DROP TABLE contract_renewals;
    ALTER TABLE contracts DROP CONSTRAINT contracts_commitment_after_start, DROP COLUMN commitment_ends_on;
    ALTER TABLE sites DROP COLUMN renewal_notice_days;
  `.execute(db);
}
