import { sql } from "kysely";
import { writeGeneration } from "#db/client.server";
import { createTestDb, type TestDb } from "../support/db";

/**
 * The process's count of database writes (db/client.server.ts), which the service desk's kept badge
 * follows: it moves for a statement that changed rows and for the commit of a transaction that did,
 * never for reads, for statements that changed nothing, or for the job runner's empty polls (a
 * transaction that only reads) — otherwise a kept figure would be dropped every second. On the
 * embedded database and on PostgreSQL alike.
 */
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await sql`CREATE TABLE t_writes (id integer PRIMARY KEY, n integer NOT NULL DEFAULT 0)`.execute(t.db);
});
afterAll(() => t.cleanup());

async function moves(work: () => Promise<unknown>) {
  const before = writeGeneration();
  await work();
  return writeGeneration() - before;
}

test("reads, empty writes and read-only transactions leave it; writes and their commits move it", async () => {
  const table = "t_writes" as never;
  expect(await moves(() => t.db.insertInto(table).values({ id: 1 } as never).execute())).toBe(1);
  expect(await moves(() => t.db.selectFrom(table).selectAll().execute())).toBe(0);
  expect(await moves(() => sql`SELECT * FROM t_writes WHERE id = ${1} FOR UPDATE`.execute(t.db))).toBe(0);
  expect(await moves(() => t.db.updateTable(table).set({ n: 5 } as never).where("id" as never, "=", 99 as never).execute())).toBe(0);
  expect(await moves(() => t.db.deleteFrom(table).where("id" as never, "=", 99 as never).execute())).toBe(0);
  // A job runner's poll: a transaction that reads and finds nothing to claim.
  expect(await moves(() => t.db.transaction().execute((trx) => sql`SELECT id FROM t_writes WHERE n > ${100} FOR UPDATE SKIP LOCKED`.execute(trx)))).toBe(0);
  // A transaction that writes: the write, then its commit.
  expect(await moves(() => t.db.transaction().execute((trx) => trx.updateTable(table).set({ n: 1 } as never).where("id" as never, "=", 1 as never).execute()))).toBe(2);
  // A data-modifying WITH read back by a SELECT.
  expect(await moves(() => sql`WITH c AS (UPDATE t_writes SET n = n + 1 WHERE id = ${1} RETURNING id) SELECT id FROM c`.execute(t.db))).toBe(1);
  // A write rolled back moves it once (the write; the rollback changes nothing back to a reader).
  await expect(
    moves(() =>
      t.db.transaction().execute(async (trx) => {
        await trx.insertInto(table).values({ id: 2 } as never).execute();
        throw new Error("rolled back");
      }),
    ),
  ).rejects.toThrow("rolled back");
  const g = writeGeneration();
  expect(await moves(() => t.db.transaction().execute((trx) => trx.selectFrom(table).selectAll().execute()))).toBe(0);
  expect(writeGeneration()).toBe(g);
  expect(await t.db.selectFrom(table).select("n" as never).execute()).toEqual([{ n: 2 }]);
});
