import { sql, type Kysely } from "kysely";

/**
 * Remote hands (issue 13, ADR 021): a tenant asks the site's staff to act on its equipment; the NOC
 * takes the ticket, posts updates, logs time and closes it with a result; the time is billed as a
 * one-off charge.
 *
 * - `sites` gains the site's remote-hands settings: the billing increment in minutes (default 15; a
 *   multiple of 3 so that every billed quantity is an exact hundredth of an hour, the precision of
 *   `one_off_charges.quantity`) and the service-level targets (default 240 min standard, 60 min urgent).
 * - A new product kind `remote_hands_urgent_hour` (the site's urgent hourly rate) in every CHECK that
 *   lists the product kinds (`products`, `renewal_prices`; `contract_lines` takes its kind from the
 *   product and has no list).
 * - `remote_hands_tickets`: the ticket of an organisation on one of its contracts at a site (composite
 *   foreign key `(contract_id, org_id, site_id)`). Its reference `RH-<site>-<year>-<n>` is numbered per
 *   site and year from `remote_hands_ref_counters`, under that counter row's lock (a rolled-back
 *   ticket gives its number back; no database sequence). The service-level target is copied from the
 *   site when the ticket is opened. Lifecycle open → taken → closed, open → cancelled; CHECKs make
 *   each state's who/when mandatory and forbid them elsewhere; a trigger allows only those moves and
 *   freezes the ticket's parties, kind, urgency, description, target and billing figures
 *   (HINT `remote_hands_transition`, `remote_hands_frozen`). Tickets are never deleted.
 * - `remote_hands_ticket_racks`: the allocations (rack + units) the ticket concerns. A trigger accepts
 *   only an allocation of the ticket's own contract (so the organisation's), in force on the site's
 *   day, while the ticket is open (HINT `remote_hands_rack`).
 * - `remote_hands_events`: the timeline (created, taken, update, time, closed, cancelled), visible to
 *   the tenant. Updates and time are posted only on a taken ticket (HINT `remote_hands_transition`);
 *   minutes 1–1440 per entry; events are never changed or deleted.
 * - `remote_hands_attachments`: one file per ticket (a JPEG, PNG or WebP photo, or a PDF, ≤ 5 MB)
 *   stored as bytea; the declared type must match the file's first bytes (a CHECK on the magic
 *   numbers, the same rule the application sniffs by). Its random uuid is the URL's only handle.
 * - `one_off_charges.remote_hands_ticket_id`: the charge a ticket's close recorded; unique, so a
 *   ticket is billed at most once whatever the races.
 */
