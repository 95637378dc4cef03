import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { runBilling } from "~/modules/billing/run.server";
import { issueInvoice } from "~/modules/billing/issue.server";
import { createCreditNote } from "~/modules/billing/credit-notes.server";
import { accountPosition } from "~/modules/payments/payments.server";
import { INVOICE_CSV_HEADER, invoicesCsv, listTenantInvoices, tenantInvoiceView } from "~/modules/billing/tenant-invoices.server";
import { loader as listLoader } from "~/routes/app.invoices._index";
import { loader as csvLoader } from "~/routes/app.invoices.export[.csv]";
import { loader as pageLoader } from "~/routes/app.invoices.$invoiceId";
import { loader as pdfLoader } from "~/routes/app.invoices.$invoiceId.pdf";
import { loader as creditNotePdfLoader } from "~/routes/app.credit-notes.$creditNoteId.pdf";
import { loader as annexLoader } from "~/routes/app.invoices.$invoiceId.annex[.csv]";
import { loader as dashboardLoader } from "~/routes/app._index";
import { loader as areaLoader } from "~/routes/app";
import { createTestDb, type TestDb } from "../support/db";
import { signedIn } from "../support/factories";
import { addContract, addOrg, siteByCode } from "../support/billing-world";
import { body, call, getRequest } from "../support/http";

/**
 * The tenant's invoices (issue 8, "Tenants"; billing.md "Documents over HTTP"), in a world worked
 * out by hand. Contracts from 2025-01-01 for 36 months, one full rack line each, whole months only,
 * so each invoice is one recurring line; payment terms 30 days.
 *
 * Alpha — LDC (XOF, VAT 18 %) 1 × 1 140 000; KIN (USD, VAT 16 %) 1 × 104 618 cents (USD 1 046.18):
 *   LDC month: subtotal 1 140 000, VAT 205 200, total 1 345 200
 *   KIN month: subtotal 104 618, VAT 16 738.88 → 16 739, total 121 357 (USD 1 213.57)
 *   - LDC 2025-11 issued 2025-12-05 → LDC-2025-000001, due 2026-01-04
 *   - LDC 2026-01 issued 2026-02-03 → LDC-2026-000001, due 2026-03-05; partial credit note
 *     LDC-AV-2026-000002 on 2026-02-10: 100 000 + VAT 18 000 = 118 000 → balance 1 227 200
 *   - KIN 2026-01 issued 2026-02-03 → KIN-2026-000001, due 2026-03-05
 *   - LDC 2026-02: a draft, never shown
 * Bravo — LDC 2 × 500 000: subtotal 1 000 000, VAT 180 000, total 1 180 000
 *   - LDC 2025-11 issued 2025-12-05 → LDC-2025-000002, fully credited on 2026-01-15
 *     (LDC-AV-2026-000001) → void, balance 0
 *   - LDC 2026-01 issued 2026-02-03 → LDC-2026-000002, due 2026-03-05
 *   - LDC 2026-02: a draft
 * On 2026-02-10 (the "today" passed to the module): LDC-2025-000001 is overdue (due 2026-01-04),
 * LDC-2026-000001 credited, KIN-2026-000001 issued. Through the routes (the sites' real today,
 * later than 2026-03-05) every invoice still owing is overdue.
 */

let t: TestDb;
const org: Record<"alpha" | "bravo", string> = { alpha: "", bravo: "" };
const inv: Record<string, string> = {};
const cn: Record<string, string> = {};
const TODAY = "2026-02-10";

