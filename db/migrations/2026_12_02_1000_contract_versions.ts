import { sql, type Kysely } from "kysely";

/**
 * Contracts that change (issue 10, ADR 015).
 *
 * - `contract_lines` become effective-dated VERSIONS: a quantity and a frozen price valid from
 *   `valid_from` to `valid_to` (inclusive; NULL = until the contract ends). At most one version of
 *   a kind is in force on any day (exclusion constraint). Existing lines become the first version,
 *   valid from the contract's start.
 * - The committed bandwidth of a contract is its `bandwidth_commit_mbps` versions: the column
 *   `contracts.bandwidth_commit_mbps` goes (contracts that carried a commit without a line get a
 *   version at price 0, so nothing is lost).
 * - Capacity is checked at its PEAK over time, not as the sum of everything that overlaps: an
 *   allocation that ends on the 14th and its successor from the 15th never count together. The peak
 *   of a sum of date ranges is reached on the first day of one of them, so it is enough to sum at
 *   each such day inside the new range.
 *   - rack power: `allocations_check_rack` (row lock on the rack, as before);
 *   - site bandwidth: a trigger on bandwidth versions and on contract dates, holding the site's row
 *     lock, with each version clamped to its contract's dates.
 * - Amendments: `contract_changes` of kind `amendment` carry the effective date and the new
 *   quantities (`contract_change_lines`).
 */