export async function up(db: Kysely<any>) {
  await sql`
    ALTER TABLE products DROP CONSTRAINT products_kind_check;
    ALTER TABLE products ADD CONSTRAINT products_kind_check CHECK (kind IN (
      'rack_unit', 'half_rack', 'full_rack', 'cage', 'power_commit_kw', 'energy_kwh',
      'bandwidth_commit_mbps', 'bandwidth_overage_mbps', 'cross_connect', 'remote_hands_hour', 'remote_hands_urgent_hour'));
    ALTER TABLE renewal_prices DROP CONSTRAINT renewal_prices_kind_check;
    ALTER TABLE renewal_prices ADD CONSTRAINT renewal_prices_kind_check CHECK (kind IN (
      'rack_unit', 'half_rack', 'full_rack', 'cage', 'power_commit_kw', 'energy_kwh',
      'bandwidth_commit_mbps', 'bandwidth_overage_mbps', 'cross_connect', 'remote_hands_hour', 'remote_hands_urgent_hour'));

    ALTER TABLE sites
      ADD COLUMN remote_hands_increment_min integer NOT NULL DEFAULT 15
        CONSTRAINT sites_remote_hands_increment CHECK (remote_hands_increment_min BETWEEN 3 AND 240 AND remote_hands_increment_min % 3 = 0),
      ADD COLUMN remote_hands_target_standard_min integer NOT NULL DEFAULT 240
        CONSTRAINT sites_remote_hands_target_standard CHECK (remote_hands_target_standard_min BETWEEN 5 AND 10080),
      ADD COLUMN remote_hands_target_urgent_min integer NOT NULL DEFAULT 60
        CONSTRAINT sites_remote_hands_target_urgent CHECK (remote_hands_target_urgent_min BETWEEN 5 AND 10080),
      ADD CONSTRAINT sites_remote_hands_targets CHECK (remote_hands_target_urgent_min <= remote_hands_target_standard_min);

    CREATE TABLE remote_hands_ref_counters (
      site_id uuid NOT NULL REFERENCES sites (id),
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2999),
      last_number integer NOT NULL CHECK (last_number >= 1),
      PRIMARY KEY (site_id, year)
    );

    CREATE TABLE remote_hands_tickets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      contract_id uuid NOT NULL,
      site_id uuid NOT NULL REFERENCES sites (id),
      ref text NOT NULL DEFAULT '' CONSTRAINT remote_hands_tickets_ref_key UNIQUE,
      kind text NOT NULL CHECK (kind IN ('reboot', 'cabling', 'inspection', 'media_swap', 'other')),
      urgency text NOT NULL CHECK (urgency IN ('standard', 'urgent')),
      description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000 AND description = btrim(description)
        AND description !~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'taken', 'closed', 'cancelled')),
      -- The service-level target (minutes to take it), the site's when opened.
      target_minutes integer NOT NULL CHECK (target_minutes BETWEEN 5 AND 10080),
      client_key uuid,
      opened_by uuid REFERENCES users (id) ON DELETE SET NULL,
      opened_at timestamptz NOT NULL DEFAULT now(),
      taken_by uuid REFERENCES users (id) ON DELETE SET NULL,
      taken_at timestamptz,
      closed_by uuid REFERENCES users (id) ON DELETE SET NULL,
      closed_at timestamptz,
      result text CHECK (length(result) BETWEEN 1 AND 4000 AND result = btrim(result)
        AND result !~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'),
      cancelled_by uuid REFERENCES users (id) ON DELETE SET NULL,
      cancelled_at timestamptz,
      -- Billing, fixed at close: minutes logged, billed (rounded up to the site's increment), the
      -- day the charge is dated, the hourly price and the amount (null when nothing was billed).
      logged_minutes integer CHECK (logged_minutes >= 0),
      billed_minutes integer CHECK (billed_minutes >= 0 AND billed_minutes >= logged_minutes),
      charged_on date,
      unit_price_minor bigint CHECK (unit_price_minor >= 0),
      amount_minor bigint CHECK (amount_minor >= 0),
      currency char(3),
      -- The last time a member of the organisation opened the ticket's page (what needs its attention).
      tenant_seen_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT remote_hands_tickets_contract_fkey FOREIGN KEY (contract_id, org_id, site_id)
        REFERENCES contracts (id, org_id, site_id),
      CONSTRAINT remote_hands_tickets_id_org_key UNIQUE (id, org_id),
      CONSTRAINT remote_hands_tickets_client_key UNIQUE (org_id, client_key),
      CONSTRAINT remote_hands_tickets_taken CHECK (
        (taken_at IS NOT NULL) = (status IN ('taken', 'closed')) AND (taken_at IS NULL OR taken_at >= opened_at)),
      CONSTRAINT remote_hands_tickets_closed CHECK (
        (status = 'closed') = (closed_at IS NOT NULL)
        AND (closed_at IS NULL OR (result IS NOT NULL AND logged_minutes IS NOT NULL AND billed_minutes IS NOT NULL AND closed_at >= taken_at))
        AND (result IS NULL OR closed_at IS NOT NULL)
        AND (logged_minutes IS NULL OR closed_at IS NOT NULL)
        AND ((amount_minor IS NULL) = (charged_on IS NULL))
        AND ((amount_minor IS NULL) = (unit_price_minor IS NULL))
        AND ((amount_minor IS NULL) OR (billed_minutes > 0 AND currency IS NOT NULL))),
      CONSTRAINT remote_hands_tickets_cancelled CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
    );
    CREATE INDEX remote_hands_tickets_org_idx ON remote_hands_tickets (org_id, opened_at DESC);
    CREATE INDEX remote_hands_tickets_queue_idx ON remote_hands_tickets (site_id, opened_at) WHERE status IN ('open', 'taken');
    CREATE INDEX remote_hands_tickets_site_opened_idx ON remote_hands_tickets (site_id, opened_at);

    -- Creation: an open ticket of a live contract, numbered per site and year under the counter's lock.
    CREATE FUNCTION remote_hands_tickets_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      today date := site_today(NEW.site_id);
      n integer;
    BEGIN
      IF NEW.status <> 'open' OR NEW.taken_at IS NOT NULL OR NEW.closed_at IS NOT NULL OR NEW.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION 'a remote-hands ticket starts open' USING HINT = 'remote_hands_transition';
      END IF;
      IF EXISTS (SELECT 1 FROM contracts WHERE id = NEW.contract_id AND (end_on < today OR start_on > today)) THEN
        RAISE EXCEPTION 'contract % is not in force', NEW.contract_id USING HINT = 'contract_not_active';
      END IF;
      INSERT INTO remote_hands_ref_counters AS c (site_id, year, last_number)
        VALUES (NEW.site_id, extract(year FROM today)::integer, 1)
        ON CONFLICT (site_id, year) DO UPDATE SET last_number = c.last_number + 1
        RETURNING last_number INTO n;
      NEW.ref := 'RH-' || (SELECT code FROM sites WHERE id = NEW.site_id) || '-' || extract(year FROM today)::integer || '-' || lpad(n::text, 4, '0');
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
    CREATE TRIGGER remote_hands_tickets_check_insert BEFORE INSERT ON remote_hands_tickets
      FOR EACH ROW EXECUTE FUNCTION remote_hands_tickets_check_insert();

    CREATE FUNCTION remote_hands_tickets_check_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (NEW.org_id, NEW.contract_id, NEW.site_id, NEW.ref, NEW.kind, NEW.urgency, NEW.description, NEW.target_minutes, NEW.opened_at)
           IS DISTINCT FROM (OLD.org_id, OLD.contract_id, OLD.site_id, OLD.ref, OLD.kind, OLD.urgency, OLD.description, OLD.target_minutes, OLD.opened_at)
         OR NEW.client_key IS DISTINCT FROM OLD.client_key
         OR NEW.opened_by IS DISTINCT FROM OLD.opened_by AND NEW.opened_by IS NOT NULL
         OR (OLD.taken_at IS NOT NULL AND NEW.taken_at IS DISTINCT FROM OLD.taken_at)
         OR (OLD.status IN ('closed', 'cancelled') AND (
               (NEW.status, NEW.closed_at, NEW.result, NEW.logged_minutes, NEW.billed_minutes, NEW.charged_on, NEW.unit_price_minor, NEW.amount_minor, NEW.currency, NEW.cancelled_at)
               IS DISTINCT FROM
               (OLD.status, OLD.closed_at, OLD.result, OLD.logged_minutes, OLD.billed_minutes, OLD.charged_on, OLD.unit_price_minor, OLD.amount_minor, OLD.currency, OLD.cancelled_at))) THEN
        RAISE EXCEPTION 'remote-hands ticket %: frozen fields', OLD.id USING HINT = 'remote_hands_frozen';
      END IF;
      IF NEW.status <> OLD.status AND NOT (
           (OLD.status = 'open' AND NEW.status IN ('taken', 'cancelled'))
        OR (OLD.status = 'taken' AND NEW.status = 'closed')) THEN
        RAISE EXCEPTION 'remote-hands ticket %: % → % is not allowed', OLD.id, OLD.status, NEW.status
          USING HINT = 'remote_hands_transition';
      END IF;
      IF NEW.status = 'closed' AND OLD.status = 'taken'
         AND NEW.logged_minutes IS DISTINCT FROM (SELECT coalesce(sum(minutes), 0)::integer FROM remote_hands_events WHERE ticket_id = NEW.id AND kind = 'time') THEN
        RAISE EXCEPTION 'remote-hands ticket %: logged minutes differ from the timeline', OLD.id USING HINT = 'remote_hands_frozen';
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
    CREATE TRIGGER remote_hands_tickets_check_update BEFORE UPDATE ON remote_hands_tickets
      FOR EACH ROW EXECUTE FUNCTION remote_hands_tickets_check_update();

    CREATE FUNCTION remote_hands_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'remote-hands records are kept' USING HINT = 'remote_hands_frozen';
    END $$;
    CREATE TRIGGER remote_hands_tickets_no_delete BEFORE DELETE ON remote_hands_tickets
      FOR EACH ROW EXECUTE FUNCTION remote_hands_kept();

    CREATE TABLE remote_hands_ticket_racks (
      ticket_id uuid NOT NULL,
      org_id uuid NOT NULL,
      allocation_id uuid NOT NULL REFERENCES allocations (id),
      PRIMARY KEY (ticket_id, allocation_id),
      FOREIGN KEY (ticket_id, org_id) REFERENCES remote_hands_tickets (id, org_id)
    );

    -- Only the ticket's own contract's allocations, in force on the site's day, chosen when it is opened.
    CREATE FUNCTION remote_hands_ticket_racks_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      t remote_hands_tickets%ROWTYPE;
      today date;
    BEGIN
      SELECT * INTO t FROM remote_hands_tickets WHERE id = NEW.ticket_id;
      today := site_today(t.site_id);
      IF t.status <> 'open' THEN
        RAISE EXCEPTION 'racks are chosen when the ticket is opened' USING HINT = 'remote_hands_transition';
      END IF;
      IF NOT EXISTS (
           SELECT 1 FROM allocations a
            WHERE a.id = NEW.allocation_id AND a.contract_id = t.contract_id AND a.org_id = t.org_id
              AND a.start_on <= today AND (a.end_on IS NULL OR a.end_on >= today)) THEN
        RAISE EXCEPTION 'allocation % is not held by the ticket''s contract today', NEW.allocation_id USING HINT = 'remote_hands_rack';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER remote_hands_ticket_racks_check BEFORE INSERT OR UPDATE ON remote_hands_ticket_racks
      FOR EACH ROW EXECUTE FUNCTION remote_hands_ticket_racks_check();
    CREATE TRIGGER remote_hands_ticket_racks_no_delete BEFORE DELETE ON remote_hands_ticket_racks
      FOR EACH ROW EXECUTE FUNCTION remote_hands_kept();

    CREATE TABLE remote_hands_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      ticket_id uuid NOT NULL,
      org_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('created', 'taken', 'update', 'time', 'closed', 'cancelled')),
      body text CHECK (length(body) BETWEEN 1 AND 4000 AND body = btrim(body) AND body !~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'),
      minutes integer CHECK (minutes BETWEEN 1 AND 1440),
      author_id uuid REFERENCES users (id) ON DELETE SET NULL,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      FOREIGN KEY (ticket_id, org_id) REFERENCES remote_hands_tickets (id, org_id),
      CONSTRAINT remote_hands_events_shape CHECK (
        (kind = 'time') = (minutes IS NOT NULL) AND (kind <> 'update' OR body IS NOT NULL))
    );
    CREATE INDEX remote_hands_events_ticket_idx ON remote_hands_events (ticket_id, at);

    CREATE FUNCTION remote_hands_events_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.kind IN ('update', 'time') AND (SELECT status FROM remote_hands_tickets WHERE id = NEW.ticket_id) <> 'taken' THEN
        RAISE EXCEPTION 'updates and time go on a taken ticket' USING HINT = 'remote_hands_transition';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER remote_hands_events_check BEFORE INSERT ON remote_hands_events
      FOR EACH ROW EXECUTE FUNCTION remote_hands_events_check();
    CREATE TRIGGER remote_hands_events_kept BEFORE UPDATE OR DELETE ON remote_hands_events
      FOR EACH ROW EXECUTE FUNCTION remote_hands_kept();

    CREATE TABLE remote_hands_attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      ticket_id uuid NOT NULL,
      org_id uuid NOT NULL,
      file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 120 AND file_name !~ '[[:cntrl:]/\\\\"]'),
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
      size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
      data bytea NOT NULL,
      uploaded_by uuid REFERENCES users (id) ON DELETE SET NULL,
      uploaded_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (ticket_id, org_id) REFERENCES remote_hands_tickets (id, org_id),
      CONSTRAINT remote_hands_attachments_size CHECK (octet_length(data) = size_bytes),
      CONSTRAINT remote_hands_attachments_magic CHECK (
        (content_type = 'image/jpeg' AND substring(data FROM 1 FOR 3) = '\\xffd8ff'::bytea)
        OR (content_type = 'image/png' AND substring(data FROM 1 FOR 8) = '\\x89504e470d0a1a0a'::bytea)
        OR (content_type = 'image/webp' AND substring(data FROM 1 FOR 4) = '\\x52494646'::bytea AND substring(data FROM 9 FOR 4) = '\\x57454250'::bytea)
        OR (content_type = 'application/pdf' AND substring(data FROM 1 FOR 5) = '\\x255044462d'::bytea))
    );
    CREATE INDEX remote_hands_attachments_ticket_idx ON remote_hands_attachments (ticket_id);
    CREATE TRIGGER remote_hands_attachments_kept BEFORE UPDATE OR DELETE ON remote_hands_attachments
      FOR EACH ROW EXECUTE FUNCTION remote_hands_kept();

    ALTER TABLE one_off_charges
      ADD COLUMN remote_hands_ticket_id uuid REFERENCES remote_hands_tickets (id),
      ADD CONSTRAINT one_off_charges_remote_hands_ticket_key UNIQUE (remote_hands_ticket_id),
      ADD CONSTRAINT one_off_charges_remote_hands_ticket_kind CHECK (remote_hands_ticket_id IS NULL OR kind = 'remote_hands');
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    ALTER TABLE one_off_charges DROP COLUMN remote_hands_ticket_id;
    DROP TABLE remote_hands_attachments, remote_hands_events, remote_hands_ticket_racks, remote_hands_tickets, remote_hands_ref_counters;
    DROP FUNCTION remote_hands_tickets_check_insert, remote_hands_tickets_check_update, remote_hands_ticket_racks_check,
      remote_hands_events_check, remote_hands_kept;
    ALTER TABLE sites DROP CONSTRAINT sites_remote_hands_targets,
      DROP COLUMN remote_hands_increment_min, DROP COLUMN remote_hands_target_standard_min, DROP COLUMN remote_hands_target_urgent_min;
    DELETE FROM products WHERE kind = 'remote_hands_urgent_hour';
    DELETE FROM renewal_prices WHERE kind = 'remote_hands_urgent_hour';
    ALTER TABLE products DROP CONSTRAINT products_kind_check;
    ALTER TABLE products ADD CONSTRAINT products_kind_check CHECK (kind IN (
      'rack_unit', 'half_rack', 'full_rack', 'cage', 'power_commit_kw', 'energy_kwh',
      'bandwidth_commit_mbps', 'bandwidth_overage_mbps', 'cross_connect', 'remote_hands_hour'));
    ALTER TABLE renewal_prices DROP CONSTRAINT renewal_prices_kind_check;
    ALTER TABLE renewal_prices ADD CONSTRAINT renewal_prices_kind_check CHECK (kind IN (
      'rack_unit', 'half_rack', 'full_rack', 'cage', 'power_commit_kw', 'energy_kwh',
      'bandwidth_commit_mbps', 'bandwidth_overage_mbps', 'cross_connect', 'remote_hands_hour'));
  `.execute(db);
}