const idOf = async (orgId: string, siteId: string, period: string) =>
  (await t.db.selectFrom("invoices").select("id").where("org_id", "=", orgId).where("site_id", "=", siteId).where("period", "=", period).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  const ldc = await siteByCode(t.db, "LDC");
  const kin = await siteByCode(t.db, "KIN");
  org.alpha = await addOrg(t.db, "Alpha");
  org.bravo = await addOrg(t.db, "Bravo");
  await addContract(t.db, { orgId: org.alpha, siteId: ldc.id, startOn: "2025-01-01", termMonths: 36 }, { full_rack: [1, 1_140_000] });
  await addContract(t.db, { orgId: org.alpha, siteId: kin.id, startOn: "2025-01-01", termMonths: 36 }, { full_rack: [1, 104_618] });
  await addContract(t.db, { orgId: org.bravo, siteId: ldc.id, startOn: "2025-01-01", termMonths: 36 }, { full_rack: [2, 500_000] });

  await runBilling(t.db, { siteCode: "LDC", period: "2025-11" });
  inv.alpha2025 = await idOf(org.alpha, ldc.id, "2025-11");
  inv.bravo2025 = await idOf(org.bravo, ldc.id, "2025-11");
  await issueInvoice(t.db, { invoiceId: inv.alpha2025, actor: null, today: "2025-12-05" });
  await issueInvoice(t.db, { invoiceId: inv.bravo2025, actor: null, today: "2025-12-05" });

  await runBilling(t.db, { siteCode: "LDC", period: "2026-01" });
  await runBilling(t.db, { siteCode: "KIN", period: "2026-01" });
  inv.alphaLdc = await idOf(org.alpha, ldc.id, "2026-01");
  inv.bravoLdc = await idOf(org.bravo, ldc.id, "2026-01");
  inv.alphaKin = await idOf(org.alpha, kin.id, "2026-01");
  await issueInvoice(t.db, { invoiceId: inv.alphaLdc, actor: null, today: "2026-02-03" });
  await issueInvoice(t.db, { invoiceId: inv.bravoLdc, actor: null, today: "2026-02-03" });
  await issueInvoice(t.db, { invoiceId: inv.alphaKin, actor: null, today: "2026-02-03" });

  cn.bravoVoid = (await createCreditNote(t.db, { invoiceId: inv.bravo2025, actor: null, reason: "Facture émise par erreur", lines: "full", today: "2026-01-15" })).id;
  const line = await t.db.selectFrom("invoice_lines").select("id").where("invoice_id", "=", inv.alphaLdc).executeTakeFirstOrThrow();
  cn.alphaPartial = (
    await createCreditNote(t.db, { invoiceId: inv.alphaLdc, actor: null, reason: "Geste commercial", lines: [{ invoiceLineId: line.id, amountMinor: 100_000 }], today: "2026-02-10" })
  ).id;

  await runBilling(t.db, { siteCode: "LDC", period: "2026-02" });
  inv.alphaDraft = await idOf(org.alpha, ldc.id, "2026-02");
  inv.bravoDraft = await idOf(org.bravo, ldc.id, "2026-02");
}, 240_000);

afterAll(async () => {
  await t?.cleanup();
});

const csvRows = (text: string) => parse(text, { columns: true, skip_empty_lines: true }) as Record<(typeof INVOICE_CSV_HEADER)[number], string>[];
const collect = async (lines: AsyncGenerator<string>) => {
  let s = "";
  for await (const chunk of lines) s += chunk;
  return s;
};

test("the world is as worked out by hand (numbers, statuses, credit notes)", async () => {
  const rows = await t.db.selectFrom("invoices").select(["id", "number", "status", "total_minor", "due_on"]).orderBy("number").execute();
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  expect(byId[inv.alpha2025]).toMatchObject({ number: "LDC-2025-000001", status: "issued", total_minor: 1_345_200, due_on: "2026-01-04" });
  expect(byId[inv.bravo2025]).toMatchObject({ number: "LDC-2025-000002", status: "void", total_minor: 1_180_000 });
  expect(byId[inv.alphaLdc]).toMatchObject({ number: "LDC-2026-000001", status: "issued", total_minor: 1_345_200, due_on: "2026-03-05" });
  expect(byId[inv.bravoLdc]).toMatchObject({ number: "LDC-2026-000002", status: "issued", total_minor: 1_180_000 });
  expect(byId[inv.alphaKin]).toMatchObject({ number: "KIN-2026-000001", status: "issued", total_minor: 121_357 });
  expect(byId[inv.alphaDraft]).toMatchObject({ number: null, status: "draft" });
  const notes = await t.db.selectFrom("credit_notes").select(["id", "number", "total_minor"]).orderBy("number").execute();
  expect(notes).toEqual([
    { id: cn.bravoVoid, number: "LDC-AV-2026-000001", total_minor: 1_180_000 },
    { id: cn.alphaPartial, number: "LDC-AV-2026-000002", total_minor: 118_000 },
  ]);
});

