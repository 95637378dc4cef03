import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { runBilling } from "~/modules/billing/run.server";
import { runTsx, withDatabaseAt } from "../support/cli";
import { usingPostgres } from "../support/db";
import { createOrg } from "../support/factories";

/**
 * The issuing commands of billing.md, as finance scripts them: `rate set`, `billing issue`,
 * `invoice pdf`, each a child process on its own embedded database. A Kinshasa customer in the DRC
 * (USD, billed with the CDF equivalent) for October 2026: 1 full rack × $1,500.00 → subtotal 150 000
 * cents, VAT 16 % 24 000, total 174 000.
 */
// The CLI runs on its own embedded database whatever TEST_DATABASE_URL says: on PostgreSQL (test:pg)
// this file would repeat the PGlite run exactly, so it runs once, with `npm test`.
describe.skipIf(usingPostgres())("issuing on the command line", () => {
  let dataDir: string;
  let outDir: string;
  const cli = (...args: string[]) => runTsx(dataDir, ["app/cli.ts", ...args]);
  const lastLine = (stdout: string) => stdout.trimEnd().split("\n").at(-1);
  const withDatabase = <T,>(fn: (db: Kysely<Database>) => Promise<T>) => withDatabaseAt(dataDir, fn);
  // A day the KIN calendar has already reached, whatever the hour (Kinshasa is UTC+1).
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portal-issue-cli-"));
    outDir = await mkdtemp(join(tmpdir(), "portal-issue-out-"));
    const seeded = await runTsx(dataDir, ["seeds/run.ts", "--no-demo"]);
    expect(seeded.code, seeded.stderr).toBe(0);
    await withDatabase(async (db) => {
      const site = await db.selectFrom("sites").select(["id", "currency"]).where("code", "=", "KIN").executeTakeFirstOrThrow();
      const org = await createOrg(db, { name: "Congo Mining SA" });
      await db.updateTable("organisations").set({ country: "CD" }).where("id", "=", org.id).execute();
      const contract = await db
        .insertInto("contracts")
        .values({ org_id: org.id, site_id: site.id, request_id: null, start_on: "2026-09-01", end_on: null, term_months: 12 })
        .returning("id")
        .executeTakeFirstOrThrow();
      const rack = await db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", site.id).where("kind", "=", "full_rack").executeTakeFirstOrThrow();
      await db
        .insertInto("contract_lines")
        .values({ contract_id: contract.id, product_id: rack.id, kind: rack.kind, name_fr: rack.name_fr, name_en: rack.name_en, quantity: 1, unit_price_minor: 150_000, setup_fee_minor: 0, currency: site.currency })
        .execute();
      await runBilling(db, { siteCode: "KIN", period: "2026-10" });
    });
  }, 180_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  });

  test("rate set: bad arguments exit 2 and write nothing; a good one prints the stored rate", async () => {
    // Each refusal of validateRate is covered by the rates page's tests; here, that the CLI maps
    // them to exit 2 with nothing written (each child process costs seconds).
    for (const args of [
      ["--from", "USD", "--to", "CDF", "--on", "2026-02-30", "--rate", "2800"],
      ["--from", "USD", "--to", "CDF", "--on", yesterday, "--rate", "2,841.5"],
    ]) {
      const r = await cli("rate", "set", ...args);
      expect(r.code, args.join(" ")).toBe(2);
    }
    await withDatabase(async (db) => expect(await db.selectFrom("exchange_rates").selectAll().execute()).toEqual([]));
    const ok = await cli("rate", "set", "--from", "usd", "--to", "CDF", "--on", yesterday, "--rate", "2841.50");
    expect(ok.code, ok.stderr).toBe(0);
    expect(lastLine(ok.stdout)).toBe(`{"from":"USD","to":"CDF","on":"${yesterday}","rate":"2841.5"}`);
  }, 240_000);

  test("billing issue numbers the drafts; invoice pdf writes the stored document", async () => {
    const year = await withDatabase(async (db) => {
      const { rows } = await sql<{ y: string }>`SELECT to_char(site_today(id), 'YYYY') AS y FROM sites WHERE code = 'KIN'`.execute(db);
      return rows[0].y;
    });
    const issued = await cli("billing", "issue", "--site", "KIN", "--period", "2026-10");
    expect(issued.code, issued.stderr).toBe(0);
    expect(lastLine(issued.stdout)).toBe(`{"issued":1,"numbers":["KIN-${year}-000001"]}`);
    const again = await cli("billing", "issue", "--site", "KIN", "--period", "2026-10");
    expect(lastLine(again.stdout)).toBe('{"issued":0,"numbers":[]}');

    const file = join(outDir, "invoice.pdf");
    const pdf = await cli("invoice", "pdf", `KIN-${year}-000001`, "--out", file);
    expect(pdf.code, pdf.stderr).toBe(0);
    const bytes = await readFile(file);
    const stored = await withDatabase((db) => db.selectFrom("invoices").select(["pdf_sha256", "fx_rate", "total_minor"]).executeTakeFirstOrThrow());
    expect(stored.total_minor).toBe(174_000);
    expect(Number(stored.fx_rate)).toBe(2841.5);
    const hash = createHash("sha256").update(bytes).digest("hex");
    expect(hash).toBe(stored.pdf_sha256);
    expect(lastLine(pdf.stdout)).toBe(JSON.stringify({ number: `KIN-${year}-000001`, sha256: hash, bytes: bytes.length }));

    for (const args of [["KIN-2026-999999", "--out", file], [`KIN-${year}-000001`]]) {
      const bad = await cli("invoice", "pdf", ...args);
      expect(bad.code, args.join(" ")).toBe(2);
    }
  }, 240_000);
});
