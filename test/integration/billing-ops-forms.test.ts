/**
 * The operators' billing forms, through their route actions with real requests: one-off charges
 * and early-termination waivers on the contract page, exchange rates (form and CSV import) and the
 * issuers' details; plus the tenant's termination page. For each form: the roles allowed and the
 * 403s, hostile input answered 4xx with nothing written, the audit rows.
 *
 * Figures worked out by hand:
 * - LDC (XOF, no decimals). Contract "ended": 2026-01-01, 12 months, ended 2026-10-10, full rack
 *   1 × 200 000 a month, remote hands frozen at 25 000 an hour. Commitment until 2026-12-31.
 *   Early termination: 11–31 October = 21 of 31 days: 200 000 × 21 / 31 = 135 483.87 → 135 484;
 *   November and December in full: 2 × 200 000 = 400 000; total 535 484.
 *   Remote hands 1.5 h × 25 000 = 37 500.
 * - KIN (USD, cents): "1234.56" typed → 123 456 cents.
 * - Tenant page: contract from 2026-03-01, 12 months (commitment until 2027-02-28), full rack
 *   1 × 100 000 + power 2 × 90 000 = 280 000 a month. Ending 2026-12-15: 16–31 December = 16 of
 *   31 days: 280 000 × 16 / 31 = 144 516.13 → 144 516; January and February 2027: 560 000;
 *   total 704 516. A contract from 2028-02-29 for 12 months: + 12 months = 2029-02-28 (29
 *   February clamped), commitment until the day before, 2029-02-27 (as the billing run counts).
 */
import type { Kysely } from "kysely";
import type { Database, ProductKind } from "#db/schema";
import { createTestDb, type TestDb } from "../support/db";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { count, createOrg, signedIn } from "../support/factories";
import { action as contractAction, loader as contractLoader } from "~/routes/ops.contracts.$contractId";
import { loader as servicesLoader } from "~/routes/app.services.$contractId";
import { action as ratesAction, loader as ratesLoader } from "~/routes/ops.billing.rates";
import { loader as issuersLoader } from "~/routes/ops.billing.issuers._index";
import { action as issuerAction, loader as issuerLoader } from "~/routes/ops.billing.issuers.$siteCode";
import { earlyTermination } from "~/modules/billing/compute";

let t: TestDb;
let db: Kysely<Database>;
const site: Record<string, string> = {};
const c: Record<string, string> = {};
type Who = Awaited<ReturnType<typeof signedIn>>;
let admin: Who, noc: Who, finance: Who, tenant: Who, otherTenant: Who;

