import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { runTsx, withDatabaseAt } from "../support/cli";
import { usingPostgres } from "../support/db";
import { createOrg } from "../support/factories";
import { invoiceState, issuedInvoice } from "../support/payments-world";

/**
 * `payment record` of billing.md as finance scripts it, in a child process on its own embedded
 * database. Kossi (NIF set below) has two LDC invoices: A 2026-09 = 118 000 (due first), B 2026-10 = 236 000.
 */
describe.skipIf(usingPostgres())("recording payments on the command line", () => {
  let dataDir: string;
  const cli = (...args: string[]) => runTsx(dataDir, ["app/cli.ts", ...args]);
  const lastLine = (stdout: string) => JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
  const withDatabase = <T,>(fn: (db: Kysely<Database>) => Promise<T>) => withDatabaseAt(dataDir, fn);
  let A: Awaited<ReturnType<typeof issuedInvoice>>;
  let B: Awaited<ReturnType<typeof issuedInvoice>>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "portal-pay-cli-"));
    const seeded = await runTsx(dataDir, ["seeds/run.ts", "--no-demo"]);
    expect(seeded.code, seeded.stderr).toBe(0);
    await withDatabase(async (db) => {
      const org = await createOrg(db, { name: "Kossi Tech" });
      await db.updateTable("organisations").set({ tax_id: "TG-1000234567" }).where("id", "=", org.id).execute();
      A = await issuedInvoice(db, { orgId: org.id, siteCode: "LDC", period: "2026-09", subtotalMinor: 100_000, issuedOn: "2026-10-03" });
      B = await issuedInvoice(db, { orgId: org.id, siteCode: "LDC", period: "2026-10", subtotalMinor: 200_000, issuedOn: "2026-11-04" });
    });
  }, 180_000);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test("to a named invoice, the rest as credit; then oldest due first; bad arguments exit 2 and write nothing", async () => {
    const named = await cli("payment", "record", "--org", "TG-1000234567", "--currency", "XOF", "--amount", "250000", "--method", "bank_transfer", "--reference", "VIR 2026-118", "--on", "2026-11-20", "--invoice", B.number);
    expect(named.code, named.stderr).toBe(0);
    const first = lastLine(named.stdout);
    expect(first).toEqual({ payment: expect.stringMatching(/^[0-9a-f-]{36}$/), allocated: [{ number: B.number, amount_minor: 236_000 }], credit_minor: 14_000 });

    const auto = await cli("payment", "record", "--org", "TG-1000234567", "--currency", "XOF", "--amount", "100000", "--method", "orange_money", "--reference", "OM-55", "--on", "2026-11-21");
    expect(auto.code, auto.stderr).toBe(0);
    expect(lastLine(auto.stdout)).toMatchObject({ allocated: [{ number: A.number, amount_minor: 100_000 }], credit_minor: 0 });

    const bad = await cli("payment", "record", "--org", "TG-1000234567", "--currency", "XOF", "--amount", "12.5", "--method", "bank_transfer", "--reference", "X", "--on", "2026-11-21");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--amount");
    const unknown = await cli("payment", "record", "--org", "NOPE", "--currency", "XOF", "--amount", "1", "--method", "cash", "--reference", "X", "--on", "2026-11-21");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--org");

    await withDatabase(async (db) => {
      expect(await invoiceState(db, A.id)).toEqual({ status: "issued", balanceMinor: 18_000 });
      expect(await invoiceState(db, B.id)).toEqual({ status: "paid", balanceMinor: 0 });
      expect((await db.selectFrom("payments").select("reference").orderBy("created_at").execute()).map((p) => p.reference)).toEqual(["VIR 2026-118", "OM-55"]);
    });
  }, 180_000);
});
