import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { creditBalanceMinor, recordPayment } from "~/modules/payments/payments.server";
import { assignLine, confirmLine, importStatement, markNotOurs, splitLine, type ImportResult } from "~/modules/payments/reconcile.server";
import { saveSource, SourceForm } from "~/modules/payments/statements/sources.server";
import { createTestDb, type TestDb } from "../support/db";
import { count } from "../support/factories";
import { invoiceState, ledgerBalance } from "../support/payments-world";
import { ecobankSource, fixture, statementsWorld, type StatementsWorld } from "../support/statements-world";

/**
 * The reconciliation inbox's import and matching, on fixture statements (test/fixtures/statements),
 * in the world of test/support/statements-world.ts (invoices A–F, figures worked out there).
 */
describe("statement import and matching", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  let w: StatementsWorld;

  beforeEach(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    w = await statementsWorld(db);
    // The first one also migrates and seeds the worker's base database.
  }, 180_000);
  afterEach(() => t?.cleanup());

  const run = (input: Omit<Parameters<typeof importStatement>[1], "actor" | "via" | "fileName"> & { fileName?: string }) =>
    db.transaction().execute((trx) => importStatement(trx, { fileName: "statement", actor: w.actor, via: "web", ...input }));
  const lines = () => db.selectFrom("statement_lines").select(["label", "status", "suggestion_reason", "suggested_org_id", "amount_minor", "payment_id", "id"]).orderBy("booked_on").orderBy("label").execute();
  const figures = (r: ImportResult) => {
    if (!r.ok) throw new Error(JSON.stringify(r));
    const { importId: _, ok: __, ...rest } = r;
    return rest;
  };

  it("has the figures the world describes", () => {
    expect([w.A.totalMinor, w.B.totalMinor, w.C.totalMinor, w.D.totalMinor, w.E.totalMinor, w.F.totalMinor]).toEqual([118_000, 236_000, 59_000, 295_000, 174_000, 475_600]);
  });

  it("a bank's CSV (semicolons, decimal commas, DD/MM/YYYY): references matched with spaces, case and no dash; a re-import adds nothing", async () => {
    const source = await ecobankSource(db, w);
    const first = await run({ siteCode: "LDC", sourceId: source, bytes: fixture("bank-ecobank-ldc.csv", w) });
    // 6 movements: 1 outgoing (fees), 5 incoming. A 118 000 paid in full ("ldc 7k3q9x"), C 30 000 of
    // 59 000 (no dash), D by name + amount (suggested), B 300 000 > 236 000 (suggested), cash unmatched.
    expect(figures(first)).toEqual({ lines: 6, incoming: 5, outgoing: 1, new: 5, duplicates: 0, matched: 2, suggested: 2, unmatched: 1 });
    expect(await invoiceState(db, w.A.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect(await invoiceState(db, w.C.id)).toEqual({ status: "issued", balanceMinor: 29_000 });
    // The line with ANSI's reference paid ANSI only: Kossi's other invoice and credit are untouched.
    expect(await invoiceState(db, w.B.id)).toEqual({ status: "issued", balanceMinor: 236_000 });
    expect(await creditBalanceMinor(db, w.kossi, "XOF")).toBe(0);
    expect(await ledgerBalance(db, w.ansi, "XOF")).toBe(29_000);
    const byLabel = Object.fromEntries((await lines()).map((l) => [l.label.split(" ").slice(0, 3).join(" "), l]));
    expect(byLabel["VIR TOGO FIBRE"]).toMatchObject({ status: "suggested", suggestion_reason: "amount_and_name", suggested_org_id: w.fibre });
    expect(byLabel["VIREMENT " + w.B.paymentReference + " KOSSI"]).toMatchObject({ status: "suggested", suggestion_reason: "amount_exceeds_balance", suggested_org_id: w.kossi });
    expect(byLabel["VERSEMENT ESPECES AGENCE"]).toMatchObject({ status: "unmatched", suggested_org_id: null });
    // The payments: from the statement, keyed by the line, the bank's reference, the source's method.
    const payments = await db.selectFrom("payments").select(["org_id", "amount_minor", "method", "reference", "source", "external_id"]).orderBy("amount_minor").execute();
    expect(payments).toEqual([
      { org_id: w.ansi, amount_minor: 30_000, method: "bank_transfer", reference: "ECO-2026-0003", source: "statement", external_id: "statement:LDC:tx:ECO-2026-0003" },
      { org_id: w.kossi, amount_minor: 118_000, method: "bank_transfer", reference: "ECO-2026-0001", source: "statement", external_id: "statement:LDC:tx:ECO-2026-0001" },
    ]);
    expect(await db.selectFrom("email_outbox").select("template").where("template", "=", "payment_received").execute()).toHaveLength(2);

    const again = await run({ siteCode: "LDC", sourceId: source, bytes: fixture("bank-ecobank-ldc.csv", w) });
    expect(figures(again)).toEqual({ lines: 6, incoming: 5, outgoing: 1, new: 0, duplicates: 5, matched: 0, suggested: 0, unmatched: 0 });
    expect(await count(db, "statement_lines")).toBe(5);
    expect(await count(db, "payments")).toBe(2);
    expect(await invoiceState(db, w.C.id)).toEqual({ status: "issued", balanceMinor: 29_000 });
    const imports = await db.selectFrom("statement_imports").select(["lines_total", "lines_new", "matched", "sha256"]).orderBy("created_at").execute();
    expect(imports.map((i) => [i.lines_total, i.lines_new, i.matched])).toEqual([
      [6, 5, 2],
      [6, 0, 0],
    ]);
    expect(imports[0].sha256).toBe(imports[1].sha256);
    const audit = await db.selectFrom("audit_log").select(["action", "after"]).where("action", "=", "statement.imported").execute();
    expect(audit).toHaveLength(2);
  });

  it("another bank's CSV (commas, quoted fields, grouping commas, a dot, ISO dates) in USD cents", async () => {
    const data = SourceForm.parse({
      site: "KIN",
      name: "Rawbank USD",
      kind: "bank",
      method: "bank_transfer",
      format: "csv",
      delimiter: "comma",
      dateColumn: "Booking Date",
      amountColumn: "amount",
      currencyColumn: "Currency",
      labelColumn: "Description",
      transactionIdColumn: "Transaction ID",
      payerColumn: "Counterparty",
      dateFormat: "YYYY-MM-DD",
      decimalSeparator: "dot",
    });
    const saved = await db.transaction().execute((trx) => saveSource(trx, { data, actor: w.actor }));
    if (!saved.ok) throw new Error(saved.error);
    const r = await run({ siteCode: "KIN", sourceId: saved.id, bytes: fixture("bank-rawbank-kin.csv", w) });
    // "1,740.00" = 174 000 cents = E's total: paid. Charges −25.50: outgoing. $100.00: unmatched.
    expect(figures(r)).toEqual({ lines: 3, incoming: 2, outgoing: 1, new: 2, duplicates: 0, matched: 1, suggested: 0, unmatched: 1 });
    expect(await invoiceState(db, w.E.id)).toEqual({ status: "paid", balanceMinor: 0 });
    const unmatched = await db.selectFrom("statement_lines").select(["amount_minor", "currency", "payer", "booked_on"]).where("status", "=", "unmatched").executeTakeFirstOrThrow();
    expect(unmatched).toEqual({ amount_minor: 10_000, currency: "USD", payer: "Someone Else Ltd", booked_on: "2026-11-22" });
  });

  it("MT940: :61: credits with their :86: text (plain and ?20/?32 subfields); debits counted, not stored", async () => {
    const r = await run({ siteCode: "LDC", plainFormat: "mt940", bytes: fixture("ldc-ecobank.mt940", w) });
    // 236 000 pays B ("LDC-…" with its dash), 59 000 pays C ("ldc …" in ?21), the 5 000 commission is outgoing.
    expect(figures(r)).toEqual({ lines: 3, incoming: 2, outgoing: 1, new: 2, duplicates: 0, matched: 2, suggested: 0, unmatched: 0 });
    expect(await invoiceState(db, w.B.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect(await invoiceState(db, w.C.id)).toEqual({ status: "paid", balanceMinor: 0 });
    const stored = await db.selectFrom("statement_lines").select(["transaction_id", "payer", "booked_on"]).orderBy("booked_on").execute();
    expect(stored).toEqual([
      { transaction_id: "FT2633012345", payer: null, booked_on: "2026-11-26" },
      { transaction_id: "FT2633099999", payer: "ANSI AGENCE NATIONALE", booked_on: "2026-11-28" },
    ]);
    const again = await run({ siteCode: "LDC", plainFormat: "mt940", bytes: fixture("ldc-ecobank.mt940", w) });
    expect(figures(again)).toMatchObject({ new: 0, duplicates: 2, matched: 0 });
  });

  it("CAMT.053: booked credits only; the debtor's name and Ustrd text; pending entries left out", async () => {
    const r = await run({ siteCode: "BZV", plainFormat: "camt053", bytes: fixture("bzv-bgfi.camt053.xml", w) });
    // 475 600 XAF pays F; 10 000 DBIT outgoing; 100 000 "AVANCE" unmatched; the PDNG entry is not counted as a line to match.
    expect(figures(r)).toEqual({ lines: 4, incoming: 2, outgoing: 1, new: 2, duplicates: 0, matched: 1, suggested: 0, unmatched: 1 });
    expect(await invoiceState(db, w.F.id)).toEqual({ status: "paid", balanceMinor: 0 });
    const paid = await db.selectFrom("payments").select(["reference", "payer", "currency", "received_on"]).executeTakeFirstOrThrow();
    expect(paid).toEqual({ reference: "BGFI-20261120-0001", payer: "CONGO TELECOM SA", currency: "XAF", received_on: "2026-11-20" });
  });

  it("a mobile-money export (Orange Money): grouping spaces, no currency column, the source's method; a suggestion by name and amount", async () => {
    const data = SourceForm.parse({
      site: "LDC",
      name: "Orange Money marchand",
      kind: "mobile_money",
      method: "orange_money",
      format: "csv",
      delimiter: "semicolon",
      dateColumn: "Date",
      amountColumn: "Montant (FCFA)",
      currencyColumn: "",
      labelColumn: "Message",
      transactionIdColumn: "N° de transaction",
      payerColumn: "Expéditeur",
      dateFormat: "DD/MM/YYYY",
      decimalSeparator: "comma",
    });
    const saved = await db.transaction().execute((trx) => saveSource(trx, { data, actor: w.actor }));
    if (!saved.ok) throw new Error(saved.error);
    const r = await run({ siteCode: "LDC", sourceId: saved.id, bytes: fixture("orange-money-ldc.csv", w) });
    expect(figures(r)).toEqual({ lines: 3, incoming: 2, outgoing: 1, new: 2, duplicates: 0, matched: 1, suggested: 1, unmatched: 0 });
    // 50 000 of B's 236 000 → 186 000 left; the payment is Orange Money.
    expect(await invoiceState(db, w.B.id)).toEqual({ status: "issued", balanceMinor: 186_000 });
    expect(await db.selectFrom("payments").select(["method", "amount_minor"]).execute()).toEqual([{ method: "orange_money", amount_minor: 50_000 }]);
    const suggested = await db.selectFrom("statement_lines").select(["suggested_org_id", "suggestion_reason", "id"]).where("status", "=", "suggested").executeTakeFirstOrThrow();
    expect(suggested).toMatchObject({ suggested_org_id: w.ansi, suggestion_reason: "amount_and_name" });
    const proposals = await db.selectFrom("statement_line_suggestions").select("invoice_id").where("line_id", "=", suggested.id).execute();
    expect(proposals.map((p) => p.invoice_id)).toEqual([w.C.id]);
  });

  it("finance confirms, splits, assigns and rejects lines; each once, audited", async () => {
    const source = await ecobankSource(db, w);
    await run({ siteCode: "LDC", sourceId: source, bytes: fixture("bank-ecobank-ldc.csv", w) });
    const all = await lines();
    const line = (start: string) => all.find((l) => l.label.startsWith(start))!;
    const tx = <T,>(fn: (trx: Parameters<Parameters<ReturnType<Kysely<Database>["transaction"]>["execute"]>[0]>[0]) => Promise<T>) => db.transaction().execute(fn);

    // D's suggestion confirmed: D paid.
    const confirmed = await tx((trx) => confirmLine(trx, { lineId: line("VIR TOGO").id, invoiceId: w.D.id, actor: w.actor }));
    expect(confirmed.ok).toBe(true);
    expect(await invoiceState(db, w.D.id)).toEqual({ status: "paid", balanceMinor: 0 });
    // A double click: the second is refused, one payment only.
    expect(await tx((trx) => confirmLine(trx, { lineId: line("VIR TOGO").id, invoiceId: w.D.id, actor: w.actor }))).toEqual({ ok: false, error: "already_resolved" });
    expect(await db.selectFrom("payments").select("id").where("org_id", "=", w.fibre).execute()).toHaveLength(1);

    // 300 000 on B (236 000): confirmed, 64 000 becomes Kossi's credit.
    const big = await tx((trx) => confirmLine(trx, { lineId: line("VIREMENT").id, invoiceId: w.B.id, actor: w.actor }));
    expect(big.ok).toBe(true);
    expect(await invoiceState(db, w.B.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect(await creditBalanceMinor(db, w.kossi, "XOF")).toBe(64_000);

    // The cash deposit is not ours; a reason is required.
    expect(await tx((trx) => markNotOurs(trx, { lineId: line("VERSEMENT").id, reason: " ", actor: w.actor }))).toEqual({ ok: false, error: "bad_reason" });
    expect((await tx((trx) => markNotOurs(trx, { lineId: line("VERSEMENT").id, reason: "Dépôt du caissier du site", actor: w.actor }))).ok).toBe(true);
    expect(await tx((trx) => assignLine(trx, { lineId: line("VERSEMENT").id, orgId: w.kossi, actor: w.actor }))).toEqual({ ok: false, error: "already_resolved" });

    const statuses = (await lines()).map((l) => l.status).sort();
    expect(statuses).toEqual(["auto_matched", "auto_matched", "manual_matched", "manual_matched", "not_ours"]);
    const audit = await db.selectFrom("audit_log").select("action").where("action", "like", "statement.line%").orderBy("at").execute();
    expect(audit.map((a) => a.action)).toEqual(["statement.line_confirmed", "statement.line_confirmed", "statement.line_not_ours"]);
  });

  it("two finance officers confirming the same line at once: one payment, the other told it is handled", async () => {
    const source = await ecobankSource(db, w);
    await run({ siteCode: "LDC", sourceId: source, bytes: fixture("bank-ecobank-ldc.csv", w) });
    const line = (await lines()).find((l) => l.label.startsWith("VIR TOGO"))!;
    const confirm = () => db.transaction().execute((trx) => confirmLine(trx, { lineId: line.id, invoiceId: w.D.id, actor: w.actor }));
    const results = await Promise.all([confirm(), confirm(), confirm()]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { ok: false, error: "already_resolved" },
      { ok: false, error: "already_resolved" },
    ]);
    expect(await db.selectFrom("payments").select("amount_minor").where("org_id", "=", w.fibre).execute()).toEqual([{ amount_minor: 295_000 }]);
    expect(await invoiceState(db, w.D.id)).toEqual({ status: "paid", balanceMinor: 0 });
  });

  it("a split across two invoices of one organisation, the rest as credit; another organisation's invoice refused; assign as credit", async () => {
    const csv = (rows: string[]) => new TextEncoder().encode(["date,amount,currency,label,transaction_id", ...rows].join("\n"));
    const r = await run({
      siteCode: "LDC",
      bytes: csv(["2026-11-25,360000,XOF,VIREMENT KOSSI TECH NOV,SPLIT-1", "2026-11-26,7000,XOF,AVANCE KOSSI,CREDIT-1", "2026-11-26,-500,XOF,FRAIS,FEE-1"]),
    });
    expect(figures(r)).toMatchObject({ lines: 3, incoming: 2, outgoing: 1, new: 2, unmatched: 2 });
    const [split, credit] = await db.selectFrom("statement_lines").select("id").orderBy("booked_on").orderBy("amount_minor", "desc").execute();
    const tx = db.transaction();
    // C belongs to ANSI: refused, nothing written.
    expect(
      await tx.execute((trx) =>
        splitLine(trx, { lineId: split.id, parts: [{ number: w.A.number, amountMinor: 118_000 }, { number: w.C.number, amountMinor: 59_000 }], actor: w.actor }),
      ),
    ).toEqual({ ok: false, error: "several_organisations" });
    expect(
      await db.transaction().execute((trx) => splitLine(trx, { lineId: split.id, parts: [{ number: w.A.number, amountMinor: 400_000 }], actor: w.actor })),
    ).toEqual({ ok: false, error: "allocations_exceed_amount" });
    expect(await count(db, "payments")).toBe(0);
    // 360 000 = A 118 000 + B 200 000 + 42 000 credit.
    const ok = await db.transaction().execute((trx) =>
      splitLine(trx, { lineId: split.id, parts: [{ number: w.A.number.toLowerCase(), amountMinor: 118_000 }, { number: w.B.number, amountMinor: 200_000 }], actor: w.actor }),
    );
    expect(ok.ok).toBe(true);
    expect(await invoiceState(db, w.A.id)).toEqual({ status: "paid", balanceMinor: 0 });
    expect(await invoiceState(db, w.B.id)).toEqual({ status: "issued", balanceMinor: 36_000 });
    expect(await creditBalanceMinor(db, w.kossi, "XOF")).toBe(42_000);
    // 7 000 assigned to Kossi as credit: 49 000.
    expect((await db.transaction().execute((trx) => assignLine(trx, { lineId: credit.id, orgId: w.kossi, actor: w.actor }))).ok).toBe(true);
    expect(await creditBalanceMinor(db, w.kossi, "XOF")).toBe(49_000);
    // Ledger: 354 000 invoiced − 367 000 paid = −13 000; balances 36 000 − credit 49 000 = −13 000.
    expect(await ledgerBalance(db, w.kossi, "XOF")).toBe(-13_000);
  });

  it("references of several organisations, a settled invoice, a transfer already recorded by hand: suggestions, no payment", async () => {
    const csv = (rows: string[]) => new TextEncoder().encode(["date,amount,currency,label,transaction_id", ...rows].join("\n"));
    await run({ siteCode: "LDC", bytes: csv([`2026-11-20,118000,XOF,VIR ${w.A.paymentReference},FIRST`]) });
    expect(await invoiceState(db, w.A.id)).toEqual({ status: "paid", balanceMinor: 0 });
    const hand = await db.transaction().execute((trx) =>
      recordPayment(trx, { orgId: w.kossi, currency: "XOF", amountMinor: 1000, method: "bank_transfer", reference: "HAND-1", receivedOn: "2026-11-23", actor: w.actor }),
    );
    expect(hand.ok).toBe(true);
    const r = await run({
      siteCode: "LDC",
      bytes: csv([
        `2026-11-21,118000,XOF,VIR ${w.A.paymentReference} BIS,SECOND`,
        `2026-11-22,60000,XOF,${w.B.paymentReference} ${w.C.paymentReference},THIRD`,
        // The bank's reference of a transfer finance already recorded by hand: never a second payment.
        `2026-11-23,1000,XOF,VIR ${w.B.paymentReference},HAND-1`,
      ]),
    });
    expect(figures(r)).toMatchObject({ new: 3, matched: 0, suggested: 3 });
    expect(await count(db, "payments")).toBe(2);
    const rows = await db.selectFrom("statement_lines").select(["transaction_id", "status", "suggestion_reason"]).orderBy("booked_on").execute();
    expect(rows.map((x) => [x.transaction_id, x.status, x.suggestion_reason])).toEqual([
      ["FIRST", "auto_matched", null],
      ["SECOND", "suggested", "invoice_settled"],
      ["THIRD", "suggested", "several_organisations"],
      ["HAND-1", "suggested", "reference_recorded"],
    ]);
    // An unknown currency, or an empty file: refused whole.
    const bad = await run({ siteCode: "LDC", bytes: csv(["2026-11-24,100,EUR,X,EUR-1"]) });
    expect(bad).toEqual({ ok: false, error: "invalid", issues: [{ line: 2, problem: "currency", field: "currency" }] });
  });
});
