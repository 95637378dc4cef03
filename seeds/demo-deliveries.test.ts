import { createTestDb, type TestDb } from "../test/support/db";
import { seed } from "./index.server";
import { listForTenant } from "~/modules/deliveries/deliveries.server";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.cleanup());

it("the demo seeds Kossi Digital's parcels waiting at Lomé for 16 days (flagged, rack A01), once however many times it runs", async () => {
  const now = new Date();
  await seed(t.db, { demo: true, nodeEnv: "test", now });
  await seed(t.db, { demo: true, nodeEnv: "test", now });
  const rows = await t.db.selectFrom("deliveries").selectAll().execute();
  expect(rows).toHaveLength(1);
  const [d] = await listForTenant(t.db, { orgId: rows[0].org_id, now });
  expect(d).toMatchObject({ status: "received", site_code: "LDC", rack_name: "A01", parcels_received: 2, flagged: true, daysAtSite: 16 });
  expect((await t.db.selectFrom("delivery_events").select("kind").orderBy("seq").execute()).map((e) => e.kind)).toEqual(["announced", "received"]);
});
