import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { forgetDb, openPglite, pgKysely, pgliteKysely, setDb } from "#db/client.server";
import { migrateToLatest } from "#db/migrate.server";
import type { Database } from "#db/schema";
import { seed } from "../../seeds/index.server";

/**
 * A fresh, migrated database for one test (or one file).
 *
 * - Default: an embedded PGlite cloned from a base migrated once per worker.
 * - `reference: true`: with the reference data (sites, rooms, racks, price lists, ports) seeded.
 * - `TEST_DATABASE_URL=postgres://…/postgres`: a new PostgreSQL database per call, dropped by `cleanup`.
 *
 * The handle is also installed as the process-wide database (`getDb()`), so loaders and
 * actions called directly in a test see it.
 */
export interface TestDb {
  db: Kysely<Database>;
  cleanup(): Promise<void>;
}

const bases = new Map<string, Promise<PGlite>>();

/** A migrated PGlite (with the reference data when asked), built once per worker and cloned per test. */
async function migratedBase(reference: boolean) {
  const client = await openPglite();
  const db = pgliteKysely(client);
  await migrateToLatest(db);
  if (reference) await seed(db, { demo: false });
  return client;
}

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDb(opts: { reference?: boolean } = {}): Promise<TestDb> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const name = `portal_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = pgKysely(url.toString(), 30);
    await migrateToLatest(db);
    if (opts.reference) await seed(db, { demo: false });
    setDb(db);
    return {
      db,
      async cleanup() {
        await forgetDb(db);
        await db.destroy();
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const key = opts.reference ? "reference" : "empty";
  if (!bases.has(key)) bases.set(key, migratedBase(Boolean(opts.reference)));
  const client = (await (await bases.get(key)!).clone()) as PGlite;
  const db = pgliteKysely(client);
  setDb(db);
  return {
    db,
    async cleanup() {
      await forgetDb(db);
      await db.destroy();
    },
  };
}
