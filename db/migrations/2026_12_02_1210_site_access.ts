import { sql, type Kysely } from "kysely";

/**
 * Site access (issue 13, ADR 022): visitors a tenant registers for a day at a site, the racks they
 * work on, standing access (badge holders) and the badge renewal reminders.
 *
 * - `visits`: organisation, site, who registered it, the visitor (name, company, identity document
 *   type and number), the day (`visit_on`) and the window in the SITE's local time (`window_start`,
 *   `window_end` within that day, at most 12 hours), escort needed, status
 *   requested → approved | refused (with a reason) | cancelled (by the tenant, before the window
 *   starts); approved → cancelled (same rule). Check-in and check-out instants: check-in only for an
 *   approved visit, inside its window (site time); check-out after check-in. The identity number is
 *   purged (NULL, `id_purged_at` set) a set number of days after the visit by the daily job.
 *   At registration the day is not before the site's today and the window has not ended (HINT
 *   `visit_in_past`), at most 90 days ahead (HINT `visit_too_far`).
 *   Organisation, site, visitor, day and window are frozen once written; only the lifecycle moves
 *   (HINT `visit_frozen`, `visit_transition`, `visit_outside_window`).
 * - `visit_racks`: the racks of a visit, only racks where the visit's organisation holds an
 *   allocation on the visit's day under a contract live that day, at the visit's site (trigger,
 *   HINT `rack_not_held`); written only while the visit is `requested`; a visit has at least one
 *   (deferred constraint trigger, checked at commit, HINT `visit_without_rack`).
 * - `badge_holders`: standing access per organisation and site (name, company, identity document,
 *   valid until). At most 10 current holders (not revoked, not expired) per organisation and site
 *   (trigger under a transaction-level advisory lock of the pair, HINT `badge_limit`).
 * - `badge_reminders`: the 30- and 7-day reminders before a holder's expiry, one row per
 *   (holder, expiry day, days before), inserted ON CONFLICT DO NOTHING in the transaction that
 *   queues the e-mails: each reminder goes out once, whatever the number of job runs.
 * Errors raised by triggers carry SQLSTATE P0001 and a stable HINT (app/modules/siteaccess/errors.ts).
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE visits (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      site_id uuid NOT NULL REFERENCES sites (id),
      registered_by uuid REFERENCES users (id) ON DELETE SET NULL,
      registered_at timestamptz NOT NULL DEFAULT now(),
      visitor_name text NOT NULL CHECK (length(visitor_name) BETWEEN 2 AND 120 AND visitor_name = btrim(visitor_name) AND visitor_name !~ '[[:cntrl:]]'),
      company text NOT NULL CHECK (length(company) BETWEEN 1 AND 120 AND company = btrim(company) AND company !~ '[[:cntrl:]]'),
      id_doc_type text NOT NULL CHECK (id_doc_type IN ('national_id', 'passport', 'driving_licence', 'other')),
      id_doc_number text CHECK (length(id_doc_number) BETWEEN 3 AND 40 AND id_doc_number ~ '^[A-Za-z0-9][A-Za-z0-9 ./-]*$'),
      id_purged_at timestamptz,
      visit_on date NOT NULL,
      window_start time NOT NULL,
      window_end time NOT NULL,
      escort_needed boolean NOT NULL DEFAULT false,
      status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'approved', 'refused', 'cancelled')),
      decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
      decided_at timestamptz,
      refusal_reason text CHECK (length(refusal_reason) BETWEEN 1 AND 1000),
      cancelled_by uuid REFERENCES users (id) ON DELETE SET NULL,
      cancelled_at timestamptz,
      checked_in_at timestamptz,
      checked_in_by uuid REFERENCES users (id) ON DELETE SET NULL,
      checked_out_at timestamptz,
      checked_out_by uuid REFERENCES users (id) ON DELETE SET NULL,
      -- A key the registration form carries: a second submission of the same form finds the first visit.
      client_key uuid,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT visits_client_key UNIQUE (org_id, client_key),
      CONSTRAINT visits_id_org_key UNIQUE (id, org_id),
      CONSTRAINT visits_window CHECK (window_end > window_start AND window_end - window_start <= interval '12 hours'),
      CONSTRAINT visits_id_purge CHECK ((id_purged_at IS NULL) = (id_doc_number IS NOT NULL)),
      -- Decided (approved or refused) with who and when; an approved visit cancelled later keeps its decision.
      CONSTRAINT visits_decision CHECK ((status NOT IN ('approved', 'refused') OR decided_at IS NOT NULL) AND (status <> 'requested' OR decided_at IS NULL)),
      CONSTRAINT visits_refusal CHECK ((status = 'refused') = (refusal_reason IS NOT NULL)),
      CONSTRAINT visits_cancellation CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
      CONSTRAINT visits_check_in CHECK (checked_in_at IS NULL OR status = 'approved'),
      CONSTRAINT visits_check_out CHECK (checked_out_at IS NULL OR (checked_in_at IS NOT NULL AND checked_out_at >= checked_in_at))
    );
    CREATE INDEX visits_org_idx ON visits (org_id, visit_on DESC);
    CREATE INDEX visits_site_day_idx ON visits (site_id, visit_on);
    CREATE INDEX visits_requested_idx ON visits (site_id, visit_on, window_start) WHERE status = 'requested';
    CREATE INDEX visits_unpurged_idx ON visits (visit_on) WHERE id_doc_number IS NOT NULL;

    CREATE TABLE visit_racks (
      visit_id uuid NOT NULL REFERENCES visits (id),
      rack_id uuid NOT NULL REFERENCES racks (id),
      PRIMARY KEY (visit_id, rack_id)
    );
    CREATE INDEX visit_racks_rack_idx ON visit_racks (rack_id);

    -- The visit's instant bounds: its day and times read in the site's time zone.
    CREATE FUNCTION visit_window(v visits) RETURNS tstzrange LANGUAGE sql STABLE AS $$
      SELECT tstzrange((v.visit_on + v.window_start) AT TIME ZONE s.time_zone, (v.visit_on + v.window_end) AT TIME ZONE s.time_zone, '[]')
        FROM sites s WHERE s.id = v.site_id
    $$;

    CREATE FUNCTION visits_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      today date := site_today(NEW.site_id);
    BEGIN
      IF NEW.status <> 'requested' OR NEW.decided_at IS NOT NULL OR NEW.cancelled_at IS NOT NULL
         OR NEW.checked_in_at IS NOT NULL OR NEW.checked_out_at IS NOT NULL OR NEW.id_purged_at IS NOT NULL THEN
        RAISE EXCEPTION 'a visit starts as requested' USING HINT = 'visit_transition';
      END IF;
      -- (An inverted window is the CHECK's to refuse.)
      IF NEW.visit_on < today OR (NEW.window_end > NEW.window_start AND upper(visit_window(NEW)) <= now()) THEN
        RAISE EXCEPTION 'the visit window % % has passed', NEW.visit_on, NEW.window_end USING HINT = 'visit_in_past';
      END IF;
      IF NEW.visit_on > today + 90 THEN
        RAISE EXCEPTION 'a visit is registered at most 90 days ahead' USING HINT = 'visit_too_far';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER visits_check_insert BEFORE INSERT ON visits
      FOR EACH ROW EXECUTE FUNCTION visits_check_insert();

    CREATE FUNCTION visits_check_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (NEW.org_id, NEW.site_id, NEW.visitor_name, NEW.company, NEW.id_doc_type, NEW.visit_on, NEW.window_start, NEW.window_end,
          NEW.escort_needed, NEW.registered_at) IS DISTINCT FROM
         (OLD.org_id, OLD.site_id, OLD.visitor_name, OLD.company, OLD.id_doc_type, OLD.visit_on, OLD.window_start, OLD.window_end,
          OLD.escort_needed, OLD.registered_at)
         OR (NEW.registered_by IS DISTINCT FROM OLD.registered_by AND NEW.registered_by IS NOT NULL)
         OR NEW.client_key IS DISTINCT FROM OLD.client_key
         -- The number only goes away (the purge), never changes or comes back.
         OR (NEW.id_doc_number IS DISTINCT FROM OLD.id_doc_number AND NEW.id_doc_number IS NOT NULL)
         OR (OLD.id_purged_at IS NOT NULL AND NEW.id_purged_at IS DISTINCT FROM OLD.id_purged_at)
         OR (OLD.checked_in_at IS NOT NULL AND NEW.checked_in_at IS DISTINCT FROM OLD.checked_in_at)
         OR (OLD.checked_out_at IS NOT NULL AND NEW.checked_out_at IS DISTINCT FROM OLD.checked_out_at)
         OR (OLD.decided_at IS NOT NULL AND NEW.decided_at IS DISTINCT FROM OLD.decided_at) THEN
        RAISE EXCEPTION 'visit %: frozen fields', OLD.id USING HINT = 'visit_frozen';
      END IF;
      IF NEW.status <> OLD.status AND NOT (
           (OLD.status = 'requested' AND NEW.status IN ('approved', 'refused', 'cancelled'))
        OR (OLD.status = 'approved' AND NEW.status = 'cancelled' AND OLD.checked_in_at IS NULL)) THEN
        RAISE EXCEPTION 'visit %: % → % is not allowed', OLD.id, OLD.status, NEW.status USING HINT = 'visit_transition';
      END IF;
      IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' AND lower(visit_window(NEW)) <= NEW.cancelled_at THEN
        RAISE EXCEPTION 'visit %: cancelled once its window has started', OLD.id USING HINT = 'visit_started';
      END IF;
      IF NEW.checked_in_at IS NOT NULL AND OLD.checked_in_at IS NULL AND NOT (visit_window(NEW) @> NEW.checked_in_at) THEN
        RAISE EXCEPTION 'visit %: check-in outside its window', OLD.id USING HINT = 'visit_outside_window';
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
    CREATE TRIGGER visits_check_update BEFORE UPDATE ON visits
      FOR EACH ROW EXECUTE FUNCTION visits_check_update();

    CREATE FUNCTION visits_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'visits are kept' USING HINT = 'visit_frozen';
    END $$;
    CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits FOR EACH ROW EXECUTE FUNCTION visits_no_delete();

    -- A rack of a visit: held by the visit's organisation on the visit's day, at the visit's site.
    CREATE FUNCTION visit_racks_check() RETURNS trigger LANGUAGE plpgsql AS $$
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
    CREATE TRIGGER visit_racks_check BEFORE INSERT OR UPDATE OR DELETE ON visit_racks
      FOR EACH ROW EXECUTE FUNCTION visit_racks_check();

    -- Every visit names at least one rack (checked at commit, once its racks are written).
    CREATE FUNCTION visits_have_racks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM visit_racks WHERE visit_id = NEW.id) THEN
        RAISE EXCEPTION 'visit % names no rack', NEW.id USING HINT = 'visit_without_rack';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER visits_have_racks AFTER INSERT ON visits
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION visits_have_racks();

    CREATE TABLE badge_holders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      site_id uuid NOT NULL REFERENCES sites (id),
      name text NOT NULL CHECK (length(name) BETWEEN 2 AND 120 AND name = btrim(name) AND name !~ '[[:cntrl:]]'),
      company text NOT NULL CHECK (length(company) BETWEEN 1 AND 120 AND company = btrim(company) AND company !~ '[[:cntrl:]]'),
      id_doc_type text NOT NULL CHECK (id_doc_type IN ('national_id', 'passport', 'driving_licence', 'other')),
      id_doc_number text CHECK (length(id_doc_number) BETWEEN 3 AND 40 AND id_doc_number ~ '^[A-Za-z0-9][A-Za-z0-9 ./-]*$'),
      id_purged_at timestamptz,
      valid_until date NOT NULL,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_by uuid REFERENCES users (id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT badge_holders_id_purge CHECK ((id_purged_at IS NULL) = (id_doc_number IS NOT NULL))
    );
    CREATE INDEX badge_holders_org_site_idx ON badge_holders (org_id, site_id, valid_until);
    CREATE INDEX badge_holders_site_idx ON badge_holders (site_id, valid_until) WHERE revoked_at IS NULL;

    -- At most 10 current holders per organisation and site; validity within a year; frozen identity.
    CREATE FUNCTION badge_holders_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      today date := site_today(NEW.site_id);
    BEGIN
      IF TG_OP = 'UPDATE' AND ((NEW.org_id, NEW.site_id, NEW.name, NEW.company, NEW.id_doc_type, NEW.created_at)
           IS DISTINCT FROM (OLD.org_id, OLD.site_id, OLD.name, OLD.company, OLD.id_doc_type, OLD.created_at)
         OR (NEW.id_doc_number IS DISTINCT FROM OLD.id_doc_number AND NEW.id_doc_number IS NOT NULL)
         OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at)
         OR (OLD.revoked_at IS NOT NULL AND NEW.valid_until IS DISTINCT FROM OLD.valid_until)) THEN
        RAISE EXCEPTION 'badge holder %: frozen fields', OLD.id USING HINT = 'badge_frozen';
      END IF;
      IF (TG_OP = 'INSERT' OR NEW.valid_until IS DISTINCT FROM OLD.valid_until)
         AND (NEW.valid_until < today OR NEW.valid_until > today + 366) THEN
        RAISE EXCEPTION 'a badge is valid from today to a year ahead' USING HINT = 'badge_validity';
      END IF;
      IF NEW.revoked_at IS NULL AND NEW.valid_until >= today
         AND (TG_OP = 'INSERT' OR OLD.valid_until < today) THEN
        PERFORM pg_advisory_xact_lock(hashtext('badge_holders'), hashtext(NEW.org_id::text || NEW.site_id::text));
        IF (SELECT count(*) FROM badge_holders
             WHERE org_id = NEW.org_id AND site_id = NEW.site_id AND id <> NEW.id
               AND revoked_at IS NULL AND valid_until >= today) >= 10 THEN
          RAISE EXCEPTION 'at most 10 badge holders per organisation and site' USING HINT = 'badge_limit';
        END IF;
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
    CREATE TRIGGER badge_holders_check BEFORE INSERT OR UPDATE ON badge_holders
      FOR EACH ROW EXECUTE FUNCTION badge_holders_check();
    CREATE FUNCTION badge_holders_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'badge holders are kept' USING HINT = 'badge_frozen';
    END $$;
    CREATE TRIGGER badge_holders_no_delete BEFORE DELETE ON badge_holders FOR EACH ROW EXECUTE FUNCTION badge_holders_no_delete();

    CREATE TABLE badge_reminders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      badge_holder_id uuid NOT NULL REFERENCES badge_holders (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      expires_on date NOT NULL,
      days_before integer NOT NULL CHECK (days_before IN (30, 7)),
      run_on date NOT NULL,
      recipients integer NOT NULL DEFAULT 0 CHECK (recipients >= 0),
      job_id uuid REFERENCES jobs (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT badge_reminders_once UNIQUE (badge_holder_id, expires_on, days_before)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE badge_reminders;
    DROP TABLE badge_holders;
    DROP FUNCTION badge_holders_check, badge_holders_no_delete;
    DROP TABLE visit_racks;
    DROP TABLE visits;
    DROP FUNCTION visits_check_insert, visits_check_update, visits_no_delete, visit_racks_check, visits_have_racks, visit_window;
  `.execute(db);
}
