import { createTestDb, type TestDb } from "../test/support/db";
import { DEMO_CARRIERS, seedDemoCarriers } from "./demo-carriers";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ reference: true });
});
afterAll(() => t.cleanup());

it("lists a few carriers per demo site, once however many times it runs, and keeps an operator's own", async () => {
  const ldc = await t.db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow();
  // An operator already listed Togocom (other case) and took it off the list: left as it is.
  await t.db.insertInto("carriers").values({ site_id: ldc.id, name: "TOGOCOM", is_active: false }).execute();
  await t.db.transaction().execute((trx) => seedDemoCarriers(trx));
  await t.db.transaction().execute((trx) => seedDemoCarriers(trx));
  const rows = await t.db.selectFrom("carriers as k").innerJoin("sites as s", "s.id", "k.site_id").select(["s.code", "k.name", "k.is_active"]).orderBy("s.code").orderBy("k.name").execute();
  expect(rows.filter((r) => r.code === "KIN").map((r) => r.name)).toEqual([...DEMO_CARRIERS.KIN].sort());
  expect(rows.filter((r) => r.code === "BZV")).toHaveLength(3);
  expect(rows.filter((r) => r.code === "LDC")).toEqual([
    { code: "LDC", name: "Moov Africa Togo", is_active: true },
    { code: "LDC", name: "TOGOCOM", is_active: false },
    { code: "LDC", name: "WACS Togo", is_active: true },
  ]);
});
