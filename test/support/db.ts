import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { readFile } from "node:fs/promises";
import { inject } from "vitest";
import { forgetDb, openPglite, pgKysely, pgliteKysely, setDb } from "#db/client.server";
import type { Database } from "#db/schema";

/**
 * A fresh, migrated database for one test (or one file).
 *
 * - Default: an embedded PGlite loaded from the run's migrated base (global-setup.ts).
 * - `reference: true`: with the reference data (sites, rooms, racks, price lists, ports) seeded.
 * - `TEST_DATABASE_URL=postgres://…/postgres`: a new PostgreSQL database per call, copied from the
 *   run's template, dropped by `cleanup`.
 *
 * The handle is also installed as the process-wide database (`getDb()`), so loaders and
 * actions called directly in a test see it.
 */
export interface TestDb {
  db: Kysely<Database>;
  cleanup(): Promise<void>;
}

/**
 * The migrated starting points, built once per run by test/support/global-setup.ts: dumps of PGlite's
 * files, or PostgreSQL template databases. Loaded once per test file; each test gets its own copy.
 */
const dumps = new Map<Kind, Promise<File>>();
type Kind = "empty" | "reference";

function pgliteDump(kind: Kind, path: string) {
  if (!dumps.has(kind)) dumps.set(kind, readFile(path).then((bytes) => new File([bytes], `${kind}.tar`)));
  return dumps.get(kind)!;
}

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

/** A second pool of `max` connections on the same PostgreSQL test database (another server process, or one connection of its own). */
export async function anotherPool(db: Kysely<Database>, max: number) {
  const { rows } = await sql<{ db: string }>`SELECT current_database() AS db`.execute(db);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${rows[0].db}`;
  return pgKysely(url.toString(), max);
}

export async function createTestDb(opts: { reference?: boolean } = {}): Promise<TestDb> {
  const kind: Kind = opts.reference ? "reference" : "empty";
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const name = `portal_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const bases = inject("testDbBases");
    if (bases.kind !== "postgres") throw new Error("TEST_DATABASE_URL was set after the run's global setup");
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${bases[kind]}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = pgKysely(url.toString(), 30);
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
  const bases = inject("testDbBases");
  if (bases.kind !== "pglite") throw new Error("TEST_DATABASE_URL was unset after the run's global setup");
  const client = await openPglite(undefined, await pgliteDump(kind, bases[kind]));
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
