import { sql } from "kysely";
import { createTestDb, type TestDb } from "../support/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.cleanup();
});

test("both backends return the same JS types, with and without parameters", async () => {
  type Row = { big: number; num: string; day: string; at: Date; n: number };
  const expectTypes = (row: Row) => {
    expect(row.big).toBe(9_007_199_254_740_991);
    expect(row.num).toBe("18.90");
    expect(row.day).toBe("2026-11-23");
    expect(row.at).toBeInstanceOf(Date);
    expect(row.n).toBe(3);
  };
  const plain = await sql<Row>`select 9007199254740991::int8 as big, 18.90::numeric(5,2) as num, '2026-11-23'::date as day, now() as at, 3::int8 as n`.execute(t.db);
  expectTypes(plain.rows[0]);
  const withParams = await sql<Row>`select ${"9007199254740991"}::int8 as big, ${"18.9"}::numeric(5,2) as num, ${"2026-11-23"}::date as day, now() as at, ${3}::int8 as n`.execute(t.db);
  expectTypes(withParams.rows[0]);
});

test("an int8 beyond 2^53 is refused rather than silently rounded", async () => {
  await expect(sql`select 9007199254740993::int8 as big`.execute(t.db)).rejects.toThrow(/safe integer/);
});
