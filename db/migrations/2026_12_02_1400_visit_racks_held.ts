import { sql, type Kysely } from "kysely";

/**
 * A visit lets its visitor in only while its organisation still holds every rack it names on the
 * visit's day. `visit_racks_check` checks the racks when the visit is registered; a contract
 * terminated or an allocation ended afterwards (before the visit's day) used to leave the visit
 * approved, on the guard's list, and open to check-in for a rack that is someone else's by then.
 *
 * - `visit_racks_held(visits)`: true when every rack of the visit is held by its organisation on
 *   its day, at its site, under a contract live that day (the same rule as `visit_racks_check`).
 * - `visits_check_racks_held` refuses an approval or a check-in when it is false (HINT racks_released);
 *   the pages read the same function to say so before anyone tries.
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE FUNCTION visit_racks_held(v visits) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT NOT EXISTS (
        SELECT 1 FROM visit_racks vr
         WHERE vr.visit_id = v.id
           AND NOT EXISTS (
             SELECT 1 FROM allocations a
               JOIN contracts c ON c.id = a.contract_id
              WHERE a.rack_id = vr.rack_id AND a.org_id = v.org_id AND c.site_id = v.site_id
                AND a.during @> v.visit_on
                AND c.start_on <= v.visit_on AND (c.end_on IS NULL OR c.end_on >= v.visit_on)))
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
  `.execute(db);
}
