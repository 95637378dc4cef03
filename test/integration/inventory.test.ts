import { createTestDb, type TestDb } from "../support/db";
import { body, call, formRequest, getRequest } from "../support/http";
import { commitBandwidth, count, createOrg, signedIn } from "../support/factories";
import { t } from "~/i18n";
import { decimalToMinor } from "~/modules/inventory/schemas.server";
import { loader as sitesLoader } from "~/routes/ops.sites._index";
import { loader as siteLayoutLoader } from "~/routes/ops.sites.$siteCode";
import { loader as dashboardLoader } from "~/routes/ops.sites.$siteCode._index";
import { action as rackAction, loader as rackLoader } from "~/routes/ops.sites.$siteCode.racks.$rackId";
import { action as inventoryAction, loader as inventoryLoader } from "~/routes/ops.sites.$siteCode.inventory";
import { action as pricesAction, loader as pricesLoader } from "~/routes/ops.sites.$siteCode.prices";

let t_: TestDb;
const db = () => t_.db;

beforeEach(async () => {
  t_ = await createTestDb({ reference: true });
});
afterEach(async () => {
  await t_.cleanup();
});

async function siteId(code: string) {
  return (await db().selectFrom("sites").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
}

async function rackOf(code: string, room: string, name: string) {
  return db()
    .selectFrom("racks as r")
    .innerJoin("rooms as m", "m.id", "r.room_id")
    .innerJoin("sites as s", "s.id", "m.site_id")
    .select(["r.id", "r.room_id", "r.name", "r.height_u", "r.power_capacity_w", "r.feed_a_capacity_w", "r.feed_b_capacity_w", "r.status"])
    .where("s.code", "=", code)
    .where("m.name", "=", room)
    .where("r.name", "=", name)
    .executeTakeFirstOrThrow();
}

async function productOf(code: string, kind: "half_rack" | "rack_unit" | "full_rack") {
  return db()
    .selectFrom("products as p")
    .innerJoin("sites as s", "s.id", "p.site_id")
    .select(["p.id", "p.unit_price_minor", "p.setup_fee_minor", "p.name_fr", "p.name_en", "p.is_active"])
    .where("s.code", "=", code)
    .where("p.kind", "=", kind)
    .where("p.is_active", "=", true)
    .executeTakeFirstOrThrow();
}

/** A tenant with an open-ended contract at a site and, optionally, units in a rack (inserted directly). */
async function occupy(opts: {
  code: string;
  rackId?: string;
  firstU?: number;
  lastU?: number;
  powerW?: number;
  bandwidthMbps?: number;
  orgName?: string;
}) {
  const org = await createOrg(db(), { name: opts.orgName ?? "Kossi Digital SARL" });
  const contract = await db()
    .insertInto("contracts")
    .values({
      org_id: org.id,
      site_id: await siteId(opts.code),
      start_on: "2020-01-01",
      term_months: 12,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (opts.bandwidthMbps) await commitBandwidth(db(), contract.id, opts.bandwidthMbps);
  if (opts.rackId) {
    await db()
      .insertInto("allocations")
      .values({
        contract_id: contract.id,
        org_id: org.id,
        rack_id: opts.rackId,
        kind: "units",
        first_u: opts.firstU ?? 1,
        last_u: opts.lastU ?? 10,
        start_on: "2020-01-01",
        power_w: opts.powerW ?? 0,
      })
      .execute();
  }
  return { org, contractId: contract.id };
}

const rackForm = (rack: Awaited<ReturnType<typeof rackOf>>, changes: Record<string, string> = {}) => ({
  name: rack.name,
  heightU: String(rack.height_u),
  powerCapacityW: String(rack.power_capacity_w),
  feedAW: String(rack.feed_a_capacity_w),
  feedBW: String(rack.feed_b_capacity_w),
  status: rack.status,
  ...changes,
});

test("exact decimal strings become integer minor units; anything else is refused", () => {
  expect(decimalToMinor("900.00", 2)).toEqual({ ok: true, minor: 90000 });
  expect(decimalToMinor("900", 2)).toEqual({ ok: true, minor: 90000 });
  expect(decimalToMinor("0.5", 2)).toEqual({ ok: true, minor: 50 });
  expect(decimalToMinor("52,50", 2)).toEqual({ ok: true, minor: 5250 });
  expect(decimalToMinor("0.07", 2)).toEqual({ ok: true, minor: 7 }); // 0.07 * 100 is 7.000000000000001 in floating point
  expect(decimalToMinor("450000", 0)).toEqual({ ok: true, minor: 450000 });
  expect(decimalToMinor("12.5", 0)).toEqual({ ok: false, error: "inventory.error.amountNoDecimals" });
  expect(decimalToMinor("1.005", 2)).toEqual({ ok: false, error: "inventory.error.amountTooManyDecimals" });
  for (const bad of ["1 250 000", "1,250,000", "-5", "12.", ".5", "1e3", "abc", ""]) {
    expect(decimalToMinor(bad, 2), bad).toEqual({ ok: false, error: "inventory.error.amountFormat" });
  }
  expect(decimalToMinor("99999999999999999", 0)).toEqual({ ok: false, error: "inventory.error.amountTooLarge" });
});

test("every operator reads the sites' capacity today; the numbers match a hand computation", async () => {
  const a01 = await rackOf("LDC", "Salle A", "A01");
  const { org } = await occupy({ code: "LDC", rackId: a01.id, firstU: 1, lastU: 10, powerW: 1500, bandwidthMbps: 600 });
  // Feed B of B05 (6 kW rack) rated below its capacity: its usable power is the feed's 5000 W.
  const b05 = await rackOf("LDC", "Salle B", "B05");
  await db().updateTable("racks").set({ feed_b_capacity_w: 5000 }).where("id", "=", b05.id).execute();

  const finance = await signedIn(db(), { operatorRole: "ops_finance" });
  const list = await call(sitesLoader, getRequest("/ops/sites", { cookie: finance.cookie }));
  expect(list.status).toBe(200);
  const { sites } = await body(list);
  expect(sites.map((s: { code: string }) => s.code)).toEqual(["BZV", "KIN", "LDC"]);
  const ldc = sites.find((s: { code: string }) => s.code === "LDC");
  // Active racks of LDC: A01–A07 (4×42 + 3×47 U; 4+4+5+5+6+6+8 kW) and B01–B05 (4×47 + 42 U; 8+8+10+10+6 kW, B05 limited to 5 kW by feed B).
  expect(ldc.space).toEqual({ usedU: 10, totalU: 309 + 230, freeRacks: 11, activeRacks: 12, maintenanceRacks: 2 });
  expect(ldc.power).toEqual({ committedW: 1500, usableW: 38_000 + 41_000 });
  // 10 000 Mbps × 1.5
  expect(ldc.bandwidth).toMatchObject({ committedMbps: 600, sellableMbps: 15_000, uplinkMbps: 10_000, ratio: "1.50" });
  expect(ldc.currency).toBe("XOF");

  // The site dashboard, with the code in lower case.
  const noc = await signedIn(db(), { operatorRole: "ops_noc" });
  const res = await call(dashboardLoader, getRequest("/ops/sites/ldc", { cookie: noc.cookie }), { siteCode: "ldc" });
  expect(res.status).toBe(200);
  const { dashboard } = await body(res);
  expect(dashboard.space).toEqual(ldc.space);
  expect(dashboard.power).toEqual(ldc.power);
  const salleA = dashboard.rooms.find((r: { name: string }) => r.name === "Salle A");
  expect(salleA.racks.find((r: { name: string }) => r.name === "A01")).toMatchObject({
    usedU: 10,
    heightU: 42,
    largestFreeRun: 32,
    committedW: 1500,
    usableW: 4000,
    tenants: [org.name],
  });
  const salleB = dashboard.rooms.find((r: { name: string }) => r.name === "Salle B");
  expect(salleB.racks.find((r: { name: string }) => r.name === "B05")).toMatchObject({ usableW: 5000, feedBW: 5000, powerCapacityW: 6000 });
  expect(dashboard.rooms.find((r: { kind: string }) => r.kind === "meet_me_room").racks).toEqual([]);
});

test("the rack elevation lists what occupies the rack; a rack of another site, unknown ids and codes are 404", async () => {
  const a01 = await rackOf("LDC", "Salle A", "A01");
  await occupy({ code: "LDC", rackId: a01.id, firstU: 5, lastU: 12, powerW: 800, orgName: "Agence nationale" });
  const admin = await signedIn(db(), { operatorRole: "ops_admin" });
  const res = await call(rackLoader, getRequest(`/ops/sites/LDC/racks/${a01.id}`, { cookie: admin.cookie }), { siteCode: "LDC", rackId: a01.id });
  expect(res.status).toBe(200);
  const page = await body(res);
  expect(page.rack).toMatchObject({ name: "A01", heightU: 42, usedU: 8, committedW: 800, usableW: 4000 });
  expect(page.allocations).toEqual([expect.objectContaining({ orgName: "Agence nationale", firstU: 5, lastU: 12, powerW: 800, kind: "units" })]);
  expect(page.committedAheadW).toBe(800);
  expect(page.highestAllocatedU).toBe(12);
  expect(page.canManage).toBe(true);

  const kinRack = await rackOf("KIN", "Salle A", "A01");
  const get = (code: string, rackId: string) =>
    call(rackLoader, getRequest(`/ops/sites/${code}/racks/${rackId}`, { cookie: admin.cookie }), { siteCode: code, rackId });
  expect((await get("LDC", kinRack.id)).status).toBe(404);
  expect((await get("KIN", kinRack.id)).status).toBe(200);
  expect((await get("LDC", "00000000-0000-0000-0000-000000000000")).status).toBe(404);
  expect((await get("LDC", "not-a-uuid")).status).toBe(404);
  expect((await get("XYZ", a01.id)).status).toBe(404);
  // Posting to a rack of another site is 404 too, and writes nothing.
  const post = await call(
    rackAction,
    formRequest(`/ops/sites/LDC/racks/${kinRack.id}`, rackForm(kinRack, { name: "Z99" }), { cookie: admin.cookie }),
    {
      siteCode: "LDC",
      rackId: kinRack.id,
    },
  );
  expect(post.status).toBe(404);
  expect((await rackOf("KIN", "Salle A", "A01")).name).toBe("A01");

  for (const [loader, code] of [
    [siteLayoutLoader, "XYZ"],
    [dashboardLoader, "XYZ"],
    [dashboardLoader, "L1"],
    [dashboardLoader, "'; drop table sites; --"],
    [inventoryLoader, "ABC"],
    [pricesLoader, "ZZZ"],
  ] as const) {
    expect((await call(loader, getRequest(`/ops/sites/x`, { cookie: admin.cookie }), { siteCode: code })).status, code).toBe(404);
  }
});

test("a NOC updates a rack; the audit log records before and after", async () => {
  const a02 = await rackOf("LDC", "Salle A", "A02");
  await occupy({ code: "LDC", rackId: a02.id, firstU: 1, lastU: 4, powerW: 1500 });
  const noc = await signedIn(db(), { operatorRole: "ops_noc", email: "noc@ops.example.test" });
  const res = await call(
    rackAction,
    formRequest(`/ops/sites/LDC/racks/${a02.id}`, rackForm(a02, { name: "A02-bis", powerCapacityW: "3500", status: "maintenance" }), {
      cookie: noc.cookie,
    }),
    { siteCode: "LDC", rackId: a02.id },
    "10.9.8.7",
  );
  expect(res.status).toBe(200);
  expect((await body(res)).notice).toBe("inventory.rack.saved");
  const after = await db().selectFrom("racks").selectAll().where("id", "=", a02.id).executeTakeFirstOrThrow();
  expect(after).toMatchObject({ name: "A02-bis", power_capacity_w: 3500, status: "maintenance", height_u: 42 });
  const log = await db().selectFrom("audit_log").selectAll().execute();
  expect(log).toHaveLength(1);
  expect(log[0]).toMatchObject({
    action: "inventory.rack_updated",
    entity_type: "rack",
    entity_id: a02.id,
    actor_email: "noc@ops.example.test",
    ip: "10.9.8.7",
    before: { name: "A02", power_capacity_w: 4000, status: "active" },
    after: { name: "A02-bis", power_capacity_w: 3500, status: "maintenance" },
  });
});

test("lowering a rack's power or height below what is committed is refused with the message, and nothing changes", async () => {
  const a03 = await rackOf("LDC", "Salle A", "A03");
  await occupy({ code: "LDC", rackId: a03.id, firstU: 30, lastU: 40, powerW: 1500 });
  const admin = await signedIn(db(), { operatorRole: "ops_admin" });
  const post = (changes: Record<string, string>) =>
    call(rackAction, formRequest(`/ops/sites/LDC/racks/${a03.id}`, rackForm(a03, changes), { cookie: admin.cookie }), {
      siteCode: "LDC",
      rackId: a03.id,
    });

  const power = await post({ powerCapacityW: "1000", name: "A03-renamed" });
  expect(power.status).toBe(409);
  const powerData = await body(power);
  expect(powerData.formError).toBe("inventory.rack.powerBelowCommitted");
  expect(powerData.formVars).toEqual({ committed: 1500 });
  expect(powerData.errors).toEqual({ powerCapacityW: "inventory.error.belowCommittedPower" });
  expect(t("fr", powerData.formError, powerData.formVars)).toContain("1500 W sont déjà souscrits");
  expect(t("en", powerData.formError, powerData.formVars)).toContain("1500 W are already committed");

  // One feed alone below the commitment is enough to refuse (usable = min of the three).
  const feed = await post({ feedBW: "1200" });
  expect(feed.status).toBe(409);
  expect((await body(feed)).errors).toEqual({ feedBW: "inventory.error.belowCommittedPower" });

  const height = await post({ heightU: "36" });
  expect(height.status).toBe(409);
  const heightData = await body(height);
  expect(heightData).toMatchObject({
    formError: "inventory.rack.unitsBelowAllocated",
    formVars: { highest: 40 },
    errors: { heightU: "inventory.error.belowAllocatedUnits" },
  });

  expect(await rackOf("LDC", "Salle A", "A03")).toEqual(a03);
  expect(await count(db(), "audit_log")).toBe(0);

  // Bad input: 400 beside the field, nothing written.
  const bad = await post({ heightU: "61", feedAW: "12.5", powerCapacityW: "" });
  expect(bad.status).toBe(400);
  expect((await body(bad)).errors).toEqual({
    heightU: "inventory.error.heightRange",
    feedAW: "inventory.error.wholeNumber",
    powerCapacityW: "error.required",
  });

  // At the commitment exactly, it is accepted.
  const exact = await post({ powerCapacityW: "1500", heightU: "40" });
  expect(exact.status).toBe(200);
  expect(await rackOf("LDC", "Salle A", "A03")).toMatchObject({ power_capacity_w: 1500, height_u: 40 });
});

test("prices: exact decimals in the site currency, refused otherwise; frozen contract prices never move", async () => {
  const admin = await signedIn(db(), { operatorRole: "ops_admin" });
  const kinHalf = await productOf("KIN", "half_rack");
  const { contractId } = await occupy({ code: "KIN" });
  await db()
    .insertInto("contract_lines")
    .values({
      contract_id: contractId,
      product_id: kinHalf.id,
      kind: "half_rack",
      name_fr: kinHalf.name_fr,
      name_en: kinHalf.name_en,
      quantity: 1,
      unit_price_minor: kinHalf.unit_price_minor,
      currency: "USD",
    })
    .execute();
  const update = (code: string, productId: string, fields: Record<string, string>) =>
    call(
      pricesAction,
      formRequest(
        `/ops/sites/${code}/prices`,
        { intent: "update", productId, nameFr: "Demi-baie", nameEn: "Half rack", ...fields },
        { cookie: admin.cookie },
      ),
      {
        siteCode: code,
      },
    );

  const ok = await update("KIN", kinHalf.id, { unitPrice: "900.00", setupFee: "150.5" });
  expect(ok.status).toBe(302);
  expect(ok.headers.get("Location")).toBe(`/ops/sites/KIN/prices?saved=${kinHalf.id}`);
  expect(await productOf("KIN", "half_rack")).toMatchObject({ unit_price_minor: 90000, setup_fee_minor: 15050, name_fr: "Demi-baie" });
  const line = await db().selectFrom("contract_lines").select("unit_price_minor").where("contract_id", "=", contractId).executeTakeFirstOrThrow();
  expect(line.unit_price_minor).toBe(50000);
  const log = await db().selectFrom("audit_log").selectAll().execute();
  expect(log).toHaveLength(1);
  expect(log[0]).toMatchObject({
    action: "inventory.price_updated",
    entity_type: "product",
    entity_id: kinHalf.id,
    before: { kind: "half_rack", unit_price_minor: 50000, setup_fee_minor: 0 },
    after: { kind: "half_rack", unit_price_minor: 90000, setup_fee_minor: 15050 },
  });

  const ldcUnit = await productOf("LDC", "rack_unit");
  const spaced = await update("LDC", ldcUnit.id, { unitPrice: "1 250 000", setupFee: "0" });
  expect(spaced.status).toBe(400);
  expect((await body(spaced)).errors).toEqual({ unitPrice: "inventory.error.amountFormat" });
  const decimals = await update("LDC", ldcUnit.id, { unitPrice: "12.5", setupFee: "0" });
  expect(decimals.status).toBe(400);
  expect((await body(decimals)).errors).toEqual({ unitPrice: "inventory.error.amountNoDecimals" });
  const threeDecimals = await update("KIN", kinHalf.id, { unitPrice: "900.005", setupFee: "0" });
  expect((await body(threeDecimals)).errors).toEqual({ unitPrice: "inventory.error.amountTooManyDecimals" });
  expect(await productOf("LDC", "rack_unit")).toEqual(ldcUnit);
  expect(await count(db(), "audit_log")).toBe(1);

  // A product of another site is not found from this one.
  expect((await update("LDC", kinHalf.id, { unitPrice: "1", setupFee: "0" })).status).toBe(404);

  // The page lists the products with their minor units; an unknown ?edit= is ignored.
  const page = await body(await call(pricesLoader, getRequest("/ops/sites/KIN/prices?edit=nope", { cookie: admin.cookie }), { siteCode: "KIN" }));
  expect(page.site.currency).toBe("USD");
  expect(page.products).toHaveLength(11); // the ten kinds and, since ADR 021, the urgent remote-hands rate
  expect(page.products.find((p: { id: string }) => p.id === kinHalf.id).unit_price_minor).toBe(90000);
});

test("withdraw and offer a product again; only one active product per kind", async () => {
  const admin = await signedIn(db(), { operatorRole: "ops_admin" });
  const full = await productOf("BZV", "full_rack");
  const toggle = (productId: string, active: string) =>
    call(pricesAction, formRequest("/ops/sites/BZV/prices", { intent: "active", productId, active }, { cookie: admin.cookie }), { siteCode: "BZV" });
  const off = await toggle(full.id, "false");
  expect(off.status).toBe(200);
  expect((await body(off)).notice).toBe("inventory.prices.deactivated");
  expect((await db().selectFrom("products").select("is_active").where("id", "=", full.id).executeTakeFirstOrThrow()).is_active).toBe(false);

  // Meanwhile another full-rack product became the active one: the first cannot come back.
  await db()
    .insertInto("products")
    .values({ site_id: await siteId("BZV"), kind: "full_rack", name_fr: "Baie complète 2027", name_en: "Full rack 2027", unit_price_minor: 500000 })
    .execute();
  const clash = await toggle(full.id, "true");
  expect(clash.status).toBe(409);
  expect((await body(clash)).formError).toBe("inventory.prices.kindAlreadyActive");
  const actions = (await db().selectFrom("audit_log").select("action").execute()).map((r) => r.action);
  expect(actions).toEqual(["inventory.product_deactivated"]);
});

test("inventory: rooms, racks, ports and the uplink; duplicates are field errors", async () => {
  const noc = await signedIn(db(), { operatorRole: "ops_noc" });
  const post = (fields: Record<string, string>) =>
    call(inventoryAction, formRequest("/ops/sites/BZV/inventory", fields, { cookie: noc.cookie }), { siteCode: "BZV" });

  const room = await post({ intent: "room", roomName: "Salle B", roomKind: "data_hall" });
  expect(room.status).toBe(200);
  const roomId = (await body(room)).done;
  expect(await db().selectFrom("rooms").select(["name", "kind"]).where("id", "=", roomId).executeTakeFirstOrThrow()).toEqual({
    name: "Salle B",
    kind: "data_hall",
  });
  const dupRoom = await post({ intent: "room", roomName: "Salle A", roomKind: "data_hall" });
  expect(dupRoom.status).toBe(409);
  expect((await body(dupRoom)).errors).toEqual({ roomName: "inventory.error.roomNameTaken" });

  const rack = { intent: "rack", rackRoomId: roomId, rackName: "B01", heightU: "47", powerCapacityW: "8000", feedAW: "9600", feedBW: "9600" };
  expect((await post(rack)).status).toBe(200);
  const racksBefore = await count(db(), "racks");
  const dup = await post(rack);
  expect(dup.status).toBe(409);
  expect((await body(dup)).errors).toEqual({ rackName: "inventory.error.rackNameTaken" });
  expect(await count(db(), "racks")).toBe(racksBefore);
  const invalid = await post({ ...rack, rackName: "", heightU: "0", powerCapacityW: "-5" });
  expect(invalid.status).toBe(400);
  expect((await body(invalid)).errors).toEqual({
    rackName: "error.required",
    heightU: "inventory.error.heightRange",
    powerCapacityW: "inventory.error.wholeNumber",
  });
  // A room of another site is not found.
  const kinRoom = await db()
    .selectFrom("rooms as m")
    .innerJoin("sites as s", "s.id", "m.site_id")
    .select("m.id")
    .where("s.code", "=", "KIN")
    .executeTakeFirstOrThrow();
  expect((await post({ ...rack, rackName: "B02", rackRoomId: kinRoom.id })).status).toBe(404);

  const mmr = await db()
    .selectFrom("rooms")
    .select("id")
    .where("site_id", "=", await siteId("BZV"))
    .where("kind", "=", "meet_me_room")
    .executeTakeFirstOrThrow();
  const port = await post({ intent: "port", portName: "MMR-PP01-01", portRoomId: mmr.id, media: "smf" });
  expect(port.status).toBe(200);
  const portId = (await body(port)).done;
  const dupPort = await post({ intent: "port", portName: "MMR-PP01-01", portRoomId: mmr.id, media: "cat6" });
  expect((await body(dupPort)).errors).toEqual({ portName: "inventory.error.portNameTaken" });
  const toggled = await post({ intent: "portStatus", portId, status: "maintenance" });
  expect((await body(toggled)).notice).toBe("inventory.ports.toMaintenance");
  const inv = await body(await call(inventoryLoader, getRequest("/ops/sites/BZV/inventory", { cookie: noc.cookie }), { siteCode: "BZV" }));
  expect(inv.ports.find((p: { id: string }) => p.id === portId)).toMatchObject({
    name: "MMR-PP01-01",
    status: "maintenance",
    inUse: false,
    media: "smf",
  });

  // Uplink: 2000 Mbps × 1.2 = 2400 sellable; 1800 committed.
  await occupy({ code: "BZV", bandwidthMbps: 1800 });
  const below = await post({ intent: "uplink", uplinkMbps: "1500", ratio: "1.1" });
  expect(below.status).toBe(409);
  expect(await body(below)).toMatchObject({
    formError: "inventory.uplink.belowCommitted",
    formVars: { committed: 1800 },
    errors: { uplinkMbps: "inventory.error.belowCommittedBandwidth" },
  });
  for (const [ratio, error] of [
    ["0.9", "inventory.error.ratioMin"],
    ["1.555", "inventory.error.ratioFormat"],
    ["1 5", "inventory.error.ratioFormat"],
  ]) {
    const res = await post({ intent: "uplink", uplinkMbps: "2000", ratio });
    expect(res.status, ratio).toBe(400);
    expect((await body(res)).errors, ratio).toEqual({ ratio: error });
  }
  const uplink = await post({ intent: "uplink", uplinkMbps: "1500", ratio: "1.2" });
  expect(uplink.status).toBe(200);
  expect(
    await db().selectFrom("sites").select(["uplink_capacity_mbps", "oversubscription_ratio"]).where("code", "=", "BZV").executeTakeFirstOrThrow(),
  ).toEqual({
    uplink_capacity_mbps: 1500,
    oversubscription_ratio: "1.20",
  });

  const actions = (await db().selectFrom("audit_log").select("action").orderBy("id").execute()).map((r) => r.action);
  expect(actions).toEqual([
    "inventory.room_created",
    "inventory.rack_created",
    "inventory.port_created",
    "inventory.port_status_changed",
    "inventory.uplink_updated",
  ]);
  const uplinkEntry = await db().selectFrom("audit_log").selectAll().where("action", "=", "inventory.uplink_updated").executeTakeFirstOrThrow();
  expect(uplinkEntry).toMatchObject({
    before: { uplink_capacity_mbps: 2000, oversubscription_ratio: "1.20" },
    after: { uplink_capacity_mbps: 1500, oversubscription_ratio: "1.20" },
  });

  expect((await post({ intent: "explode" })).status).toBe(400);
});

test("a finance operator reads but cannot edit the inventory (403), a NOC operator cannot edit prices (403); a tenant does not see it (404)", async () => {
  const finance = await signedIn(db(), { operatorRole: "ops_finance" });
  const noc = await signedIn(db(), { operatorRole: "ops_noc" });
  const a01 = await rackOf("LDC", "Salle A", "A01");
  const ldcUnit = await productOf("LDC", "rack_unit");
  expect(
    (await call(rackLoader, getRequest(`/ops/sites/LDC/racks/${a01.id}`, { cookie: finance.cookie }), { siteCode: "LDC", rackId: a01.id })).status,
  ).toBe(200);
  const page = await body(await call(inventoryLoader, getRequest("/ops/sites/LDC/inventory", { cookie: finance.cookie }), { siteCode: "LDC" }));
  expect(page.canManage).toBe(false);

  const attempts = [
    call(rackAction, formRequest(`/ops/sites/LDC/racks/${a01.id}`, rackForm(a01, { powerCapacityW: "9000" }), { cookie: finance.cookie }), {
      siteCode: "LDC",
      rackId: a01.id,
    }),
    call(
      inventoryAction,
      formRequest("/ops/sites/LDC/inventory", { intent: "room", roomName: "Salle Z", roomKind: "data_hall" }, { cookie: finance.cookie }),
      { siteCode: "LDC" },
    ),
    call(
      pricesAction,
      formRequest(
        "/ops/sites/LDC/prices",
        { intent: "update", productId: ldcUnit.id, nameFr: "x", nameEn: "x", unitPrice: "1", setupFee: "0" },
        // The price list is commercial: ops_finance may edit it (tested with the permissions), ops_noc not.
        { cookie: noc.cookie },
      ),
      {
        siteCode: "LDC",
      },
    ),
  ];
  for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
  expect(await rackOf("LDC", "Salle A", "A01")).toEqual(a01);
  expect(await productOf("LDC", "rack_unit")).toEqual(ldcUnit);
  expect(await count(db(), "audit_log")).toBe(0);

  const org = await createOrg(db());
  const owner = await signedIn(db(), { orgId: org.id, role: "owner" });
  expect((await call(sitesLoader, getRequest("/ops/sites", { cookie: owner.cookie }))).status).toBe(404);
  expect((await call(dashboardLoader, getRequest("/ops/sites/LDC", { cookie: owner.cookie }), { siteCode: "LDC" })).status).toBe(404);
  const signedOut = await call(sitesLoader, getRequest("/ops/sites"));
  expect(signedOut.status).toBe(302);
});

test("allocations that have ended no longer count today", async () => {
  const a01 = await rackOf("LDC", "Salle A", "A01");
  const { org, contractId } = await occupy({ code: "LDC" });
  await db()
    .insertInto("allocations")
    .values({
      contract_id: contractId,
      org_id: org.id,
      rack_id: a01.id,
      kind: "units",
      first_u: 1,
      last_u: 2,
      start_on: "2020-01-01",
      end_on: "2021-12-31",
      power_w: 100,
    })
    .execute();
  const admin = await signedIn(db(), { operatorRole: "ops_admin" });
  const { dashboard } = await body(await call(dashboardLoader, getRequest("/ops/sites/LDC", { cookie: admin.cookie }), { siteCode: "LDC" }));
  expect(dashboard.space.usedU).toBe(0);
  expect(dashboard.power.committedW).toBe(0);
});
