import { parse } from "csv-parse/sync";
import { cashCollected, parseReceivablesQuery, receivables, receivablesTotals, receivablesView, RECEIVABLES_CSV_HEADER } from "~/modules/payments/receivables.server";
import { loader as statementLoader } from "~/routes/app.statement";
import { loader as statementPdfLoader } from "~/routes/app.statement[.pdf]";
import { loader as statementCsvLoader } from "~/routes/app.statement[.csv]";
import { loader as opsStatementLoader } from "~/routes/ops.organisations.$orgId_.statement";
import { loader as opsStatementPdfLoader } from "~/routes/ops.organisations.$orgId_.statement[.pdf]";
import { loader as opsStatementCsvLoader } from "~/routes/ops.organisations.$orgId_.statement[.csv]";
import { loader as receivablesLoader } from "~/routes/ops.receivables";
import { loader as receivablesCsvLoader } from "~/routes/ops.receivables[.csv]";
import { loader as dashboardLoader } from "~/routes/app._index";
import { createTestDb, type TestDb } from "../support/db";
import { signedIn } from "../support/factories";
import { body, call, getRequest } from "../support/http";
import { pdfText } from "../support/pdf";
import { statementWorld, type StatementWorld } from "../support/statement-world";

/** The world of test/support/statement-world.ts, through the pages and downloads; figures computed there. */
describe("statement and receivables pages", () => {
  let t: TestDb;
  let w: StatementWorld;
  let kossiOwner: { cookie: string };
  let kossiViewer: { cookie: string };
  let kossiTech: { cookie: string };
  let ansiBilling: { cookie: string };
  let finance: { cookie: string };
  let admin: { cookie: string };
  let noc: { cookie: string };
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    w = await statementWorld(t.db);
    kossiOwner = await signedIn(t.db, { orgId: w.kossi.id, role: "owner" });
    kossiViewer = await signedIn(t.db, { orgId: w.kossi.id, role: "viewer", locale: "en" });
    kossiTech = await signedIn(t.db, { orgId: w.kossi.id, role: "technical" });
    ansiBilling = await signedIn(t.db, { orgId: w.ansi.id, role: "billing" });
    finance = await signedIn(t.db, { operatorRole: "ops_finance" });
    admin = await signedIn(t.db, { operatorRole: "ops_admin" });
    noc = await signedIn(t.db, { operatorRole: "ops_noc" });
  }, 120_000);
  afterAll(() => t.cleanup());

  const period = "currency=XOF&from=2026-10-01&to=2026-11-30";

  it("tenant page: the organisation's own statement, for the roles that read invoices", async () => {
    const res = await call(statementLoader, getRequest(`/app/statement?${period}`, kossiOwner));
    expect(res.status).toBe(200);
    const view = await body(res);
    expect(view.currencies).toEqual(["XAF", "XOF"]);
    expect(view.statement).toMatchObject({ currency: "XOF", openingMinor: 79_800, closingMinor: 265_800, creditMinor: 120_000 });
    expect(view.statement.ageing).toEqual({ notDue: 354_000, d1_30: 20_000, d31_60: 0, d61_90: 0, over90: 11_800, totalMinor: 385_800 });
    expect(view.pdfHref).toBe(`/app/statement.pdf?${period}`);
    expect(view.csvHref).toBe(`/app/statement.csv?${period}`);
    expect((await call(statementLoader, getRequest(`/app/statement?${period}`, kossiViewer))).status).toBe(200);
    expect((await call(statementLoader, getRequest("/app/statement", kossiTech))).status).toBe(403);
    expect((await call(statementPdfLoader, getRequest("/app/statement.pdf", kossiTech))).status).toBe(403);
    // Operators have no tenant area.
    expect((await call(statementLoader, getRequest("/app/statement", finance))).status).toBe(302);
  });

  it("defaults to this year to date in the first currency", async () => {
    const view = await body(await call(statementLoader, getRequest("/app/statement", kossiOwner)));
    expect(view.query.currency).toBe("XAF");
    expect(view.query.from).toBe(`${view.today.slice(0, 4)}-01-01`);
    expect(view.query.to).toBe(view.today);
  });

  it("tenant isolation: another tenant's org id or currency in the URL shows only the reader's own account", async () => {
    // ANSI asks for XOF (Kossi's currency too) and passes Kossi's id: it gets its own invoice and payment.
    const own = await body(await call(statementLoader, getRequest(`/app/statement?${period}&orgId=${w.kossi.id}&org=${w.kossi.id}`, ansiBilling)));
    expect(own.org.id).toBe(w.ansi.id);
    expect(own.statement.lines.map((l: { document: string }) => l.document)).toEqual([w.E.number, "VIR A1"]);
    // XAF, a currency only Kossi has: ANSI gets an empty statement of its own.
    const xaf = await body(await call(statementLoader, getRequest("/app/statement?currency=XAF&from=2026-01-01&to=2026-11-30", ansiBilling)));
    expect(xaf.statement).toMatchObject({ currency: "XAF", openingMinor: 0, closingMinor: 0, lines: [] });
    const pdf = await call(statementPdfLoader, getRequest(`/app/statement.pdf?${period}&orgId=${w.kossi.id}`, ansiBilling));
    const text = (await pdfText(new Uint8Array(await pdf.arrayBuffer()))).text;
    expect(text).toContain("ANSI");
    expect(text).not.toContain("Kossi");
    expect(text).not.toContain(w.B.number);
    const csv = await (await call(statementCsvLoader, getRequest(`/app/statement.csv?${period}`, ansiBilling))).text();
    expect(csv).toContain(w.E.number);
    expect(csv).not.toContain(w.B.number);
  });

  it("downloads: PDF in the billing language or the one asked, CSV with decimal strings", async () => {
    const pdf = await call(statementPdfLoader, getRequest(`/app/statement.pdf?${period}`, kossiOwner));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(pdf.headers.get("Content-Disposition")).toBe('attachment; filename="releve-kossi-tech-XOF-2026-10-01-2026-11-30.pdf"');
    expect((await pdfText(new Uint8Array(await pdf.arrayBuffer()))).text).toContain("Solde de clôture au 30/11/2026 265 800 F CFA");
    const en = await call(statementPdfLoader, getRequest(`/app/statement.pdf?${period}&lang=en`, kossiOwner));
    expect(en.headers.get("Content-Disposition")).toContain("statement-kossi-tech-XOF");
    expect((await pdfText(new Uint8Array(await en.arrayBuffer()))).text).toContain("Closing balance on 2026-11-30 265,800 CFA F");
    const csv = await call(statementCsvLoader, getRequest(`/app/statement.csv?${period}`, kossiOwner));
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const rows: string[][] = parse(await csv.text());
    expect(rows.at(-1)).toEqual(["2026-11-30", "closing_balance", "", "", "", "745000", "559000", "265800", "XOF"]);
  }, 60_000);

  it("hostile query strings: 400 naming the field, or clamped; never a 5xx", async () => {
    const bad = [
      "year=0",
      "year=9999",
      "year=-1",
      "year=2026.5",
      "from=2026-11-01&to=2026-10-01",
      "currency=ZZZ",
      "currency=%00%27%3B--",
      "currency=EUR",
      "from=0000-01-01",
      "from=9999-12-31",
      "to=2026-02-30",
      `from=${"9".repeat(5000)}`,
    ];
    for (const q of bad) {
      const page = await call(statementLoader, getRequest(`/app/statement?${q}`, kossiOwner));
      expect(page.status, q).toBe(400);
      expect((await body(page)).statement, q).not.toBeNull();
      for (const loader of [statementPdfLoader, statementCsvLoader]) {
        const res = await call(loader, getRequest(`/app/statement.x?${q}`, kossiOwner));
        expect(res.status, q).toBe(400);
        expect(await res.text()).toMatch(/^Paramètres invalides : (year|from|to|currency) /);
      }
    }
    // A future end date is brought back to today; repeated parameters read the first.
    const future = await body(await call(statementLoader, getRequest("/app/statement?currency=XOF&from=2026-01-01&to=2099-12-31", kossiOwner)));
    expect(future.query).toMatchObject({ clamped: true, to: future.today });
    const repeated = await call(statementLoader, getRequest("/app/statement?currency=XOF&currency=ZZZ&from=2026-10-01&from=x&to=2026-11-30", kossiOwner));
    expect(repeated.status).toBe(200);
    expect((await body(repeated)).statement.closingMinor).toBe(265_800);
  }, 120_000);

  it("operators: finance and admins read any organisation's statement; the NOC and tenants do not", async () => {
    const path = `/ops/organisations/${w.ansi.id}/statement?${period}`;
    const res = await call(opsStatementLoader, getRequest(path, finance), { orgId: w.ansi.id });
    expect(res.status).toBe(200);
    const view = await body(res);
    expect(view.statement).toMatchObject({ closingMinor: 0 });
    expect(view.pdfHref).toBe(`/ops/organisations/${w.ansi.id}/statement.pdf?${period}`);
    expect((await call(opsStatementLoader, getRequest(path, admin), { orgId: w.ansi.id })).status).toBe(200);
    expect((await call(opsStatementLoader, getRequest(path, noc), { orgId: w.ansi.id })).status).toBe(403);
    expect((await call(opsStatementLoader, getRequest(path, kossiOwner), { orgId: w.ansi.id })).status).toBe(404);
    for (const orgId of ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "' OR 1=1 --"]) {
      expect((await call(opsStatementLoader, getRequest("/ops/organisations/x/statement", finance), { orgId })).status).toBe(404);
      expect((await call(opsStatementPdfLoader, getRequest("/ops/organisations/x/statement.pdf", finance), { orgId })).status).toBe(404);
      expect((await call(opsStatementCsvLoader, getRequest("/ops/organisations/x/statement.csv", finance), { orgId })).status).toBe(404);
    }
    // ANSI bills in English: its PDF is in English unless asked otherwise.
    const pdf = await call(opsStatementPdfLoader, getRequest(`/ops/organisations/${w.ansi.id}/statement.pdf?${period}`, finance), { orgId: w.ansi.id });
    expect((await pdfText(new Uint8Array(await pdf.arrayBuffer()))).text).toContain("STATEMENT OF ACCOUNT");
    const csv = await call(opsStatementCsvLoader, getRequest(`/ops/organisations/${w.kossi.id}/statement.csv?currency=XAF&from=2026-10-01&to=2026-11-30`, finance), { orgId: w.kossi.id });
    expect(parse(await csv.text()).slice(1)).toEqual([
      ["2026-10-01", "opening_balance", "", "", "", "", "", "0", "XAF"],
      ["2026-10-05", "invoice", w.D.number, "", "", "118900", "", "118900", "XAF"],
      ["2026-11-30", "closing_balance", "", "", "", "118900", "0", "118900", "XAF"],
    ]);
    const badPdf = await call(opsStatementPdfLoader, getRequest(`/ops/organisations/${w.kossi.id}/statement.pdf?year=0`, finance), { orgId: w.kossi.id });
    expect(badPdf.status).toBe(400);
  }, 60_000);

  it("receivables on 2 December: outstanding with ageing, credit and net per organisation and currency", async () => {
    const { filters } = await parseReceivablesQuery(t.db, new URLSearchParams(""), "2026-12-02");
    const rows = await receivables(t.db, filters, "2026-12-02");
    // Kossi XOF: Z 11 800 (123 days), B 20 000 (30 days), C 354 000 − MOMO 20 000 = 334 000 (not due); credit 120 000.
    // Kossi XAF: D 118 900 (28 days). ANSI has paid everything and holds no credit: no row.
    expect(rows.map((r) => [r.orgName, r.currency, r.ageing, r.overdueMinor, r.creditMinor, r.netMinor, r.oldestDueOn])).toEqual([
      ["Kossi Tech", "XAF", { notDue: 0, d1_30: 118_900, d31_60: 0, d61_90: 0, over90: 0, totalMinor: 118_900 }, 118_900, 0, 118_900, "2026-11-04"],
      ["Kossi Tech", "XOF", { notDue: 334_000, d1_30: 20_000, d31_60: 0, d61_90: 0, over90: 11_800, totalMinor: 365_800 }, 31_800, 120_000, 245_800, "2026-08-01"],
    ]);
    expect(receivablesTotals(rows).map((x) => [x.currency, x.ageing.totalMinor, x.creditMinor, x.netMinor])).toEqual([
      ["XAF", 118_900, 0, 118_900],
      ["XOF", 365_800, 120_000, 245_800],
    ]);
  });

  it("receivables filters: site, currency, kind, overdue only", async () => {
    const rowsFor = async (q: string, today = "2026-12-02") => {
      const view = await receivablesView(t.db, { params: new URLSearchParams(q), today });
      expect(view.errors).toEqual({});
      return view.rows.map((r) => `${r.orgName}/${r.currency}/${r.ageing.totalMinor}/${r.creditMinor}`);
    };
    expect(await rowsFor("site=BZV")).toEqual(["Kossi Tech/XAF/118900/0"]);
    expect(await rowsFor("site=ldc")).toEqual(["Kossi Tech/XOF/365800/120000"]);
    expect(await rowsFor("site=KIN")).toEqual([]);
    expect(await rowsFor("currency=XOF")).toEqual(["Kossi Tech/XOF/365800/120000"]);
    expect(await rowsFor("site=BZV&currency=XOF")).toEqual([]);
    expect(await rowsFor("kind=agency")).toEqual([]);
    expect(await rowsFor("kind=sme")).toHaveLength(2);
    // On 3 November D (due 4 November) is not late yet: overdue only keeps XOF (Z, 94 days late, and B, 1 day).
    expect(await rowsFor("overdue=1", "2026-11-03")).toEqual(["Kossi Tech/XOF/365800/120000"]);
    expect(await rowsFor("", "2026-11-03")).toHaveLength(2);
  });

  it("cash collected per site, currency and method; unallocated money as its own row", async () => {
    const cash = async (q: string) => {
      const { filters, errors } = await parseReceivablesQuery(t.db, new URLSearchParams(q), "2026-12-02");
      expect(errors).toEqual({});
      return (await cashCollected(t.db, filters)).map((c) => [c.siteCode, c.currency, c.method, c.payments, c.amountMinor]);
    };
    // November: OM 5 400 000 → A 68 000 + B 157 000 at LDC; 175 000 allocated to nothing (55 000 of it refunded since).
    expect(await cash("month=2026-11")).toEqual([
      ["LDC", "XOF", "orange_money", 1, 225_000],
      [null, "XOF", "orange_money", 1, 175_000],
    ]);
    // October: CHQ 77 was reversed (not cash); ANSI's transfer to E.
    expect(await cash("month=2026-10")).toEqual([["LDC", "XOF", "bank_transfer", 1, 59_000]]);
    expect(await cash("month=2026-10&kind=sme")).toEqual([]);
    expect(await cash("month=2026-10&kind=agency")).toHaveLength(1);
    expect(await cash("month=2026-12")).toEqual([["LDC", "XOF", "mtn_momo", 1, 20_000]]);
    expect(await cash("month=2026-09")).toEqual([["LDC", "XOF", "bank_transfer", 1, 50_000]]);
    // With a site, only its rows (no unallocated row); another site or currency has none.
    expect(await cash("month=2026-11&site=LDC")).toEqual([["LDC", "XOF", "orange_money", 1, 225_000]]);
    expect(await cash("month=2026-11&site=BZV")).toEqual([]);
    expect(await cash("month=2026-11&currency=XAF")).toEqual([]);
    const view = await receivablesView(t.db, { params: new URLSearchParams("month=2026-11"), today: "2026-12-02" });
    expect(view.cashTotals).toEqual([{ currency: "XOF", amountMinor: 400_000 }]);
  });

  it("receivables routes: finance and admins only; hostile filters are a 400; CSV", async () => {
    const ok = await call(receivablesLoader, getRequest("/ops/receivables?currency=XOF&month=2026-11", finance));
    expect(ok.status).toBe(200);
    const view = await body(ok);
    expect(view.rows.map((r: { orgName: string }) => r.orgName)).toEqual(["Kossi Tech"]);
    expect(view.csvHref).toBe("/ops/receivables.csv?currency=XOF");
    expect((await call(receivablesLoader, getRequest("/ops/receivables", admin))).status).toBe(200);
    expect((await call(receivablesLoader, getRequest("/ops/receivables", noc))).status).toBe(403);
    expect((await call(receivablesCsvLoader, getRequest("/ops/receivables.csv", noc))).status).toBe(403);
    expect((await call(receivablesLoader, getRequest("/ops/receivables", kossiOwner))).status).toBe(404);

    for (const q of ["site=ZZZ", "site=%27%3B--", "currency=EUR", "currency=" + "X".repeat(3000), "kind=government", "overdue=maybe", "month=0000-00", "month=9999-12", "month=2026-13", "month=2026-1"]) {
      const page = await call(receivablesLoader, getRequest(`/ops/receivables?${q}`, finance));
      expect(page.status, q).toBe(400);
      const csv = await call(receivablesCsvLoader, getRequest(`/ops/receivables.csv?${q}`, finance));
      expect(csv.status, q).toBe(400);
      expect(await csv.text()).toMatch(/^Filtres invalides : (site|currency|kind|overdue|month) /);
    }

    const csv = await call(receivablesCsvLoader, getRequest("/ops/receivables.csv?site=LDC", finance));
    expect(csv.status).toBe(200);
    const rows: string[][] = parse(await csv.text());
    expect(rows[0]).toEqual([...RECEIVABLES_CSV_HEADER]);
    expect(rows).toHaveLength(2);
    expect(rows[1].slice(0, 1)).toEqual(["Kossi Tech"]);
    expect(rows[1].slice(2, 4)).toEqual(["sme", "XOF"]);
    // Totals do not depend on the day the test runs: 365 800 due, 120 000 credit, 245 800 net.
    expect(rows[1].slice(9, 10)).toEqual(["365800"]);
    expect(rows[1].slice(11, 13)).toEqual(["120000", "245800"]);
  });

  it("dashboard card: amount due, overdue, next due date and credit per currency, for invoice readers only", async () => {
    const view = await body(await call(dashboardLoader, getRequest("/app", kossiOwner)));
    expect(view.account.map((p: { currency: string; outstandingMinor: number; creditMinor: number; nextDueOn: string }) => [p.currency, p.outstandingMinor, p.creditMinor, p.nextDueOn])).toEqual([
      ["XAF", 118_900, 0, "2026-11-04"],
      ["XOF", 365_800, 120_000, "2026-08-01"],
    ]);
    expect((await body(await call(dashboardLoader, getRequest("/app", kossiTech)))).account).toBeNull();
    const ansi = await body(await call(dashboardLoader, getRequest("/app", ansiBilling)));
    expect(ansi.account).toEqual([]);
  });
});
