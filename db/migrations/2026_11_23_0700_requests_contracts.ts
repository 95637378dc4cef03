import { sql, type Kysely } from "kysely";

/**
 * Cross-connect ports, tenant requests, contracts with frozen prices, and allocations of concrete
 * resources. The capacity invariants of PRODUCT.md are enforced here, by the database:
 * - rack units: an exclusion constraint (no two allocations share a unit on overlapping dates;
 *   a full rack covers every unit, so it excludes everything else in that rack);
 * - rack power: a trigger that locks the rack row and refuses an allocation whose power, added to
 *   the allocations overlapping in time, exceeds what the rack and EACH of its feeds can carry;
 * - site bandwidth: a trigger that locks the site row and refuses contracts whose committed Mbps
 *   exceed uplink × oversubscription ratio;
 * - maintenance: a rack or port in maintenance takes no new allocation;
 * - ports: an exclusion constraint per port and date range.
 * Dates are calendar days; `end_on` is the last day of service (inclusive), NULL = open-ended.
 * A contract has no stored status: it is active until its last day has passed (derived).
 * Errors raised by the triggers carry SQLSTATE P0001 and a stable HINT the application maps.
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE cross_connect_ports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      room_id uuid NOT NULL REFERENCES rooms (id),
      name text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 60),
      media text NOT NULL DEFAULT 'smf' CHECK (media IN ('smf', 'mmf', 'cat6')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'maintenance')),
      UNIQUE (site_id, name)
    );

    CREATE TABLE requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      site_id uuid NOT NULL REFERENCES sites (id),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
      desired_start_on date NOT NULL,
      term_months integer NOT NULL CHECK (term_months IN (12, 24, 36)),
      notes text CHECK (length(notes) <= 2000),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
      decided_at timestamptz,
      rejection_reason text,
      CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
    );
    CREATE INDEX requests_org_idx ON requests (org_id, created_at DESC);
    CREATE INDEX requests_queue_idx ON requests (created_at) WHERE status = 'pending';

    CREATE TABLE request_lines (
      request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('rack_unit', 'half_rack', 'full_rack', 'cage', 'power_commit_kw', 'bandwidth_commit_mbps', 'cross_connect')),
      quantity integer NOT NULL CHECK (quantity > 0 AND quantity <= 100000),
      PRIMARY KEY (request_id, kind)
    );

    CREATE TABLE contracts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      site_id uuid NOT NULL REFERENCES sites (id),
      request_id uuid UNIQUE REFERENCES requests (id),
      start_on date NOT NULL,
      end_on date CHECK (end_on IS NULL OR end_on >= start_on),
      term_months integer NOT NULL CHECK (term_months IN (12, 24, 36)),
      bandwidth_commit_mbps integer NOT NULL DEFAULT 0 CHECK (bandwidth_commit_mbps >= 0),
      approved_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX contracts_org_idx ON contracts (org_id);
    CREATE INDEX contracts_site_idx ON contracts (site_id);

    -- Prices frozen at approval: a later price-list change never alters a contract.
    CREATE TABLE contract_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      contract_id uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
      product_id uuid NOT NULL REFERENCES products (id),
      kind text NOT NULL,
      name_fr text NOT NULL,
      name_en text NOT NULL,
      quantity integer NOT NULL CHECK (quantity >= 0),
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
      setup_fee_minor bigint NOT NULL DEFAULT 0 CHECK (setup_fee_minor >= 0),
      currency char(3) NOT NULL,
      UNIQUE (contract_id, kind)
    );

    CREATE TABLE allocations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      contract_id uuid NOT NULL REFERENCES contracts (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      rack_id uuid NOT NULL REFERENCES racks (id),
      kind text NOT NULL CHECK (kind IN ('units', 'half_rack', 'full_rack')),
      first_u integer NOT NULL CHECK (first_u >= 1),
      last_u integer NOT NULL CHECK (last_u >= first_u),
      units int4range GENERATED ALWAYS AS (int4range(first_u, last_u, '[]')) STORED,
      start_on date NOT NULL,
      end_on date CHECK (end_on IS NULL OR end_on >= start_on),
      during daterange GENERATED ALWAYS AS (daterange(start_on, end_on, '[]')) STORED,
      power_w integer NOT NULL DEFAULT 0 CHECK (power_w >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT allocations_no_shared_units EXCLUDE USING gist (rack_id WITH =, units WITH &&, during WITH &&)
    );
    CREATE INDEX allocations_contract_idx ON allocations (contract_id);
    CREATE INDEX allocations_org_idx ON allocations (org_id);

    CREATE TABLE port_allocations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      contract_id uuid NOT NULL REFERENCES contracts (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      port_id uuid NOT NULL REFERENCES cross_connect_ports (id),
      start_on date NOT NULL,
      end_on date CHECK (end_on IS NULL OR end_on >= start_on),
      during daterange GENERATED ALWAYS AS (daterange(start_on, end_on, '[]')) STORED,
      CONSTRAINT port_allocations_no_sharing EXCLUDE USING gist (port_id WITH =, during WITH &&)
    );
    CREATE INDEX port_allocations_contract_idx ON port_allocations (contract_id);

    CREATE TABLE contract_changes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      contract_id uuid NOT NULL REFERENCES contracts (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      kind text NOT NULL CHECK (kind IN ('termination', 'amendment')),
      requested_end_on date,
      details text CHECK (length(details) <= 2000),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'rejected')),
      requested_by uuid REFERENCES users (id) ON DELETE SET NULL,
      requested_at timestamptz NOT NULL DEFAULT now(),
      decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
      decided_at timestamptz,
      decision_note text,
      CHECK (kind <> 'termination' OR requested_end_on IS NOT NULL)
    );
    CREATE UNIQUE INDEX contract_changes_one_pending ON contract_changes (contract_id, kind) WHERE status = 'pending';

    -- Rack power and maintenance, checked while holding the rack's row lock.
    CREATE FUNCTION allocations_check_rack() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      r racks%ROWTYPE;
      committed bigint;
      usable integer;
    BEGIN
      SELECT * INTO r FROM racks WHERE id = NEW.rack_id FOR UPDATE;
      IF TG_OP = 'INSERT' AND r.status <> 'active' THEN
        RAISE EXCEPTION 'rack % is in maintenance', r.name USING HINT = 'rack_maintenance';
      END IF;
      IF NEW.last_u > r.height_u THEN
        RAISE EXCEPTION 'rack % has % units', r.name, r.height_u USING HINT = 'units_out_of_range';
      END IF;
      IF NEW.kind = 'full_rack' AND (NEW.first_u <> 1 OR NEW.last_u <> r.height_u) THEN
        RAISE EXCEPTION 'a full-rack allocation covers units 1-%', r.height_u USING HINT = 'full_rack_units';
      END IF;
      usable := least(r.power_capacity_w, r.feed_a_capacity_w, r.feed_b_capacity_w);
      SELECT coalesce(sum(a.power_w), 0) INTO committed
        FROM allocations a
       WHERE a.rack_id = NEW.rack_id
         AND a.id <> NEW.id
         AND a.during && daterange(NEW.start_on, NEW.end_on, '[]');
      IF committed + NEW.power_w > usable THEN
        RAISE EXCEPTION 'rack %: % W committed + % W requested > % W', r.name, committed, NEW.power_w, usable
          USING HINT = 'power_exceeded';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER allocations_check_rack BEFORE INSERT OR UPDATE ON allocations
      FOR EACH ROW EXECUTE FUNCTION allocations_check_rack();

    -- A rack's capacity cannot drop below what is committed from today on.
    CREATE FUNCTION racks_check_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      peak bigint;
    BEGIN
      IF least(NEW.power_capacity_w, NEW.feed_a_capacity_w, NEW.feed_b_capacity_w)
         >= least(OLD.power_capacity_w, OLD.feed_a_capacity_w, OLD.feed_b_capacity_w)
         AND NEW.height_u >= OLD.height_u THEN
        RETURN NEW;
      END IF;
      SELECT coalesce(sum(power_w), 0) INTO peak FROM allocations
       WHERE rack_id = NEW.id AND during && daterange(current_date, NULL, '[]');
      IF peak > least(NEW.power_capacity_w, NEW.feed_a_capacity_w, NEW.feed_b_capacity_w) THEN
        RAISE EXCEPTION 'rack %: % W are committed', NEW.name, peak USING HINT = 'power_below_committed';
      END IF;
      IF EXISTS (SELECT 1 FROM allocations WHERE rack_id = NEW.id AND last_u > NEW.height_u
                   AND during && daterange(current_date, NULL, '[]')) THEN
        RAISE EXCEPTION 'rack %: units above % are allocated', NEW.name, NEW.height_u USING HINT = 'units_below_allocated';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER racks_check_capacity BEFORE UPDATE ON racks
      FOR EACH ROW EXECUTE FUNCTION racks_check_capacity();

    -- Site bandwidth, checked while holding the site's row lock.
    CREATE FUNCTION contracts_check_bandwidth() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      s sites%ROWTYPE;
      committed bigint;
    BEGIN
      IF NEW.bandwidth_commit_mbps = 0 THEN
        RETURN NEW;
      END IF;
      SELECT * INTO s FROM sites WHERE id = NEW.site_id FOR UPDATE;
      SELECT coalesce(sum(c.bandwidth_commit_mbps), 0) INTO committed
        FROM contracts c
       WHERE c.site_id = NEW.site_id
         AND c.id <> NEW.id
         AND daterange(c.start_on, c.end_on, '[]') && daterange(NEW.start_on, NEW.end_on, '[]');
      IF committed + NEW.bandwidth_commit_mbps > floor(s.uplink_capacity_mbps * s.oversubscription_ratio) THEN
        RAISE EXCEPTION 'site %: % Mbps committed + % Mbps requested > % Mbps', s.code, committed,
          NEW.bandwidth_commit_mbps, floor(s.uplink_capacity_mbps * s.oversubscription_ratio)
          USING HINT = 'bandwidth_exceeded';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER contracts_check_bandwidth BEFORE INSERT OR UPDATE ON contracts
      FOR EACH ROW EXECUTE FUNCTION contracts_check_bandwidth();

    CREATE FUNCTION sites_check_bandwidth() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      peak bigint;
    BEGIN
      IF NEW.uplink_capacity_mbps * NEW.oversubscription_ratio >= OLD.uplink_capacity_mbps * OLD.oversubscription_ratio THEN
        RETURN NEW;
      END IF;
      SELECT coalesce(sum(bandwidth_commit_mbps), 0) INTO peak FROM contracts
       WHERE site_id = NEW.id AND daterange(start_on, end_on, '[]') && daterange(current_date, NULL, '[]');
      IF peak > floor(NEW.uplink_capacity_mbps * NEW.oversubscription_ratio) THEN
        RAISE EXCEPTION 'site %: % Mbps are committed', NEW.code, peak USING HINT = 'bandwidth_below_committed';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER sites_check_bandwidth BEFORE UPDATE ON sites
      FOR EACH ROW EXECUTE FUNCTION sites_check_bandwidth();

    CREATE FUNCTION port_allocations_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' AND (SELECT status FROM cross_connect_ports WHERE id = NEW.port_id FOR UPDATE) <> 'active' THEN
        RAISE EXCEPTION 'port is in maintenance' USING HINT = 'port_maintenance';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER port_allocations_check BEFORE INSERT ON port_allocations
      FOR EACH ROW EXECUTE FUNCTION port_allocations_check();
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE contract_changes, port_allocations, allocations, contract_lines, contracts, request_lines, requests, cross_connect_ports;
    DROP FUNCTION allocations_check_rack, racks_check_capacity, contracts_check_bandwidth, sites_check_bandwidth, port_allocations_check;
  `.execute(db);
}
