import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { anotherPool, createTestDb, usingPostgres, type TestDb } from "../support/db";

/**
 * Statements prepared by name on PostgreSQL (db/client.server.ts, ADR 027): each text is parsed
 * once per connection and PostgreSQL keeps its plan; answers, errors and transactions behave as with
 * unnamed statements; the names per connection are capped; a table changed under a kept `SELECT *`
 * (a newer process's migration) is prepared again instead of failing.
 */
describe.runIf(usingPostgres())("prepared statements on PostgreSQL", () => {
  let t: TestDb;
  let one: Kysely<Database>;
  beforeAll(async () => {
    t = await createTestDb();
    // One connection: every statement below runs on the same server session.
    one = await anotherPool(t.db, 1);
  });
  afterAll(async () => {
    await one?.destroy();
    await t?.cleanup();
  });

  /** This connection's prepared statements (the query itself is prepared too: it has a parameter). */
  async function prepared(like = "%") {
    const { rows } = await sql<{ name: string; statement: string; generic_plans: number; custom_plans: number }>`
      SELECT name, statement, generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement LIKE ${like} ORDER BY name`.execute(one);
    return rows;
  }

  it("prepares a statement once, keeps its plan, and answers as before", async () => {
    await one.schema.createTable("t_kept").addColumn("id", "integer", (c) => c.primaryKey()).addColumn("label", "text").execute();
    await one.insertInto("t_kept" as never).values([{ id: 1, label: "un" }, { id: 2, label: "deux" }] as never).execute();
    const labels: string[] = [];
    for (let i = 0; i < 8; i++) {
      const row = await sql<{ label: string }>`SELECT label FROM t_kept WHERE id = ${1 + (i % 2)}`.execute(one);
      labels.push(row.rows[0].label);
    }
    expect(labels).toEqual(["un", "deux", "un", "deux", "un", "deux", "un", "deux"]);
    const kept = await prepared("SELECT label FROM t_kept%");
    expect(kept).toHaveLength(1);
    // Five custom plans, then the generic plan kept: three runs without planning.
    expect(kept[0].custom_plans + kept[0].generic_plans).toBe(8);
    expect(kept[0].generic_plans).toBeGreaterThan(0);
    // A statement without parameters is not prepared (the simple protocol runs multi-statement text).
    await sql`SELECT 1; SELECT 2`.execute(one);
    expect(await prepared("SELECT 1; SELECT 2%")).toHaveLength(0);
  });

  it("a failing statement leaves the connection and the statement usable", async () => {
    await one.schema.createTable("t_unique").addColumn("code", "text", (c) => c.primaryKey()).execute();
    const insert = (code: string) => one.insertInto("t_unique" as never).values({ code } as never).execute();
    await insert("A");
    // Refused while running (after the statement was parsed and kept).
    await expect(insert("A")).rejects.toMatchObject({ code: "23505" });
    await insert("B");
    // Refused while being parsed (not kept): the same error every time, never "statement does not exist".
    const bad = () => sql`SELECT no_such_column FROM t_unique WHERE code = ${"A"}`.execute(one);
    await expect(bad()).rejects.toMatchObject({ code: "42703" });
    await expect(bad()).rejects.toMatchObject({ code: "42703" });
    // A bad parameter for a kept statement.
    const typed = (v: string) => sql<{ n: number }>`SELECT ${v}::int AS n`.execute(one);
    expect((await typed("7")).rows[0].n).toBe(7);
    await expect(typed("sept")).rejects.toMatchObject({ code: "22P02" });
    expect((await typed("8")).rows[0].n).toBe(8);
    const codes = await one.selectFrom("t_unique" as never).select("code" as never).orderBy("code" as never).execute();
    expect(codes).toEqual([{ code: "A" }, { code: "B" }]);
  });

  it("kept statements work inside, after and across rolled-back and aborted transactions", async () => {
    await one.schema.createTable("t_tx").addColumn("id", "integer", (c) => c.primaryKey()).execute();
    const add = (db: Kysely<Database>, id: number) => db.insertInto("t_tx" as never).values({ id } as never).execute();
    // First prepared inside a transaction that rolls back: the statement outlives it, the row does not.
    await expect(
      one.transaction().execute(async (trx) => {
        await add(trx, 1);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await add(one, 2);
    // A transaction aborted by an error: the next statement in it is refused, the transaction rolls back.
    await expect(
      one.transaction().execute(async (trx) => {
        await add(trx, 3);
        await add(trx, 3).catch(() => undefined);
        await add(trx, 4);
      }),
    ).rejects.toMatchObject({ code: "25P02" });
    await add(one, 5);
    const ids = await one.selectFrom("t_tx" as never).select("id" as never).orderBy("id" as never).execute();
    expect(ids).toEqual([{ id: 2 }, { id: 5 }]);
  });

  it("a table changed under a kept SELECT * is prepared again, in and out of transactions", async () => {
    await one.schema.createTable("t_shape").addColumn("id", "integer", (c) => c.primaryKey()).execute();
    await one.insertInto("t_shape" as never).values({ id: 1 } as never).execute();
    const all = (db: Kysely<Database>) => db.selectFrom("t_shape" as never).selectAll().where("id" as never, "=", 1 as never).execute();
    expect(await all(one)).toEqual([{ id: 1 }]);
    // Another process migrates: a column is added.
    await t.db.schema.alterTable("t_shape").addColumn("note", "text", (c) => c.defaultTo("nouveau")).execute();
    expect(await all(one)).toEqual([{ id: 1, note: "nouveau" }]);
    await t.db.schema.alterTable("t_shape").addColumn("more", "integer").execute();
    // Inside a transaction the refusal has broken the transaction: its own error comes out, and the
    // next attempt succeeds.
    await expect(one.transaction().execute((trx) => all(trx))).rejects.toMatchObject({ code: "0A000" });
    expect(await one.transaction().execute((trx) => all(trx))).toEqual([{ id: 1, note: "nouveau", more: null }]);
  });
  it("prepares at most 200 texts per connection; the others run unnamed, with the same answers (last: it fills the connection)", async () => {
    const before = (await prepared()).length;
    for (let i = 0; i < 260; i++) {
      // 260 different texts, each with a parameter.
      const { rows } = await sql<{ n: number }>`SELECT ${i}::int + ${sql.raw(String(i))} AS n`.execute(one);
      expect(rows[0].n).toBe(2 * i);
    }
    const after = await prepared();
    expect(before).toBeLessThan(200);
    // 200 names given; a text refused while being parsed (the test above) holds its name unprepared.
    expect(after.length).toBeGreaterThanOrEqual(199);
    expect(after.length).toBeLessThanOrEqual(200);
    expect(after.some((p) => p.statement.startsWith("SELECT $1::int + 0 AS"))).toBe(true);
    expect(after.some((p) => p.statement.startsWith("SELECT $1::int + 259 AS"))).toBe(false);
  });

});
