import { sql, type Kysely } from "kysely";

/**
 * The rest of the rules the database holds (ADR 008):
 * - the organisation copied onto allocations, port allocations and contract changes is the
 *   contract's own: composite foreign keys `(contract_id, org_id) → contracts (id, org_id)`;
 * - what a contract uses is at the contract's site: the rack of an allocation (through its room),
 *   a port, a meter attached to it (triggers, HINT `wrong_site`); a contract never changes site;
 * - a half rack is the bottom or the top half of its rack (HINT `half_rack_units`), as a full rack
 *   is all of it;
 * - maintenance is checked when an allocation is moved (another rack, other units, another port),
 *   not only when it is created; ending an allocation on a rack in maintenance stays possible;
 * - "today" is the site's local date, `site_today(site_id)`, never the server's `current_date`.
 * The trigger functions of 2026_11_23_0700 are replaced here (that migration is frozen).
 */
export async function up(db: Kysely<any>) {
  await sql`
    -- The site's calendar day now, in the site's time zone (sessions run in UTC; see db/client.server.ts).
    CREATE FUNCTION site_today(site uuid) RETURNS date LANGUAGE sql STABLE AS $$
      SELECT (now() AT TIME ZONE s.time_zone)::date FROM sites s WHERE s.id = site
    $$;

    ALTER TABLE contracts ADD CONSTRAINT contracts_id_org_key UNIQUE (id, org_id);
    ALTER TABLE allocations ADD CONSTRAINT allocations_contract_org_fkey
      FOREIGN KEY (contract_id, org_id) REFERENCES contracts (id, org_id);
    ALTER TABLE port_allocations ADD CONSTRAINT port_allocations_contract_org_fkey
      FOREIGN KEY (contract_id, org_id) REFERENCES contracts (id, org_id);
    ALTER TABLE contract_changes ADD CONSTRAINT contract_changes_contract_org_fkey
      FOREIGN KEY (contract_id, org_id) REFERENCES contracts (id, org_id);

    -- A contract keeps its site: its racks, ports and meters were checked against it.
    CREATE FUNCTION contracts_keep_site() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.site_id <> OLD.site_id THEN
        RAISE EXCEPTION 'a contract never changes site' USING HINT = 'wrong_site';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER contracts_keep_site BEFORE UPDATE OF site_id ON contracts
      FOR EACH ROW EXECUTE FUNCTION contracts_keep_site();

    -- Rack of the contract's site, shape of half and full racks, maintenance, power.
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

    -- Port of the contract's site; maintenance on creation and on a move to another port.
    CREATE OR REPLACE FUNCTION port_allocations_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      p cross_connect_ports%ROWTYPE;
    BEGIN
      SELECT * INTO p FROM cross_connect_ports WHERE id = NEW.port_id FOR UPDATE;
      IF p.site_id IS DISTINCT FROM (SELECT site_id FROM contracts WHERE id = NEW.contract_id) THEN
        RAISE EXCEPTION 'port % is not at the contract''s site', p.name USING HINT = 'wrong_site';
      END IF;
      IF p.status <> 'active' AND (TG_OP = 'INSERT' OR NEW.port_id <> OLD.port_id) THEN
        RAISE EXCEPTION 'port is in maintenance' USING HINT = 'port_maintenance';
      END IF;
      RETURN NEW;
    END $$;
    DROP TRIGGER port_allocations_check ON port_allocations;
    CREATE TRIGGER port_allocations_check BEFORE INSERT OR UPDATE ON port_allocations
      FOR EACH ROW EXECUTE FUNCTION port_allocations_check();

    -- A meter measures a contract of its own site.
    CREATE FUNCTION meter_attachments_check_site() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT site_id FROM meters WHERE id = NEW.meter_id)
         IS DISTINCT FROM (SELECT site_id FROM contracts WHERE id = NEW.contract_id) THEN
        RAISE EXCEPTION 'the meter and the contract are at different sites' USING HINT = 'wrong_site';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER meter_attachments_check_site BEFORE INSERT OR UPDATE ON meter_attachments
      FOR EACH ROW EXECUTE FUNCTION meter_attachments_check_site();

    -- Capacity edits: "from today on" is the site's today.
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
      SELECT coalesce(sum(power_w), 0) INTO peak FROM allocations
       WHERE rack_id = NEW.id AND during && daterange(today, NULL, '[]');
      IF peak > least(NEW.power_capacity_w, NEW.feed_a_capacity_w, NEW.feed_b_capacity_w) THEN
        RAISE EXCEPTION 'rack %: % W are committed', NEW.name, peak USING HINT = 'power_below_committed';
      END IF;
      IF EXISTS (SELECT 1 FROM allocations WHERE rack_id = NEW.id AND last_u > NEW.height_u
                   AND during && daterange(today, NULL, '[]')) THEN
        RAISE EXCEPTION 'rack %: units above % are allocated', NEW.name, NEW.height_u USING HINT = 'units_below_allocated';
      END IF;
      RETURN NEW;
    END $$;

    CREATE OR REPLACE FUNCTION sites_check_bandwidth() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      peak bigint;
    BEGIN
      IF NEW.uplink_capacity_mbps * NEW.oversubscription_ratio >= OLD.uplink_capacity_mbps * OLD.oversubscription_ratio THEN
        RETURN NEW;
      END IF;
      SELECT coalesce(sum(bandwidth_commit_mbps), 0) INTO peak FROM contracts
       WHERE site_id = NEW.id
         AND daterange(start_on, end_on, '[]') && daterange((now() AT TIME ZONE NEW.time_zone)::date, NULL, '[]');
      IF peak > floor(NEW.uplink_capacity_mbps * NEW.oversubscription_ratio) THEN
        RAISE EXCEPTION 'site %: % Mbps are committed', NEW.code, peak USING HINT = 'bandwidth_below_committed';
      END IF;
      RETURN NEW;
    END $$;
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TRIGGER meter_attachments_check_site ON meter_attachments;
    DROP FUNCTION meter_attachments_check_site;
    DROP TRIGGER contracts_keep_site ON contracts;
    DROP FUNCTION contracts_keep_site;
    ALTER TABLE contract_changes DROP CONSTRAINT contract_changes_contract_org_fkey;
    ALTER TABLE port_allocations DROP CONSTRAINT port_allocations_contract_org_fkey;
    ALTER TABLE allocations DROP CONSTRAINT allocations_contract_org_fkey;
    ALTER TABLE contracts DROP CONSTRAINT contracts_id_org_key;
  `.execute(db);
}