async function addContract(o: { orgId: string; site: string; startOn: string; endOn?: string | null }, lines: Partial<Record<ProductKind, [number, number]>>) {
  const row = await db
    .insertInto("contracts")
    .values({ org_id: o.orgId, site_id: site[o.site], request_id: null, start_on: o.startOn, end_on: o.endOn ?? null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const products = await db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", site[o.site]).execute();
  const { currency } = await db.selectFrom("sites").select("currency").where("id", "=", site[o.site]).executeTakeFirstOrThrow();
  await db
    .insertInto("contract_lines")
    .values(
      Object.entries(lines).map(([kind, [quantity, price]]) => {
        const p = products.find((x) => x.kind === kind)!;
        return { contract_id: row.id, product_id: p.id, kind: p.kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: price, setup_fee_minor: 0, currency };
      }),
    )
    .execute();
  return row.id;
}

/** What a refused request must leave untouched. */
const written = async () => ({
  charges: await count(db, "one_off_charges"),
  waivers: await count(db, "early_termination_waivers"),
  rates: await count(db, "exchange_rates"),
  audit: await count(db, "audit_log"),
  issuers: JSON.stringify(await db.selectFrom("site_issuers").selectAll().orderBy("site_id").execute()),
});

const auditOf = (action: string) => db.selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id").execute();

const postContract = (contractId: string, who: { cookie: string }, fields: Record<string, string>) =>
  call(contractAction, formRequest(`/ops/contracts/${contractId}`, fields, { cookie: who.cookie }), { contractId });
const postRates = (who: { cookie: string }, fields: Record<string, string>) => call(ratesAction, formRequest("/ops/billing/rates", fields, { cookie: who.cookie }));
const postIssuer = (code: string, who: { cookie: string }, fields: Record<string, string>) =>
  call(issuerAction, formRequest(`/ops/billing/issuers/${code}`, fields, { cookie: who.cookie }), { siteCode: code });

function importRequest(who: { cookie: string }, csv: string | Uint8Array, pair = "USD-CDF") {
  const form = new FormData();
  form.append("intent", "import");
  form.append("pair", pair);
  form.append("file", new File([csv as BlobPart], "rates.csv", { type: "text/csv" }));
  return new Request(`${BASE}/ops/billing/rates`, { method: "POST", headers: { Origin: BASE, Cookie: who.cookie }, body: form });
}

function jsonRequest(path: string, who: { cookie: string }, payload: unknown) {
  return new Request(`${BASE}${path}`, { method: "POST", headers: { Origin: BASE, Cookie: who.cookie, "Content-Type": "application/json" }, body: JSON.stringify(payload) });
}

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  db = t.db;
  for (const s of await db.selectFrom("sites").select(["id", "code"]).execute()) site[s.code] = s.id;
  const orgA = await createOrg(db, { name: "Kara Hosting" });
  const orgB = await createOrg(db, { name: "Other Tenant" });
  admin = await signedIn(db, { operatorRole: "ops_admin" });
  noc = await signedIn(db, { operatorRole: "ops_noc" });
  finance = await signedIn(db, { operatorRole: "ops_finance" });
  tenant = await signedIn(db, { orgId: orgA.id, role: "owner" });
  otherTenant = await signedIn(db, { orgId: orgB.id, role: "owner" });

  c.ended = await addContract({ orgId: orgA.id, site: "LDC", startOn: "2026-01-01", endOn: "2026-10-10" }, { full_rack: [1, 200_000], remote_hands_hour: [0, 25_000] });
  c.kin = await addContract({ orgId: orgA.id, site: "KIN", startOn: "2026-01-01" }, { full_rack: [1, 150_000] });
  c.bzv = await addContract({ orgId: orgA.id, site: "BZV", startOn: "2026-01-01" }, { full_rack: [1, 150_000] });
  await db.updateTable("products").set({ is_active: false }).where("site_id", "=", site.BZV).where("kind", "=", "remote_hands_hour").execute();
  c.tenantPage = await addContract({ orgId: orgA.id, site: "LDC", startOn: "2026-03-01" }, { full_rack: [1, 100_000], power_commit_kw: [2, 90_000] });
  c.leapDay = await addContract({ orgId: orgA.id, site: "LDC", startOn: "2028-02-29" }, { full_rack: [1, 100_000] });

  // September 2026 at LDC is already invoiced (issued): no charge may land on it any more.
  const inv = await db
    .insertInto("invoices")
    .values({ org_id: orgA.id, site_id: site.LDC, period: "2026-09", currency: "XOF", vat_rate_bp: 1800 })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .updateTable("invoices")
    .set({ status: "issued", number: "LDC-2026-000001", issued_on: "2026-10-01", due_on: "2026-10-31", payment_reference: "PAYTEST01" })
    .where("id", "=", inv.id)
    .execute();
}, 60_000);
afterAll(async () => {
  await t?.cleanup();
});

