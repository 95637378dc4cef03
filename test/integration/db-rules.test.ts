import { sql } from "kysely";
import { createTestDb, type TestDb } from "../support/db";
import { commitBandwidth, createOrg, siteWithRacks } from "../support/factories";
import { capacityErrorOf } from "~/modules/inventory/constraint-errors";
import { dayIn } from "~/utils/dates";

/**
 * The rules the database holds by itself (ADR 008), each proven by writing the bad row directly in
 * SQL, as a bug or a careless script would, and expecting the database to refuse it with a code the
 * application maps (`capacityErrorOf`). Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
let t: TestDb;
let tenant: { id: string };
let other: { id: string };
let ldc: Awaited<ReturnType<typeof siteWithRacks>>;
let kin: Awaited<ReturnType<typeof siteWithRacks>>;

beforeEach(async () => {
  t = await createTestDb({ reference: true });
  tenant = await createOrg(t.db, { name: "Kara Hosting" });
  other = await createOrg(t.db, { name: "Togo Cloud" });
  ldc = await siteWithRacks(t.db, "LDC");
  kin = await siteWithRacks(t.db, "KIN");
});
afterEach(async () => {
  await t.cleanup();
});

const START = "2026-01-01";

async function contract(orgId: string, siteId: string) {
  return t.db
    .insertInto("contracts")
    .values({ org_id: orgId, site_id: siteId, start_on: START, end_on: null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
}

async function port(siteId: string, i = 0) {
  return t.db.selectFrom("cross_connect_ports").select("id").where("site_id", "=", siteId).orderBy("name").offset(i).limit(1).executeTakeFirstOrThrow();
}

const active = (s: typeof ldc, i = 0) => s.racks.filter((r) => r.status === "active")[i];

const refusal = async (write: Promise<unknown>) => {
  try {
    await write;
  } catch (error) {
    return capacityErrorOf(error) ?? `unmapped: ${(error as Error).message}`;
  }
  return "accepted";
};

function allocate(values: { contractId: string; orgId: string; rackId: string; kind?: "units" | "half_rack" | "full_rack"; first: number; last: number; powerW?: number }) {
  return t.db
    .insertInto("allocations")
    .values({
      contract_id: values.contractId,
      org_id: values.orgId,
      rack_id: values.rackId,
      kind: values.kind ?? "units",
      first_u: values.first,
      last_u: values.last,
      start_on: START,
      end_on: null,
      power_w: values.powerW ?? 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

describe("the organisation copied from a contract is the contract's own", () => {
  test("an allocation, a port allocation and a contract change for another organisation are refused", async () => {
    const c = await contract(tenant.id, ldc.site.id);
    const rack = active(ldc);
    expect(await refusal(allocate({ contractId: c.id, orgId: other.id, rackId: rack.id, first: 1, last: 2 }))).toBe("org_mismatch");
    expect(await refusal(allocate({ contractId: c.id, orgId: tenant.id, rackId: rack.id, first: 1, last: 2 }))).toBe("accepted");

    const p = await port(ldc.site.id);
    const portRow = (orgId: string) => t.db.insertInto("port_allocations").values({ contract_id: c.id, org_id: orgId, port_id: p.id, start_on: START, end_on: null }).execute();
    expect(await refusal(portRow(other.id))).toBe("org_mismatch");
    expect(await refusal(portRow(tenant.id))).toBe("accepted");

    const change = (orgId: string) =>
      t.db.insertInto("contract_changes").values({ contract_id: c.id, org_id: orgId, kind: "termination", requested_end_on: "2026-12-31" }).execute();
    expect(await refusal(change(other.id))).toBe("org_mismatch");
    expect(await refusal(change(tenant.id))).toBe("accepted");
  });

  test("moving a row to another organisation, or the contract to another organisation, is refused", async () => {
    const c = await contract(tenant.id, ldc.site.id);
    const a = await allocate({ contractId: c.id, orgId: tenant.id, rackId: active(ldc).id, first: 1, last: 2 });
    expect(await refusal(t.db.updateTable("allocations").set({ org_id: other.id }).where("id", "=", a.id).execute())).toBe("org_mismatch");
    const moved = await refusal(t.db.updateTable("contracts").set({ org_id: other.id }).where("id", "=", c.id).execute());
    expect(moved).not.toBe("accepted");
    expect(await t.db.selectFrom("contracts").select("org_id").where("id", "=", c.id).executeTakeFirstOrThrow()).toEqual({ org_id: tenant.id });
  });
});

describe("what a contract uses is at the contract's site", () => {
  test("a rack of another site is refused, on insert and on a move", async () => {
    const c = await contract(tenant.id, ldc.site.id);
    expect(await refusal(allocate({ contractId: c.id, orgId: tenant.id, rackId: active(kin).id, first: 1, last: 2 }))).toBe("wrong_site");
    const a = await allocate({ contractId: c.id, orgId: tenant.id, rackId: active(ldc).id, first: 1, last: 2 });
    expect(await refusal(t.db.updateTable("allocations").set({ rack_id: active(kin).id }).where("id", "=", a.id).execute())).toBe("wrong_site");
  });

  test("a port of another site is refused, on insert and on a move", async () => {
    const c = await contract(tenant.id, ldc.site.id);
    const kinPort = await port(kin.site.id);
    const ldcPort = await port(ldc.site.id);
    expect(await refusal(t.db.insertInto("port_allocations").values({ contract_id: c.id, org_id: tenant.id, port_id: kinPort.id, start_on: START, end_on: null }).execute())).toBe("wrong_site");
    const pa = await t.db.insertInto("port_allocations").values({ contract_id: c.id, org_id: tenant.id, port_id: ldcPort.id, start_on: START, end_on: null }).returning("id").executeTakeFirstOrThrow();
    expect(await refusal(t.db.updateTable("port_allocations").set({ port_id: kinPort.id }).where("id", "=", pa.id).execute())).toBe("wrong_site");
  });

  test("a meter is attached only to a contract of its own site", async () => {
    const c = await contract(tenant.id, ldc.site.id);
    const meter = (siteId: string, externalId: string) =>
      t.db.insertInto("meters").values({ site_id: siteId, external_id: externalId, kind: "power" }).returning("id").executeTakeFirstOrThrow();
    const kinMeter = await meter(kin.site.id, "KIN-PDU-1");
    const ldcMeter = await meter(ldc.site.id, "LDC-PDU-1");
    const attach = (meterId: string) => t.db.insertInto("meter_attachments").values({ meter_id: meterId, contract_id: c.id, attached_on: START }).returning("id").executeTakeFirstOrThrow();
    expect(await refusal(attach(kinMeter.id))).toBe("wrong_site");
    const ok = await attach(ldcMeter.id);
    const kinContract = await contract(tenant.id, kin.site.id);
    // Re-pointing the attachment to a contract of another site is refused too.
    expect(await refusal(t.db.updateTable("meter_attachments").set({ contract_id: kinContract.id }).where("id", "=", ok.id).execute())).toBe("wrong_site");
  });

  test("a contract never changes site", async () => {
    const c = await contract(tenant.id, ldc.site.id);
    expect(await refusal(t.db.updateTable("contracts").set({ site_id: kin.site.id }).where("id", "=", c.id).execute())).toBe("wrong_site");
  });
});

test("a half rack is exactly the bottom or the top half of its rack, as a full rack is all of it", async () => {
  const c = await contract(tenant.id, ldc.site.id);
  const rack = active(ldc);
  const h = rack.height_u;
  const half = Math.floor(h / 2);
  const halfRack = (first: number, last: number) => allocate({ contractId: c.id, orgId: tenant.id, rackId: rack.id, kind: "half_rack", first, last });
  expect(await refusal(halfRack(5, 5 + half - 1))).toBe("half_rack_units"); // the right size, in the middle
  expect(await refusal(halfRack(1, half - 1))).toBe("half_rack_units"); // too small
  expect(await refusal(halfRack(h - half, h))).toBe("half_rack_units"); // too large
  expect(await refusal(halfRack(1, half))).toBe("accepted");
  expect(await refusal(halfRack(h - half + 1, h))).toBe("accepted");
  expect(await refusal(allocate({ contractId: c.id, orgId: tenant.id, rackId: active(ldc, 1).id, kind: "full_rack", first: 1, last: h - 1 }))).toBe("full_rack_units");
});

describe("maintenance is checked when an allocation is moved, not only when it is created", () => {
  test("a rack in maintenance refuses an allocation moved onto it (another rack or other units), but the allocation on it can end", async () => {
    const c = await contract(tenant.id, ldc.site.id);
    const [a1, a2] = [active(ldc, 0), active(ldc, 1)];
    const moving = await allocate({ contractId: c.id, orgId: tenant.id, rackId: a1.id, first: 1, last: 2 });
    const staying = await allocate({ contractId: c.id, orgId: tenant.id, rackId: a2.id, first: 1, last: 2 });
    await t.db.updateTable("racks").set({ status: "maintenance" }).where("id", "=", a2.id).execute();

    expect(await refusal(t.db.updateTable("allocations").set({ rack_id: a2.id, first_u: 10, last_u: 11 }).where("id", "=", moving.id).execute())).toBe("rack_maintenance");
    expect(await refusal(t.db.updateTable("allocations").set({ first_u: 20, last_u: 21 }).where("id", "=", staying.id).execute())).toBe("rack_maintenance");
    expect(await refusal(t.db.updateTable("allocations").set({ end_on: "2026-06-30" }).where("id", "=", staying.id).execute())).toBe("accepted");
  });

  test("a port in maintenance refuses a port allocation moved onto it", async () => {
    const c = await contract(tenant.id, ldc.site.id);
    const [p1, p2] = [await port(ldc.site.id, 0), await port(ldc.site.id, 1)];
    const pa = await t.db.insertInto("port_allocations").values({ contract_id: c.id, org_id: tenant.id, port_id: p1.id, start_on: START, end_on: null }).returning("id").executeTakeFirstOrThrow();
    await t.db.updateTable("cross_connect_ports").set({ status: "maintenance" }).where("id", "in", [p1.id, p2.id]).execute();
    expect(await refusal(t.db.updateTable("port_allocations").set({ port_id: p2.id }).where("id", "=", pa.id).execute())).toBe("port_maintenance");
    expect(await refusal(t.db.updateTable("port_allocations").set({ end_on: "2026-06-30" }).where("id", "=", pa.id).execute())).toBe("accepted");
  });
});

describe("one notion of today: the site's local date", () => {
  test("every connection runs in UTC", async () => {
    const { rows } = await sql<{ tz: string }>`SELECT current_setting('TimeZone') AS tz`.execute(t.db);
    expect(rows[0].tz).toBe("UTC");
  });

  /**
   * Two sites far from UTC: at any instant at least one of them is not on UTC's calendar day
   * (Kiritimati is UTC+14, Pago Pago UTC−11). On each, an allocation that ended yesterday (site
   * time) no longer holds the rack's capacity, and one that ends today still does.
   */
  test.each(["Pacific/Kiritimati", "Pacific/Pago_Pago"])("capacity edits count allocations from the site's today on (%s)", async (timeZone) => {
    const site = await t.db
      .insertInto("sites")
      .values({ code: timeZone.startsWith("Pacific/K") ? "KIR" : "PPG", name: timeZone, country: "KI", time_zone: timeZone, currency: "USD", vat_rate_bp: 0, uplink_capacity_mbps: 2000, oversubscription_ratio: "1" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const room = await t.db.insertInto("rooms").values({ site_id: site.id, name: "Hall", kind: "data_hall" }).returning("id").executeTakeFirstOrThrow();
    const rack = (name: string) =>
      t.db.insertInto("racks").values({ room_id: room.id, name, height_u: 42, power_capacity_w: 5000, feed_a_capacity_w: 5000, feed_b_capacity_w: 5000 }).returning("id").executeTakeFirstOrThrow();
    const [ended, ending] = [await rack("R1"), await rack("R2")];
    const c = await contract(tenant.id, site.id);

    // The site's today, read around the statements so that a midnight in between cannot mislead.
    const today = dayIn(timeZone);
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const { rows } = await sql<{ d: string }>`SELECT site_today(${site.id}) AS d`.execute(t.db);
    if (rows[0].d !== today || dayIn(timeZone) !== today) return; // the site's midnight fell within the test

    const row = (rackId: string, endOn: string) =>
      t.db.insertInto("allocations").values({ contract_id: c.id, org_id: tenant.id, rack_id: rackId, kind: "units", first_u: 1, last_u: 2, start_on: START, end_on: endOn, power_w: 4000 }).execute();
    await row(ended.id, yesterday);
    await row(ending.id, today);
    const lower = (rackId: string) =>
      t.db.updateTable("racks").set({ power_capacity_w: 3000, feed_a_capacity_w: 3000, feed_b_capacity_w: 3000 }).where("id", "=", rackId).execute();
    expect(await refusal(lower(ended.id))).toBe("accepted");
    expect(await refusal(lower(ending.id))).toBe("power_below_committed");

    // The site's bandwidth: a commitment that ended yesterday at the site no longer counts. Each
    // commitment is a raw contract row and its bandwidth version (the site's product of that kind).
    await t.db.insertInto("products").values({ site_id: site.id, kind: "bandwidth_commit_mbps", name_fr: "Bande passante garantie", name_en: "Committed bandwidth", unit_price_minor: 0 }).execute();
    const commitment = async (endOn: string, mbps: number) => {
      const row = await t.db.insertInto("contracts").values({ org_id: tenant.id, site_id: site.id, start_on: START, end_on: endOn, term_months: 12 }).returning("id").executeTakeFirstOrThrow();
      await commitBandwidth(t.db, row.id, mbps);
    };
    await commitment(yesterday, 800);
    await commitment(today, 400);
    expect(await refusal(t.db.updateTable("sites").set({ uplink_capacity_mbps: 400 }).where("id", "=", site.id).execute())).toBe("accepted");
    expect(await refusal(t.db.updateTable("sites").set({ uplink_capacity_mbps: 300 }).where("id", "=", site.id).execute())).toBe("bandwidth_below_committed");
  });
});