test("each tenant sees exactly its own issued, paid and void invoices, newest first, with balance and display status", async () => {
  const alpha = await listTenantInvoices(t.db, org.alpha, {}, { today: TODAY });
  expect(alpha.rows.map((r) => [r.number, r.period, r.siteCode, r.currency, r.totalMinor, r.balanceMinor, r.displayStatus, r.issuedOn, r.dueOn])).toEqual([
    ["LDC-2026-000001", "2026-01", "LDC", "XOF", 1_345_200, 1_227_200, "credited", "2026-02-03", "2026-03-05"],
    ["KIN-2026-000001", "2026-01", "KIN", "USD", 121_357, 121_357, "issued", "2026-02-03", "2026-03-05"],
    ["LDC-2025-000001", "2025-11", "LDC", "XOF", 1_345_200, 1_345_200, "overdue", "2025-12-05", "2026-01-04"],
  ]);
  const bravo = await listTenantInvoices(t.db, org.bravo, {}, { today: TODAY });
  expect(bravo.rows.map((r) => [r.number, r.balanceMinor, r.displayStatus])).toEqual([
    ["LDC-2026-000002", 1_180_000, "issued"],
    ["LDC-2025-000002", 0, "void"],
  ]);
  // Through the route, signed in as a viewer: the same invoices, never a draft or Bravo's.
  const viewer = await signedIn(t.db, { orgId: org.alpha, role: "viewer" });
  const res = await call(listLoader, getRequest("/app/invoices", viewer));
  expect(res.status).toBe(200);
  const view = await body(res);
  expect(view.rows.map((r: { id: string }) => r.id)).toEqual([inv.alphaLdc, inv.alphaKin, inv.alpha2025]);
  expect(JSON.stringify(view)).not.toContain(inv.alphaDraft);
  expect(JSON.stringify(view)).not.toContain("LDC-2026-000002");
  expect(view.options.sites.map((s: { code: string }) => s.code)).toEqual(["KIN", "LDC"]);
  expect(view.options.years).toEqual([2026, 2025]);
  // Real today is past every due date: all three still owe, so all three are overdue; XOF due 1 227 200 + 1 345 200.
  expect(view.rows.map((r: { displayStatus: string }) => r.displayStatus)).toEqual(["overdue", "overdue", "overdue"]);
  expect(view.totals).toEqual([
    { currency: "USD", totalMinor: 121_357, dueMinor: 121_357, overdueMinor: 121_357 },
    { currency: "XOF", totalMinor: 1_345_200 - 118_000 + 1_345_200, dueMinor: 2_572_400, overdueMinor: 2_572_400 },
  ]);
});

test("filters: status (display), site and year of issue, alone and together", async () => {
  const numbers = async (orgId: string, filters: Parameters<typeof listTenantInvoices>[2]) =>
    (await listTenantInvoices(t.db, orgId, filters, { today: TODAY })).rows.map((r) => r.number);
  expect(await numbers(org.alpha, { status: "credited" })).toEqual(["LDC-2026-000001"]);
  expect(await numbers(org.alpha, { status: "overdue" })).toEqual(["LDC-2025-000001"]);
  expect(await numbers(org.alpha, { status: "issued" })).toEqual(["KIN-2026-000001"]);
  expect(await numbers(org.alpha, { status: "void" })).toEqual([]);
  expect(await numbers(org.bravo, { status: "void" })).toEqual(["LDC-2025-000002"]);
  expect(await numbers(org.alpha, { site: "KIN" })).toEqual(["KIN-2026-000001"]);
  expect(await numbers(org.alpha, { year: 2025 })).toEqual(["LDC-2025-000001"]);
  expect(await numbers(org.alpha, { site: "LDC", year: 2026 })).toEqual(["LDC-2026-000001"]);
  expect(await numbers(org.alpha, { site: "BZV" })).toEqual([]);
  expect(await numbers(org.alpha, { year: 2027 })).toEqual([]);

  // Through the route's query string (a lower-case site code is accepted).
  const owner = await signedIn(t.db, { orgId: org.alpha, role: "owner" });
  const ids = async (query: string) => {
    const res = await call(listLoader, getRequest(`/app/invoices${query}`, owner));
    expect(res.status).toBe(200);
    return (await body(res)).rows.map((r: { id: string }) => r.id);
  };
  expect(await ids("?site=kin")).toEqual([inv.alphaKin]);
  expect(await ids("?year=2025&site=LDC")).toEqual([inv.alpha2025]);
  expect(await ids("?status=overdue&year=2026")).toEqual([inv.alphaLdc, inv.alphaKin]);
  expect(await ids("?status=paid")).toEqual([]);
  // A malformed filter is named and left out (400), the others still apply.
  const bad = await call(listLoader, getRequest("/app/invoices?year=1999&site=KIN", owner));
  expect(bad.status).toBe(400);
  const badView = await body(bad);
  expect(badView.errors).toEqual({ year: "invoices.filter.badYear" });
  expect(badView.rows.map((r: { id: string }) => r.id)).toEqual([inv.alphaKin]);
});

