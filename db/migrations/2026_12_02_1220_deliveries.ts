import { sql, type Kysely } from "kysely";

/**
 * Deliveries (issue 13, service desk): a tenant announces an inbound shipment; the site's operators
 * receive it (parcel count and condition), store it, and deliver it to the tenant's rack, or hand it
 * over when the tenant collects it. ADR 023.
 *
 * - `sites.parcel_keep_days`: how many days a received parcel may stay at the site (1–365, default
 *   14). A parcel still waiting (received or stored) after `received_on + parcel_keep_days` is
 *   flagged; the flag is computed from the site's local today, never stored.
 * - `deliveries`: organisation, site, who announced, carrier, tracking number, parcels announced
 *   (1–999), expected day, purpose, and optionally the rack it is for. The rack must be at the
 *   delivery's site and held by the organisation (an allocation) on the expected day (HINT
 *   `delivery_rack`); the organisation must have a contract at the site that is not over (HINT
 *   `delivery_site`).
 * - Lifecycle: announced → received → stored → delivered | collected; received → delivered |
 *   collected (straight to the rack or the counter); announced → cancelled (by the tenant). CHECKs make
 *   each step's fields mandatory in its states and absent before it (a delivery to the rack needs a
 *   rack; a damaged parcel needs a note); a trigger allows only those moves, freezes what was
 *   announced and what each step recorded (HINT `delivery_transition`, `delivery_frozen`).
 * - `delivery_events`: the timeline, written by the database itself (AFTER triggers) from each
 *   insert and status change, one row per step at most (UNIQUE (delivery_id, kind)); never updated
 *   or deleted.
 * - Errors raised by triggers carry SQLSTATE P0001 and a stable HINT
 *   (app/modules/deliveries/errors.ts maps them).
 */
