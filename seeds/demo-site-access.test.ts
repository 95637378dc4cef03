import { createTestDb, type TestDb } from "../test/support/db";
import { seed } from "./index.server";
import { securityList } from "~/modules/siteaccess/visits.server";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
}, 180_000);
afterAll(() => t.cleanup());

it("the demo seeds Kossi Digital's visits at Lomé (tomorrow approved, the day after to approve) and one badge ending in 25 days, once however many times it runs", async () => {
  await seed(t.db, { demo: true, nodeEnv: "test", now: new Date() });
  await seed(t.db, { demo: true, nodeEnv: "test", now: new Date() });
  const visits = await t.db.selectFrom("visits").select(["status", "visitor_name", "visit_on", "site_id"]).orderBy("visit_on").execute();
  expect(visits.map((v) => [v.visitor_name, v.status])).toEqual([
    ["Komlan Adjovi", "approved"],
    ["Jean-Marc Dupuis", "requested"],
  ]);
  const list = await securityList(t.db, { siteId: visits[0].site_id, day: visits[0].visit_on, role: "ops_noc" });
  expect(list.visits.map((v) => v.visitor_name)).toEqual(["Komlan Adjovi"]);
  expect(list.visits[0].racks.map((r) => r.name)).toEqual(["A01"]);
  expect(list.badges.map((b) => b.name)).toEqual(["Afi Mensah"]);
  expect(await t.db.selectFrom("badge_holders").select("id").execute()).toHaveLength(1);
});