describe("one-off charges on the operator's contract page", () => {
  test("remote hands: NOC and admin record hours at the contract's frozen price; finance gets 403; tenants 404", async () => {
    const before = await written();
    expect((await postContract(c.ended, finance, { intent: "remote_hands", rhOn: "2026-10-05", rhHours: "1", rhNote: "x" })).status).toBe(403);
    expect((await postContract(c.ended, tenant, { intent: "remote_hands", rhOn: "2026-10-05", rhHours: "1", rhNote: "x" })).status).toBe(404);
    expect(await written()).toEqual(before);

    const res = await postContract(c.ended, noc, { intent: "remote_hands", rhOn: "2026-10-05", rhHours: "1,5", rhNote: "Redémarrage du serveur R12" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/ops/contracts/${c.ended}?done=charged#charges`);
    expect((await postContract(c.ended, admin, { intent: "remote_hands", rhOn: "2026-10-06", rhHours: "2", rhNote: "Câblage" })).status).toBe(302);

    const rows = await db.selectFrom("one_off_charges").selectAll().where("contract_id", "=", c.ended).orderBy("charged_on").execute();
    expect(rows.map((r) => ({ kind: r.kind, on: r.charged_on, q: r.quantity, unit: Number(r.unit_price_minor), amount: Number(r.amount_minor), by: r.created_by }))).toEqual([
      { kind: "remote_hands", on: "2026-10-05", q: "1.50", unit: 25_000, amount: 37_500, by: noc.id },
      { kind: "remote_hands", on: "2026-10-06", q: "2.00", unit: 25_000, amount: 50_000, by: admin.id },
    ]);
    const audit = await auditOf("billing.one_off_recorded");
    expect(audit.map((a) => [a.entity_id, a.actor_user_id])).toEqual([
      [c.ended, noc.id],
      [c.ended, admin.id],
    ]);

    // The page lists them, newest first, with who recorded them.
    const page = await body(await call(contractLoader, getRequest(`/ops/contracts/${c.ended}`, { cookie: finance.cookie }), { contractId: c.ended }));
    expect(page.charges.list.map((x: { chargedOn: string; quantity: string; amountMinor: number; by: string }) => [x.chargedOn, x.quantity, x.amountMinor, x.by])).toEqual([
      ["2026-10-06", "2", 50_000, admin.name],
      ["2026-10-05", "1.5", 37_500, noc.name],
    ]);
    expect(page.canRemoteHands).toBe(false);
    expect(page.canOtherCharge).toBe(true);
  });

  test("other charge: finance and admin, amount typed in major units of the site's currency; NOC gets 403", async () => {
    const before = await written();
    expect((await postContract(c.kin, noc, { intent: "other_charge", otherOn: "2026-11-02", otherDescription: "Badge", otherAmount: "10" })).status).toBe(403);
    expect(await written()).toEqual(before);

    expect((await postContract(c.kin, finance, { intent: "other_charge", otherOn: "2026-11-02", otherDescription: "Remplacement d'un PDU", otherAmount: "1234.56" })).status).toBe(302);
    expect((await postContract(c.kin, admin, { intent: "other_charge", otherOn: "2026-11-03", otherDescription: "Badges", otherAmount: "0,5" })).status).toBe(302);
    expect((await postContract(c.ended, finance, { intent: "other_charge", otherOn: "2026-10-09", otherDescription: "Frais de dossier", otherAmount: "150000" })).status).toBe(302);
    const amounts = await db.selectFrom("one_off_charges").select(["contract_id", "amount_minor", "unit_price_minor", "quantity"]).where("kind", "=", "other").orderBy("charged_on").execute();
    expect(amounts.map((r) => [r.contract_id, Number(r.amount_minor), Number(r.unit_price_minor), r.quantity])).toEqual([
      [c.ended, 150_000, 150_000, "1.00"],
      [c.kin, 123_456, 123_456, "1.00"],
      [c.kin, 50, 50, "1.00"],
    ]);
  });

  test("hostile or wrong input is a 4xx with a localized message, and nothing is written", async () => {
    const before = await written();
    const rh = (fields: Record<string, string>, contractId = c.ended) =>
      postContract(contractId, admin, { intent: "remote_hands", rhOn: "2026-10-07", rhHours: "1", rhNote: "Intervention", ...fields });
    const other = (fields: Record<string, string>, contractId = c.ended) =>
      postContract(contractId, admin, { intent: "other_charge", otherOn: "2026-10-07", otherDescription: "Frais", otherAmount: "1000", ...fields });
    const expectError = async (response: Promise<Response>, status: number, errors: Record<string, string>) => {
      const res = await response;
      expect(res.status).toBe(status);
      expect((await body(res)).errors).toEqual(errors);
    };

    await expectError(rh({ rhNote: "a\u0000b" }), 400, { rhNote: "errors.invalidCharacters" });
    await expectError(rh({ rhNote: "ok\u001b[31m" }), 400, { rhNote: "errors.invalidCharacters" });
    await expectError(rh({ rhNote: "" }), 400, { rhNote: "error.required" });
    await expectError(rh({ rhHours: "99999999999" }), 400, { rhHours: "billingOpsForms.error.hours" });
    await expectError(rh({ rhHours: "0" }), 400, { rhHours: "billingOpsForms.error.hours" });
    await expectError(rh({ rhHours: "-1" }), 400, { rhHours: "billingOpsForms.error.hours" });
    await expectError(rh({ rhHours: "1e3" }), 400, { rhHours: "billingOpsForms.error.hours" });
    await expectError(rh({ rhHours: "1.255" }), 400, { rhHours: "billingOpsForms.error.hours" });
    await expectError(rh({ rhOn: "0000-01-01" }), 400, { rhOn: "errors.dateRange" });
    await expectError(rh({ rhOn: "9999-12-31" }), 400, { rhOn: "errors.dateRange" });
    await expectError(rh({ rhOn: "2026-02-30" }), 400, { rhOn: "errors.date" });
    // Outside the contract (it ended on 10 October), and in a month already invoiced.
    await expectError(rh({ rhOn: "2026-10-11" }), 400, { rhOn: "billingOpsForms.chargeError.outside_contract" });
    await expectError(rh({ rhOn: "2026-09-15" }), 409, { rhOn: "billingOpsForms.chargeError.invoice_issued" });
    // No remote-hands price on the contract nor at its site.
    const noPrice = await rh({}, c.bzv);
    expect(noPrice.status).toBe(409);
    expect((await body(noPrice)).formError).toBe("billingOpsForms.chargeError.no_remote_hands_price");

    await expectError(other({ otherAmount: "9223372036854775808" }), 400, { otherAmount: "inventory.error.amountTooLarge" });
    await expectError(other({ otherAmount: "9".repeat(400) }), 400, { otherAmount: "inventory.error.amountTooLarge" });
    await expectError(other({ otherAmount: "1e400" }), 400, { otherAmount: "inventory.error.amountFormat" });
    await expectError(other({ otherAmount: "-5" }), 400, { otherAmount: "inventory.error.amountFormat" });
    await expectError(other({ otherAmount: "0" }), 400, { otherAmount: "billingOpsForms.error.amountPositive" });
    await expectError(other({ otherAmount: "1 000" }), 400, { otherAmount: "inventory.error.amountFormat" });
    // XOF has no decimals; USD has two.
    await expectError(other({ otherAmount: "1234.5" }), 400, { otherAmount: "inventory.error.amountNoDecimals" });
    await expectError(other({ otherAmount: "12.345", otherOn: "2026-11-02" }, c.kin), 400, { otherAmount: "inventory.error.amountTooManyDecimals" });
    await expectError(other({ otherDescription: "x".repeat(501) }), 400, { otherDescription: "error.tooLong" });
    await expectError(other({ otherDescription: "\u007f" }), 400, { otherDescription: "errors.invalidCharacters" });

    // Unknown, malformed or another tenant's contract: 404 whatever the form says.
    expect((await rh({}, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await rh({}, "not-a-uuid")).status).toBe(404);
    // Not a form: 415.
    expect((await call(contractAction, jsonRequest(`/ops/contracts/${c.ended}`, admin, { intent: "remote_hands" }), { contractId: c.ended })).status).toBe(415);
    // An unknown intent is taken for a change decision without its change: 404.
    expect((await postContract(c.ended, admin, { intent: "nope" })).status).toBe(404);
    expect(await written()).toEqual(before);
  });

  test("the waiver: shown with the amount it waives, finance and admin only, once, with a reason; audited", async () => {
    const view = async () => body(await call(contractLoader, getRequest(`/ops/contracts/${c.ended}`, { cookie: noc.cookie }), { contractId: c.ended }));
    const page = await view();
    expect(page.charges.earlyTermination).toEqual({ fromOn: "2026-10-11", toOn: "2026-12-31", amountMinor: 535_484 });
    expect(page.charges.waiver).toBeNull();

    const before = await written();
    expect((await postContract(c.ended, noc, { intent: "waive", waiveReason: "Geste commercial" })).status).toBe(403);
    expect((await postContract(c.ended, finance, { intent: "waive", waiveReason: "" })).status).toBe(400);
    expect((await postContract(c.ended, finance, { intent: "waive", waiveReason: "a\u0000b" })).status).toBe(400);
    expect((await postContract(c.ended, finance, { intent: "waive", waiveReason: "x".repeat(1001) })).status).toBe(400);
    // An open-ended contract has nothing to waive.
    const nothing = await postContract(c.kin, finance, { intent: "waive", waiveReason: "Geste commercial" });
    expect(nothing.status).toBe(409);
    expect((await body(nothing)).formError).toBe("billingOpsForms.waive.nothingDue");
    expect(await written()).toEqual(before);

    const ok = await postContract(c.ended, finance, { intent: "waive", waiveReason: "Migration vers KIN négociée" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe(`/ops/contracts/${c.ended}?done=waived#charges`);
    const again = await postContract(c.ended, admin, { intent: "waive", waiveReason: "Encore" });
    expect(again.status).toBe(409);
    expect((await body(again)).formError).toBe("billingOpsForms.chargeError.already_waived");

    const audit = await auditOf("billing.early_termination_waived");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_id: c.ended, actor_user_id: finance.id });
    const after = await view();
    expect(after.charges.waiver).toMatchObject({ reason: "Migration vers KIN négociée", by: finance.name });
  });

  test("deciding a termination still needs requests:approve (finance: 403)", async () => {
    expect((await postContract(c.ended, finance, { intent: "decline", changeId: "00000000-0000-4000-8000-000000000000", reason: "Non" })).status).toBe(403);
  });
});

describe("the tenant's termination page", () => {
  test("shows the commitment end of the billing rule and the frozen lines the early-termination amount is computed from", async () => {
    const load = (contractId: string, who: Who) => call(servicesLoader, getRequest(`/app/services/${contractId}`, { cookie: who.cookie }), { contractId });
    const page = await body(await load(c.tenantPage, tenant));
    expect(page.contract.commitmentEndOn).toBe("2027-02-28");
    expect(page.canTerminate).toBe(true);
    // What the page computes as the tenant types an end date (the same function as the billing run).
    const chosen = (endOn: string) => earlyTermination({ startOn: page.contract.startOn, endOn, termMonths: page.contract.termMonths, lines: page.contract.lines });
    expect(chosen("2026-12-15")?.amountMinor).toBe(704_516);
    expect(chosen("2027-02-28")).toBeNull();
    // 29 February 2028 + 12 months: the billing run's commitment end (the day before 28 February 2029).
    expect((await body(await load(c.leapDay, tenant))).contract.commitmentEndOn).toBe("2029-02-27");
    // Another organisation's contract: 404.
    expect((await load(c.tenantPage, otherTenant)).status).toBe(404);
  });
});

describe("exchange rates", () => {
  test("finance and admin record a rate (audited); NOC 403, tenants 404; bad input 4xx, nothing written", async () => {
    const before = await written();
    expect((await postRates(noc, { intent: "set", from: "USD", to: "CDF", on: "2026-11-02", rate: "2841.5" })).status).toBe(403);
    expect((await postRates(tenant, { intent: "set", from: "USD", to: "CDF", on: "2026-11-02", rate: "2841.5" })).status).toBe(404);
    expect((await call(ratesLoader, getRequest("/ops/billing/rates", { cookie: noc.cookie }))).status).toBe(403);
    const bad = async (fields: Record<string, string>, errors: Record<string, string>) => {
      const res = await postRates(finance, { intent: "set", from: "USD", to: "CDF", on: "2026-11-02", rate: "2841.5", ...fields });
      expect(res.status).toBe(400);
      expect((await body(res)).errors).toEqual(errors);
    };
    await bad({ rate: "1e400" }, { rate: "billingOpsForms.rateError.bad_rate" });
    await bad({ rate: "-1" }, { rate: "billingOpsForms.rateError.bad_rate" });
    await bad({ rate: "0" }, { rate: "billingOpsForms.rateError.bad_rate" });
    await bad({ rate: "9".repeat(13) }, { rate: "billingOpsForms.rateError.bad_rate" });
    await bad({ rate: "1.1234567" }, { rate: "billingOpsForms.rateError.bad_rate" });
    await bad({ rate: "28\u00004" }, { rate: "errors.invalidCharacters" });
    await bad({ to: "USD" }, { to: "billingOpsForms.rateError.same_currency" });
    await bad({ from: "GBP" }, { from: "error.invalidChoice" });
    await bad({ on: "0000-01-01" }, { on: "errors.dateRange" });
    await bad({ on: "9999-12-31" }, { on: "errors.dateRange" });
    expect((await call(ratesAction, jsonRequest("/ops/billing/rates", finance, { intent: "set" }))).status).toBe(415);
    expect((await postRates(finance, { intent: "nope" })).status).toBe(400);
    expect(await written()).toEqual(before);

    const ok = await postRates(finance, { intent: "set", from: "USD", to: "CDF", on: "2026-11-02", rate: "2841,50" });
    expect(ok.status).toBe(302);
    expect((await postRates(admin, { intent: "set", from: "USD", to: "CDF", on: "2026-11-02", rate: "2843" })).status).toBe(302);
    const row = await db.selectFrom("exchange_rates").selectAll().where("rate_on", "=", "2026-11-02").executeTakeFirstOrThrow();
    expect({ rate: row.rate, source: row.source, by: row.created_by }).toEqual({ rate: "2843.000000", source: "manual", by: admin.id });
    const audit = (await auditOf("billing.rate_set")).filter((a) => a.entity_id === "USD-CDF-2026-11-02");
    expect(audit.map((a) => [a.actor_user_id, a.before, a.after])).toEqual([
      [finance.id, null, { rate: "2841.5", source: "manual" }],
      [admin.id, { rate: "2841.5", source: "manual" }, { rate: "2843", source: "manual" }],
    ]);
    const page = await body(await call(ratesLoader, getRequest("/ops/billing/rates", { cookie: finance.cookie })));
    expect(page.rates[0]).toEqual({ from: "USD", to: "CDF", on: "2026-11-02", rate: "2843", source: "manual" });
  });

  test("CSV import: all or nothing, every problem with its line number; source csv; audited per rate", async () => {
    const before = await written();
    const refused = await call(
      ratesAction,
      importRequest(finance, "date,rate\n2026-12-01,2850.25\n2026-12-02,abc\n\n2026-13-01,2851\n2026-12-01,2852\n2026-12-05,2853,9\n2026-12-06,0\n"),
    );
    expect(refused.status).toBe(400);
    const answer = await body(refused);
    expect(answer.errors).toEqual({ file: "billingOpsForms.rates.import.rejected" });
    expect(answer.issues).toEqual([
      { line: 3, problem: "bad_rate" },
      { line: 5, problem: "bad_date" },
      { line: 6, problem: "duplicate" },
      { line: 7, problem: "columns" },
      { line: 8, problem: "bad_rate" },
    ]);
    // Line 2 was valid, and was not written either.
    expect(await written()).toEqual(before);

    const cases: [string | Uint8Array, string, number, Record<string, string>][] = [
      ["day,value\n2026-12-01,1\n", "USD-CDF", 400, { file: "billingOpsForms.rates.import.rejected" }],
      ["date,rate\n2026-12-01,1\n", "", 400, { pair: "billingOpsForms.rates.import.noPair" }],
      ["date,rate\n", "USD-CDF", 400, { file: "billingOpsForms.rates.import.empty" }],
      ["", "USD-CDF", 400, { file: "billingOpsForms.rates.import.empty" }],
      ["date,rate\n2026-12-01,1\n", "USD-USD", 400, { pair: "error.invalidChoice" }],
      ["date,rate\n2026-12-01,1\n", "GBP-CDF", 400, { pair: "error.invalidChoice" }],
      ['date,rate\n"2026-12-01,1\n', "USD-CDF", 400, { file: "billingOpsForms.rates.import.rejected" }],
      [new Uint8Array([0x64, 0x61, 0xff, 0xfe, 0x0a]), "USD-CDF", 400, { file: "billingOpsForms.rates.import.notText" }],
      ["date,rate\n2026-12-01,1\u0000\n", "USD-CDF", 400, { file: "billingOpsForms.rates.import.notText" }],
      ["from,to,date,rate\nUSD,CDF,0000-01-01,1\nUSD,XXX,2026-12-01,1\nCDF,CDF,2026-12-01,1\n", "", 400, { file: "billingOpsForms.rates.import.rejected" }],
      [`date,rate\n${Array.from({ length: 5001 }, (_, i) => `${2000 + Math.floor(i / 365)}-01-01,1`).join("\n")}\n`, "USD-CDF", 400, { file: "billingOpsForms.rates.import.tooMany" }],
    ];
    for (const [csv, pair, status, errors] of cases) {
      const res = await call(ratesAction, importRequest(finance, csv, pair));
      expect(res.status, JSON.stringify(csv).slice(0, 60)).toBe(status);
      expect((await body(res)).errors).toEqual(errors);
    }
    // Over 1 MB: refused before it is read (413), or as a file too large.
    const huge = await call(ratesAction, importRequest(finance, `date,rate\n${"2026-12-01,1\n".repeat(90_000)}`));
    expect([400, 413]).toContain(huge.status);
    expect((await call(ratesAction, importRequest(noc, "date,rate\n2026-12-01,1\n"))).status).toBe(403);
    expect(await written()).toEqual(before);

    const ok = await call(ratesAction, importRequest(finance, "\uFEFFDate,Rate\n2026-12-01,2850.25\n2026-12-02,2851\n\n2026-11-02,2844.1\n"));
    expect(ok.status).toBe(200);
    expect((await body(ok)).imported).toEqual({ count: 3, replaced: 1, firstOn: "2026-11-02", lastOn: "2026-12-02" });
    const rows = await db.selectFrom("exchange_rates").select(["rate_on", "rate", "source", "created_by"]).where("from_currency", "=", "USD").where("to_currency", "=", "CDF").orderBy("rate_on").execute();
    expect(rows).toEqual([
      { rate_on: "2026-11-02", rate: "2844.100000", source: "csv", created_by: finance.id },
      { rate_on: "2026-12-01", rate: "2850.250000", source: "csv", created_by: finance.id },
      { rate_on: "2026-12-02", rate: "2851.000000", source: "csv", created_by: finance.id },
    ]);
    expect((await written()).audit - before.audit).toBe(3);

    const withPairs = await call(ratesAction, importRequest(admin, "from,to,date,rate\nEUR,XOF,2026-12-01,655.957\nusd,cdf,2026-12-03,2852\n", ""));
    expect(withPairs.status).toBe(200);
    expect(await db.selectFrom("exchange_rates").select("rate").where("from_currency", "=", "EUR").where("to_currency", "=", "XOF").executeTakeFirstOrThrow()).toEqual({ rate: "655.957000" });
  });
});

describe("issuers", () => {
  const valid = {
    legalName: "Lomé Data Centre SA",
    address: "Zone portuaire, lot 12\nLomé, Togo",
    nif: "1000234567",
    rccm: "TG-LOM-2019-B-01234",
    vatNumber: "",
    bankName: "Ecobank Togo",
    bankAccount: "TG53 TG05 5010 1234 5678 9012 3456",
    swift: "ecoc tgtg",
    mobileMoney: "T-Money : +228 90 00 00 01\r\nFlooz : +228 99 00 00 02",
    footerFr: "Merci de votre confiance.",
    footerEn: "",
  };

  test("the list shows the three sites; finance and admin edit, NOC 403, unknown site 404", async () => {
    const list = await body(await call(issuersLoader, getRequest("/ops/billing/issuers", { cookie: finance.cookie })));
    expect(list.sites.map((s: { code: string; issuer: unknown }) => [s.code, s.issuer !== null])).toEqual([
      ["BZV", true],
      ["KIN", true],
      ["LDC", true],
    ]);
    expect((await call(issuersLoader, getRequest("/ops/billing/issuers", { cookie: noc.cookie }))).status).toBe(403);
    expect((await call(issuerLoader, getRequest("/ops/billing/issuers/ZZZ", { cookie: finance.cookie }), { siteCode: "ZZZ" })).status).toBe(404);
    expect((await call(issuerLoader, getRequest("/ops/billing/issuers/..%2Fx", { cookie: finance.cookie }), { siteCode: "../x" })).status).toBe(404);
    const before = await written();
    expect((await postIssuer("LDC", noc, valid)).status).toBe(403);
    expect((await postIssuer("LDC", tenant, valid)).status).toBe(404);
    expect((await postIssuer("ZZZ", finance, valid)).status).toBe(404);
    expect(await written()).toEqual(before);
  });

  test("saving records the row and an audit entry with before and after, in one transaction", async () => {
    const old = await db.selectFrom("site_issuers").selectAll().where("site_id", "=", site.LDC).executeTakeFirstOrThrow();
    const res = await postIssuer("LDC", finance, valid);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/ops/billing/issuers?saved=LDC");
    const row = await db.selectFrom("site_issuers").selectAll().where("site_id", "=", site.LDC).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      legal_name: "Lomé Data Centre SA",
      address: "Zone portuaire, lot 12\nLomé, Togo",
      vat_number: null,
      swift: "ECOCTGTG",
      mobile_money: "T-Money : +228 90 00 00 01\nFlooz : +228 99 00 00 02",
      footer_en: null,
      updated_by: finance.id,
    });
    const audit = await auditOf("billing.issuer_updated");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: finance.id, entity_type: "site", entity_id: site.LDC });
    expect((audit[0].before as Record<string, unknown>).legal_name).toBe(old.legal_name);
    expect((audit[0].before as Record<string, unknown>).nif).toBe(old.nif);
    expect(audit[0].after).toMatchObject({ legal_name: "Lomé Data Centre SA", swift: "ECOCTGTG", vat_number: null });
    const page = await body(await call(issuerLoader, getRequest("/ops/billing/issuers/ldc", { cookie: admin.cookie }), { siteCode: "ldc" }));
    expect(page.values.swift).toBe("ECOCTGTG");
  });

  test("optional fields left out of the form are stored as NULL (not as empty strings the CHECKs refuse)", async () => {
    const res = await postIssuer("BZV", admin, { legalName: "Data Centre de Brazzaville SA", address: "Avenue Amilcar Cabral, Brazzaville", nif: "M2019110000123456", rccm: "CG-BZV-01-2019-B14-00456" });
    expect(res.status).toBe(302);
    const row = await db.selectFrom("site_issuers").selectAll().where("site_id", "=", site.BZV).executeTakeFirstOrThrow();
    expect([row.vat_number, row.bank_name, row.bank_account, row.swift, row.mobile_money, row.footer_fr, row.footer_en]).toEqual([null, null, null, null, null, null, null]);
  });

  test("input the database's CHECKs would refuse is a localized 400, and nothing is written", async () => {
    const before = await written();
    const bad = async (fields: Partial<typeof valid>, errors: Record<string, string>) => {
      const res = await postIssuer("KIN", admin, { ...valid, ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect((await body(res)).errors).toEqual(errors);
    };
    await bad({ legalName: "" }, { legalName: "error.required" });
    await bad({ legalName: "   " }, { legalName: "error.required" });
    await bad({ legalName: "。" }, { legalName: "billingOpsForms.issuer.tooShort" });
    // One character for PostgreSQL, two UTF-16 units for JavaScript.
    await bad({ nif: "😀" }, { nif: "billingOpsForms.issuer.tooShort" });
    await bad({ legalName: "x".repeat(201) }, { legalName: "error.tooLong" });
    await bad({ address: "a" }, { address: "billingOpsForms.issuer.tooShort" });
    await bad({ rccm: "RC\u0000CM" }, { rccm: "errors.invalidCharacters" });
    await bad({ vatNumber: "x" }, { vatNumber: "billingOpsForms.issuer.tooShort" });
    await bad({ bankAccount: "1234" }, { bankAccount: "billingOpsForms.issuer.tooShort5" });
    await bad({ bankAccount: "1".repeat(61) }, { bankAccount: "error.tooLong" });
    await bad({ swift: "ECOCTG" }, { swift: "billingOpsForms.issuer.swiftInvalid" });
    await bad({ swift: "ECOCTGTG1" }, { swift: "billingOpsForms.issuer.swiftInvalid" });
    await bad({ footerFr: "x".repeat(1001) }, { footerFr: "error.tooLong" });
    await bad({ mobileMoney: "a\u001bb" }, { mobileMoney: "errors.invalidCharacters" });
    expect((await call(issuerAction, jsonRequest("/ops/billing/issuers/KIN", admin, valid), { siteCode: "KIN" })).status).toBe(415);
    expect(await written()).toEqual(before);
  });
});
