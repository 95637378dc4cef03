import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, OperatorRole, ProductKind } from "#db/schema";
import { runBilling } from "~/modules/billing/run.server";
import { billingIssueKey } from "~/modules/billing/issue.server";
import { changeAgainst, majorToMinor } from "~/modules/billing/overview.server";
import { claimNext, reportProgress, runClaimed, runJobToCompletion } from "~/modules/jobs/jobs.server";
import { dayIn } from "~/utils/dates";
import { loader as layoutLoader } from "~/routes/ops.billing";
import { action as overviewAction, loader as overviewLoader } from "~/routes/ops.billing._index";
import { loader as listLoader } from "~/routes/ops.billing.invoices._index";
import { action as invoiceAction, loader as invoiceLoader } from "~/routes/ops.billing.invoices.$invoiceId";
import { loader as invoicePdf } from "~/routes/ops.billing.invoices.$invoiceId.pdf";
import { loader as creditNotePdf } from "~/routes/ops.billing.credit-notes.$creditNoteId.pdf";
import { loader as creditNotesLoader } from "~/routes/ops.billing.credit-notes";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg, signedIn } from "../support/factories";
import { BASE, body, call, formRequest, getRequest } from "../support/http";

/**
 * The operator billing pages, through their loaders and actions, on a world whose figures are
 * worked out by hand (LDC: XOF, no decimals, VAT 18 %, Africa/Lome; October 2026 has 31 days):
 *
 * Alpha — contract from 2026-09-01 (open): full_rack 1 × 200 000, setup 50 000.
 *   September: 200 000 + setup 50 000 = 250 000; VAT 45 000; total 295 000 (first invoice).
 *   October:   200 000; VAT 36 000; total 236 000. Change: 236 000 − 295 000 = −59 000,
 *              −59 000 / 295 000 = −20.0 % exactly.
 * Bravo — contract from 2026-10-17 (open): full_rack 2 × 150 000 = 300 000 a month, 15 days of 31:
 *   300 000 × 15 / 31 = 145 161.29 → 145 161; VAT 26 128.98 → 26 129; total 171 290 (first invoice).
 *   After the price is changed to 160 000 and the draft recomputed: 320 000 × 15 / 31 = 154 838.71
 *   → 154 839; VAT 27 871.02 → 27 871; total 182 710.
 * Charlie — contract from 2026-10-01: full_rack 1 × 100 000 (a draft to delete).
 * Delta — a Congolese customer at KIN (USD, a USD→CDF rate is needed to issue; none is recorded).
 *
 * Credit notes on Alpha's October invoice (total 236 000): partial 50 000 + VAT 9 000 = 59 000 →
 * balance 177 000; then full: what remains, 150 000 + the VAT left 27 000 = 177 000 → balance 0, void.
 */

let t: TestDb;
const db = () => t.db as Kysely<Database>;
const users: Partial<Record<OperatorRole | "tenant", { cookie: string; id: string }>> = {};
const org: Record<string, string> = {};
const PERIOD = "2026-10";
let ldcId: string;
let year: string;