test("CSV export: billing.md's header, amounts as hand-computed decimal strings (XOF, USD), filters applied", async () => {
  const text = await collect(invoicesCsv(t.db, org.alpha, {}, { today: TODAY }));
  const lines = text.trimEnd().split("\n");
  expect(lines[0]).toBe("number,period,site,issued_on,due_on,currency,subtotal,vat,total,balance,status");
  expect(lines.slice(1)).toEqual([
    "LDC-2026-000001,2026-01,LDC,2026-02-03,2026-03-05,XOF,1140000,205200,1345200,1227200,credited",
    "KIN-2026-000001,2026-01,KIN,2026-02-03,2026-03-05,USD,1046.18,167.39,1213.57,1213.57,issued",
    "LDC-2025-000001,2025-11,LDC,2025-12-05,2026-01-04,XOF,1140000,205200,1345200,1345200,overdue",
  ]);
  const bravo = csvRows(await collect(invoicesCsv(t.db, org.bravo, {}, { today: TODAY })));
  expect(bravo.map((r) => [r.number, r.total, r.balance, r.status])).toEqual([
    ["LDC-2026-000002", "1180000", "1180000", "issued"],
    ["LDC-2025-000002", "1180000", "0", "void"],
  ]);

  // The route: UTF-8 CSV, the list's filters, never another tenant's rows.
  const billing = await signedIn(t.db, { orgId: org.alpha, role: "billing" });
  const res = await call(csvLoader, getRequest("/app/invoices/export.csv", billing));
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  const all = await res.text();
  expect(all.split("\n")[0]).toBe(INVOICE_CSV_HEADER.join(","));
  expect(csvRows(all).map((r) => r.number)).toEqual(["LDC-2026-000001", "KIN-2026-000001", "LDC-2025-000001"]);
  expect(all).not.toContain("LDC-2026-000002");
  const kin = await call(csvLoader, getRequest("/app/invoices/export.csv?site=KIN", billing));
  expect(csvRows(await kin.text())).toEqual([
    { number: "KIN-2026-000001", period: "2026-01", site: "KIN", issued_on: "2026-02-03", due_on: "2026-03-05", currency: "USD", subtotal: "1046.18", vat: "167.39", total: "1213.57", balance: "1213.57", status: "overdue" },
  ]);
  const y2025 = await call(csvLoader, getRequest("/app/invoices/export.csv?year=2025", billing));
  expect(csvRows(await y2025.text()).map((r) => [r.number, r.balance])).toEqual([["LDC-2025-000001", "1345200"]]);
  const bad = await call(csvLoader, getRequest("/app/invoices/export.csv?status=unpaid", billing));
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain("status");
});

