import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createTestDb, type TestDb } from "../test/support/db";
import { verifyPassword } from "~/modules/auth/password.server";
import { DEMO_ACCOUNTS, DEMO_OPERATORS, DEMO_ORGS, DEMO_PASSWORD } from "./demo";
import { isEmpty, seed } from "./index.server";

// The `products.kind` check of the sites_inventory migration, written out independently.
const ALL_KINDS = [
  "rack_unit",
  "half_rack",
  "full_rack",
  "cage",
  "power_commit_kw",
  "energy_kwh",
  "bandwidth_commit_mbps",
  "bandwidth_overage_mbps",
  "cross_connect",
  "remote_hands_hour",
  "remote_hands_urgent_hour",
];

const TABLES = ["sites", "rooms", "racks", "products", "organisations", "users", "memberships", "cross_connect_ports", "contracts", "allocations", "requests"] as const;

async function counts(db: Kysely<Database>) {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

describe("seed with demo data", () => {
  let t: TestDb;
  let first: Record<string, number>;
  let second: Record<string, number>;
  let secondResult: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    t = await createTestDb();
    expect(await isEmpty(t.db)).toBe(true);
    await seed(t.db, { demo: true, nodeEnv: "test" });
    first = await counts(t.db);
    secondResult = await seed(t.db, { demo: true, nodeEnv: "test" });
    second = await counts(t.db);
  });
  afterAll(() => t.cleanup());

  it("is idempotent: a second run creates nothing and leaves identical counts", () => {
    expect(second).toEqual(first);
    expect(secondResult).toEqual({
      sites: 0, rooms: 0, racks: 0, products: 0, organisations: 0, users: 0, memberships: 0, ports: 0, contracts: 0, requests: 0, samples: 0, demo: true,
    });
    expect(first.sites).toBe(3);
    expect(first.contracts).toBe(7);
    expect(first.cross_connect_ports).toBe(48);
    expect(first.users).toBe(DEMO_ACCOUNTS.length);
  });

  it("marks the database as no longer empty", async () => {
    expect(await isEmpty(t.db)).toBe(false);
  });

  it("creates the three sites with their currency, VAT and time zone", async () => {
    const sites = await t.db
      .selectFrom("sites")
      .select(["code", "name", "country", "time_zone", "currency", "vat_rate_bp", "uplink_capacity_mbps", "oversubscription_ratio"])
      .orderBy("code")
      .execute();
    expect(sites.map(({ code, country, time_zone, currency, vat_rate_bp }) => ({ code, country, time_zone, currency, vat_rate_bp }))).toEqual([
      { code: "BZV", country: "CG", time_zone: "Africa/Brazzaville", currency: "XAF", vat_rate_bp: 1890 },
      { code: "KIN", country: "CD", time_zone: "Africa/Kinshasa", currency: "USD", vat_rate_bp: 1600 },
      { code: "LDC", country: "TG", time_zone: "Africa/Lome", currency: "XOF", vat_rate_bp: 1800 },
    ]);
    expect(sites.find((s) => s.code === "LDC")!.name).toBe("Lomé Data Centre");
    expect(sites.find((s) => s.code === "KIN")!.name).toBe("Centre national de données, Kinshasa");
    expect(sites.find((s) => s.code === "BZV")!.name).toBe("Data centre de Brazzaville");
    for (const s of sites) {
      expect(s.uplink_capacity_mbps).toBeGreaterThan(0);
      expect(Number(s.oversubscription_ratio)).toBeGreaterThanOrEqual(1);
    }
  });

  it("gives every site an active product of every kind, named in French and English", async () => {
    const products = await t.db
      .selectFrom("products")
      .innerJoin("sites", "sites.id", "products.site_id")
      .select(["sites.code", "products.kind", "products.name_fr", "products.name_en"])
      .where("products.is_active", "=", true)
      .execute();
    for (const code of ["LDC", "KIN", "BZV"]) {
      const ofSite = products.filter((p) => p.code === code);
      expect(ofSite.map((p) => p.kind).sort()).toEqual([...ALL_KINDS].sort());
      for (const p of ofSite) {
        expect(p.name_fr.trim()).not.toBe("");
        expect(p.name_en.trim()).not.toBe("");
      }
    }
  });

  it("prices every product in whole, non-negative minor units", async () => {
    const products = await t.db
      .selectFrom("products")
      .innerJoin("sites", "sites.id", "products.site_id")
      .select(["sites.code", "sites.currency", "products.kind", "products.unit_price_minor", "products.setup_fee_minor"])
      .execute();
    for (const p of products) {
      expect(Number.isSafeInteger(p.unit_price_minor), `${p.code} ${p.kind}`).toBe(true);
      expect(Number.isSafeInteger(p.setup_fee_minor), `${p.code} ${p.kind}`).toBe(true);
      expect(p.unit_price_minor).toBeGreaterThan(0);
      expect(p.setup_fee_minor).toBeGreaterThanOrEqual(0);
    }
    const price = (code: string, kind: string) => products.find((p) => p.code === code && p.kind === kind)!;
    expect(price("KIN", "full_rack").unit_price_minor).toBe(90_000); // USD 900.00 in cents
    expect(price("LDC", "cross_connect").setup_fee_minor).toBeGreaterThan(0);
  });

  it("rates both power feeds of every rack at least at its capacity", async () => {
    const racks = await t.db
      .selectFrom("racks")
      .innerJoin("rooms", "rooms.id", "racks.room_id")
      .innerJoin("sites", "sites.id", "rooms.site_id")
      .select(["sites.code", "rooms.kind as roomKind", "racks.name", "racks.height_u", "racks.power_capacity_w", "racks.feed_a_capacity_w", "racks.feed_b_capacity_w", "racks.status"])
      .execute();
    for (const r of racks) {
      expect(r.feed_a_capacity_w, `${r.code} ${r.name}`).toBeGreaterThanOrEqual(r.power_capacity_w);
      expect(r.feed_b_capacity_w, `${r.code} ${r.name}`).toBeGreaterThanOrEqual(r.power_capacity_w);
      expect(r.height_u).toBeGreaterThanOrEqual(42);
      expect(r.height_u).toBeLessThanOrEqual(48);
    }
    for (const code of ["LDC", "KIN", "BZV"]) {
      const ofSite = racks.filter((r) => r.code === code);
      expect(ofSite.length).toBeGreaterThanOrEqual(8);
      expect(ofSite.length).toBeLessThanOrEqual(16);
      expect(ofSite.some((r) => r.status === "maintenance")).toBe(true);
    }
    const rooms = await t.db.selectFrom("rooms").innerJoin("sites", "sites.id", "rooms.site_id").select(["sites.code", "rooms.kind"]).execute();
    for (const code of ["LDC", "KIN", "BZV"]) {
      expect(rooms.filter((r) => r.code === code && r.kind === "meet_me_room")).toHaveLength(1);
      expect(rooms.some((r) => r.code === code && r.kind === "data_hall")).toBe(true);
    }
  });

  it("creates every demo account with its role and organisation, verified", async () => {
    const users = await t.db
      .selectFrom("users")
      .leftJoin("memberships", "memberships.user_id", "users.id")
      .leftJoin("organisations", "organisations.id", "memberships.org_id")
      .select(["users.email", "users.email_verified_at", "users.operator_role", "memberships.role", "organisations.name as org"])
      .execute();
    for (const account of DEMO_ACCOUNTS) {
      const u = users.find((x) => x.email === account.email);
      expect(u, account.email).toBeDefined();
      expect(u!.email_verified_at).toBeInstanceOf(Date);
      expect(u!.org).toBe(account.org);
      expect(u!.role ?? u!.operator_role).toBe(account.role);
    }
    // Operators belong to no organisation; tenants have no operator role.
    for (const op of DEMO_OPERATORS) expect(users.find((u) => u.email === op.email)!.role).toBeNull();
    expect(users.filter((u) => u.role !== null && u.operator_role !== null)).toEqual([]);

    const orgs = await t.db.selectFrom("organisations").selectAll().execute();
    expect(orgs).toHaveLength(DEMO_ORGS.length);
    expect(orgs.map((o) => o.status).sort()).toEqual(["pending", "verified", "verified"]);
    const agency = orgs.find((o) => o.kind === "agency")!;
    expect(agency).toMatchObject({ country: "CD", is_vat_exempt: true, payment_terms_days: 60 });
    const kossi = orgs.find((o) => o.name === "Kossi Digital SARL")!;
    expect(kossi).toMatchObject({ country: "TG", status: "verified", is_vat_exempt: false, payment_terms_days: 30 });
    for (const org of DEMO_ORGS.filter((o) => o.status === "verified")) {
      expect(org.members.map((m) => m.role).sort()).toEqual(["admin", "billing", "owner", "technical", "viewer"]);
    }
  });

  it("stores an Argon2id hash the demo password verifies against", async () => {
    const hashes = await t.db.selectFrom("users").select("password_hash").distinct().execute();
    expect(hashes).toHaveLength(1); // hashed once for all demo users
    const hash = hashes[0].password_hash;
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, "wrong-password")).toBe(false);
  });
});