async function contract(orgId: string, siteCode: string, startOn: string, lines: Partial<Record<ProductKind, [number, number, number?]>>) {
  const site = await db().selectFrom("sites").select(["id", "currency"]).where("code", "=", siteCode).executeTakeFirstOrThrow();
  const row = await db()
    .insertInto("contracts")
    .values({ org_id: orgId, site_id: site.id, request_id: null, start_on: startOn, end_on: null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const products = await db().selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", site.id).execute();
  for (const [kind, [quantity, price, setup]] of Object.entries(lines) as [ProductKind, [number, number, number?]][]) {
    const p = products.find((x) => x.kind === kind)!;
    await db()
      .insertInto("contract_lines")
      .values({ contract_id: row.id, product_id: p.id, kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: price, setup_fee_minor: setup ?? 0, currency: site.currency })
      .execute();
  }
  return row.id;
}

const invoiceOf = (orgId: string, period = PERIOD) =>
  db().selectFrom("invoices").selectAll().where("org_id", "=", orgId).where("period", "=", period).executeTakeFirst();

const counts = async () => ({
  jobs: Number((await db().selectFrom("jobs").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n),
  audit: Number((await db().selectFrom("audit_log").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n),
  creditNotes: Number((await db().selectFrom("credit_notes").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n),
  invoices: Number((await db().selectFrom("invoices").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n),
  issued: Number((await db().selectFrom("invoices").select((eb) => eb.fn.countAll<string>().as("n")).where("status", "!=", "draft").executeTakeFirstOrThrow()).n),
});

const finance = () => users.ops_finance!.cookie;
const overviewPost = (fields: Record<string, string>, cookie = finance()) => call(overviewAction, formRequest("/ops/billing", fields, { cookie }));
const invoicePost = (id: string, fields: Record<string, string>, cookie = finance()) => call(invoiceAction, formRequest(`/ops/billing/invoices/${id}`, fields, { cookie }), { invoiceId: id });
const invoiceGet = (id: string, cookie = finance()) => call(invoiceLoader, getRequest(`/ops/billing/invoices/${id}`, { cookie }), { invoiceId: id });

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  for (const role of ["ops_admin", "ops_noc", "ops_finance"] as const) users[role] = await signedIn(db(), { operatorRole: role });
  const ldc = await db().selectFrom("sites").select(["id", "time_zone"]).where("code", "=", "LDC").executeTakeFirstOrThrow();
  ldcId = ldc.id;
  year = dayIn(ldc.time_zone).slice(0, 4);
  for (const name of ["Alpha", "Bravo", "Charlie", "Delta"]) org[name] = (await createOrg(db(), { name })).id;
  await db().updateTable("organisations").set({ country: "CD" }).where("id", "=", org.Delta).execute();
  users.tenant = await signedIn(db(), { orgId: org.Alpha, role: "owner" });
  await contract(org.Alpha, "LDC", "2026-09-01", { full_rack: [1, 200_000, 50_000] });
  await contract(org.Bravo, "LDC", "2026-10-17", { full_rack: [2, 150_000] });
  await contract(org.Charlie, "LDC", "2026-10-01", { full_rack: [1, 100_000] });
  await contract(org.Delta, "KIN", "2026-10-01", { full_rack: [1, 90_000] });
  // September at LDC (left a draft): Alpha's previous month (295 000).
  await runBilling(db(), { siteCode: "LDC", period: "2026-09" });
}, 120_000);

afterAll(async () => {
  await t?.cleanup();
});

describe("who may open /ops/billing", () => {
  test("admins and finance read every page; the NOC gets 403; a tenant gets 404 (not an operator area for them)", async () => {
    for (const [who, expected] of [["ops_admin", 200], ["ops_finance", 200], ["ops_noc", 403], ["tenant", 404]] as const) {
      for (const page of [layoutLoader, overviewLoader, listLoader, creditNotesLoader]) {
        const res = await call(page, getRequest("/ops/billing?site=LDC", { cookie: users[who]!.cookie }));
        expect(res.status, `${who} on ${page.name}`).toBe(expected);
      }
    }
    // Signed out: sent to sign in.
    const anonymous = await call(overviewLoader, getRequest("/ops/billing"));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/signin/);
  });

  test("the NOC and a tenant cannot start a run, issue, delete or credit: nothing written", async () => {
    const before = await counts();
    const sept = (await invoiceOf(org.Alpha, "2026-09"))!;
    for (const who of ["ops_noc", "tenant"] as const) {
      const cookie = users[who]!.cookie;
      const run = await overviewPost({ intent: "run", site: "LDC", period: PERIOD }, cookie);
      expect(run.status).toBe(who === "ops_noc" ? 403 : 404);
      for (const intent of ["issue", "delete", "recompute"]) expect((await invoicePost(sept.id, { intent }, cookie)).status).toBe(who === "ops_noc" ? 403 : 404);
      expect((await call(invoicePdf, getRequest(`/ops/billing/invoices/${sept.id}/pdf`, { cookie }), { invoiceId: sept.id })).status).toBe(who === "ops_noc" ? 403 : 404);
    }
    expect(await counts()).toEqual(before);
    expect((await invoiceOf(org.Alpha, "2026-09"))!.status).toBe("draft");
  });
});

describe("running a month", () => {
  test("Run billing enqueues the site-month job (audited once), the page reads its progress, then its summary", async () => {
    const before = await counts();
    const res = await overviewPost({ intent: "run", site: "LDC", period: PERIOD });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/ops/billing?site=LDC&period=${PERIOD}`);
    // A second click while it is queued: the same job, no second audit entry.
    expect((await overviewPost({ intent: "run", site: "LDC", period: PERIOD })).status).toBe(302);
    const jobs = await db().selectFrom("jobs").selectAll().where("key", "=", `billing.run:LDC:${PERIOD}`).execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].status).toBe("queued");
    expect(jobs[0].payload).toEqual({ siteCode: "LDC", period: PERIOD });
    const audits = await db().selectFrom("audit_log").selectAll().where("action", "=", "billing.run_started").execute();
    expect(audits).toHaveLength(1);
    expect(audits[0].actor_user_id).toBe(users.ops_finance!.id);
    expect(audits[0].after).toMatchObject({ site: "LDC", period: PERIOD });
    expect((await counts()).jobs).toBe(before.jobs + 1);

    const page = async () => body(await call(overviewLoader, getRequest(`/ops/billing?site=LDC&period=${PERIOD}`, { cookie: finance() })));
    expect((await page()).jobs.run).toMatchObject({ status: "queued", done: 0, total: null });

    // A worker claims it and reports half-way: the page shows 1 of 3 and the organisation's name.
    const claimed = (await claimNext(db(), "test-worker", 60_000, { only: jobs[0].id }))!;
    expect(await reportProgress(db(), claimed.id, "test-worker", { done: 1, total: 3, label: "Alpha" })).toBe(true);
    expect((await page()).jobs.run).toMatchObject({ status: "running", done: 1, total: 3, label: "Alpha" });

    // It finishes: Alpha, Bravo, Charlie have drafts; the summary says so.
    expect(await runClaimed(db(), claimed, "test-worker")).toBe("done");
    const after = await page();
    expect(after.jobs.run).toMatchObject({ status: "done", done: 3, total: 3, result: { site: "LDC", period: PERIOD, invoices: 3, issued: 0 } });
    expect(after.counts).toEqual({ draft: 3, issued: 0, paid: 0, void: 0 });
    expect(after.period).toBe(PERIOD);
  });

  test("the overview defaults to last month in the site's calendar", async () => {
    const data = await body(await call(overviewLoader, getRequest("/ops/billing?site=LDC", { cookie: finance() })));
    const today = dayIn("Africa/Lome");
    const [y, m] = today.slice(0, 7).split("-").map(Number);
    expect(data.period).toBe(m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`);
    expect(data.site.code).toBe("LDC");
  });

  test("the drafts list shows amounts, the change against last month and the flags", async () => {
    const data = await body(await call(listLoader, getRequest(`/ops/billing/invoices?site=LDC&period=${PERIOD}&status=draft`, { cookie: finance() })));
    const byName = Object.fromEntries(data.rows.map((r: any) => [r.orgName, r]));
    expect(Object.keys(byName).sort()).toEqual(["Alpha", "Bravo", "Charlie"]);
    expect(byName.Alpha).toMatchObject({ subtotalMinor: 200_000, vatMinor: 36_000, totalMinor: 236_000, previousTotalMinor: 295_000, flags: [], number: null, balanceMinor: 0 });
    expect(changeAgainst(byName.Alpha.totalMinor, byName.Alpha.previousTotalMinor)).toEqual({ amountMinor: -59_000, perMille: -200 });
    expect(byName.Bravo).toMatchObject({ subtotalMinor: 145_161, vatMinor: 26_129, totalMinor: 171_290, previousTotalMinor: null, flags: ["first_invoice"] });
    expect(changeAgainst(171_290, null)).toBeNull();
  });
});

describe("a draft", () => {
  test("Recompute runs the site's month again (audited against the draft): the new price is billed", async () => {
    const bravo = (await invoiceOf(org.Bravo))!;
    await db().updateTable("contract_lines").set({ unit_price_minor: 160_000 }).where("contract_id", "in", db().selectFrom("contracts").select("id").where("org_id", "=", org.Bravo)).execute();
    const res = await invoicePost(bravo.id, { intent: "recompute" });
    expect(res.status).toBe(302);
    const audit = await db().selectFrom("audit_log").selectAll().where("action", "=", "billing.draft_recomputed").executeTakeFirstOrThrow();
    expect(audit.entity_id).toBe(bravo.id);
    const job = await db().selectFrom("jobs").selectAll().where("key", "=", `billing.run:LDC:${PERIOD}`).where("status", "=", "queued").executeTakeFirstOrThrow();
    // The page follows that run while it is active.
    expect((await body(await invoiceGet(bravo.id))).run).toMatchObject({ id: job.id, status: "queued" });
    await runJobToCompletion(db(), job.id);
    const after = (await invoiceOf(org.Bravo))!;
    expect(after.id).toBe(bravo.id);
    expect([after.subtotal_minor, after.vat_minor, after.total_minor]).toEqual([154_839, 27_871, 182_710]);
  });

  test("the draft page shows both descriptions, quantities, amounts and no credit form", async () => {
    const alpha = (await invoiceOf(org.Alpha))!;
    const data = await body(await invoiceGet(alpha.id));
    expect(data.invoice).toMatchObject({ status: "draft", number: null, totalMinor: 236_000, siteCode: "LDC", period: PERIOD });
    expect(data.lines).toHaveLength(1);
    expect(data.lines[0]).toMatchObject({ kind: "recurring", unitPriceMinor: 200_000, amountMinor: 200_000, details: { active_days: 31, days_in_month: 31 } });
    expect(data.lines[0].descriptionFr).toBeTruthy();
    expect(data.lines[0].descriptionEn).toBeTruthy();
    expect(data.creditable).toEqual([]);
    expect(data.monthOver).toBe(true);
  });

  test("Delete removes a draft (audited) and refuses an issued invoice", async () => {
    const charlie = (await invoiceOf(org.Charlie))!;
    const res = await invoicePost(charlie.id, { intent: "delete" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/ops/billing/invoices?site=LDC&period=${PERIOD}&status=draft`);
    expect(await invoiceOf(org.Charlie)).toBeUndefined();
    expect(await db().selectFrom("invoice_lines").select("id").where("invoice_id", "=", charlie.id).execute()).toEqual([]);
    const audit = await db().selectFrom("audit_log").selectAll().where("action", "=", "billing.draft_deleted").executeTakeFirstOrThrow();
    expect(audit.entity_id).toBe(charlie.id);
    expect((await invoicePost(charlie.id, { intent: "delete" })).status).toBe(404);
  });
});

describe("issuing", () => {
  test("Issue gives the first number of the site and year, the PDF is served with its hash; a second issue is refused", async () => {
    const alpha = (await invoiceOf(org.Alpha))!;
    const res = await invoicePost(alpha.id, { intent: "issue" });
    expect(res.status).toBe(302);
    const issued = (await invoiceOf(org.Alpha))!;
    expect(issued.status).toBe("issued");
    expect(issued.number).toBe(`LDC-${year}-000001`);
    expect(issued.payment_reference).toMatch(/^LDC-[0-9A-Z]{6}$/);

    const data = await body(await invoiceGet(alpha.id));
    expect(data.invoice).toMatchObject({ number: `LDC-${year}-000001`, balanceMinor: 236_000, creditedMinor: 0, hasPdf: true, sha256: issued.pdf_sha256 });
    expect(data.creditable).toEqual([{ id: data.lines[0].id, creditableMinor: 200_000, creditedMinor: 0 }]);

    const pdf = await call(invoicePdf, getRequest(`/ops/billing/invoices/${alpha.id}/pdf`, { cookie: finance() }), { invoiceId: alpha.id });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(pdf.headers.get("Content-Disposition")).toBe(`attachment; filename="LDC-${year}-000001.pdf"`);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(issued.pdf_sha256);

    const again = await invoicePost(alpha.id, { intent: "issue" });
    expect(again.status).toBe(409);
    expect((await body(again)).formError).toBe("billingOps.issueError.not_draft");
    // Deleting or recomputing an issued invoice is refused too, and it stays as it was.
    expect((await invoicePost(alpha.id, { intent: "delete" })).status).toBe(409);
    expect((await invoicePost(alpha.id, { intent: "recompute" })).status).toBe(409);
    expect(await invoiceOf(org.Alpha)).toEqual(issued);
    // A draft has no PDF.
    const bravo = (await invoiceOf(org.Bravo))!;
    expect((await call(invoicePdf, getRequest(`/ops/billing/invoices/${bravo.id}/pdf`, { cookie: finance() }), { invoiceId: bravo.id })).status).toBe(404);
  });

  test("a KIN draft for a Congolese customer without a recent USD→CDF rate: a localized no_rate refusal, nothing issued", async () => {
    await runBilling(db(), { siteCode: "KIN", period: PERIOD });
    const delta = (await invoiceOf(org.Delta))!;
    const before = await counts();
    const res = await invoicePost(delta.id, { intent: "issue" });
    expect(res.status).toBe(409);
    expect((await body(res)).formError).toBe("billingOps.issueError.no_rate");
    expect(await counts()).toEqual(before);
  });

  test("Issue all drafts enqueues the issue job; its summary lists the numbers issued", async () => {
    const res = await overviewPost({ intent: "issue", site: "LDC", period: PERIOD });
    expect(res.status).toBe(302);
    const job = await db().selectFrom("jobs").selectAll().where("key", "=", billingIssueKey("LDC", PERIOD)).executeTakeFirstOrThrow();
    expect(job.payload).toMatchObject({ siteCode: "LDC", period: PERIOD, actor: { id: users.ops_finance!.id } });
    await runJobToCompletion(db(), job.id);
    const data = await body(await call(overviewLoader, getRequest(`/ops/billing?site=LDC&period=${PERIOD}`, { cookie: finance() })));
    const bravo = (await invoiceOf(org.Bravo))!;
    expect(data.jobs.issue).toMatchObject({ status: "done", done: 1, total: 1, result: { issued: [{ id: bravo.id, number: `LDC-${year}-000002` }], failed: [] } });
    expect(data.counts).toEqual({ draft: 0, issued: 2, paid: 0, void: 0 });
    // The month's billed totals at LDC: recurring 200 000 + 154 839; VAT 36 000 + 27 871; total 236 000 + 182 710.
    expect(data.totals).toEqual([
      { siteCode: "LDC", siteName: expect.any(String), currency: "XOF", invoices: 2, recurringMinor: 354_839, usageMinor: 0, otherMinor: 0, subtotalMinor: 354_839, vatMinor: 63_871, totalMinor: 418_710 },
    ]);
  });

  test("a KIN issue-all reports the draft it could not issue with its reason", async () => {
    const res = await overviewPost({ intent: "issue", site: "KIN", period: PERIOD });
    expect(res.status).toBe(302);
    const job = await db().selectFrom("jobs").selectAll().where("key", "=", billingIssueKey("KIN", PERIOD)).executeTakeFirstOrThrow();
    await runJobToCompletion(db(), job.id);
    const data = await body(await call(overviewLoader, getRequest(`/ops/billing?site=KIN&period=${PERIOD}`, { cookie: finance() })));
    expect(data.jobs.issue.result).toEqual({ issued: [], failed: [{ id: (await invoiceOf(org.Delta))!.id, orgName: "Delta", code: "no_rate" }] });
  });
});

describe("credit notes", () => {
  test("a partial credit note (major units → minor) then a full one: balance 177 000, then 0 and void", async () => {
    const alpha = (await invoiceOf(org.Alpha))!;
    const line = (await db().selectFrom("invoice_lines").select("id").where("invoice_id", "=", alpha.id).executeTakeFirstOrThrow()).id;
    const partial = await invoicePost(alpha.id, { intent: "credit", mode: "lines", [`amount.${line}`]: "50000", reason: "Panne de climatisation, 3 jours" });
    expect(partial.status).toBe(200);
    expect((await body(partial)).creditNote).toBe(`LDC-AV-${year}-000001`);
    let data = await body(await invoiceGet(alpha.id));
    expect(data.creditNotes).toMatchObject([{ number: `LDC-AV-${year}-000001`, totalMinor: 59_000, vatMinor: 9_000, reason: "Panne de climatisation, 3 jours", hasPdf: true }]);
    expect(data.invoice).toMatchObject({ status: "issued", creditedMinor: 59_000, balanceMinor: 177_000, shownStatus: "credited" });
    expect(data.creditable).toEqual([{ id: line, creditableMinor: 150_000, creditedMinor: 50_000 }]);

    const pdf = await call(creditNotePdf, getRequest(`/ops/billing/credit-notes/${data.creditNotes[0].id}/pdf`, { cookie: finance() }), { creditNoteId: data.creditNotes[0].id });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(pdf.headers.get("Content-Disposition")).toBe(`attachment; filename="LDC-AV-${year}-000001.pdf"`);

    const full = await invoicePost(alpha.id, { intent: "credit", mode: "full", reason: "Facture émise par erreur" });
    expect(full.status).toBe(200);
    data = await body(await invoiceGet(alpha.id));
    expect(data.creditNotes.map((c: any) => [c.number, c.totalMinor, c.vatMinor])).toEqual([
      [`LDC-AV-${year}-000001`, 59_000, 9_000],
      [`LDC-AV-${year}-000002`, 177_000, 27_000],
    ]);
    expect(data.invoice).toMatchObject({ status: "void", creditedMinor: 236_000, balanceMinor: 0 });
    expect(data.creditable).toEqual([]);

    const list = await body(await call(creditNotesLoader, getRequest("/ops/billing/credit-notes?site=LDC", { cookie: finance() })));
    expect(list.rows.map((r: any) => [r.number, r.invoiceNumber, r.orgName, r.totalMinor])).toEqual([
      [`LDC-AV-${year}-000002`, `LDC-${year}-000001`, "Alpha", 177_000],
      [`LDC-AV-${year}-000001`, `LDC-${year}-000001`, "Alpha", 59_000],
    ]);
    // Nothing left: a third one is refused.
    const third = await invoicePost(alpha.id, { intent: "credit", mode: "full", reason: "encore" });
    expect(third.status).toBe(409);
    expect((await body(third)).formError).toBe("billingOps.creditError.not_issued");
  });

  test("amounts in major units become minor units from their digits alone", () => {
    expect(majorToMinor("1234.56", 2)).toBe(123_456);
    expect(majorToMinor("1234,5", 2)).toBe(123_450);
    expect(majorToMinor("0.01", 2)).toBe(1);
    expect(majorToMinor("1234", 2)).toBe(123_400);
    expect(majorToMinor("150000", 0)).toBe(150_000);
    // French thousands separators are typed too.
    expect(majorToMinor("1 234,56", 2)).toBe(123_456);
    expect(majorToMinor("1\u202f500\u00a0000", 0)).toBe(1_500_000);
    for (const [bad, decimals] of [["1234.567", 2], ["12.5", 0], ["1e3", 0], ["-5", 0], ["0x10", 0], ["", 2], [".5", 2], ["9007199254740993", 0], ["90071992547409.93", 2], ["1_2", 0]] as const) {
      expect(majorToMinor(bad, decimals), bad).toBeNull();
    }
    // 0.29 + 0.01 style float traps do not exist here: exact digits.
    expect(majorToMinor("0.29", 2)).toBe(29);
    expect(majorToMinor("4.35", 2)).toBe(435);
  });
});

describe("hostile input: 4xx and nothing written", () => {
  test("bad ids, amounts past the limit, other invoices' lines, control characters, wrong content type", async () => {
    const bravo = (await invoiceOf(org.Bravo))!;
    const bravoLine = (await db().selectFrom("invoice_lines").select(["id", "amount_minor"]).where("invoice_id", "=", bravo.id).executeTakeFirstOrThrow());
    const alpha = (await invoiceOf(org.Alpha))!;
    const alphaLine = (await db().selectFrom("invoice_lines").select("id").where("invoice_id", "=", alpha.id).executeTakeFirstOrThrow()).id;
    const before = await counts();
    const snapshot = await db().selectFrom("invoices").selectAll().orderBy("id").execute();

    for (const id of ["not-a-uuid", "00000000-0000-4000-8000-000000000000", "'; drop table invoices; --", "%00"]) {
      expect((await invoiceGet(id)).status, id).toBe(404);
      for (const intent of ["issue", "delete", "recompute"]) expect((await invoicePost(id, { intent })).status, `${intent} ${id}`).toBe(404);
      expect((await invoicePost(id, { intent: "credit", mode: "full", reason: "x y" })).status).toBe(404);
      expect((await call(invoicePdf, getRequest(`/ops/billing/invoices/${id}/pdf`, { cookie: finance() }), { invoiceId: id })).status).toBe(404);
      expect((await call(creditNotePdf, getRequest(`/ops/billing/credit-notes/${id}/pdf`, { cookie: finance() }), { creditNoteId: id })).status).toBe(404);
    }
    // Bravo: issued, 154 839 on its one line.
    const credit = (fields: Record<string, string>) => invoicePost(bravo.id, { intent: "credit", ...fields });
    const cases: [Record<string, string>, number, string | null][] = [
      [{ mode: "lines", [`amount.${bravoLine.id}`]: String(bravoLine.amount_minor + 1), reason: "trop" }, 400, "billingOps.creditError.exceeds_line"],
      [{ mode: "lines", [`amount.${bravoLine.id}`]: "99999999999999999999", reason: "énorme" }, 400, "billingOps.credit.amountFormatWhole"],
      [{ mode: "lines", [`amount.${bravoLine.id}`]: "100.50", reason: "décimales en XOF" }, 400, "billingOps.credit.amountFormatWhole"],
      [{ mode: "lines", [`amount.${bravoLine.id}`]: "-100", reason: "négatif" }, 400, "billingOps.credit.amountFormatWhole"],
      [{ mode: "lines", [`amount.${alphaLine}`]: "100", reason: "ligne d'une autre facture" }, 400, null],
      [{ mode: "lines", ["amount.not-a-uuid"]: "100", reason: "ligne inconnue" }, 400, null],
      [{ mode: "lines", reason: "aucune ligne" }, 400, null],
      [{ mode: "lines", [`amount.${bravoLine.id}`]: "100", reason: "" }, 400, null],
      [{ mode: "lines", [`amount.${bravoLine.id}`]: "100", reason: "motif\u0000caché" }, 400, "errors.invalidCharacters"],
      [{ mode: "full", reason: "x".repeat(1001) }, 400, null],
      [{ mode: "everything", reason: "mode inconnu" }, 400, null],
      [{ mode: "full", [`amount.${bravoLine.id}`]: "100", reason: "tout, mais un montant saisi" }, 400, "billingOps.credit.modeConflict"],
    ];
    for (const [fields, status, key] of cases) {
      const res = await credit(fields);
      expect(res.status, JSON.stringify(fields).slice(0, 80)).toBe(status);
      const data = await body(res);
      if (key) expect(data.formError === key || Object.values(data.errors ?? {}).includes(key), `${key} in ${JSON.stringify(data)}`).toBe(true);
    }
    // A credit note on a draft (Delta at KIN is still a draft).
    const delta = (await invoiceOf(org.Delta))!;
    expect((await invoicePost(delta.id, { intent: "credit", mode: "full", reason: "brouillon" })).status).toBe(409);
    // Unknown intent.
    expect((await invoicePost(bravo.id, { intent: "launch" })).status).toBe(400);
    // Wrong content types.
    for (const [type, payload] of [["application/json", JSON.stringify({ intent: "issue" })], ["text/plain", "intent=issue"], ["", "intent=issue"]]) {
      const headers = new Headers({ Origin: BASE, Cookie: finance() });
      if (type) headers.set("Content-Type", type);
      const res = await call(invoiceAction, new Request(`${BASE}/ops/billing/invoices/${delta.id}`, { method: "POST", headers, body: payload }), { invoiceId: delta.id });
      expect(res.status, type).toBe(415);
      const res2 = await call(overviewAction, new Request(`${BASE}/ops/billing`, { method: "POST", headers, body: payload }));
      expect(res2.status, type).toBe(415);
    }
    // The run and issue-all forms: bad sites, periods out of range, a month not begun or not over.
    const thisMonth = dayIn("Africa/Lome").slice(0, 7);
    const [y, m] = thisMonth.split("-").map(Number);
    const nextMonth = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
    for (const [fields, status] of [
      [{ intent: "run", site: "XXX", period: PERIOD }, 400],
      [{ intent: "run", site: "<script>", period: PERIOD }, 400],
      [{ intent: "run", site: "LDC", period: "0000-01" }, 400],
      [{ intent: "run", site: "LDC", period: "9999-12" }, 400],
      [{ intent: "run", site: "LDC", period: "2026-13" }, 400],
      [{ intent: "run", site: "LDC", period: nextMonth }, 400],
      [{ intent: "run", site: "LDC\u0007", period: PERIOD }, 400],
      [{ intent: "launch", site: "LDC", period: PERIOD }, 400],
      [{ intent: "issue", site: "LDC", period: thisMonth }, 409],
    ] as const) {
      expect((await overviewPost(fields)).status, JSON.stringify(fields)).toBe(status);
    }
    // Filters: a hostile query string is ignored, never an error.
    for (const q of ["site=%00&period=9999-99&status=lost", "period=0000-01", "status[]=x", "site=" + "A".repeat(5000)]) {
      expect((await call(listLoader, getRequest(`/ops/billing/invoices?${q}`, { cookie: finance() }))).status, q).toBe(200);
      expect((await call(overviewLoader, getRequest(`/ops/billing?${q}`, { cookie: finance() }))).status, q).toBe(200);
      expect((await call(creditNotesLoader, getRequest(`/ops/billing/credit-notes?${q}`, { cookie: finance() }))).status, q).toBe(200);
    }

    expect(await counts()).toEqual(before);
    expect(await db().selectFrom("invoices").selectAll().orderBy("id").execute()).toEqual(snapshot);
  });
});
