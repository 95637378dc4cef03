import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createTestDb, type TestDb } from "./db";
import { createOrg, siteWithRacks } from "./factories";

export interface OrgAtSite {
  db: Kysely<Database>;
  org: { id: string; name: string };
  ldc: Awaited<ReturnType<typeof siteWithRacks>>;
}

/**
 * Registers a `beforeEach`/`afterEach` pair for the calling file: before each test, a fresh
 * database with the reference data, the organisation "Kara Hosting" and the seeded LDC site with
 * its racks; after it, the database is dropped. The returned object is refilled before each test,
 * so read its fields inside tests, never at the top level.
 */
export function orgAtLdcEachTest(): OrgAtSite {
  let t: TestDb | undefined;
  const world = {} as OrgAtSite;
  beforeEach(async () => {
    t = await createTestDb({ reference: true });
    world.db = t.db;
    world.org = await createOrg(t.db, { name: "Kara Hosting" });
    world.ldc = await siteWithRacks(t.db, "LDC");
  });
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });
  return world;
}
