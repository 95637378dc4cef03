import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { creditBalanceMinor } from "~/modules/payments/payments.server";
import {
  ageingBucket,
  parseStatementQuery,
  statementCsv,
  statementOfAccount,
  statementPdf,
  storeStatementPdf,
  STATEMENT_CSV_HEADER,
} from "~/modules/payments/statement.server";
import { createTestDb, type TestDb } from "../support/db";
import { pdfPageToPng, pdfText } from "../support/pdf";
import { ledgerBalance } from "../support/payments-world";
import { statementWorld, type StatementWorld } from "../support/statement-world";

/** The world and its figures: test/support/statement-world.ts. Every expected figure below is computed by hand there. */
describe("statement of account", () => {
  let t: TestDb;
  let w: StatementWorld;
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    w = await statementWorld(t.db);
  }, 120_000);
  afterAll(() => t.cleanup());

  const kossiXof = (from: string, to: string) => statementOfAccount(t.db, { orgId: w.kossi.id, currency: "XOF", from, to });

  it("October–November for Kossi in XOF: opening, movements with a running balance, closing", async () => {
    const s = (await kossiXof("2026-10-01", "2026-11-30"))!;
    // Opening: Z 11 800 + A 118 000 − VIR 1 50 000 = 79 800.
    expect(s.openingMinor).toBe(79_800);
    expect(s.lines.map((l) => [l.occurredOn, l.kind, l.document, l.debitMinor, l.creditMinor, l.balanceMinor])).toEqual([
      ["2026-10-03", "invoice", w.B.number, 236_000, 0, 315_800],
      ["2026-10-10", "payment", "CHQ 77", 0, 100_000, 215_800],
      ["2026-10-20", "payment_reversal", "CHQ 77", 100_000, 0, 315_800],
      ["2026-10-25", "credit_note", w.cn.number, 0, 59_000, 256_800],
      ["2026-11-04", "invoice", w.C.number, 354_000, 0, 610_800],
      ["2026-11-05", "payment", "OM 5", 0, 400_000, 210_800],
      ["2026-11-15", "refund", "RMB 3", 55_000, 0, 265_800],
    ]);
    expect(s.lines[3].invoiceNumber).toBe(w.B.number);
    expect(s.lines.map((l) => l.method)).toEqual([null, "cheque", "cheque", null, null, "orange_money", "bank_transfer"]);
    expect(s.lines[0].dueOn).toBe("2026-11-02");
    expect([s.totalDebitMinor, s.totalCreditMinor, s.closingMinor]).toEqual([745_000, 559_000, 265_800]);
    // Ageing on 30 November: Z 11 800 is 121 days late, B's 20 000 left is 28 days late,
    // C 354 000 is due on 4 December (MOMO 9 of 1 December is after the period: not counted).
    expect(s.ageing).toEqual({ notDue: 354_000, d1_30: 20_000, d31_60: 0, d61_90: 0, over90: 11_800, totalMinor: 385_800 });
    expect(s.owing.map((o) => [o.number, o.balanceMinor, o.daysLate])).toEqual([
      [w.Z.number, 11_800, 121],
      [w.B.number, 20_000, 28],
      [w.C.number, 354_000, -4],
    ]);
    // Credit: VIR 1 50 000 + OM 5 400 000 − allocated 275 000 − refunded 55 000 = 120 000.
    expect(s.creditMinor).toBe(120_000);
    expect(s.ageing.totalMinor - s.creditMinor).toBe(s.closingMinor);
    expect(s.org.name).toBe("Kossi Tech");
    expect(s.site?.code).toBe("LDC");
  });

  it("a payment received before `to` and reversed after it counts as credit at `to`", async () => {
    const s = (await kossiXof("2026-10-01", "2026-10-15"))!;
    // Ledger to 15 October: 79 800 + B 236 000 − CHQ 77 100 000 = 215 800.
    expect(s.closingMinor).toBe(215_800);
    // A 118 000 − 50 000 = 68 000 (12 days late); B whole (not due); Z 75 days late.
    expect(s.ageing).toEqual({ notDue: 236_000, d1_30: 68_000, d31_60: 0, d61_90: 11_800, over90: 0, totalMinor: 315_800 });
    // VIR 1 (allocated) + CHQ 77 (its allocations undone since): 100 000 of credit at that date.
    expect(s.creditMinor).toBe(100_000);
    expect(s.ageing.totalMinor - s.creditMinor).toBe(s.closingMinor);
  });

  it("up to a later date it gives the live figures of the balance rule", async () => {
    const s = (await kossiXof("2026-01-01", "2026-12-31"))!;
    expect(s.openingMinor).toBe(0);
    expect(s.closingMinor).toBe(await ledgerBalance(t.db, w.kossi.id, "XOF"));
    expect(s.closingMinor).toBe(245_800);
    const { rows } = await sql<{ total: string }>`SELECT sum(invoice_balance_minor(id))::text AS total FROM invoices WHERE org_id = ${w.kossi.id}::uuid AND currency = 'XOF'`.execute(t.db);
    expect(s.ageing.totalMinor).toBe(Number(rows[0].total));
    expect(s.ageing.totalMinor).toBe(365_800);
    expect(s.creditMinor).toBe(await creditBalanceMinor(t.db, w.kossi.id, "XOF"));
    expect(s.lines.at(-1)).toMatchObject({ occurredOn: "2026-12-01", kind: "payment", document: "MOMO 9", creditMinor: 20_000, balanceMinor: 245_800 });
  });

  it("other currency, other tenant: each statement has only its own rows", async () => {
    const xaf = (await statementOfAccount(t.db, { orgId: w.kossi.id, currency: "XAF", from: "2026-10-01", to: "2026-11-30" }))!;
    expect(xaf.lines.map((l) => [l.document, l.debitMinor])).toEqual([[w.D.number, 118_900]]);
    expect(xaf.ageing).toEqual({ notDue: 0, d1_30: 118_900, d31_60: 0, d61_90: 0, over90: 0, totalMinor: 118_900 });
    expect([xaf.openingMinor, xaf.closingMinor, xaf.creditMinor]).toEqual([0, 118_900, 0]);
    expect(xaf.site?.code).toBe("BZV");

    const ansi = (await statementOfAccount(t.db, { orgId: w.ansi.id, currency: "XOF", from: "2026-10-01", to: "2026-11-30" }))!;
    expect(ansi.lines.map((l) => [l.kind, l.document, l.balanceMinor])).toEqual([
      ["invoice", w.E.number, 59_000],
      ["payment", "VIR A1", 0],
    ]);
    expect([ansi.closingMinor, ansi.ageing.totalMinor, ansi.creditMinor]).toEqual([0, 0, 0]);

    // A currency the organisation never used: an empty statement, all zeros.
    const usd = (await statementOfAccount(t.db, { orgId: w.ansi.id, currency: "USD", from: "2026-01-01", to: "2026-11-30" }))!;
    expect([usd.lines.length, usd.openingMinor, usd.closingMinor, usd.ageing.totalMinor, usd.creditMinor]).toEqual([0, 0, 0, 0, 0]);
  });

  it("refuses what is not a statement: unknown organisation, bad currency or dates", async () => {
    const org = w.kossi.id;
    for (const input of [
      { orgId: "00000000-0000-0000-0000-000000000000", currency: "XOF", from: "2026-01-01", to: "2026-02-01" },
      { orgId: "nope", currency: "XOF", from: "2026-01-01", to: "2026-02-01" },
      { orgId: org, currency: "EUR", from: "2026-01-01", to: "2026-02-01" },
      { orgId: org, currency: "xof';--", from: "2026-01-01", to: "2026-02-01" },
      { orgId: org, currency: "XOF", from: "2026-02-01", to: "2026-01-01" },
      { orgId: org, currency: "XOF", from: "0000-01-01", to: "2026-01-01" },
      { orgId: org, currency: "XOF", from: "2026-01-01", to: "9999-12-31" },
      { orgId: org, currency: "XOF", from: "2026-02-30", to: "2026-03-01" },
    ]) {
      expect(await statementOfAccount(t.db, input)).toBeNull();
    }
  });

  it("buckets by days late", () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(ageingBucket)).toEqual(["notDue", "notDue", "d1_30", "d1_30", "d31_60", "d31_60", "d61_90", "d61_90", "over90", "over90"]);
  });

  it("reads the query: defaults, clamping, errors", () => {
    const q = (s: string) => parseStatementQuery(new URLSearchParams(s), "2026-12-02", ["XAF", "XOF"]);
    expect(q("")).toMatchObject({ query: { currency: "XAF", from: "2026-01-01", to: "2026-12-02", clamped: false }, errors: {} });
    expect(q("currency=xof&from=2026-10-01&to=2026-11-30")).toMatchObject({ query: { currency: "XOF", from: "2026-10-01", to: "2026-11-30" }, errors: {} });
    expect(q("year=2025")).toMatchObject({ query: { from: "2025-01-01", to: "2025-12-31" }, errors: {} });
    expect(q("year=2026")).toMatchObject({ query: { from: "2026-01-01", to: "2026-12-02", clamped: true }, errors: {} });
    expect(q("to=2030-01-01")).toMatchObject({ query: { to: "2026-12-02", clamped: true }, errors: {} });
    expect(q("year=0").errors).toEqual({ year: "statement.error.year" });
    expect(q("year=9999").errors).toEqual({ year: "statement.error.year" });
    expect(q("from=2026-11-01&to=2026-10-01").errors).toEqual({ from: "statement.error.order" });
    expect(q("from=9999-01-01").errors).toEqual({ from: "statement.error.date" });
    expect(q("currency=%F0%9F%92%A9").errors).toEqual({ currency: "statement.error.currency" });
    expect(q("currency=EUR&from=x&to=2026-13-01").errors).toEqual({ currency: "statement.error.currency", from: "statement.error.date", to: "statement.error.date" });
    // A query that fails still has a usable default period.
    expect(q("from=garbage").query).toMatchObject({ from: "2026-01-01", to: "2026-12-02" });
    expect(parseStatementQuery(new URLSearchParams(""), "2026-12-02", []).query.currency).toBeNull();
  });

  it("CSV: header, opening row, one row per movement, closing row, decimal strings", async () => {
    const csv = await statementCsv(t.db, { orgId: w.kossi.id, currency: "XOF", from: "2026-10-01", to: "2026-11-30" });
    const rows: string[][] = parse(csv);
    expect(rows[0]).toEqual([...STATEMENT_CSV_HEADER]);
    expect(rows.slice(1)).toEqual([
      ["2026-10-01", "opening_balance", "", "", "", "", "", "79800", "XOF"],
      ["2026-10-03", "invoice", w.B.number, "", "", "236000", "", "315800", "XOF"],
      ["2026-10-10", "payment", "CHQ 77", "", "cheque", "", "100000", "215800", "XOF"],
      ["2026-10-20", "payment_reversal", "CHQ 77", "", "cheque", "100000", "", "315800", "XOF"],
      ["2026-10-25", "credit_note", w.cn.number, w.B.number, "", "", "59000", "256800", "XOF"],
      ["2026-11-04", "invoice", w.C.number, "", "", "354000", "", "610800", "XOF"],
      ["2026-11-05", "payment", "OM 5", "", "orange_money", "", "400000", "210800", "XOF"],
      ["2026-11-15", "refund", "RMB 3", "", "bank_transfer", "55000", "", "265800", "XOF"],
      ["2026-11-30", "closing_balance", "", "", "", "745000", "559000", "265800", "XOF"],
    ]);
  });

  it("PDF: the statement's text in the organisation's language or the one asked; page 1 drawn", async () => {
    const fr = await statementPdf(t.db, { orgId: w.kossi.id, currency: "XOF", from: "2026-10-01", to: "2026-11-30", today: "2026-12-02" });
    expect(fr.subarray(0, 5).toString()).toBe("%PDF-");
    const { text, numPages } = await pdfText(fr);
    expect(numPages).toBe(1);
    for (const expected of [
      "RELEVÉ DE COMPTE",
      "Kossi Tech",
      "du 01/10/2026 au 30/11/2026",
      "Solde d'ouverture au 01/10/2026 79 800 F CFA",
      `${w.B.number} Facture — échéance 02/11/2026 236 000 F CFA 315 800 F CFA`,
      "CHQ 77 Paiement (chèque) 100 000 F CFA 215 800 F CFA",
      "CHQ 77 Paiement annulé (chèque) 100 000 F CFA 315 800 F CFA",
      `${w.cn.number} Avoir sur ${w.B.number} 59 000 F CFA 256 800 F CFA`,
      "RMB 3 Remboursement (virement) 55 000 F CFA 265 800 F CFA",
      "Solde de clôture au 30/11/2026 265 800 F CFA",
      "354 000 F CFA 20 000 F CFA 0 F CFA 0 F CFA 11 800 F CFA 385 800 F CFA 120 000 F CFA",
      `${w.Z.number} 02/07/2026 01/08/2026 121 j 11 800 F CFA`,
      "datés après le 30/11/2026 ne sont pas comptés",
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain("MOMO 9");
    expect(text).not.toContain(w.E.number);
    const issuer = await t.db.selectFrom("site_issuers as i").innerJoin("sites as s", "s.id", "i.site_id").select(["i.legal_name", "i.nif"]).where("s.code", "=", "LDC").executeTakeFirstOrThrow();
    expect(text).toContain(issuer.legal_name);
    expect(text).toContain(issuer.nif);
    writeFileSync(join(tmpdir(), "statement-fr-p1.png"), await pdfPageToPng(fr, 1));

    const en = await statementPdf(t.db, { orgId: w.kossi.id, currency: "XOF", from: "2026-10-01", to: "2026-11-30", locale: "en", today: "2026-12-02" });
    const enText = (await pdfText(en)).text;
    expect(enText).toContain("STATEMENT OF ACCOUNT");
    expect(enText).toContain("Closing balance on 2026-11-30 265,800 CFA F");
    expect(enText).toContain("Payment reversed (cheque)");

    // ANSI bills in English: its statement is in English by default.
    const ansi = (await pdfText(await statementPdf(t.db, { orgId: w.ansi.id, currency: "XOF", from: "2026-10-01", to: "2026-11-30", today: "2026-12-02" }))).text;
    expect(ansi).toContain("STATEMENT OF ACCOUNT");
    expect(ansi).toContain("ANSI");
    expect(ansi).not.toContain("Kossi");
    writeFileSync(join(tmpdir(), "statement-en-p1.png"), await pdfPageToPng(en, 1));
  }, 60_000);

  it("stores the PDF as a document of kind statement_pdf (for a reminder's attachment)", async () => {
    const { documentId } = await t.db.transaction().execute((trx) => storeStatementPdf(trx, { orgId: w.kossi.id, currency: "XAF", from: "2026-01-01", to: "2026-11-30", locale: "fr", today: "2026-12-02" }));
    const doc = await t.db.selectFrom("documents").select(["kind", "filename", "content_type", "content", "byte_size"]).where("id", "=", documentId).executeTakeFirstOrThrow();
    expect(doc).toMatchObject({ kind: "statement_pdf", filename: "releve-kossi-tech-XAF-2026-01-01-2026-11-30.pdf", content_type: "application/pdf" });
    expect((await pdfText(doc.content)).text).toContain(w.D.number);
    // The kind CHECK still refuses anything else.
    await expect(t.db.insertInto("documents").values({ kind: "nope" as "statement_pdf", filename: "x", content_type: "x", content: Buffer.from("x") }).execute()).rejects.toThrow();
    await expect(storeStatementPdf(t.db, { orgId: "00000000-0000-0000-0000-000000000000", currency: "XOF", from: "2026-01-01", to: "2026-02-01" })).rejects.toThrow();
  }, 60_000);
});
