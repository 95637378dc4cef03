import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite, pgliteKysely } from "#db/client.server";
import { usingPostgres } from "../support/db";
import { runTsx } from "../support/cli";
import { DataDirLockedError, LOCK_FILE, lockDataDir } from "#db/lock.server";

// The CLI runs on its own embedded database whatever TEST_DATABASE_URL says: on PostgreSQL (test:pg)
// this file would repeat the PGlite run exactly, so it runs once, with `npm test`.
describe.skipIf(usingPostgres())("one process per embedded database", () => {
  /**
   * The embedded database is opened by one process at a time (ADR 011). Real second processes are
   * started (`npx tsx app/cli.ts …`, `seeds/run.ts`, `db/migrate.ts`, `server.ts`) against a directory this test
   * process holds: each must stop at once with the message, and the data must be byte-for-byte as it was.
   */
  let dataDir: string;

  const run = (args: string[], dir = dataDir) => runTsx(dir, args, { PORT: "3409" });

  /** Every file of the directory (but the lock) with its size and modification time. */
  function snapshot(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name !== LOCK_FILE) {
          const s = statSync(path);
          out[path.slice(dir.length)] = `${s.size}:${s.mtimeMs}`;
        }
      }
    };
    walk(dir);
    return out;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portal-lock-"));
    // A real, migrated embedded database with data in it.
    const client = await openPglite(dataDir);
    const db = pgliteKysely(client);
    await db.schema.createTable("marker").addColumn("n", "integer").execute();
    await db.insertInto("marker" as any).values({ n: 42 }).execute();
    await db.destroy();
  }, 120_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test("while a process holds DATA_DIR, the CLI, the seeder, the migrator and a second server stop at once with the message and change nothing", async () => {
    const client = await openPglite(dataDir);
    try {
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
      expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
      const before = snapshot(dataDir);

      for (const args of [
        ["app/cli.ts", "token", "create", "--site", "LDC", "--scope", "usage:write", "--name", "collector"],
        ["seeds/run.ts", "--no-demo"],
        ["db/migrate.ts"],
        ["server.ts"], // a second server
      ]) {
        const result = await run(args);
        expect(result.code, args.join(" ")).not.toBe(0);
        expect(result.stderr).toContain("arrêtez d'abord le portail, ou utilisez DATABASE_URL");
        expect(result.stderr).toContain("stop the portal first, or use DATABASE_URL");
        expect(result.stderr).toContain(`PID ${process.pid}`);
        expect(result.stdout).not.toMatch(/colo_/);
        // "At once": the time to start tsx and load the modules, never waiting for the holder.
        expect(result.ms).toBeLessThan(60_000);
      }

      expect(snapshot(dataDir)).toEqual(before);
      const rows = await pgliteKysely(client).selectFrom("marker" as any).selectAll().execute();
      expect(rows).toEqual([{ n: 42 }]);
    } finally {
      await client.close();
    }
    // Closing released the lock: the next process opens the directory.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  }, 180_000);

  test("a second open in the same process is refused too, and the holder is named", async () => {
    const release = lockDataDir(dataDir);
    try {
      expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
      await expect(openPglite(dataDir)).rejects.toThrow(/stop the portal first, or use DATABASE_URL/);
    } finally {
      release();
    }
    lockDataDir(dataDir)();
  });

  test("a lock left by a process killed with SIGKILL is stale and taken over", async () => {
    const holder = spawn("npx", ["tsx", "-e", `import("./db/client.server.ts").then(async (m) => { await m.openPglite(process.env.DATA_DIR); console.log("holding"); setInterval(() => {}, 1000); })`], {
      cwd: process.cwd(),
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("holding") && resolve());
        holder.on("exit", (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8"));
      expect(lock.pid).not.toBe(process.pid);
      expect(() => lockDataDir(dataDir)).toThrow(new RegExp(`PID ${lock.pid}`));
    } finally {
      process.kill(-holder.pid!, "SIGKILL"); // npx, tsx and node: the whole group, no cleanup
      await new Promise((resolve) => (holder.exitCode !== null || holder.signalCode !== null ? resolve(null) : holder.on("exit", resolve)));
    }
    // The lock file is still there, its owner dead.
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);

    const client = await openPglite(dataDir);
    try {
      expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
      expect(await pgliteKysely(client).selectFrom("marker" as any).selectAll().execute()).toEqual([{ n: 42 }]);
    } finally {
      await client.close();
    }
  }, 180_000);

  test("a lock naming a live process started after the lock was written (a reused PID) is stale", () => {
    // PID 1 is alive, but its start time is not the one recorded: the owner is gone.
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), started: -1, nonce: "old" }));
    const release = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    release();
  });
});
