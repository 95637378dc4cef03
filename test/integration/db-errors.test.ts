import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRetryableConflict, isUniqueViolation, pgConstraint, pgErrorCode, withSavepoint } from "~/utils/db.server";
import { createTestDb, type TestDb } from "../support/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await sql`CREATE TABLE h_unique (id int PRIMARY KEY, name text CONSTRAINT h_unique_name UNIQUE)`.execute(t.db);
});
afterAll(() => t.cleanup());

describe("database error helpers", () => {
  it("recognise a unique violation and its constraint on the real database", async () => {
    await sql`INSERT INTO h_unique VALUES (1, 'a')`.execute(t.db);
    const error = await sql`INSERT INTO h_unique VALUES (2, 'a')`.execute(t.db).catch((e: unknown) => e);
    expect(pgErrorCode(error)).toBe("23505");
    expect(pgConstraint(error)).toBe("h_unique_name");
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, "h_unique_name")).toBe(true);
    expect(isUniqueViolation(error, "h_unique_pkey")).toBe(false);
    expect(isRetryableConflict(error)).toBe(false);
  });

  it("are false for anything that is not a database error", () => {
    expect(isUniqueViolation(new Error("x"))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(pgErrorCode({ code: "ENOENT" })).toBeUndefined();
    expect(isRetryableConflict({ code: "40P01" })).toBe(true);
    expect(isRetryableConflict({ code: "40001" })).toBe(true);
  });

  it("withSavepoint keeps the transaction usable after a refused write", async () => {
    await t.db.transaction().execute(async (trx) => {
      const error = await withSavepoint(trx, () => sql`INSERT INTO h_unique VALUES (3, 'a')`.execute(trx)).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      await sql`INSERT INTO h_unique VALUES (3, 'b')`.execute(trx);
    });
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM h_unique`.execute(t.db);
    expect(rows[0].n).toBe(2);
  });
});
