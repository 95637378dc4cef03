import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { forgetDb, openPglite, pgKysely, pgliteKysely, setDb } from "#db/client.server";
import { migrateToLatest } from "#db/migrate.server";
import type { Database } from "#db/schema";

/**
 * A fresh, migrated database for one test (or one file).
 *
 * - Default: an embedded PGlite cloned from a base migrated once per worker.
 * - `TEST_DATABASE_URL=postgres://…/postgres`: a new PostgreSQL database per call, dropped by `cleanup`.
 *
 * The handle is also installed as the process-wide database (`getDb()`), so loaders and
 * actions called directly in a test see it.
 */
export interface TestDb {
  db: Kysely<Database>;
  cleanup(): Promise<void>;
}

let base: Promise<PGlite> | undefined;

async function migratedBase() {
  const client = await openPglite();
  await migrateToLatest(pgliteKysely(client));
  return client;
}

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDb(): Promise<TestDb> {
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
  base ??= migratedBase();
  const client = (await (await base).clone()) as PGlite;
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