test("the invoice page: lines in the reader's language, totals, the partial credit note and the balance, how to pay", async () => {
  const reader = await signedIn(t.db, { orgId: org.alpha, role: "billing", locale: "en" });
  const res = await call(pageLoader, getRequest(`/app/invoices/${inv.alphaLdc}`, reader), { invoiceId: inv.alphaLdc });
  expect(res.status).toBe(200);
  const { invoice: page } = await body(res);
  const stored = await t.db.selectFrom("invoice_lines").select(["description_en", "description_fr"]).where("invoice_id", "=", inv.alphaLdc).execute();
  expect(page.lines.map((l: { description: string }) => l.description)).toEqual(stored.map((l) => l.description_en));
  expect(page.lines.map((l: { quantity: string; unitPriceMinor: number; amountMinor: number }) => [l.quantity, l.unitPriceMinor, l.amountMinor])).toEqual([["1", 1_140_000, 1_140_000]]);
  expect(page).toMatchObject({
    number: "LDC-2026-000001",
    subtotalMinor: 1_140_000,
    vatRateBp: 1800,
    vatMinor: 205_200,
    totalMinor: 1_345_200,
    creditedMinor: 118_000,
    balanceMinor: 1_227_200,
    dueOn: "2026-03-05",
    isVatExempt: false,
    fx: null,
    pdfHref: `/app/invoices/${inv.alphaLdc}/pdf`,
    annexHref: `/app/invoices/${inv.alphaLdc}/annex.csv`,
  });
  expect(page.paymentReference).toMatch(/^LDC-[0-9A-Z]{6}$/);
  expect(page.pdfSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(page.creditNotes).toEqual([{ id: cn.alphaPartial, number: "LDC-AV-2026-000002", issuedOn: "2026-02-10", reason: "Geste commercial", totalMinor: 118_000 }]);
  const issuer = await t.db.selectFrom("site_issuers as i").innerJoin("sites as s", "s.id", "i.site_id").selectAll("i").where("s.code", "=", "LDC").executeTakeFirstOrThrow();
  expect(page.issuer).toMatchObject({ legalName: issuer.legal_name, bankName: issuer.bank_name, bankAccount: issuer.bank_account });

  // The French reader gets the French descriptions; the view's status on 2026-02-10 is "credited".
  const fr = await tenantInvoiceView(t.db, { orgId: org.alpha, invoiceId: inv.alphaLdc, locale: "fr", today: TODAY });
  expect(fr!.lines.map((l) => l.description)).toEqual(stored.map((l) => l.description_fr));
  expect(fr!.displayStatus).toBe("credited");
  // The void invoice owes nothing.
  const voided = await tenantInvoiceView(t.db, { orgId: org.bravo, invoiceId: inv.bravo2025, locale: "fr", today: TODAY });
  expect(voided).toMatchObject({ status: "void", displayStatus: "void", balanceMinor: 0, creditedMinor: 1_180_000 });
});

test("a KIN invoice with a frozen CDF rate shows its totals in CDF", async () => {
  // A Congolese customer of KIN: issuing needs the USD→CDF rate of the last 7 days.
  const kin = await siteByCode(t.db, "KIN");
  const congo = await addOrg(t.db, "Congo Web");
  await t.db.updateTable("organisations").set({ country: "CD" }).where("id", "=", congo).execute();
  await addContract(t.db, { orgId: congo, siteId: kin.id, startOn: "2025-01-01", termMonths: 36 }, { full_rack: [1, 100_000] });
  await t.db.insertInto("exchange_rates").values({ from_currency: "USD", to_currency: "CDF", rate_on: "2026-03-02", rate: "2850.5", source: "manual", created_by: null }).execute();
  await runBilling(t.db, { siteCode: "KIN", period: "2026-02" });
  const id = await idOf(congo, kin.id, "2026-02");
  await issueInvoice(t.db, { invoiceId: id, actor: null, today: "2026-03-03" });
  // USD 1 000.00 + VAT 16 % 160.00 = 1 160.00; in CDF at 2 850.5: 100 000 × 2 850.5 = 285 050 000 centimes,
  // 16 000 × 2 850.5 = 45 608 000, total 330 658 000 (CDF 3 306 580.00).
  const view = await tenantInvoiceView(t.db, { orgId: congo, invoiceId: id, locale: "en", today: "2026-03-03" });
  expect(view!.fx).toEqual({ currency: "CDF", rate: "2,850.5", rateOn: "2026-03-02", subtotalMinor: 285_050_000, vatMinor: 45_608_000, totalMinor: 330_658_000, balanceMinor: 330_658_000 });
});

test("the PDFs: the stored bytes whose SHA-256 is the invoice's, and the credit note's; others' ids and drafts are 404", async () => {
  const alpha = await signedIn(t.db, { orgId: org.alpha, role: "owner" });
  const res = await call(pdfLoader, getRequest(`/app/invoices/${inv.alphaLdc}/pdf`, alpha), { invoiceId: inv.alphaLdc });
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/pdf");
  expect(res.headers.get("Content-Disposition")).toContain("LDC-2026-000001.pdf");
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const row = await t.db.selectFrom("invoices").select("pdf_sha256").where("id", "=", inv.alphaLdc).executeTakeFirstOrThrow();
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(row.pdf_sha256);

  const note = await call(creditNotePdfLoader, getRequest(`/app/credit-notes/${cn.alphaPartial}/pdf`, alpha), { creditNoteId: cn.alphaPartial });
  expect(note.status).toBe(200);
  expect(note.headers.get("Content-Disposition")).toContain("LDC-AV-2026-000002.pdf");
  const noteBytes = Buffer.from(await note.arrayBuffer());
  const noteRow = await t.db.selectFrom("credit_notes").select("pdf_sha256").where("id", "=", cn.alphaPartial).executeTakeFirstOrThrow();
  expect(createHash("sha256").update(noteBytes).digest("hex")).toBe(noteRow.pdf_sha256);

  // Bravo asks for Alpha's invoice, PDF, annex and credit note: 404 each; Alpha for its own draft: 404.
  const bravo = await signedIn(t.db, { orgId: org.bravo, role: "owner" });
  const as = (who: { cookie: string }, path: string) => getRequest(path, who);
  expect((await call(pageLoader, as(bravo, `/app/invoices/${inv.alphaLdc}`), { invoiceId: inv.alphaLdc })).status).toBe(404);
  expect((await call(pdfLoader, as(bravo, `/app/invoices/${inv.alphaLdc}/pdf`), { invoiceId: inv.alphaLdc })).status).toBe(404);
  expect((await call(annexLoader, as(bravo, `/app/invoices/${inv.alphaLdc}/annex.csv`), { invoiceId: inv.alphaLdc })).status).toBe(404);
  expect((await call(creditNotePdfLoader, as(bravo, `/app/credit-notes/${cn.alphaPartial}/pdf`), { creditNoteId: cn.alphaPartial })).status).toBe(404);
  expect((await call(pageLoader, as(alpha, `/app/invoices/${inv.alphaDraft}`), { invoiceId: inv.alphaDraft })).status).toBe(404);
  expect((await call(pdfLoader, as(alpha, `/app/invoices/${inv.alphaDraft}/pdf`), { invoiceId: inv.alphaDraft })).status).toBe(404);
  expect((await call(creditNotePdfLoader, as(alpha, `/app/credit-notes/${cn.bravoVoid}/pdf`), { creditNoteId: cn.bravoVoid })).status).toBe(404);
  // Bravo's own void invoice still has its PDF.
  expect((await call(pdfLoader, as(bravo, `/app/invoices/${inv.bravo2025}/pdf`), { invoiceId: inv.bravo2025 })).status).toBe(200);
});

test("the technical role may not read invoices (403, no nav entry, no dashboard card); the others get the card", async () => {
  const tech = await signedIn(t.db, { orgId: org.alpha, role: "technical" });
  expect((await call(listLoader, getRequest("/app/invoices", tech))).status).toBe(403);
  expect((await call(csvLoader, getRequest("/app/invoices/export.csv", tech))).status).toBe(403);
  expect((await call(pageLoader, getRequest(`/app/invoices/${inv.alphaLdc}`, tech), { invoiceId: inv.alphaLdc })).status).toBe(403);
  expect((await call(pdfLoader, getRequest(`/app/invoices/${inv.alphaLdc}/pdf`, tech), { invoiceId: inv.alphaLdc })).status).toBe(403);
  expect((await call(creditNotePdfLoader, getRequest(`/app/credit-notes/${cn.alphaPartial}/pdf`, tech), { creditNoteId: cn.alphaPartial })).status).toBe(403);
  expect((await call(annexLoader, getRequest(`/app/invoices/${inv.alphaLdc}/annex.csv`, tech), { invoiceId: inv.alphaLdc })).status).toBe(403);
  expect((await body(await call(areaLoader, getRequest("/app", tech)))).canReadInvoices).toBe(false);
  expect((await body(await call(dashboardLoader, getRequest("/app", tech)))).account).toBeNull();

  for (const role of ["owner", "admin", "billing", "viewer"] as const) {
    const who = await signedIn(t.db, { orgId: org.alpha, role });
    expect((await body(await call(areaLoader, getRequest("/app", who)))).canReadInvoices).toBe(true);
    const dash = await body(await call(dashboardLoader, getRequest("/app", who)));
    // Real today: all three of Alpha's owing invoices are overdue; the earliest due date is shown (and marked as passed).
    expect(dash.account).toEqual([
      { currency: "USD", outstandingMinor: 121_357, overdueMinor: 121_357, nextDueOn: "2026-03-05", creditMinor: 0 },
      { currency: "XOF", outstandingMinor: 2_572_400, overdueMinor: 2_572_400, nextDueOn: "2026-01-04", creditMinor: 0 },
    ]);
  }
});

test("the dashboard card on a given day: amount due per currency, overdue, earliest due date, credit", async () => {
  // 2026-02-10: LDC-2025-000001 (1 345 200, due 2026-01-04) is overdue; LDC-2026-000001 (1 227 200 after its credit note) is not yet.
  expect(await accountPosition(t.db, org.alpha, TODAY)).toEqual([
    { currency: "USD", outstandingMinor: 121_357, overdueMinor: 0, nextDueOn: "2026-03-05", creditMinor: 0 },
    { currency: "XOF", outstandingMinor: 1_227_200 + 1_345_200, overdueMinor: 1_345_200, nextDueOn: "2026-01-04", creditMinor: 0 },
  ]);
  // Bravo: its void invoice owes nothing.
  expect(await accountPosition(t.db, org.bravo, TODAY)).toEqual([{ currency: "XOF", outstandingMinor: 1_180_000, overdueMinor: 0, nextDueOn: "2026-03-05", creditMinor: 0 }]);
});

test("hostile query strings and ids never answer 5xx", async () => {
  const owner = await signedIn(t.db, { orgId: org.alpha, role: "owner" });
  const queries = [
    "?status=%3Cscript%3E",
    "?status=draft",
    "?year=0",
    "?year=9999",
    "?year=1e309",
    "?year=-1",
    "?year=2026.5",
    "?year=%00",
    "?site=..%2F..%2Fetc",
    "?site=%00%01",
    `?site=${"A".repeat(5000)}`,
    "?status=issued&status=void&year=2026&year=abc",
    "?status[]=issued",
    "?year=99999999999999999999999",
    "?site=LDC%27%20OR%201%3D1--",
  ];
  for (const q of queries) {
    for (const [loader, path] of [
      [listLoader, "/app/invoices"],
      [csvLoader, "/app/invoices/export.csv"],
    ] as const) {
      const res = await call(loader, getRequest(`${path}${q}`, owner));
      expect(res.status, `${path}${q}`).toBeLessThan(500);
      if (res.status === 200 && loader === csvLoader) expect(csvRows(await res.text()).every((r) => r.number.startsWith("LDC-") || r.number.startsWith("KIN-"))).toBe(true);
    }
  }
  const ids = ["not-a-uuid", "%00", "00000000-0000-0000-0000-000000000000", "1".repeat(5000), "' OR 1=1 --"];
  for (const id of ids) {
    expect((await call(pageLoader, getRequest("/app/invoices/x", owner), { invoiceId: id })).status).toBe(404);
    expect((await call(pdfLoader, getRequest("/app/invoices/x/pdf", owner), { invoiceId: id })).status).toBe(404);
    expect((await call(creditNotePdfLoader, getRequest("/app/credit-notes/x/pdf", owner), { creditNoteId: id })).status).toBe(404);
  }
});
