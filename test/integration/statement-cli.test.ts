import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { runTsx, withDatabaseAt } from "../support/cli";
import { usingPostgres } from "../support/db";
import { createOrg } from "../support/factories";
import { invoiceState, issuedInvoice } from "../support/payments-world";

/**
 * `statement import` of billing.md, as finance scripts it, on its own embedded database.
 * Kossi Tech owes invoice A at LDC: subtotal 100 000 + VAT 18 % = 118 000 XOF. The plain CSV:
 * 118 000 with A's reference (lower case, a space for the dash) → matched; 5 000 of fees (negative)
 * → not a line to match; 20 000 without a reference → unmatched. lines 3, new 2, matched 1.
 */
// The CLI runs on its own embedded database whatever TEST_DATABASE_URL says: once, with `npm test`.
describe.skipIf(usingPostgres())("statement import on the command line", () => {
  let dataDir: string;
  let fileDir: string;
  let A: Awaited<ReturnType<typeof issuedInvoice>>;
  const cli = (...args: string[]) => runTsx(dataDir, ["app/cli.ts", ...args]);
  const lastLine = (stdout: string) => stdout.trimEnd().split("\n").at(-1) ?? "";
  const withDatabase = <T,>(fn: (db: Kysely<Database>) => Promise<T>) => withDatabaseAt(dataDir, fn);
  const counts = () =>
    withDatabase(async (db) => ({
      lines: (await db.selectFrom("statement_lines").select("id").execute()).length,
      imports: (await db.selectFrom("statement_imports").select("id").execute()).length,
      payments: (await db.selectFrom("payments").select("id").execute()).length,
    }));

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portal-statement-cli-"));
    fileDir = await mkdtemp(join(tmpdir(), "portal-statement-files-"));
    const seeded = await runTsx(dataDir, ["seeds/run.ts", "--no-demo"]);
    expect(seeded.code, seeded.stderr).toBe(0);
    await withDatabase(async (db) => {
      const org = await createOrg(db, { name: "Kossi Tech" });
      A = await issuedInvoice(db, { orgId: org.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 100_000, issuedOn: "2026-10-03" });
    });
    const ref = A.paymentReference.replace("-", " ").toLowerCase();
    await writeFile(
      join(fileDir, "releve.csv"),
      ["date,amount,currency,label,transaction_id", `2026-11-20,118000,XOF,VIR KOSSI ${ref},BK-1`, "2026-11-21,-5000,XOF,FRAIS,BK-2", "2026-11-22,20000,XOF,VERSEMENT,BK-3", ""].join("\n"),
    );
    await writeFile(join(fileDir, "bad.csv"), "date,amount,currency,label,transaction_id\n9999-11-20,118000,XOF,VIR,BK-9\n");
  }, 180_000);

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(fileDir, { recursive: true, force: true });
  });

  test("bad arguments and a refused file exit 2 with a message on stderr and write nothing", async () => {
    const missing = await cli("statement", "import", "--site", "LDC", "--format", "csv");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--file");
    const refused = await cli("statement", "import", "--site", "LDC", "--file", join(fileDir, "bad.csv"), "--format", "csv");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("line 2: dateRange");
    expect(await counts()).toEqual({ lines: 0, imports: 0, payments: 0 });
  }, 300_000);

  test("a plain CSV: matched, counted, and the same file again adds nothing", async () => {
    const first = await cli("statement", "import", "--site", "LDC", "--file", join(fileDir, "releve.csv"), "--format", "csv");
    expect(first.code, first.stderr).toBe(0);
    expect(lastLine(first.stdout)).toBe('{"lines":3,"new":2,"matched":1,"suggested":0,"unmatched":1}');
    const again = await cli("statement", "import", "--site", "LDC", "--file", join(fileDir, "releve.csv"), "--format", "csv");
    expect(lastLine(again.stdout)).toBe('{"lines":3,"new":0,"matched":0,"suggested":0,"unmatched":0}');
    expect(await counts()).toEqual({ lines: 2, imports: 2, payments: 1 });
    expect(await withDatabase((db) => invoiceState(db, A.id))).toEqual({ status: "paid", balanceMinor: 0 });
  }, 300_000);
});
