import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction, isRetryableConflict, isUniqueViolation, pgConstraint, pgErrorCode, withSavepoint } from "~/utils/db.server";
import { createTestDb, usingPostgres, type TestDb } from "../support/db";

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

describe("inTransaction: a deadlock or serialization failure is retried once, then a 409", () => {
  const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM h_unique WHERE id >= 100`.execute(t.db)).rows[0].n;
  const deadlock = () => Object.assign(new Error("deadlock detected"), { code: "40P01" });

  it("retries once in a new transaction (the first attempt's writes are rolled back)", async () => {
    let attempts = 0;
    const result = await inTransaction(async (trx) => {
      attempts += 1;
      await sql`INSERT INTO h_unique VALUES (100, 'retry')`.execute(trx);
      if (attempts === 1) throw deadlock();
      return "done";
    });
    expect(result).toBe("done");
    expect(attempts).toBe(2);
    expect(await count()).toBe(1);
  });

  it("answers 409 with a localized message when the retry fails the same way, and writes nothing", async () => {
    let attempts = 0;
    const thrown = await inTransaction(async (trx) => {
      attempts += 1;
      await sql`INSERT INTO h_unique VALUES (101, 'lost')`.execute(trx);
      throw Object.assign(new Error("could not serialize"), { code: attempts === 1 ? "40P01" : "40001" });
    }).catch((e: unknown) => e);
    expect(attempts).toBe(2);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(409);
    expect(await (thrown as Response).json()).toEqual({ message: "errors.conflict" });
    expect(await count()).toBe(1);
  });

  it("does not retry other errors", async () => {
    let attempts = 0;
    const thrown = await inTransaction(async () => {
      attempts += 1;
      throw new Error("boom");
    }).catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect((thrown as Error).message).toBe("boom");
  });

  it.runIf(usingPostgres())("a real deadlock between two transactions: the victim is retried and both succeed", async () => {
    await sql`INSERT INTO h_unique VALUES (200, 'x'), (201, 'y')`.execute(t.db);
    let bothHoldOne!: () => void;
    let holders = 0;
    const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
    const lockInOrder = (first: number, second: number) =>
      inTransaction(async (trx) => {
        await sql`UPDATE h_unique SET name = name || '.' WHERE id = ${first}`.execute(trx);
        holders += 1;
        if (holders === 2) bothHoldOne();
        await Promise.race([barrier, new Promise((r) => setTimeout(r, 2_000))]);
        await sql`UPDATE h_unique SET name = name || '.' WHERE id = ${second}`.execute(trx);
        return "ok";
      });
    expect(await Promise.all([lockInOrder(200, 201), lockInOrder(201, 200)])).toEqual(["ok", "ok"]);
    const { rows } = await sql<{ name: string }>`SELECT name FROM h_unique WHERE id IN (200, 201) ORDER BY id`.execute(t.db);
    expect(rows.map((r) => r.name)).toEqual(["x..", "y.."]);
  });
});
