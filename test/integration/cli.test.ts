import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { usingPostgres } from "../support/db";
import { runTsx, withDatabaseAt } from "../support/cli";
import { authenticateBearer } from "~/modules/metering/tokens.server";

// The CLI runs on its own embedded database whatever TEST_DATABASE_URL says: on PostgreSQL (test:pg)
// this file would repeat the PGlite run exactly, so it runs once, with `npm test`.
describe.skipIf(usingPostgres())("the operator CLI", () => {
  /**
   * The operator CLI run as operators run it: `npx tsx app/cli.ts …` in a child process, against its
   * own embedded database in a temporary DATA_DIR (whatever TEST_DATABASE_URL says). Only one process
   * opens a PGlite directory at a time: the test reads the database only once the CLI has exited.
   */
  let dataDir: string;

  const run = (args: string[]) => runTsx(dataDir, args);
  const withDatabase = <T,>(fn: (db: Kysely<Database>) => Promise<T>) => withDatabaseAt(dataDir, fn);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portal-cli-"));
    const seeded = await run(["seeds/run.ts", "--no-demo"]);
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test("token create prints the token alone on its last line, and the token authenticates for its site and scopes", async () => {
    const result = await run(["app/cli.ts", "token", "create", "--site", "LDC", "--scope", "usage:write", "--scope", "usage:read", "--name", "collector"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    const token = lines.at(-1)!;
    expect(token).toMatch(/^colo_[A-Za-z0-9_-]{40,}$/);
    expect(lines.slice(0, -1).join("\n")).toMatch(/store it now/i);

    await withDatabase(async (db) => {
      const ldc = await db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow();
      const auth = await authenticateBearer(db, `Bearer ${token}`, "usage:write");
      expect(auth).toEqual({ ok: true, token: expect.objectContaining({ siteId: ldc.id, scopes: ["usage:write", "usage:read"] }) });
      expect((await authenticateBearer(db, `Bearer ${token}x`, "usage:write")).ok).toBe(false);
      const row = await db.selectFrom("api_tokens").select(["name", "token_hash", "created_by"]).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ name: "collector", created_by: null });
      expect(row.token_hash).not.toContain(token);
      const audit = await db.selectFrom("audit_log").select(["action", "actor_user_id", "after"]).where("action", "=", "api_token.created").execute();
      expect(audit).toEqual([{ action: "api_token.created", actor_user_id: null, after: { site_id: ldc.id, name: "collector", scopes: ["usage:write", "usage:read"], via: "cli" } }]);
    });
  }, 180_000);

  test("a bad scope, an unknown site or a missing name exits 2 with a message and creates nothing", async () => {
    const badScope = await run(["app/cli.ts", "token", "create", "--site", "LDC", "--scope", "usage:admin", "--name", "x"]);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toMatch(/--scope: must be usage:write or usage:read/);
    expect(badScope.stdout).not.toMatch(/colo_/);

    const unknownSite = await run(["app/cli.ts", "token", "create", "--site", "XYZ", "--scope", "usage:write", "--name", "x"]);
    expect(unknownSite.code).toBe(2);
    expect(unknownSite.stderr).toMatch(/Unknown site XYZ/);

    const noName = await run(["app/cli.ts", "token", "create", "--site", "LDC", "--scope", "usage:write"]);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/--name: is required/);

    await withDatabase(async (db) => {
      const names = (await db.selectFrom("api_tokens").select("name").execute()).map((r) => r.name);
      expect(names).not.toContain("x");
    });
  }, 300_000);
});