describe("seed in production", () => {
  let t: TestDb;
  const saved = process.env.NODE_ENV;

  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.cleanup());
  afterEach(() => {
    if (saved === undefined) Reflect.deleteProperty(process.env, "NODE_ENV");
    else process.env.NODE_ENV = saved;
  });

  it("refuses demo accounts with NODE_ENV=production and writes nothing", async () => {
    process.env.NODE_ENV = "production";
    await expect(seed(t.db, { demo: true })).rejects.toThrow(/demo accounts are never seeded in production/);
    expect(await isEmpty(t.db)).toBe(true);
    expect((await counts(t.db)).users).toBe(0);
  });

  it("still seeds reference data without demo accounts", async () => {
    process.env.NODE_ENV = "production";
    const result = await seed(t.db, { demo: false });
    expect(result).toMatchObject({ sites: 3, organisations: 0, users: 0, memberships: 0, demo: false });
    const c = await counts(t.db);
    expect(c).toMatchObject({ sites: 3, organisations: 0, users: 0, memberships: 0, contracts: 0, requests: 0 });
    expect(c.products).toBe(3 * ALL_KINDS.length);
  });

  it("refuses a production override passed in explicitly", async () => {
    await expect(seed(t.db, { demo: true, nodeEnv: "production" })).rejects.toThrow(/never seeded in production/);
  });
});