export async function up(db: Kysely<any>) {
  await sql`
    ALTER TABLE contract_lines
      ADD COLUMN valid_from date,
      ADD COLUMN valid_to date,
      ADD COLUMN change_id uuid REFERENCES contract_changes (id);
    UPDATE contract_lines l SET valid_from = c.start_on FROM contracts c WHERE c.id = l.contract_id;

    INSERT INTO contract_lines (contract_id, product_id, kind, name_fr, name_en, quantity, unit_price_minor, setup_fee_minor, currency, valid_from)
    SELECT c.id, p.id, p.kind, p.name_fr, p.name_en, c.bandwidth_commit_mbps, 0, 0, s.currency, c.start_on
      FROM contracts c
      JOIN sites s ON s.id = c.site_id
      JOIN LATERAL (SELECT * FROM products p WHERE p.site_id = c.site_id AND p.kind = 'bandwidth_commit_mbps'
                     ORDER BY p.is_active DESC, p.id LIMIT 1) p ON true
     WHERE c.bandwidth_commit_mbps > 0
       AND NOT EXISTS (SELECT 1 FROM contract_lines l WHERE l.contract_id = c.id AND l.kind = 'bandwidth_commit_mbps');

    ALTER TABLE contract_lines
      ALTER COLUMN valid_from SET NOT NULL,
      ADD CONSTRAINT contract_lines_valid_order CHECK (valid_to IS NULL OR valid_to >= valid_from),
      ADD CONSTRAINT contract_lines_quantity_max CHECK (quantity <= 100000),
      ADD COLUMN during daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[]')) STORED,
      DROP CONSTRAINT contract_lines_contract_id_kind_key,
      ADD CONSTRAINT contract_lines_one_version EXCLUDE USING gist (contract_id WITH =, kind WITH =, during WITH &&);

    -- A line written without a date is the version signed with the contract: from its first day.
    CREATE FUNCTION contract_lines_default_from() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.valid_from IS NULL THEN
        NEW.valid_from := (SELECT start_on FROM contracts WHERE id = NEW.contract_id);
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER contract_lines_default_from BEFORE INSERT ON contract_lines
      FOR EACH ROW EXECUTE FUNCTION contract_lines_default_from();

    DROP TRIGGER contracts_check_bandwidth ON contracts;
    DROP FUNCTION contracts_check_bandwidth;
    ALTER TABLE contracts DROP COLUMN bandwidth_commit_mbps;

    -- The committed bandwidth of a contract over [first, last], weighted by day (ADR 015): the
    -- quantity of each version in force × its days, over the contract's active days in the span,
    -- rounded half-up to the micro-Mbps. 0 when the contract is not active in the span.
    CREATE FUNCTION contract_commit_mbps(contract uuid, first date, last date) RETURNS numeric
    LANGUAGE sql STABLE AS $$
      WITH span AS (
        SELECT daterange(c.start_on, c.end_on, '[]') * daterange(first, last, '[]') AS d FROM contracts c WHERE c.id = contract
      )
      SELECT CASE WHEN isempty(span.d) THEN 0::numeric ELSE coalesce(round(
               (SELECT sum(l.quantity::numeric * (upper(l.during * span.d) - lower(l.during * span.d)))
                  FROM contract_lines l
                 WHERE l.contract_id = contract AND l.kind = 'bandwidth_commit_mbps' AND l.during && span.d)
               / (upper(span.d) - lower(span.d)), 6), 0) END
        FROM span
    $$;

    -- Peak committed bandwidth at a site over a date range, other contracts than skip_contract.
    CREATE FUNCTION site_bandwidth_peak(site uuid, skip_contract uuid, span daterange) RETURNS bigint
    LANGUAGE sql STABLE AS $$
      WITH v AS (
        SELECT l.quantity, l.during * daterange(c.start_on, c.end_on, '[]') * span AS d
          FROM contract_lines l
          JOIN contracts c ON c.id = l.contract_id
         WHERE c.site_id = site
           AND c.id IS DISTINCT FROM skip_contract
           AND l.kind = 'bandwidth_commit_mbps'
           AND l.quantity > 0
           AND l.during && span
           AND daterange(c.start_on, c.end_on, '[]') && span
      )
      SELECT coalesce(max(x.total), 0)::bigint
        FROM (SELECT (SELECT sum(v2.quantity) FROM v v2 WHERE v2.d @> lower(v1.d)) AS total
                FROM v v1 WHERE NOT isempty(v1.d)) x
    $$;

    -- One contract's bandwidth versions (clamped to its dates) against the site's uplink.
    CREATE FUNCTION check_contract_bandwidth(contract uuid) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      c contracts%ROWTYPE;
      s sites%ROWTYPE;
      v record;
      others bigint;
      cap bigint;
    BEGIN
      SELECT * INTO c FROM contracts WHERE id = contract;
      IF NOT FOUND THEN RETURN; END IF;
      -- NO KEY UPDATE: the contract's insert already holds a KEY SHARE lock on the site (its
      -- foreign key); FOR UPDATE would deadlock two approvals at one site, this queues them.
      SELECT * INTO s FROM sites WHERE id = c.site_id FOR NO KEY UPDATE;
      cap := floor(s.uplink_capacity_mbps * s.oversubscription_ratio);
      FOR v IN SELECT l.quantity, l.during * daterange(c.start_on, c.end_on, '[]') AS d
                 FROM contract_lines l
                WHERE l.contract_id = contract AND l.kind = 'bandwidth_commit_mbps' AND l.quantity > 0
      LOOP
        CONTINUE WHEN isempty(v.d);
        others := site_bandwidth_peak(c.site_id, contract, v.d);
        IF others + v.quantity > cap THEN
          RAISE EXCEPTION 'site %: % Mbps committed + % Mbps requested > % Mbps', s.code, others, v.quantity, cap
            USING HINT = 'bandwidth_exceeded';
        END IF;
      END LOOP;
    END $$;

    CREATE FUNCTION contract_lines_check_bandwidth() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.kind = 'bandwidth_commit_mbps' AND NEW.quantity > 0 THEN
        PERFORM check_contract_bandwidth(NEW.contract_id);
      END IF;
      RETURN NEW;
    END $$;
    CREATE CONSTRAINT TRIGGER contract_lines_check_bandwidth AFTER INSERT OR UPDATE ON contract_lines
      FOR EACH ROW EXECUTE FUNCTION contract_lines_check_bandwidth();

    CREATE FUNCTION contracts_check_dates() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.start_on < OLD.start_on OR (OLD.end_on IS NOT NULL AND (NEW.end_on IS NULL OR NEW.end_on > OLD.end_on)) THEN
        PERFORM check_contract_bandwidth(NEW.id);
      END IF;
      RETURN NEW;
    END $$;
    CREATE CONSTRAINT TRIGGER contracts_check_dates AFTER UPDATE OF start_on, end_on ON contracts
      FOR EACH ROW EXECUTE FUNCTION contracts_check_dates();

    CREATE OR REPLACE FUNCTION sites_check_bandwidth() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      peak bigint;
    BEGIN
      IF NEW.uplink_capacity_mbps * NEW.oversubscription_ratio >= OLD.uplink_capacity_mbps * OLD.oversubscription_ratio THEN
        RETURN NEW;
      END IF;
      peak := site_bandwidth_peak(NEW.id, NULL, daterange((now() AT TIME ZONE NEW.time_zone)::date, NULL, '[]'));
      IF peak > floor(NEW.uplink_capacity_mbps * NEW.oversubscription_ratio) THEN
        RAISE EXCEPTION 'site %: % Mbps are committed', NEW.code, peak USING HINT = 'bandwidth_below_committed';
      END IF;
      RETURN NEW;
    END $$;

    -- Peak power of a rack's allocations over a date range, other allocations than skip.
    CREATE FUNCTION rack_power_peak(rack uuid, skip uuid, span daterange) RETURNS bigint
    LANGUAGE sql STABLE AS $$
      WITH a AS (
        SELECT power_w, during * span AS d FROM allocations
         WHERE rack_id = rack AND id IS DISTINCT FROM skip AND power_w > 0 AND during && span
      )
      SELECT coalesce(max(x.total), 0)::bigint
        FROM (SELECT (SELECT sum(a2.power_w) FROM a a2 WHERE a2.d @> lower(a1.d)) AS total FROM a a1) x
    $$;

    CREATE OR REPLACE FUNCTION allocations_check_rack() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      r racks%ROWTYPE;
      rack_site uuid;
      half integer;
      committed bigint;
      usable integer;
    BEGIN
      SELECT * INTO r FROM racks WHERE id = NEW.rack_id FOR UPDATE;
      SELECT site_id INTO rack_site FROM rooms WHERE id = r.room_id;
      IF rack_site IS DISTINCT FROM (SELECT site_id FROM contracts WHERE id = NEW.contract_id) THEN
        RAISE EXCEPTION 'rack % is not at the contract''s site', r.name USING HINT = 'wrong_site';
      END IF;
      IF r.status <> 'active' AND (TG_OP = 'INSERT' OR NEW.rack_id <> OLD.rack_id
          OR NEW.first_u <> OLD.first_u OR NEW.last_u <> OLD.last_u) THEN
        RAISE EXCEPTION 'rack % is in maintenance', r.name USING HINT = 'rack_maintenance';
      END IF;
      IF NEW.last_u > r.height_u THEN
        RAISE EXCEPTION 'rack % has % units', r.name, r.height_u USING HINT = 'units_out_of_range';
      END IF;
      IF NEW.kind = 'full_rack' AND (NEW.first_u <> 1 OR NEW.last_u <> r.height_u) THEN
        RAISE EXCEPTION 'a full-rack allocation covers units 1-%', r.height_u USING HINT = 'full_rack_units';
      END IF;
      half := r.height_u / 2;
      IF NEW.kind = 'half_rack' AND NOT (
           (NEW.first_u = 1 AND NEW.last_u = half)
           OR (NEW.first_u = r.height_u - half + 1 AND NEW.last_u = r.height_u)) THEN
        RAISE EXCEPTION 'a half-rack allocation covers units 1-% or %-%', half, r.height_u - half + 1, r.height_u
          USING HINT = 'half_rack_units';
      END IF;
      usable := least(r.power_capacity_w, r.feed_a_capacity_w, r.feed_b_capacity_w);
      committed := rack_power_peak(NEW.rack_id, NEW.id, daterange(NEW.start_on, NEW.end_on, '[]'));
      IF committed + NEW.power_w > usable THEN
        RAISE EXCEPTION 'rack %: % W committed + % W requested > % W', r.name, committed, NEW.power_w, usable
          USING HINT = 'power_exceeded';
      END IF;
      RETURN NEW;
    END $$;

    CREATE OR REPLACE FUNCTION racks_check_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      peak bigint;
      today date;
    BEGIN
      IF least(NEW.power_capacity_w, NEW.feed_a_capacity_w, NEW.feed_b_capacity_w)
         >= least(OLD.power_capacity_w, OLD.feed_a_capacity_w, OLD.feed_b_capacity_w)
         AND NEW.height_u >= OLD.height_u THEN
        RETURN NEW;
      END IF;
      today := site_today((SELECT site_id FROM rooms WHERE id = NEW.room_id));
      peak := rack_power_peak(NEW.id, NULL, daterange(today, NULL, '[]'));
      IF peak > least(NEW.power_capacity_w, NEW.feed_a_capacity_w, NEW.feed_b_capacity_w) THEN
        RAISE EXCEPTION 'rack %: % W are committed', NEW.name, peak USING HINT = 'power_below_committed';
      END IF;
      IF EXISTS (SELECT 1 FROM allocations WHERE rack_id = NEW.id AND last_u > NEW.height_u
                   AND during && daterange(today, NULL, '[]')) THEN
        RAISE EXCEPTION 'rack %: units above % are allocated', NEW.name, NEW.height_u USING HINT = 'units_below_allocated';
      END IF;
      RETURN NEW;
    END $$;

    -- Amendments: the date the new quantities take effect, and the quantities themselves.
    ALTER TABLE contract_changes
      ADD COLUMN effective_on date,
      ADD COLUMN before_commitment_end boolean NOT NULL DEFAULT false,
      ADD COLUMN waive_early_release boolean NOT NULL DEFAULT false,
      ADD CONSTRAINT contract_changes_amendment_date CHECK (kind <> 'amendment' OR effective_on IS NOT NULL);
    CREATE TABLE contract_change_lines (
      change_id uuid NOT NULL REFERENCES contract_changes (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('rack_unit', 'half_rack', 'full_rack', 'cage', 'power_commit_kw', 'bandwidth_commit_mbps', 'cross_connect')),
      quantity_before integer NOT NULL CHECK (quantity_before >= 0 AND quantity_before <= 100000),
      quantity integer NOT NULL CHECK (quantity >= 0 AND quantity <= 100000),
      PRIMARY KEY (change_id, kind),
      CHECK (quantity <> quantity_before)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE contract_change_lines;
    ALTER TABLE contract_changes DROP COLUMN effective_on, DROP COLUMN before_commitment_end, DROP COLUMN waive_early_release;
    DROP TRIGGER contracts_check_dates ON contracts;
    DROP TRIGGER contract_lines_check_bandwidth ON contract_lines;
    DROP TRIGGER contract_lines_default_from ON contract_lines;
    DROP FUNCTION contracts_check_dates, contract_lines_check_bandwidth, contract_lines_default_from, check_contract_bandwidth, site_bandwidth_peak, rack_power_peak, contract_commit_mbps;
    ALTER TABLE contracts ADD COLUMN bandwidth_commit_mbps integer NOT NULL DEFAULT 0 CHECK (bandwidth_commit_mbps >= 0);
    UPDATE contracts c SET bandwidth_commit_mbps = l.quantity FROM contract_lines l
     WHERE l.contract_id = c.id AND l.kind = 'bandwidth_commit_mbps' AND l.valid_from = c.start_on;
    DELETE FROM contract_lines l USING contracts c WHERE c.id = l.contract_id AND l.valid_from > c.start_on;
    ALTER TABLE contract_lines DROP CONSTRAINT contract_lines_one_version, DROP COLUMN during, DROP COLUMN valid_from, DROP COLUMN valid_to, DROP COLUMN change_id;
    ALTER TABLE contract_lines ADD CONSTRAINT contract_lines_contract_id_kind_key UNIQUE (contract_id, kind);
  `.execute(db);
}
