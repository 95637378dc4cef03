import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { createOrg, createRequestRow, createUser, siteWithRacks } from "../support/factories";
import { approveRequest } from "~/modules/requests/approve.server";
import { approveAmendment, requestAmendment } from "~/modules/contracts/amendments.server";
import { inTransactionOrRollback } from "~/utils/db.server";

/**
 * Amendments under real concurrency (PostgreSQL, `npm run test:pg`): twenty operators approving
 * twenty tenants' upgrades at once, each in its own transaction and connection, competing for the
 * last kilowatt of a rack or the last megabits of the site's uplink. Exactly one wins; the others
 * are refused by the database and leave no version, allocation or decision behind.
 */
describe.runIf(usingPostgres())("concurrent amendment approvals on PostgreSQL", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb({ reference: true });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  /** Twenty tenants with one unit each (U2…U21 of one rack) from 1 January 2027, each asking for `change` from 1 March. */
  async function twentyUpgrades(change: { power_commit_kw?: number; bandwidth_commit_mbps?: number }) {
    const { site, racks } = await siteWithRacks(t.db, "LDC");
    const rack = racks.find((r) => r.status === "active")!;
    const operator = await createUser(t.db, { operatorRole: "ops_noc" });
    const tenants: { orgId: string; contractId: string; changeId: string; unit: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const org = await createOrg(t.db);
      const owner = await createUser(t.db, { orgId: org.id, role: "owner" });
      const requestId = await createRequestRow(t.db, { orgId: org.id, siteId: site.id, lines: [{ kind: "rack_unit", quantity: 1 }] });
      const approved = await inTransactionOrRollback((trx) =>
        approveRequest(trx, { requestId, startOn: "2027-01-01", placements: [{ rackId: rack.id, kind: "units", firstU: 2 + i, lastU: 2 + i, powerW: 0 }], portIds: [], actor: operator, baseUrl: "http://portal.test" }),
      );
      if (!approved.ok) throw new Error(approved.error);
      const asked = await inTransactionOrRollback((trx) =>
        requestAmendment(trx, {
          orgId: org.id,
          contractId: approved.contractId,
          effectiveOn: "2027-03-01",
          quantities: { rack_unit: 1, half_rack: 0, full_rack: 0, power_commit_kw: change.power_commit_kw ?? 0, bandwidth_commit_mbps: change.bandwidth_commit_mbps ?? 0, cross_connect: 0 },
          actor: owner,
        }),
      );
      if (!asked.ok) throw new Error(asked.error);
      tenants.push({ orgId: org.id, contractId: approved.contractId, changeId: asked.changeId, unit: 2 + i });
    }
    return { site, rack, operator, tenants };
  }

  async function race(world: Awaited<ReturnType<typeof twentyUpgrades>>, powerW: number) {
    return Promise.all(
      world.tenants.map((x) =>
        inTransactionOrRollback((trx) =>
          approveAmendment(trx, { changeId: x.changeId, placements: [{ rackId: world.rack.id, kind: "units", firstU: x.unit, lastU: x.unit, powerW }], portIds: [], actor: world.operator }),
        ),
      ),
    );
  }

  /** `newAllocation`: the winner's unit got a new row from 1 March (its power changed); else its row was kept. */
  async function afterTheRace(world: Awaited<ReturnType<typeof twentyUpgrades>>, newAllocation: boolean) {
    const applied = await t.db.selectFrom("contract_changes").select("contract_id").where("kind", "=", "amendment").where("status", "=", "applied").execute();
    const versions = await t.db.selectFrom("contract_lines").select("contract_id").where("change_id", "is not", null).execute();
    const allocations = await t.db.selectFrom("allocations").select("contract_id").where("start_on", "=", "2027-03-01").execute();
    // Only the winner's rows: its versions, its new allocation; every loser's change still waits.
    expect(applied).toHaveLength(1);
    expect(new Set(versions.map((v) => v.contract_id))).toEqual(new Set([applied[0].contract_id]));
    expect(allocations.map((a) => a.contract_id)).toEqual(newAllocation ? [applied[0].contract_id] : []);
    const pending = await t.db.selectFrom("contract_changes").select("id").where("kind", "=", "amendment").where("status", "=", "pending").execute();
    expect(pending).toHaveLength(world.tenants.length - 1);
  }

  test("20 upgrades competing for the last kilowatt of a rack: exactly one wins", async () => {
    const world = await twentyUpgrades({ power_commit_kw: 1 });
    const usable = Math.min(world.rack.power_capacity_w, world.rack.feed_a_capacity_w, world.rack.feed_b_capacity_w);
    // Another tenant holds all but 1 kW of the rack from 1 January.
    const holder = await createOrg(t.db);
    const c = await t.db.insertInto("contracts").values({ org_id: holder.id, site_id: world.site.id, start_on: "2027-01-01", term_months: 36 }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("allocations").values({ contract_id: c.id, org_id: holder.id, rack_id: world.rack.id, kind: "units", first_u: 1, last_u: 1, start_on: "2027-01-01", end_on: null, power_w: usable - 1000 }).execute();

    const results = await race(world, 1000);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r as { error: string }).error)).toEqual(new Array(19).fill("power_exceeded"));
    await afterTheRace(world, true);
    const peak = await t.db
      .selectFrom("allocations")
      .select((eb) => eb.fn.sum<string>("power_w").as("w"))
      .where("rack_id", "=", world.rack.id)
      .where("start_on", "<=", "2027-03-01")
      .where((eb) => eb.or([eb("end_on", "is", null), eb("end_on", ">=", "2027-03-01")]))
      .executeTakeFirstOrThrow();
    expect(Number(peak.w)).toBe(usable);
  });

  test("20 upgrades competing for the last 10 Mbps of the site's uplink: exactly one wins", async () => {
    const world = await twentyUpgrades({ bandwidth_commit_mbps: 10 });
    const site = await t.db.selectFrom("sites").select(["uplink_capacity_mbps", "oversubscription_ratio"]).where("id", "=", world.site.id).executeTakeFirstOrThrow();
    const sellable = Math.floor(site.uplink_capacity_mbps * Number(site.oversubscription_ratio));
    const holder = await createOrg(t.db);
    const c = await t.db.insertInto("contracts").values({ org_id: holder.id, site_id: world.site.id, start_on: "2027-01-01", term_months: 36 }).returning("id").executeTakeFirstOrThrow();
    const product = await t.db.selectFrom("products").select(["id", "name_fr", "name_en"]).where("site_id", "=", world.site.id).where("kind", "=", "bandwidth_commit_mbps").executeTakeFirstOrThrow();
    await t.db
      .insertInto("contract_lines")
      .values({ contract_id: c.id, product_id: product.id, kind: "bandwidth_commit_mbps", name_fr: product.name_fr, name_en: product.name_en, quantity: sellable - 10, unit_price_minor: 0, currency: "XOF" })
      .execute();

    const results = await race(world, 0);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r as { error: string }).error)).toEqual(new Array(19).fill("bandwidth_exceeded"));
    await afterTheRace(world, false);
    const lines = await t.db.selectFrom("contract_lines").select("quantity").where("kind", "=", "bandwidth_commit_mbps").where("valid_from", "<=", "2027-03-01").where((eb) => eb.or([eb("valid_to", "is", null), eb("valid_to", ">=", "2027-03-01")])).execute();
    expect(lines.reduce((s, l) => s + l.quantity, 0)).toBe(sellable);
  });
});
