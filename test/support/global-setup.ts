import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPglite, pgKysely, pgliteKysely } from "#db/client.server";
import { migrateToLatest } from "#db/migrate.server";
import { seed } from "../../seeds/index.server";

/**
 * Once per test run, before any worker starts: the two migrated databases every test starts from
 * (empty, and with the reference data), so no test file migrates on its own.
 *
 * - PGlite: their files dumped to a temporary folder; each test loads a fresh copy (test/support/db.ts).
 * - PostgreSQL (`TEST_DATABASE_URL`): two template databases; each test is `CREATE DATABASE … TEMPLATE`.
 *
 * Both are removed when the run ends.
 */
declare module "vitest" {
  export interface ProvidedContext {
    testDbBases: { kind: "pglite"; empty: string; reference: string } | { kind: "postgres"; empty: string; reference: string };
  }
}

const KINDS = ["empty", "reference"] as const;

export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const run = randomBytes(4).toString("hex");
    const names = { empty: `portal_tpl_${run}_empty`, reference: `portal_tpl_${run}_reference` };
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const migrated = async (name: string, work: (db: ReturnType<typeof pgKysely>) => Promise<unknown>) => {
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = pgKysely(url.toString(), 1);
      try {
        await work(db);
      } finally {
        await db.destroy();
      }
    };
    try {
      // Migrated once: the reference template is a copy of the empty one, then seeded.
      await admin.query(`CREATE DATABASE ${names.empty}`);
      await migrated(names.empty, migrateToLatest);
      await admin.query(`CREATE DATABASE ${names.reference} TEMPLATE ${names.empty}`);
      await migrated(names.reference, (db) => seed(db, { demo: false }));
    } finally {
      await admin.end();
    }
    project.provide("testDbBases", { kind: "postgres", ...names });
    return async () => {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      for (const kind of KINDS) await admin.query(`DROP DATABASE IF EXISTS ${names[kind]} WITH (FORCE)`);
      await admin.end();
    };
  }

  const dir = mkdtempSync(join(tmpdir(), "colo-test-bases-"));
  const files = { empty: join(dir, "empty.tar"), reference: join(dir, "reference.tar") };
  // Migrated once: dumped empty, then seeded and dumped again.
  const client = await openPglite();
  const db = pgliteKysely(client);
  const dumpTo = async (file: string) => writeFileSync(file, Buffer.from(await (await client.dumpDataDir("none")).arrayBuffer()));
  await migrateToLatest(db);
  await dumpTo(files.empty);
  await seed(db, { demo: false });
  await dumpTo(files.reference);
  await db.destroy();
  project.provide("testDbBases", { kind: "pglite", ...files });
  return () => rmSync(dir, { recursive: true, force: true });
}