describe("demo contracts", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await seed(t.db, { demo: true, nodeEnv: "test" });
  });
  afterAll(() => t.cleanup());

  it("leave one request pending and one rejected, and Brazzaville close to full in power", async () => {
    const statuses = await t.db.selectFrom("requests").select("status").execute();
    expect(statuses.filter((r) => r.status === "pending")).toHaveLength(1);
    expect(statuses.filter((r) => r.status === "rejected")).toHaveLength(1);
    const bzv = await t.db
      .selectFrom("racks as r")
      .innerJoin("rooms as m", "m.id", "r.room_id")
      .innerJoin("sites as s", "s.id", "m.site_id")
      .leftJoin("allocations as a", "a.rack_id", "r.id")
      .select(["r.id", "r.power_capacity_w", "r.feed_a_capacity_w", "r.feed_b_capacity_w", "a.power_w"])
      .where("s.code", "=", "BZV")
      .where("r.status", "=", "active")
      .execute();
    const usable = new Map(bzv.map((r) => [r.id, Math.min(r.power_capacity_w, r.feed_a_capacity_w, r.feed_b_capacity_w)]));
    const total = [...usable.values()].reduce((a, b) => a + b, 0);
    const committed = bzv.reduce((s, r) => s + (r.power_w ?? 0), 0);
    expect(committed / total).toBeGreaterThan(0.85);
    expect(committed).toBeLessThanOrEqual(total);
  });
});

