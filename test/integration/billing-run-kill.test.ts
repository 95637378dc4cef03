import { spawn } from "node:child_process";
import { sql } from "kysely";
import { runBilling } from "~/modules/billing/run.server";
import { createTestDb, usingPostgres, type TestDb } from "../support/db";

/**
 * Kill and re-run (PostgreSQL only: the CLI and this test share the database): a real child process
 * running `billing run` is killed with SIGKILL half-way; its job's lease is then let run out (set in
 * the past, as if a minute had gone by) and the run started again. Result: one invoice per
 * organisation and period, identical to a clean run.
 */

const ORGS = 150;
let t: TestDb;
let url: string;

function cli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, NODE_ENV: "test" };
  delete env.TEST_DATABASE_URL;
  return spawn("npx", ["tsx", "app/cli.ts", ...args], { cwd: process.cwd(), env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
}

const finished = (child: ReturnType<typeof cli>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

const contents = () =>
  t.db
    .selectFrom("invoices as i")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .leftJoin("invoice_lines as l", "l.invoice_id", "i.id")
    .select(["o.name", "i.status", "i.subtotal_minor", "i.vat_minor", "i.total_minor", "i.flags", "l.position", "l.kind", "l.description_fr", "l.quantity", "l.amount_minor"])
    .orderBy("o.name")
    .orderBy("l.position")
    .execute();

describe.runIf(usingPostgres())("billing run killed half-way", () => {
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    const { name } = (await sql<{ name: string }>`SELECT current_database() AS name`.execute(t.db)).rows[0];
    const u = new URL(process.env.TEST_DATABASE_URL!);
    u.pathname = `/${name}`;
    url = u.toString();
    const ldc = await t.db.selectFrom("sites").select("id").where("code", "=", "LDC").executeTakeFirstOrThrow();
    const rack = await t.db.selectFrom("products").select(["id", "name_fr", "name_en"]).where("site_id", "=", ldc.id).where("kind", "=", "full_rack").executeTakeFirstOrThrow();
    const orgs = await t.db
      .insertInto("organisations")
      .values(
        Array.from({ length: ORGS }, (_, i) => ({
          name: `Tenant ${String(i).padStart(3, "0")}`,
          kind: "sme" as const,
          tax_id: `NIFKILL${i}`,
          rccm: null,
          billing_email: `kill-${i}@example.test`,
          address: "Lomé",
          country: "TG",
          status: "verified" as const,
        })),
      )
      .returning("id")
      .execute();
    const contracts = await t.db
      .insertInto("contracts")
      .values(orgs.map((o, i) => ({ org_id: o.id, site_id: ldc.id, request_id: null, start_on: `2026-10-${String(1 + (i % 28)).padStart(2, "0")}`, end_on: null, term_months: 12 as const })))
      .returning("id")
      .execute();
    await t.db
      .insertInto("contract_lines")
      .values(contracts.map((c, i) => ({ contract_id: c.id, product_id: rack.id, kind: "full_rack" as const, name_fr: rack.name_fr, name_en: rack.name_en, quantity: 1 + (i % 3), unit_price_minor: 100_000 + 7 * i, setup_fee_minor: i % 2 ? 50_000 : 0, currency: "XOF" as const })))
      .execute();
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  test("one invoice per organisation, identical to a clean run", async () => {
    const child = cli(["billing", "run", "--site", "LDC", "--period", "2026-10"]);
    const ended = finished(child);
    // Wait until the run is part-way, then kill the whole process group.
    let done = 0;
    for (let i = 0; i < 1200; i++) {
      const job = await t.db.selectFrom("jobs").select("progress_done").executeTakeFirst();
      done = job?.progress_done ?? 0;
      if (done >= 10) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    process.kill(-child.pid!, "SIGKILL");
    await ended;
    const killed = await t.db.selectFrom("jobs").select(["status", "progress_done", "progress_total"]).executeTakeFirstOrThrow();
    expect(killed.status).toBe("running");
    expect(killed.progress_done).toBeGreaterThanOrEqual(10);
    expect(killed.progress_done).toBeLessThan(ORGS);
    const partial = await t.db.selectFrom("invoices").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(Number(partial.n)).toBeLessThan(ORGS);

    // The lease runs out (as if a minute had passed); the run is started again and finishes the job.
    await sql`UPDATE jobs SET lease_until = now() - interval '1 second'`.execute(t.db);
    const again = await finished(cli(["billing", "run", "--site", "LDC", "--period", "2026-10"]));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trimEnd().split("\n").at(-1)).toBe(`{"site":"LDC","period":"2026-10","invoices":${ORGS},"issued":0}`);
    expect(await t.db.selectFrom("jobs").select(["status", "attempts", "progress_done"]).execute()).toEqual([{ status: "done", attempts: 2, progress_done: ORGS }]);
    const afterRestart = await contents();

    // A clean run from nothing gives the same invoices.
    await t.db.deleteFrom("invoices").execute();
    expect(await runBilling(t.db, { siteCode: "LDC", period: "2026-10" })).toEqual({ site: "LDC", period: "2026-10", invoices: ORGS, issued: 0 });
    expect(await contents()).toEqual(afterRestart);
    const perOrg = await t.db.selectFrom("invoices").select("org_id").groupBy("org_id").having((eb) => eb.fn.countAll(), ">", 1).execute();
    expect(perOrg).toEqual([]);
  }, 240_000);

  test("two runs of the same site and month at the same moment (outside the job runner) still give one invoice per organisation", async () => {
    const clean = await contents();
    await t.db.deleteFrom("invoices").execute();
    const [a, b] = await Promise.all([runBilling(t.db, { siteCode: "LDC", period: "2026-10" }), runBilling(t.db, { siteCode: "LDC", period: "2026-10" })]);
    expect([a.invoices, b.invoices]).toEqual([ORGS, ORGS]);
    expect(await contents()).toEqual(clean);
  }, 120_000);
});
