import { sql, type Kysely } from "kysely";

/**
 * Cross-connect orders (issue 10): a tenant links its space to a carrier in the meet-me room or to
 * another tenant of the same site.
 *
 * - `carriers`: the carriers present at a site, a list the operators keep (unique name per site,
 *   case-insensitive; deactivated rather than deleted, old orders keep theirs).
 * - `cross_connect_orders`: the A side is the ordering organisation and one of its contracts
 *   (composite foreign key `(contract_id, org_id, site_id)`: the contract is the organisation's, at
 *   the order's site). The Z side is a carrier of the same site (`(carrier_id, site_id)`), or another
 *   organisation (never the same one) that accepts in the portal with one of ITS contracts at the
 *   same site (`(z_contract_id, z_org_id, site_id)`). The monthly price, setup fee and currency are
 *   frozen at order time from the site's active `cross_connect` product.
 * - Lifecycle: pending_acceptance (tenant links) → ordered → installed → removal_requested → removed;
 *   pending_acceptance/ordered → rejected (by the Z side or an operator, with a reason) or cancelled.
 *   CHECKs make the dates, reasons and parties of each state mandatory and forbid them elsewhere; a
 *   trigger allows only those moves and freezes the parties, media and prices (HINT
 *   `cross_connect_transition`, `cross_connect_frozen`).
 * - Ports: the operator assigns an A-side and a Z-side port as `port_allocations` rows carrying the
 *   order (`cross_connect_order_id`, `cross_connect_side`), so the one exclusion constraint
 *   `port_allocations_no_sharing` keeps a port to one use on any day. The port's media must be the
 *   order's (HINT `media_mismatch`); the A port is held under the A contract, the Z port under the Z
 *   tenant's contract (or the A contract for a carrier) (HINT `cross_connect_port`). Ports are held
 *   from the day they are assigned; the allocation ends on the removal date.
 * - Errors raised by triggers carry SQLSTATE P0001 and a stable HINT
 *   (app/modules/crossconnects/errors.ts maps them).
 */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE TABLE carriers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      name text NOT NULL CHECK (length(name) BETWEEN 2 AND 80 AND name = btrim(name) AND name !~ '[[:cntrl:]]'),
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT carriers_id_site_key UNIQUE (id, site_id)
    );
    CREATE UNIQUE INDEX carriers_site_name_key ON carriers (site_id, lower(name));

    CREATE TABLE cross_connect_orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organisations (id),
      contract_id uuid NOT NULL,
      site_id uuid NOT NULL REFERENCES sites (id),
      z_kind text NOT NULL CHECK (z_kind IN ('carrier', 'tenant')),
      carrier_id uuid,
      z_org_id uuid REFERENCES organisations (id),
      z_contract_id uuid,
      media text NOT NULL CHECK (media IN ('smf', 'mmf', 'cat6')),
      a_position text NOT NULL CHECK (length(a_position) BETWEEN 1 AND 100 AND a_position = btrim(a_position) AND a_position !~ '[[:cntrl:]]'),
      z_position text CHECK (length(z_position) BETWEEN 1 AND 100 AND z_position = btrim(z_position) AND z_position !~ '[[:cntrl:]]'),
      notes text CHECK (length(notes) <= 1000),
      status text NOT NULL CHECK (status IN ('pending_acceptance', 'ordered', 'rejected', 'installed', 'removal_requested', 'removed', 'cancelled')),
      product_id uuid NOT NULL REFERENCES products (id),
      monthly_price_minor bigint NOT NULL CHECK (monthly_price_minor >= 0),
      setup_fee_minor bigint NOT NULL CHECK (setup_fee_minor >= 0),
      currency char(3) NOT NULL,
      -- A key the order form carries: a second submission of the same form finds the first order.
      client_key uuid,
      requested_by uuid REFERENCES users (id) ON DELETE SET NULL,
      requested_at timestamptz NOT NULL DEFAULT now(),
      accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
      accepted_at timestamptz,
      rejected_side text CHECK (rejected_side IN ('z', 'operator')),
      rejected_by uuid REFERENCES users (id) ON DELETE SET NULL,
      rejected_at timestamptz,
      rejection_reason text CHECK (length(rejection_reason) BETWEEN 1 AND 2000),
      cancelled_by uuid REFERENCES users (id) ON DELETE SET NULL,
      cancelled_at timestamptz,
      ports_assigned_on date,
      ports_assigned_by uuid REFERENCES users (id) ON DELETE SET NULL,
      installed_on date,
      installed_by uuid REFERENCES users (id) ON DELETE SET NULL,
      test_result text CHECK (length(test_result) BETWEEN 1 AND 500 AND test_result !~ '[[:cntrl:]]'),
      removal_requested_side text CHECK (removal_requested_side IN ('a', 'z')),
      removal_requested_by uuid REFERENCES users (id) ON DELETE SET NULL,
      removal_requested_at timestamptz,
      removed_on date,
      removed_by uuid REFERENCES users (id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT cross_connect_orders_contract_fkey FOREIGN KEY (contract_id, org_id, site_id)
        REFERENCES contracts (id, org_id, site_id),
      CONSTRAINT cross_connect_orders_z_contract_fkey FOREIGN KEY (z_contract_id, z_org_id, site_id)
        REFERENCES contracts (id, org_id, site_id),
      CONSTRAINT cross_connect_orders_carrier_fkey FOREIGN KEY (carrier_id, site_id)
        REFERENCES carriers (id, site_id),
      CONSTRAINT cross_connect_orders_client_key UNIQUE (org_id, client_key),
      -- The Z side: a carrier, or another organisation.
      CONSTRAINT cross_connect_orders_z_side CHECK (
        (z_kind = 'carrier' AND carrier_id IS NOT NULL AND z_org_id IS NULL AND z_contract_id IS NULL AND accepted_at IS NULL)
        OR (z_kind = 'tenant' AND carrier_id IS NULL AND z_org_id IS NOT NULL AND z_org_id <> org_id)),
      -- Acceptance by the Z tenant names its contract; only a tenant link waits for it.
      CONSTRAINT cross_connect_orders_acceptance CHECK (
        (z_contract_id IS NULL) = (accepted_at IS NULL)
        AND (status <> 'pending_acceptance' OR (z_kind = 'tenant' AND accepted_at IS NULL AND ports_assigned_on IS NULL))
        AND (z_kind <> 'tenant' OR status NOT IN ('ordered', 'installed', 'removal_requested', 'removed')
             OR (accepted_at IS NOT NULL AND z_position IS NOT NULL))),
      CONSTRAINT cross_connect_orders_rejection CHECK (
        (status = 'rejected') = (rejected_at IS NOT NULL)
        AND (status <> 'rejected' OR (rejection_reason IS NOT NULL AND rejected_side IS NOT NULL))
        AND (rejected_side IS DISTINCT FROM 'z' OR (z_kind = 'tenant' AND accepted_at IS NULL))),
      CONSTRAINT cross_connect_orders_cancellation CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
      -- Installed with a test result, on or after the day its ports were assigned.
      CONSTRAINT cross_connect_orders_installation CHECK (
        (installed_on IS NOT NULL) = (status IN ('installed', 'removal_requested', 'removed'))
        AND (installed_on IS NULL OR (test_result IS NOT NULL AND z_position IS NOT NULL AND ports_assigned_on IS NOT NULL
             AND installed_on >= ports_assigned_on))
        AND (test_result IS NULL OR installed_on IS NOT NULL)),
      CONSTRAINT cross_connect_orders_removal CHECK (
        (status <> 'removal_requested' OR (removal_requested_at IS NOT NULL AND removal_requested_side IS NOT NULL))
        AND (removal_requested_at IS NULL OR status IN ('removal_requested', 'removed'))
        AND ((removed_on IS NOT NULL) = (status = 'removed'))
        AND (removed_on IS NULL OR removed_on >= installed_on))
    );
    CREATE INDEX cross_connect_orders_org_idx ON cross_connect_orders (org_id, requested_at DESC);
    CREATE INDEX cross_connect_orders_z_org_idx ON cross_connect_orders (z_org_id, requested_at DESC) WHERE z_org_id IS NOT NULL;
    CREATE INDEX cross_connect_orders_contract_idx ON cross_connect_orders (contract_id);
    CREATE INDEX cross_connect_orders_open_idx ON cross_connect_orders (requested_at)
      WHERE status IN ('pending_acceptance', 'ordered', 'removal_requested');

    -- Creation: a fresh order of a live contract; a carrier still listed; a Z tenant present at the site.
    CREATE FUNCTION cross_connect_orders_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      today date := site_today(NEW.site_id);
    BEGIN
      IF NEW.status <> (CASE NEW.z_kind WHEN 'tenant' THEN 'pending_acceptance' ELSE 'ordered' END)
         OR NEW.ports_assigned_on IS NOT NULL OR NEW.accepted_at IS NOT NULL THEN
        RAISE EXCEPTION 'a cross-connect order starts as pending_acceptance (tenant) or ordered (carrier)'
          USING HINT = 'cross_connect_transition';
      END IF;
      IF EXISTS (SELECT 1 FROM contracts WHERE id = NEW.contract_id AND end_on < today) THEN
        RAISE EXCEPTION 'contract % has ended', NEW.contract_id USING HINT = 'contract_not_active';
      END IF;
      IF NEW.carrier_id IS NOT NULL AND NOT (SELECT is_active FROM carriers WHERE id = NEW.carrier_id) THEN
        RAISE EXCEPTION 'carrier % is no longer listed', NEW.carrier_id USING HINT = 'carrier_inactive';
      END IF;
      IF NEW.z_org_id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM contracts WHERE org_id = NEW.z_org_id AND site_id = NEW.site_id
              AND (end_on IS NULL OR end_on >= today)) THEN
        RAISE EXCEPTION 'organisation % has no contract at this site', NEW.z_org_id USING HINT = 'wrong_site';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER cross_connect_orders_check_insert BEFORE INSERT ON cross_connect_orders
      FOR EACH ROW EXECUTE FUNCTION cross_connect_orders_check_insert();

    -- Updates: only the lifecycle's moves; parties, media and prices never change.
    CREATE FUNCTION cross_connect_orders_check_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (NEW.org_id, NEW.contract_id, NEW.site_id, NEW.z_kind, NEW.media, NEW.a_position, NEW.product_id,
          NEW.monthly_price_minor, NEW.setup_fee_minor, NEW.currency, NEW.requested_at)
         IS DISTINCT FROM
         (OLD.org_id, OLD.contract_id, OLD.site_id, OLD.z_kind, OLD.media, OLD.a_position, OLD.product_id,
          OLD.monthly_price_minor, OLD.setup_fee_minor, OLD.currency, OLD.requested_at)
         OR NEW.carrier_id IS DISTINCT FROM OLD.carrier_id
         OR NEW.z_org_id IS DISTINCT FROM OLD.z_org_id
         OR NEW.client_key IS DISTINCT FROM OLD.client_key
         OR (NEW.z_contract_id IS DISTINCT FROM OLD.z_contract_id AND OLD.status <> 'pending_acceptance')
         OR (NEW.z_position IS DISTINCT FROM OLD.z_position AND OLD.status NOT IN ('pending_acceptance', 'ordered'))
         OR (NEW.installed_on IS DISTINCT FROM OLD.installed_on AND OLD.installed_on IS NOT NULL)
         OR (NEW.test_result IS DISTINCT FROM OLD.test_result AND OLD.test_result IS NOT NULL)
         OR (NEW.ports_assigned_on IS DISTINCT FROM OLD.ports_assigned_on AND OLD.ports_assigned_on IS NOT NULL)
         OR (NEW.removed_on IS DISTINCT FROM OLD.removed_on AND OLD.removed_on IS NOT NULL) THEN
        RAISE EXCEPTION 'cross-connect order %: frozen fields', OLD.id USING HINT = 'cross_connect_frozen';
      END IF;
      IF NEW.status <> OLD.status AND NOT (
           (OLD.status = 'pending_acceptance' AND NEW.status IN ('ordered', 'rejected', 'cancelled'))
        OR (OLD.status = 'ordered' AND NEW.status IN ('installed', 'rejected', 'cancelled'))
        OR (OLD.status = 'installed' AND NEW.status IN ('removal_requested', 'removed'))
        OR (OLD.status = 'removal_requested' AND NEW.status = 'removed')) THEN
        RAISE EXCEPTION 'cross-connect order %: % → % is not allowed', OLD.id, OLD.status, NEW.status
          USING HINT = 'cross_connect_transition';
      END IF;
      IF NEW.z_contract_id IS NOT NULL AND NEW.z_contract_id IS DISTINCT FROM OLD.z_contract_id
         AND EXISTS (SELECT 1 FROM contracts WHERE id = NEW.z_contract_id AND end_on < site_today(NEW.site_id)) THEN
        RAISE EXCEPTION 'contract % has ended', NEW.z_contract_id USING HINT = 'contract_not_active';
      END IF;
      NEW.updated_at := now();
      RETURN NEW;
    END $$;
    CREATE TRIGGER cross_connect_orders_check_update BEFORE UPDATE ON cross_connect_orders
      FOR EACH ROW EXECUTE FUNCTION cross_connect_orders_check_update();

    CREATE FUNCTION cross_connect_orders_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'cross-connect orders are kept' USING HINT = 'cross_connect_frozen';
    END $$;
    CREATE TRIGGER cross_connect_orders_no_delete BEFORE DELETE ON cross_connect_orders
      FOR EACH ROW EXECUTE FUNCTION cross_connect_orders_no_delete();

    -- Ports of an order: the one exclusion constraint on port_allocations keeps them unshared.
    ALTER TABLE port_allocations
      ADD COLUMN cross_connect_order_id uuid REFERENCES cross_connect_orders (id),
      ADD COLUMN cross_connect_side text CHECK (cross_connect_side IN ('a', 'z')),
      ADD CONSTRAINT port_allocations_cross_connect_side CHECK ((cross_connect_order_id IS NULL) = (cross_connect_side IS NULL)),
      ADD CONSTRAINT port_allocations_cross_connect_key UNIQUE (cross_connect_order_id, cross_connect_side);

    CREATE FUNCTION port_allocations_check_cross_connect() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      o cross_connect_orders%ROWTYPE;
    BEGIN
      IF NEW.cross_connect_order_id IS NULL THEN
        IF TG_OP = 'UPDATE' AND OLD.cross_connect_order_id IS NOT NULL THEN
          RAISE EXCEPTION 'a cross-connect port stays with its order' USING HINT = 'cross_connect_port';
        END IF;
        RETURN NEW;
      END IF;
      SELECT * INTO o FROM cross_connect_orders WHERE id = NEW.cross_connect_order_id;
      IF (SELECT media FROM cross_connect_ports WHERE id = NEW.port_id) <> o.media THEN
        RAISE EXCEPTION 'port media differs from the order''s %', o.media USING HINT = 'media_mismatch';
      END IF;
      IF (NEW.contract_id, NEW.org_id) IS DISTINCT FROM (
           CASE WHEN NEW.cross_connect_side = 'z' AND o.z_kind = 'tenant' THEN o.z_contract_id ELSE o.contract_id END,
           CASE WHEN NEW.cross_connect_side = 'z' AND o.z_kind = 'tenant' THEN o.z_org_id ELSE o.org_id END) THEN
        RAISE EXCEPTION 'the port of side % is held under the wrong contract', NEW.cross_connect_side
          USING HINT = 'cross_connect_port';
      END IF;
      IF (TG_OP = 'INSERT' OR NEW.port_id <> OLD.port_id) AND o.status <> 'ordered' THEN
        RAISE EXCEPTION 'ports are assigned to an ordered cross-connect, not one %', o.status
          USING HINT = 'cross_connect_transition';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER port_allocations_check_cross_connect BEFORE INSERT OR UPDATE ON port_allocations
      FOR EACH ROW EXECUTE FUNCTION port_allocations_check_cross_connect();
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`
    DROP TRIGGER port_allocations_check_cross_connect ON port_allocations;
    DROP FUNCTION port_allocations_check_cross_connect;
    DELETE FROM port_allocations WHERE cross_connect_order_id IS NOT NULL;
    ALTER TABLE port_allocations DROP COLUMN cross_connect_side, DROP COLUMN cross_connect_order_id;
    DROP TABLE cross_connect_orders;
    DROP FUNCTION cross_connect_orders_check_insert, cross_connect_orders_check_update, cross_connect_orders_no_delete;
    DROP TABLE carriers;
  `.execute(db);
}
