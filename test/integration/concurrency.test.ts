import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { commitBandwidth, createOrg, createRequestRow, createUser, siteWithRacks } from "../support/factories";
import { approveRequest } from "~/modules/requests/approve.server";
import { inTransactionOrRollback } from "~/utils/db.server";

/**
 * Real concurrency needs real connections: this file runs against PostgreSQL (`npm run test:pg`,
 * part of CI). On the embedded single-connection PGlite, transactions cannot overlap at all.
 */
describe.runIf(usingPostgres())("concurrent approvals on PostgreSQL", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb({ reference: true });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function contest(lines: Parameters<typeof createRequestRow>[1]["lines"], placementFor: (i: number) => Parameters<typeof approveRequest>[1]["placements"]) {
    const { site } = await siteWithRacks(t.db, "LDC");
    const operator = await createUser(t.db, { operatorRole: "ops_noc" });
    const requests: string[] = [];
    for (let i = 0; i < 20; i++) {
      const org = await createOrg(t.db);
      requests.push(await createRequestRow(t.db, { orgId: org.id, siteId: site.id, lines }));
    }
    // All twenty start together, each in its own transaction on its own connection.
    const results = await Promise.all(
      requests.map((requestId, i) =>
        inTransactionOrRollback((trx) =>
          approveRequest(trx, { requestId, startOn: "2027-01-01", placements: placementFor(i), portIds: [], actor: operator, baseUrl: "http://portal.test" }),
        ),
      ),
    );
    return results;
  }

  test("20 approvals for the same units: exactly one wins, the others fail cleanly", async () => {
    const { racks } = await siteWithRacks(t.db, "LDC");
    const rack = racks.find((r) => r.status === "active")!;
    // Each one wants 10 units overlapping U5–U10 with every other.
    const results = await contest([{ kind: "rack_unit", quantity: 10 }], (i) => [{ rackId: rack.id, kind: "units", firstU: 1 + (i % 5), lastU: 10 + (i % 5), powerW: 0 }]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r as { error: string }).error)).toEqual(new Array(19).fill("units_taken"));
    expect(await t.db.selectFrom("contracts").select("id").execute()).toHaveLength(1);
    expect(await t.db.selectFrom("requests").select("id").where("status", "=", "approved").execute()).toHaveLength(1);

    const overlaps = await t.db
      .selectFrom("allocations as a")
      .innerJoin("allocations as b", (j) => j.onRef("a.rack_id", "=", "b.rack_id").onRef("a.id", "<", "b.id"))
      .select("a.id")
      .where((eb) => eb.and([eb("a.first_u", "<=", eb.ref("b.last_u")), eb("b.first_u", "<=", eb.ref("a.last_u"))]))
      .execute();
    expect(overlaps).toEqual([]);
  });

  test("20 approvals for the last kilowatt of a rack: exactly one wins, power is never over-committed", async () => {
    const { racks } = await siteWithRacks(t.db, "LDC");
    const rack = racks.find((r) => r.status === "active")!;
    const usable = Math.min(rack.power_capacity_w, rack.feed_a_capacity_w, rack.feed_b_capacity_w);
    // Leave exactly 1 kW free in the rack.
    const holder = await createOrg(t.db);
    const contract = await t.db.insertInto("contracts").values({ org_id: holder.id, site_id: (await siteWithRacks(t.db, "LDC")).site.id, start_on: "2026-01-01", end_on: null, term_months: 36 }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("allocations").values({ contract_id: contract.id, org_id: holder.id, rack_id: rack.id, kind: "units", first_u: 1, last_u: 1, start_on: "2026-01-01", end_on: null, power_w: usable - 1000 }).execute();

    // Different units for each, so only power decides.
    const results = await contest(
      [
        { kind: "rack_unit", quantity: 1 },
        { kind: "power_commit_kw", quantity: 1 },
      ],
      (i) => [{ rackId: rack.id, kind: "units", firstU: 2 + i, lastU: 2 + i, powerW: 1000 }],
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r as { error: string }).error)).toEqual(new Array(19).fill("power_exceeded"));
    const committed = await t.db
      .selectFrom("allocations")
      .select((eb) => eb.fn.sum<number>("power_w").as("w"))
      .where("rack_id", "=", rack.id)
      .executeTakeFirstOrThrow();
    expect(Number(committed.w)).toBe(usable);
  });

  test("20 approvals for the last Mbps of the uplink: exactly one wins", async () => {
    const { site, racks } = await siteWithRacks(t.db, "LDC");
    const sellable = Math.floor(site.uplink_capacity_mbps * Number(site.oversubscription_ratio));
    const holder = await createOrg(t.db);
    const held = await t.db.insertInto("contracts").values({ org_id: holder.id, site_id: site.id, start_on: "2026-01-01", end_on: null, term_months: 36 }).returning("id").executeTakeFirstOrThrow();
    await commitBandwidth(t.db, held.id, sellable - 100);
    const active = racks.filter((r) => r.status === "active");
    const results = await contest(
      [
        { kind: "rack_unit", quantity: 1 },
        { kind: "bandwidth_commit_mbps", quantity: 100 },
      ],
      (i) => [{ rackId: active[i % active.length].id, kind: "units", firstU: 20 + Math.floor(i / active.length), lastU: 20 + Math.floor(i / active.length), powerW: 0 }],
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r as { error: string }).error)).toEqual(new Array(19).fill("bandwidth_exceeded"));
    // The bandwidth versions at the site: the holder's and the winner's, exactly the uplink's sellable Mbps.
    const committed = await t.db
      .selectFrom("contract_lines as l")
      .innerJoin("contracts as c", "c.id", "l.contract_id")
      .select((eb) => eb.fn.sum<number>("l.quantity").as("mbps"))
      .where("c.site_id", "=", site.id)
      .where("l.kind", "=", "bandwidth_commit_mbps")
      .executeTakeFirstOrThrow();
    expect(Number(committed.mbps)).toBe(sellable);
  });
});
