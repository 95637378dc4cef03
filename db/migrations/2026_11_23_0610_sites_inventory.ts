import { sql, type Kysely } from "kysely";

/** Sites with their currency and VAT, rooms, racks, and each site's price list. */
export async function up(db: Kysely<any>) {
  await sql`
    CREATE EXTENSION IF NOT EXISTS btree_gist;

    CREATE TABLE sites (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{3}$'),
      name text NOT NULL,
      country char(2) NOT NULL,
      time_zone text NOT NULL,
      currency char(3) NOT NULL CHECK (currency IN ('XOF', 'XAF', 'USD', 'EUR', 'CDF')),
      -- VAT in basis points: 1800 = 18 %, 1890 = 18.9 %.
      vat_rate_bp integer NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
      uplink_capacity_mbps integer NOT NULL CHECK (uplink_capacity_mbps >= 0),
      oversubscription_ratio numeric(5, 2) NOT NULL DEFAULT 1 CHECK (oversubscription_ratio >= 1),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE rooms (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('data_hall', 'meet_me_room')),
      UNIQUE (site_id, name)
    );

    CREATE TABLE racks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      room_id uuid NOT NULL REFERENCES rooms (id),
      name text NOT NULL,
      height_u integer NOT NULL CHECK (height_u BETWEEN 1 AND 60),
      power_capacity_w integer NOT NULL CHECK (power_capacity_w > 0),
      feed_a_capacity_w integer NOT NULL CHECK (feed_a_capacity_w > 0),
      feed_b_capacity_w integer NOT NULL CHECK (feed_b_capacity_w > 0),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'maintenance')),
      UNIQUE (room_id, name)
    );

    CREATE TABLE products (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      site_id uuid NOT NULL REFERENCES sites (id),
      kind text NOT NULL CHECK (kind IN (
        'rack_unit', 'half_rack', 'full_rack', 'cage', 'power_commit_kw', 'energy_kwh',
        'bandwidth_commit_mbps', 'bandwidth_overage_mbps', 'cross_connect', 'remote_hands_hour')),
      name_fr text NOT NULL,
      name_en text NOT NULL,
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
      setup_fee_minor bigint NOT NULL DEFAULT 0 CHECK (setup_fee_minor >= 0),
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- One active price per product kind and site.
    CREATE UNIQUE INDEX products_active_kind_key ON products (site_id, kind) WHERE is_active;
  `.execute(db);
}

export async function down(db: Kysely<any>) {
  await sql`DROP TABLE products, racks, rooms, sites`.execute(db);
}
