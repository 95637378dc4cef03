import { sql, type Kysely } from "kysely";

/**
 * A visit lets its visitor in only while its organisation still holds every rack it names on the
 * visit's day. `visit_racks_check` checked the racks when the visit was registered; a contract
 * terminated or an allocation ended afterwards (before the visit's day) used to leave the visit
 * approved, on the guard's list, and open to check-in for a rack that is someone else's by then.
 *
 * - `org_holds_rack(org, site, rack, day)`: the one rule — an allocation of the rack to the
 *   organisation on that day, under a contract at that site live that day. `visit_racks_check`
 *   now asks it too (same behaviour as before).
 * - `visit_racks_held(visits)`: every rack of the visit is held on its day.
 * - `visits_check_racks_held` refuses an approval or a check-in when it is false (HINT
 *   racks_released); the pages read the same function to say so before anyone tries.
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE FUNCTION org_holds_rack(p_org uuid, p_site uuid, p_rack uuid, p_day date) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT EXISTS (
        SELECT 1 FROM allocations a
          JOIN contracts c ON c.id = a.contract_id
         WHERE a.rack_id = p_rack AND a.org_id = p_org AND c.site_id = p_site
           AND a.during @> p_day
           AND c.start_on <= p_day AND (c.end_on IS NULL OR c.end_on >= p_day))
    $$;

    CREATE OR REPLACE FUNCTION visit_racks_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      v visits%ROWTYPE;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'the racks of a visit are kept' USING HINT = 'visit_frozen';
      END IF;
      SELECT * INTO v FROM visits WHERE id = NEW.visit_id;
      IF v.status <> 'requested' THEN
        RAISE EXCEPTION 'racks are named while the visit is requested' USING HINT = 'visit_frozen';
      END IF;
      IF NOT org_holds_rack(v.org_id, v.site_id, NEW.rack_id, v.visit_on) THEN
        RAISE EXCEPTION 'rack % is not held by the organisation on %', NEW.rack_id, v.visit_on USING HINT = 'rack_not_held';
      END IF;
      RETURN NEW;
    END $$;

    CREATE FUNCTION visit_racks_held(v visits) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT NOT EXISTS (
        SELECT 1 FROM visit_racks vr
         WHERE vr.visit_id = v.id AND NOT org_holds_rack(v.org_id, v.site_id, vr.rack_id, v.visit_on))
    $$;

    CREATE FUNCTION visits_check_racks_held() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF ((NEW.status = 'approved' AND OLD.status = 'requested')
          OR (NEW.checked_in_at IS NOT NULL AND OLD.checked_in_at IS NULL))
         AND NOT visit_racks_held(NEW) THEN
        RAISE EXCEPTION 'visit %: its organisation no longer holds all its racks on %', OLD.id, NEW.visit_on USING HINT = 'racks_released';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER visits_check_racks_held BEFORE UPDATE ON visits
      FOR EACH ROW EXECUTE FUNCTION visits_check_racks_held();
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TRIGGER visits_check_racks_held ON visits;
    DROP FUNCTION visits_check_racks_held();
    DROP FUNCTION visit_racks_held(visits);
    CREATE OR REPLACE FUNCTION visit_racks_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      v visits%ROWTYPE;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'the racks of a visit are kept' USING HINT = 'visit_frozen';
      END IF;
      SELECT * INTO v FROM visits WHERE id = NEW.visit_id;
      IF v.status <> 'requested' THEN
        RAISE EXCEPTION 'racks are named while the visit is requested' USING HINT = 'visit_frozen';
      END IF;
      IF NOT EXISTS (
           SELECT 1 FROM allocations a
             JOIN contracts c ON c.id = a.contract_id
            WHERE a.rack_id = NEW.rack_id AND a.org_id = v.org_id AND c.site_id = v.site_id
              AND a.during @> v.visit_on
              AND c.start_on <= v.visit_on AND (c.end_on IS NULL OR c.end_on >= v.visit_on)) THEN
        RAISE EXCEPTION 'rack % is not held by the organisation on %', NEW.rack_id, v.visit_on USING HINT = 'rack_not_held';
      END IF;
      RETURN NEW;
    END $$;
    DROP FUNCTION org_holds_rack(uuid, uuid, uuid, date);
  `.execute(db);
}