export async function up(db: Kysely<any>) {
  await sql`
    ALTER TABLE sites ADD COLUMN parcel_keep_days integer NOT NULL DEFAULT 14
      CONSTRAINT sites_parcel_keep_days_check CHECK (parcel_keep_days BETWEEN 1 AND 365);

    CREATE TABLE deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      site_id uuid NOT NULL REFERENCES sites (id),
      rack_id uuid REFERENCES racks (id),
      carrier text NOT NULL CHECK (length(carrier) BETWEEN 1 AND 80 AND carrier = btrim(carrier) AND carrier !~ '[[:cntrl:]]'),
      tracking_number text NOT NULL CHECK (length(tracking_number) BETWEEN 1 AND 100 AND tracking_number = btrim(tracking_number) AND tracking_number !~ '[[:cntrl:]]'),
      parcels_announced integer NOT NULL CHECK (parcels_announced BETWEEN 1 AND 999),
      expected_on date NOT NULL CHECK (expected_on BETWEEN '2000-01-01' AND '2100-12-31'),
      purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500 AND purpose = btrim(purpose) AND purpose !~ '[[:cntrl:]]'),
      status text NOT NULL DEFAULT 'announced'
        CHECK (status IN ('announced', 'received', 'stored', 'delivered', 'collected', 'cancelled')),
      client_key uuid,
      announced_by uuid REFERENCES users (id) ON DELETE SET NULL,
      announced_at timestamptz NOT NULL DEFAULT now(),
      cancelled_by uuid REFERENCES users (id) ON DELETE SET NULL,
      cancelled_at timestamptz,
      received_by uuid REFERENCES users (id) ON DELETE SET NULL,
      received_at timestamptz,
      -- The site's local day of receipt: the keeping period counts from it.
      received_on date CHECK (received_on BETWEEN '2000-01-01' AND '2100-12-31'),
      parcels_received integer CHECK (parcels_received BETWEEN 1 AND 999),
      condition text CHECK (condition IN ('good', 'damaged')),
      damage_note text CHECK (length(damage_note) BETWEEN 1 AND 1000 AND damage_note = btrim(damage_note) AND damage_note !~ '[[:cntrl:]]'),
      stored_by uuid REFERENCES users (id) ON DELETE SET NULL,
      stored_at timestamptz,
      storage_location text CHECK (length(storage_location) BETWEEN 1 AND 100 AND storage_location = btrim(storage_location) AND storage_location !~ '[[:cntrl:]]'),
      delivered_by uuid REFERENCES users (id) ON DELETE SET NULL,
      delivered_at timestamptz,
      collected_by uuid REFERENCES users (id) ON DELETE SET NULL,
      collected_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT deliveries_client_key UNIQUE (org_id, client_key),
      CONSTRAINT deliveries_cancellation CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
      CONSTRAINT deliveries_receipt CHECK (
        (received_at IS NOT NULL) = (status IN ('received', 'stored', 'delivered', 'collected'))
        AND (received_at IS NULL) = (received_on IS NULL)
        AND (received_at IS NULL) = (parcels_received IS NULL)
        AND (received_at IS NULL) = (condition IS NULL)
        AND (damage_note IS NOT NULL) = (condition IS NOT DISTINCT FROM 'damaged')),
      CONSTRAINT deliveries_storage CHECK (
        (status <> 'stored' OR stored_at IS NOT NULL)
        AND (stored_at IS NULL OR status IN ('stored', 'delivered', 'collected'))
        AND (storage_location IS NULL OR stored_at IS NOT NULL)),
      CONSTRAINT deliveries_delivery CHECK ((delivered_at IS NOT NULL) = (status = 'delivered') AND (delivered_at IS NULL OR rack_id IS NOT NULL)),
      CONSTRAINT deliveries_collection CHECK ((collected_at IS NOT NULL) = (status = 'collected'))
    );
    CREATE INDEX deliveries_org_idx ON deliveries (org_id, announced_at DESC);
    CREATE INDEX deliveries_site_open_idx ON deliveries (site_id, expected_on)
      WHERE status IN ('announced', 'received', 'stored');

    CREATE TABLE delivery_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- The order the steps were recorded in (the timeline's order, whatever the clocks said).
      seq bigint GENERATED ALWAYS AS IDENTITY,
      delivery_id uuid NOT NULL REFERENCES deliveries (id),
      org_id uuid NOT NULL REFERENCES organisations (id),
      kind text NOT NULL CHECK (kind IN ('announced', 'received', 'stored', 'delivered', 'collected', 'cancelled')),
      at timestamptz NOT NULL,
      by_user uuid REFERENCES users (id) ON DELETE SET NULL,
      CONSTRAINT delivery_events_once UNIQUE (delivery_id, kind)
    );

    -- Creation: announced, nothing recorded yet; a contract at the site; the rack the tenant's.
    CREATE FUNCTION deliveries_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status <> 'announced' OR NEW.received_at IS NOT NULL OR NEW.stored_at IS NOT NULL
         OR NEW.delivered_at IS NOT NULL OR NEW.collected_at IS NOT NULL OR NEW.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION 'a delivery starts as announced' USING HINT = 'delivery_transition';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM contracts WHERE org_id = NEW.org_id AND site_id = NEW.site_id
                       AND (end_on IS NULL OR end_on >= site_today(NEW.site_id))) THEN
        RAISE EXCEPTION 'organisation % has no contract at this site', NEW.org_id USING HINT = 'delivery_site';
      END IF;
      IF NEW.rack_id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM allocations a
             JOIN racks r ON r.id = a.rack_id
             JOIN rooms m ON m.id = r.room_id
            WHERE a.rack_id = NEW.rack_id AND a.org_id = NEW.org_id AND m.site_id = NEW.site_id
              AND a.during @> NEW.expected_on) THEN
        RAISE EXCEPTION 'rack % is not held by organisation % on %', NEW.rack_id, NEW.org_id, NEW.expected_on
          USING HINT = 'delivery_rack';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER deliveries_check_insert BEFORE INSERT ON deliveries
      FOR EACH ROW EXECUTE FUNCTION deliveries_check_insert();

    -- Updates: only the lifecycle's moves; what was announced and what each step recorded never change.
    CREATE FUNCTION deliveries_check_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (NEW.org_id, NEW.site_id, NEW.carrier, NEW.tracking_number, NEW.parcels_announced, NEW.expected_on,
          NEW.purpose, NEW.announced_at) IS DISTINCT FROM
         (OLD.org_id, OLD.site_id, OLD.carrier, OLD.tracking_number, OLD.parcels_announced, OLD.expected_on,
          OLD.purpose, OLD.announced_at)
         OR NEW.rack_id IS DISTINCT FROM OLD.rack_id
         OR NEW.client_key IS DISTINCT FROM OLD.client_key
         OR NEW.announced_by IS DISTINCT FROM OLD.announced_by
         OR (OLD.received_at IS NOT NULL AND (NEW.received_at, NEW.received_on, NEW.parcels_received, NEW.condition, NEW.damage_note, NEW.received_by)
               IS DISTINCT FROM (OLD.received_at, OLD.received_on, OLD.parcels_received, OLD.condition, OLD.damage_note, OLD.received_by))
         OR (OLD.stored_at IS NOT NULL AND (NEW.stored_at, NEW.storage_location, NEW.stored_by)
               IS DISTINCT FROM (OLD.stored_at, OLD.storage_location, OLD.stored_by))
         OR (OLD.delivered_at IS NOT NULL AND NEW.delivered_at IS DISTINCT FROM OLD.delivered_at)
         OR (OLD.collected_at IS NOT NULL AND NEW.collected_at IS DISTINCT FROM OLD.collected_at)
         OR (OLD.cancelled_at IS NOT NULL AND NEW.cancelled_at IS DISTINCT FROM OLD.cancelled_at) THEN
        RAISE EXCEPTION 'delivery %: frozen fields', OLD.id USING HINT = 'delivery_frozen';
      END IF;
      IF NEW.status = OLD.status OR NOT (
           (OLD.status = 'announced' AND NEW.status IN ('received', 'cancelled'))
        OR (OLD.status = 'received' AND NEW.status IN ('stored', 'delivered', 'collected'))
        OR (OLD.status = 'stored' AND NEW.status IN ('delivered', 'collected'))) THEN
        RAISE EXCEPTION 'delivery %: % → % is not allowed', OLD.id, OLD.status, NEW.status
          USING HINT = 'delivery_transition';
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
    CREATE TRIGGER deliveries_check_update BEFORE UPDATE ON deliveries
      FOR EACH ROW EXECUTE FUNCTION deliveries_check_update();

    CREATE FUNCTION deliveries_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'deliveries are kept' USING HINT = 'delivery_frozen';
    END $$;
    CREATE TRIGGER deliveries_no_delete BEFORE DELETE ON deliveries
      FOR EACH ROW EXECUTE FUNCTION deliveries_no_delete();

    -- The timeline, from the rows themselves: one event per step.
    CREATE FUNCTION deliveries_record_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO delivery_events (delivery_id, org_id, kind, at, by_user)
        VALUES (NEW.id, NEW.org_id, 'announced', NEW.announced_at, NEW.announced_by);
      ELSIF NEW.status <> OLD.status THEN
        INSERT INTO delivery_events (delivery_id, org_id, kind, at, by_user)
        VALUES (NEW.id, NEW.org_id, NEW.status,
          CASE NEW.status WHEN 'received' THEN NEW.received_at WHEN 'stored' THEN NEW.stored_at
            WHEN 'delivered' THEN NEW.delivered_at WHEN 'collected' THEN NEW.collected_at ELSE NEW.cancelled_at END,
          CASE NEW.status WHEN 'received' THEN NEW.received_by WHEN 'stored' THEN NEW.stored_by
            WHEN 'delivered' THEN NEW.delivered_by WHEN 'collected' THEN NEW.collected_by ELSE NEW.cancelled_by END);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER deliveries_record_event AFTER INSERT OR UPDATE ON deliveries
      FOR EACH ROW EXECUTE FUNCTION deliveries_record_event();

    CREATE FUNCTION delivery_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'delivery events are kept as written' USING HINT = 'delivery_frozen';
    END $$;
    CREATE TRIGGER delivery_events_immutable BEFORE UPDATE OR DELETE ON delivery_events
      FOR EACH ROW EXECUTE FUNCTION delivery_events_immutable();
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TABLE delivery_events;
    DROP TABLE deliveries;
    DROP FUNCTION deliveries_check_insert, deliveries_check_update, deliveries_no_delete, deliveries_record_event, delivery_events_immutable;
    ALTER TABLE sites DROP COLUMN parcel_keep_days;
  `.execute(db);
}
