import type { Currency, ProductKind } from "#db/schema";

/**
 * Reference data every installation starts with: the three sites of PRODUCT.md, their
 * rooms and racks, and each site's price list. Plain constants, no database access:
 * `seeds/index.server.ts` writes them (insert-if-missing), tests and docs can read them.
 *
 * Prices are integers in the site currency's minor units: XOF and XAF have no decimals
 * (1 franc = 1), USD has two (USD 900.00 = 90000).
 */

export interface SeedRack {
  /** "A01", "A02"… unique within its room. */
  name: string;
  height_u: number;
  power_capacity_w: number;
  feed_a_capacity_w: number;
  feed_b_capacity_w: number;
  status: "active" | "maintenance";
}

export interface SeedRoom {
  /** Unique within its site. */
  name: string;
  kind: "data_hall" | "meet_me_room";
  racks: SeedRack[];
  /** Cross-connect ports of a meet-me room, named MMR-01, MMR-02… */
  ports?: number;
}

export interface SeedProduct {
  kind: ProductKind;
  name_fr: string;
  name_en: string;
  unit_price_minor: number;
  setup_fee_minor: number;
}

export interface SeedSite {
  code: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  time_zone: string;
  currency: Currency;
  /** Basis points: 1800 = 18 %, 1890 = 18.9 %. */
  vat_rate_bp: number;
  uplink_capacity_mbps: number;
  /** Allowed oversubscription of the uplink (numeric(5,2) in the database). */
  oversubscription_ratio: number;
  rooms: SeedRoom[];
  products: SeedProduct[];
}

export { PRODUCT_KINDS } from "~/modules/inventory/products";
import { PRODUCT_KINDS } from "~/modules/inventory/products";

/** Product names, identical at every site. */
export const PRODUCT_NAMES: Record<ProductKind, { name_fr: string; name_en: string }> = {
  rack_unit: { name_fr: "Unité de baie (1U, par mois)", name_en: "Rack unit (1U, per month)" },
  half_rack: { name_fr: "Demi-baie (par mois)", name_en: "Half rack (per month)" },
  full_rack: { name_fr: "Baie complète (par mois)", name_en: "Full rack (per month)" },
  cage: { name_fr: "Cage privative (par mois)", name_en: "Private cage (per month)" },
  power_commit_kw: { name_fr: "Puissance souscrite (par kW et par mois)", name_en: "Committed power (per kW per month)" },
  energy_kwh: { name_fr: "Énergie consommée (par kWh)", name_en: "Metered energy (per kWh)" },
  bandwidth_commit_mbps: {
    name_fr: "Bande passante garantie (par Mbit/s et par mois)",
    name_en: "Committed bandwidth (per Mbps per month)",
  },
  bandwidth_overage_mbps: {
    name_fr: "Dépassement de bande passante (par Mbit/s au 95e centile)",
    name_en: "Bandwidth overage (per Mbps at the 95th percentile)",
  },
  cross_connect: { name_fr: "Interconnexion (cross-connect, par mois)", name_en: "Cross-connect (per month)" },
  remote_hands_hour: { name_fr: "Intervention sur site (par heure)", name_en: "Remote hands (per hour)" },
  remote_hands_urgent_hour: { name_fr: "Intervention sur site urgente (par heure)", name_en: "Urgent remote hands (per hour)" },
};

type PriceList = Record<ProductKind, number | { monthly: number; setup: number }>;

function priceList(prices: PriceList): SeedProduct[] {
  return PRODUCT_KINDS.map((kind) => {
    const price = prices[kind];
    const [unit, setup] = typeof price === "number" ? [price, 0] : [price.monthly, price.setup];
    return { kind, ...PRODUCT_NAMES[kind], unit_price_minor: unit, setup_fee_minor: setup };
  });
}

/** Each power feed (A and B) is rated at 1.2× the rack's contracted capacity, rounded to 100 W. */
export const FEED_FACTOR = 1.2;

function rack(name: string, heightU: 42 | 47, kw: number, status: SeedRack["status"] = "active"): SeedRack {
  const capacity = Math.round(kw * 1000);
  const feed = Math.ceil((capacity * FEED_FACTOR) / 100) * 100;
  return {
    name,
    height_u: heightU,
    power_capacity_w: capacity,
    feed_a_capacity_w: feed,
    feed_b_capacity_w: feed,
    status,
  };
}