describe("demo termination and moved meter", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await seed(t.db, { demo: true, nodeEnv: "test", now: new Date("2026-12-01T12:00:00Z") });
  });
  afterAll(() => t.cleanup());

  it("the agency's Lomé contract ended on 15 November by an applied termination; its port's meter measures Kossi Digital's rack from the 16th", async () => {
    const { contractMeters } = await import("~/modules/metering/meters.server");
    const { monthPeriod } = await import("~/modules/metering/usage.server");
    const ended = await t.db
      .selectFrom("contracts as c")
      .innerJoin("organisations as o", "o.id", "c.org_id")
      .innerJoin("sites as s", "s.id", "c.site_id")
      .select(["c.id", "c.end_on", "o.name"])
      .where("c.end_on", "is not", null)
      .execute();
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ end_on: "2026-11-15", name: "Agence nationale des systèmes d'information (ANSI)" });
    const change = await t.db.selectFrom("contract_changes").select(["status", "requested_end_on"]).where("contract_id", "=", ended[0].id).execute();
    expect(change).toEqual([{ status: "applied", requested_end_on: "2026-11-15" }]);
    expect(await t.db.selectFrom("allocations").select("end_on").where("contract_id", "=", ended[0].id).execute()).toEqual([{ end_on: "2026-11-15" }]);

    // One meter with two attachments: the agency's contract until the 15th, Kossi Digital's from the 16th.
    const attachments = await t.db
      .selectFrom("meter_attachments as a")
      .innerJoin("meters as m", "m.id", "a.meter_id")
      .innerJoin("contracts as c", "c.id", "a.contract_id")
      .innerJoin("organisations as o", "o.id", "c.org_id")
      .select(["m.external_id", "a.contract_id", "a.attached_on", "a.detached_on", "o.name"])
      .where("a.meter_id", "in", (eb) => eb.selectFrom("meter_attachments").select("meter_id").groupBy("meter_id").having((eb) => eb.fn.countAll(), ">", 1))
      .orderBy("a.attached_on")
      .execute();
    expect(attachments.map((a) => [a.name.slice(0, 5), a.attached_on, a.detached_on])).toEqual([
      ["Agenc", "2026-09-15", "2026-11-15"],
      ["Kossi", "2026-11-16", null],
    ]);
    const [before, after] = attachments;
    expect(before.external_id).toMatch(/^LDC-DEMO-SW-/);
    // Each contract reads the moved meter over its own days of November only, with samples on both sides.
    const november = await monthPeriod(t.db, "2026-11", "Africa/Lome");
    const windowOf = async (contractId: string) => (await contractMeters(t.db, contractId, november, "Africa/Lome")).find((m) => m.external_id === before.external_id)!;
    const a = await windowOf(before.contract_id);
    const b = await windowOf(after.contract_id);
    expect([a.from.toISOString(), a.to.toISOString()]).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-16T00:00:00.000Z"]);
    expect([b.from.toISOString(), b.to.toISOString()]).toEqual(["2026-11-16T00:00:00.000Z", "2026-12-01T00:00:00.000Z"]);
    const samplesIn = async (w: { from: Date; to: Date }) =>
      Number((await t.db.selectFrom("samples as s").innerJoin("meters as m", "m.id", "s.meter_id").select((eb) => eb.fn.countAll().as("n")).where("m.external_id", "=", before.external_id).where("s.at", ">=", w.from).where("s.at", "<", w.to).executeTakeFirstOrThrow()).n);
    expect(await samplesIn(a)).toBe(15 * 288 * 2); // 1–15 November, in and out every 5 minutes
    expect(await samplesIn(b)).toBe(15 * 288 * 2); // 16–30 November
  });

  it("creates the meter the README's collector example pushes to (LDC-DEMO-PDU-5, Kossi Digital at Lomé)", async () => {
    const row = await t.db
      .selectFrom("meters as m")
      .innerJoin("sites as s", "s.id", "m.site_id")
      .innerJoin("meter_attachments as a", "a.meter_id", "m.id")
      .innerJoin("contracts as c", "c.id", "a.contract_id")
      .innerJoin("organisations as o", "o.id", "c.org_id")
      .select(["s.code", "m.kind", "o.name", "a.detached_on"])
      .where("m.external_id", "=", "LDC-DEMO-PDU-5")
      .execute();
    expect(row).toEqual([{ code: "LDC", kind: "power", name: "Kossi Digital SARL", detached_on: null }]);
  });
});

describe("demo usage", () => {
  it("is realistic: a daily pattern, a counter reset, and a burst above the commit last month", async () => {
    const { synthesize } = await import("./demo-usage");
    const from = new Date("2026-10-01T00:00:00Z");
    const to = new Date("2026-11-01T00:00:00Z");
    const { power, bandwidth } = synthesize({
      seed: 1,
      timeZone: "Africa/Lome",
      from,
      to,
      powerCommitW: 2000,
      bandwidthCommitMbps: 50,
      counterStartKwh: 100,
      counterResetAt: new Date("2026-10-10T00:00:00Z"),
      burst: { from: new Date("2026-10-18T00:00:00Z"), to: new Date("2026-10-20T12:00:00Z") },
    });
    expect(bandwidth.filter((s) => s.metric === "bw_in_mbps")).toHaveLength(31 * 288);
    expect(power.filter((s) => s.metric === "energy_kwh")).toHaveLength(31 * 96);
    // 95th percentile of max(in, out) per instant, above the 50 Mbps commit because of the burst.
    const perInstant = new Map<number, number>();
    for (const s of bandwidth) perInstant.set(s.at.getTime(), Math.max(perInstant.get(s.at.getTime()) ?? 0, Number(s.value)));
    const sorted = [...perInstant.values()].sort((a, b) => a - b);
    expect(sorted[Math.ceil((sorted.length * 95) / 100) - 1]).toBeGreaterThan(50);
    // Without the burst, traffic stays under the commit.
    expect(sorted.filter((v) => v > 50).length).toBe(720);
    // The counter drops once (the reset) and otherwise only grows.
    const energy = power.filter((s) => s.metric === "energy_kwh").map((s) => Number(s.value));
    expect(energy.slice(1).filter((v, i) => v < energy[i])).toHaveLength(1);
    // Afternoons draw more than nights.
    const watts = (hour: number) => power.filter((s) => s.metric === "power_w" && s.at.getUTCHours() === hour).reduce((a, s) => a + Number(s.value), 0);
    expect(watts(14)).toBeGreaterThan(watts(2));
  });
});