export const SITES: readonly SeedSite[] = [
  {
    code: "LDC",
    name: "Lomé Data Centre",
    country: "TG",
    time_zone: "Africa/Lome",
    currency: "XOF",
    vat_rate_bp: 1800,
    uplink_capacity_mbps: 10_000,
    oversubscription_ratio: 1.5,
    rooms: [
      {
        name: "Salle A",
        kind: "data_hall",
        racks: [
          rack("A01", 42, 4),
          rack("A02", 42, 4),
          rack("A03", 42, 5),
          rack("A04", 42, 5),
          rack("A05", 47, 6),
          rack("A06", 47, 6),
          rack("A07", 47, 8),
          rack("A08", 42, 4, "maintenance"),
        ],
      },
      {
        name: "Salle B",
        kind: "data_hall",
        racks: [
          rack("B01", 47, 8),
          rack("B02", 47, 8),
          rack("B03", 47, 10),
          rack("B04", 47, 10),
          rack("B05", 42, 6),
          rack("B06", 47, 10, "maintenance"),
        ],
      },
      { name: "Salle de rencontre opérateurs (MMR)", kind: "meet_me_room", racks: [], ports: 24 },
    ],
    products: priceList({
      rack_unit: 15_000,
      half_rack: 250_000,
      full_rack: 450_000,
      cage: 2_400_000,
      power_commit_kw: 45_000,
      energy_kwh: 110,
      bandwidth_commit_mbps: 18_000,
      bandwidth_overage_mbps: 27_000,
      cross_connect: { monthly: 30_000, setup: 75_000 },
      remote_hands_hour: 35_000,
      remote_hands_urgent_hour: 52_500,
    }),
  },
  {
    code: "KIN",
    name: "Centre national de données, Kinshasa",
    country: "CD",
    time_zone: "Africa/Kinshasa",
    currency: "USD",
    vat_rate_bp: 1600,
    uplink_capacity_mbps: 4_000,
    oversubscription_ratio: 2,
    rooms: [
      {
        name: "Salle A",
        kind: "data_hall",
        racks: [
          rack("A01", 42, 4),
          rack("A02", 42, 4),
          rack("A03", 42, 5),
          rack("A04", 47, 6),
          rack("A05", 47, 6),
          rack("A06", 42, 5, "maintenance"),
        ],
      },
      {
        name: "Salle B",
        kind: "data_hall",
        racks: [rack("B01", 47, 8), rack("B02", 47, 8), rack("B03", 47, 10), rack("B04", 42, 6)],
      },
      { name: "Salle de rencontre opérateurs (MMR)", kind: "meet_me_room", racks: [], ports: 16 },
    ],
    // USD cents.
    products: priceList({
      rack_unit: 3_000, // USD 30.00
      half_rack: 50_000, // USD 500.00
      full_rack: 90_000, // USD 900.00
      cage: 480_000, // USD 4,800.00
      power_commit_kw: 9_000, // USD 90.00
      energy_kwh: 22, // USD 0.22
      bandwidth_commit_mbps: 3_500, // USD 35.00
      bandwidth_overage_mbps: 5_250, // USD 52.50
      cross_connect: { monthly: 6_000, setup: 15_000 }, // USD 60.00 + USD 150.00
      remote_hands_hour: 7_500, // USD 75.00
      remote_hands_urgent_hour: 11_250, // USD 112.50
    }),
  },
  {
    // Deliberately small: later demo contracts bring its power close to full.
    code: "BZV",
    name: "Data centre de Brazzaville",
    country: "CG",
    time_zone: "Africa/Brazzaville",
    currency: "XAF",
    vat_rate_bp: 1890,
    uplink_capacity_mbps: 2_000,
    oversubscription_ratio: 1.2,
    rooms: [
      {
        name: "Salle A",
        kind: "data_hall",
        racks: [
          rack("A01", 42, 4),
          rack("A02", 42, 4),
          rack("A03", 42, 5),
          rack("A04", 47, 5),
          rack("A05", 47, 6),
          rack("A06", 42, 4),
          rack("A07", 42, 4, "maintenance"),
          rack("A08", 47, 6),
        ],
      },
      { name: "Salle de rencontre opérateurs (MMR)", kind: "meet_me_room", racks: [], ports: 8 },
    ],
    products: priceList({
      rack_unit: 16_000,
      half_rack: 270_000,
      full_rack: 480_000,
      cage: 2_600_000,
      power_commit_kw: 50_000,
      energy_kwh: 125,
      bandwidth_commit_mbps: 24_000,
      bandwidth_overage_mbps: 36_000,
      cross_connect: { monthly: 32_000, setup: 80_000 },
      remote_hands_hour: 38_000,
      remote_hands_urgent_hour: 57_000,
    }),
  },
];
