/**
 * An organisation's billing settings (issue 8, "The issuer"): the operator's organisation page
 * (invoice language, VAT exemption claimed, payment terms, exemption certificates) and the tenant's
 * dashboard (the invoice language), through their route actions with real requests. Roles allowed
 * and refused, hostile input answered 4xx with nothing written, the audit rows, and a billing run
 * that follows a certificate added on the page.
 *
 * Figures worked out by hand (LDC: XOF, no decimals, VAT 18 %):
 * - "Sahel Agency", one full rack at 200 000 a month since 2026-01-01; October 2026 in full.
 *   Subtotal 200 000. Claiming exemption without a certificate: VAT 200 000 × 18 % = 36 000,
 *   total 236 000, the draft flagged `exemption_expired` (its only certificate, ATT-2025-001, ended
 *   on 2025-12-31). With certificate "ATT-2026-014" valid
 *   2026-10-01 … 2026-12-31 (covers 31 October, the day the run judges): VAT 0, total 200 000,
 *   the reference on the invoice, no exemption flag.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createTestDb, type TestDb } from "../support/db";
import { BASE, body, call, formRequest, getRequest } from "../support/http";
import { count, createOrg, signedIn } from "../support/factories";
import { addContract, invoiceOf, siteByCode } from "../support/billing-world";
import { action as opsAction, loader as opsLoader } from "~/routes/ops.organisations.$orgId";
import { action as dashAction, loader as dashLoader } from "~/routes/app._index";
import { runBilling } from "~/modules/billing/run.server";
import { certificateState } from "~/modules/billing/org-billing.server";

let t: TestDb;
let db: Kysely<Database>;
type Who = Awaited<ReturnType<typeof signedIn>>;
let admin: Who, finance: Who, noc: Who;
const tenant: Record<"owner" | "admin" | "billing" | "technical" | "viewer", Who> = {} as never;
let otherOwner: Who;
let orgA: string, orgB: string;

const orgRow = (id: string) =>
  db.selectFrom("organisations").select(["billing_language", "is_vat_exempt", "payment_terms_days"]).where("id", "=", id).executeTakeFirstOrThrow();
const certificatesOf = (id: string) =>
  db.selectFrom("vat_exemption_certificates").select(["reference", "valid_from", "valid_to", "created_by"]).where("org_id", "=", id).orderBy("reference").execute();
const auditOf = (action: string) => db.selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id").execute();

/** What a refused request must leave untouched. */
const written = async () => ({
  orgs: JSON.stringify(await db.selectFrom("organisations").select(["id", "billing_language", "is_vat_exempt", "payment_terms_days", "updated_at"]).orderBy("id").execute()),
  certificates: await count(db, "vat_exemption_certificates"),
  audit: await count(db, "audit_log"),
});

const postOps = (orgId: string, who: { cookie: string }, fields: Record<string, string>) =>
  call(opsAction, formRequest(`/ops/organisations/${orgId}`, fields, { cookie: who.cookie }), { orgId });
const settings = (fields: Record<string, string> = {}) => ({ intent: "billing_settings", billingLanguage: "en", isVatExempt: "on", paymentTermsDays: "45", ...fields });
const certificate = (fields: Record<string, string> = {}) => ({ intent: "add_certificate", reference: "ATT-X", validFrom: "2026-01-01", validTo: "2026-12-31", ...fields });
const postDash = (who: { cookie: string }, fields: Record<string, string>) => call(dashAction, formRequest("/app", fields, { cookie: who.cookie }));

beforeAll(async () => {
  t = await createTestDb({ reference: true });
  db = t.db;
  orgA = (await createOrg(db, { name: "Sahel Agency" })).id;
  orgB = (await createOrg(db, { name: "Other Tenant" })).id;
  admin = await signedIn(db, { operatorRole: "ops_admin" });
  finance = await signedIn(db, { operatorRole: "ops_finance" });
  noc = await signedIn(db, { operatorRole: "ops_noc" });
  for (const role of ["owner", "admin", "billing", "technical", "viewer"] as const) tenant[role] = await signedIn(db, { orgId: orgA, role });
  otherOwner = await signedIn(db, { orgId: orgB, role: "owner" });
}, 60_000);
afterAll(async () => {
  await t?.cleanup();
});

test("certificate state on a day: both ends are covered", () => {
  const c = { validFrom: "2026-10-01", validTo: "2026-12-31" };
  expect(["2026-09-30", "2026-10-01", "2026-12-31", "2027-01-01"].map((d) => certificateState(c, d))).toEqual(["future", "valid", "valid", "expired"]);
});

describe("operator organisation page", () => {
  test("ops_admin changes the settings (audited with before and after); saving the same again writes nothing", async () => {
    expect(await orgRow(orgA)).toEqual({ billing_language: "fr", is_vat_exempt: false, payment_terms_days: 30 });
    const res = await postOps(orgA, admin, settings());
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ intent: "billing_settings", notice: "orgBilling.saved" });
    expect(await orgRow(orgA)).toEqual({ billing_language: "en", is_vat_exempt: true, payment_terms_days: 45 });
    const audit = await auditOf("org.billing_settings_changed");
    expect(audit.map((a) => ({ actor: a.actor_user_id, entity: a.entity_id, org: a.org_id, before: a.before, after: a.after }))).toEqual([
      {
        actor: admin.id,
        entity: orgA,
        org: orgA,
        before: { billing_language: "fr", is_vat_exempt: false, payment_terms_days: 30 },
        after: { billing_language: "en", is_vat_exempt: true, payment_terms_days: 45 },
      },
    ]);
    const before = await written();
    const again = await postOps(orgA, admin, settings());
    expect(await body(again)).toEqual({ intent: "billing_settings", notice: "orgBilling.unchanged" });
    expect(await written()).toEqual(before);
  });

  test("ops_finance changes one field (the unchecked box turns the claim off) and adds a certificate; both audited", async () => {
    const { isVatExempt: _drop, ...unchecked } = settings({ paymentTermsDays: "45", billingLanguage: "en" });
    expect((await postOps(orgA, finance, unchecked)).status).toBe(200);
    expect(await orgRow(orgA)).toEqual({ billing_language: "en", is_vat_exempt: false, payment_terms_days: 45 });
    const last = (await auditOf("org.billing_settings_changed")).at(-1)!;
    expect([last.actor_user_id, last.before, last.after]).toEqual([finance.id, { is_vat_exempt: true }, { is_vat_exempt: false }]);

    const res = await postOps(orgA, finance, certificate({ reference: "  ATT-2025-001 ", validFrom: "2025-01-01", validTo: "2025-12-31" }));
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ intent: "add_certificate", notice: "orgBilling.certificateAdded" });
    expect(await certificatesOf(orgA)).toEqual([{ reference: "ATT-2025-001", valid_from: "2025-01-01", valid_to: "2025-12-31", created_by: finance.id }]);
    const audit = await auditOf("billing.certificate_added");
    expect(audit).toHaveLength(1);
    expect([audit[0].actor_user_id, audit[0].org_id, audit[0].entity_type, audit[0].entity_id]).toEqual([finance.id, orgA, "organisation", orgA]);
    expect(audit[0].after).toMatchObject({ reference: "ATT-2025-001", validFrom: "2025-01-01", validTo: "2025-12-31" });

    // The same reference for another organisation is fine.
    expect((await postOps(orgB, admin, certificate({ reference: "ATT-2025-001" }))).status).toBe(200);
  });

  test("ops_noc reads the section but gets 403 on both billing forms (and still on the status form); tenants 404", async () => {
    const page = await body(await call(opsLoader, getRequest(`/ops/organisations/${orgA}`, { cookie: noc.cookie }), { orgId: orgA }));
    expect(page.canManageBilling).toBe(false);
    expect(page.billing.certificates.map((c: { reference: string }) => c.reference)).toEqual(["ATT-2025-001"]);
    const before = await written();
    expect((await postOps(orgA, noc, settings({ billingLanguage: "fr" }))).status).toBe(403);
    expect((await postOps(orgA, noc, certificate({ reference: "ATT-NOC" }))).status).toBe(403);
    expect((await postOps(orgA, noc, { transition: "suspend", reason: "" })).status).toBe(403);
    expect((await postOps(orgA, tenant.owner, settings({ billingLanguage: "fr" }))).status).toBe(404);
    expect((await postOps(orgA, tenant.owner, certificate({ reference: "ATT-TENANT" }))).status).toBe(404);
    expect(await written()).toEqual(before);
    const forAdmin = await body(await call(opsLoader, getRequest(`/ops/organisations/${orgA}`, { cookie: finance.cookie }), { orgId: orgA }));
    expect(forAdmin.canManageBilling).toBe(true);
  });

  test("hostile or wrong input: a localized 4xx and nothing written", async () => {
    const before = await written();
    const expectError = async (response: Promise<Response>, status: number, errors: Record<string, string>) => {
      const res = await response;
      expect(res.status).toBe(status);
      expect((await body(res)).errors).toEqual(errors);
    };
    const cert = (fields: Record<string, string>) => postOps(orgA, admin, certificate(fields));
    await expectError(cert({ reference: "ATT\u0000X" }), 400, { reference: "errors.invalidCharacters" });
    await expectError(cert({ reference: "ok\u001b[31m" }), 400, { reference: "errors.invalidCharacters" });
    await expectError(cert({ reference: "A".repeat(101) }), 400, { reference: "orgBilling.error.referenceLength" });
    await expectError(cert({ reference: "A" }), 400, { reference: "orgBilling.error.referenceLength" });
    await expectError(cert({ reference: "   " }), 400, { reference: "error.required" });
    await expectError(cert({ validFrom: "0000-01-01" }), 400, { validFrom: "errors.dateRange" });
    await expectError(cert({ validTo: "9999-12-31" }), 400, { validTo: "errors.dateRange" });
    await expectError(cert({ validFrom: "1999-12-31" }), 400, { validFrom: "errors.dateRange" });
    await expectError(cert({ validTo: "2026-02-30" }), 400, { validTo: "errors.date" });
    await expectError(cert({ validFrom: "+020000-01-01" }), 400, { validFrom: "errors.date" });
    await expectError(cert({ validFrom: "2026-06-01", validTo: "2026-05-31" }), 400, { validTo: "orgBilling.error.dateOrder" });
    await expectError(cert({ reference: "ATT-2025-001" }), 409, { reference: "orgBilling.error.duplicate" });

    const set = (fields: Record<string, string>) => postOps(orgA, admin, settings(fields));
    await expectError(set({ billingLanguage: "de" }), 400, { billingLanguage: "error.invalidChoice" });
    await expectError(set({ paymentTermsDays: "181" }), 400, { paymentTermsDays: "orgBilling.error.paymentTerms" });
    await expectError(set({ paymentTermsDays: "-1" }), 400, { paymentTermsDays: "errors.number" });
    await expectError(set({ paymentTermsDays: "99999999999999999999" }), 400, { paymentTermsDays: "orgBilling.error.paymentTerms" });
    await expectError(set({ paymentTermsDays: "1e2" }), 400, { paymentTermsDays: "errors.number" });
    await expectError(set({ isVatExempt: "maybe" }), 400, { isVatExempt: "error.invalidChoice" });
    await expectError(set({ billingLanguage: "en\u0000" }), 400, { billingLanguage: "errors.invalidCharacters" });
    expect(await written()).toEqual(before);

    // Unknown organisations (a missing id, not an id at all) are a 404.
    expect((await postOps("00000000-0000-4000-8000-000000000009", admin, certificate({ reference: "ATT-GHOST" }))).status).toBe(404);
    expect((await postOps("not-an-id", admin, settings())).status).toBe(404);
    // Wrong content type: 415, malformed multipart: 400.
    const raw = (type: string, payload: string) =>
      call(opsAction, new Request(`${BASE}/ops/organisations/${orgA}`, { method: "POST", headers: { Origin: BASE, Cookie: admin.cookie, "Content-Type": type }, body: payload }), { orgId: orgA });
    expect((await raw("application/json", JSON.stringify(certificate({ reference: "ATT-JSON" })))).status).toBe(415);
    expect((await raw("text/plain", "intent=add_certificate&reference=ATT-TXT&validFrom=2026-01-01&validTo=2026-02-01")).status).toBe(415);
    expect((await raw("multipart/form-data", "--x\r\n")).status).toBe(400);
    expect(await written()).toEqual(before);
  });
});

describe("tenant dashboard", () => {
  test("every member reads the language and the certificates of their own organisation only", async () => {
    for (const role of ["owner", "viewer", "technical"] as const) {
      const page = await body(await call(dashLoader, getRequest("/app", { cookie: tenant[role].cookie })));
      expect(page.billing.billingLanguage).toBe("en");
      expect(page.billing.certificates.map((c: { reference: string; state: string }) => c.reference)).toEqual(["ATT-2025-001"]);
      expect(page.canChangeBillingLanguage).toBe(role === "owner");
    }
    const other = await body(await call(dashLoader, getRequest("/app", { cookie: otherOwner.cookie })));
    expect(other.billing.certificates.map((c: { reference: string }) => c.reference)).toEqual(["ATT-2025-001"]);
    expect(other.billing.billingLanguage).toBe("fr");
  });

  test("owners and admins change the language (audited); billing, technical and viewer get 403; the exemption stays the operator's", async () => {
    const before = await written();
    for (const role of ["billing", "technical", "viewer"] as const) expect((await postDash(tenant[role], { intent: "billing_settings", billingLanguage: "fr" })).status).toBe(403);
    expect((await postDash(admin, { intent: "billing_settings", billingLanguage: "fr" })).status).toBe(302);
    expect(await written()).toEqual(before);

    // Fields the tenant may not set (exemption, payment terms, another organisation) are ignored.
    const res = await postDash(tenant.admin, { intent: "billing_settings", billingLanguage: "fr", isVatExempt: "on", paymentTermsDays: "0", orgId: orgB });
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ intent: "billing_settings", notice: "orgBilling.saved" });
    expect(await orgRow(orgA)).toEqual({ billing_language: "fr", is_vat_exempt: false, payment_terms_days: 45 });
    expect((await postDash(tenant.owner, { intent: "billing_settings", billingLanguage: "en" })).status).toBe(200);
    expect((await orgRow(orgA)).billing_language).toBe("en");
    expect((await orgRow(orgB)).billing_language).toBe("fr");
    const audit = (await auditOf("org.billing_settings_changed")).slice(-2);
    expect(audit.map((a) => [a.actor_user_id, a.org_id, a.before, a.after])).toEqual([
      [tenant.admin.id, orgA, { billing_language: "en" }, { billing_language: "fr" }],
      [tenant.owner.id, orgA, { billing_language: "fr" }, { billing_language: "en" }],
    ]);
  });

  test("hostile input on the tenant's form: a 4xx and nothing written", async () => {
    const before = await written();
    const send = (fields: Record<string, string>) => postDash(tenant.owner, fields);
    expect((await send({ intent: "billing_settings", billingLanguage: "de" })).status).toBe(400);
    expect((await send({ intent: "billing_settings", billingLanguage: "fr\u0007" })).status).toBe(400);
    expect((await send({ intent: "billing_settings" })).status).toBe(400);
    expect((await send({ intent: "add_certificate", reference: "ATT-T", validFrom: "2026-01-01", validTo: "2026-12-31" })).status).toBe(400);
    expect((await send({ intent: "__proto__", billingLanguage: "fr" })).status).toBe(400);
    const json = await call(dashAction, new Request(`${BASE}/app`, { method: "POST", headers: { Origin: BASE, Cookie: tenant.owner.cookie, "Content-Type": "application/json" }, body: '{"intent":"billing_settings","billingLanguage":"fr"}' }));
    expect(json.status).toBe(415);
    expect(await written()).toEqual(before);
  });
});

test("a certificate added on the operator's page makes the next billing run's draft exempt (VAT 0)", async () => {
  const ldc = await siteByCode(db, "LDC");
  expect(ldc.vat_rate_bp).toBe(1800);
  await addContract(db, { orgId: orgA, siteId: ldc.id, startOn: "2026-01-01" }, { full_rack: [1, 200_000] });
  // Claims exemption, no certificate covers October (ATT-2025-001 ended in 2025).
  expect((await postOps(orgA, finance, settings({ isVatExempt: "on", billingLanguage: "en", paymentTermsDays: "45" }))).status).toBe(200);
  await runBilling(db, { siteCode: "LDC", period: "2026-10" });
  const taxed = await invoiceOf(db, orgA, "2026-10");
  expect([Number(taxed!.subtotal_minor), Number(taxed!.vat_minor), Number(taxed!.total_minor), taxed!.is_vat_exempt]).toEqual([200_000, 36_000, 236_000, false]);
  expect(taxed!.flags).toContain("exemption_expired");

  expect((await postOps(orgA, admin, certificate({ reference: "ATT-2026-014", validFrom: "2026-10-01", validTo: "2026-12-31" }))).status).toBe(200);
  await runBilling(db, { siteCode: "LDC", period: "2026-10" });
  const exempt = await invoiceOf(db, orgA, "2026-10");
  expect(exempt!.id).toBe(taxed!.id);
  expect([Number(exempt!.subtotal_minor), Number(exempt!.vat_minor), Number(exempt!.total_minor), exempt!.is_vat_exempt, exempt!.vat_exemption_reference]).toEqual([
    200_000, 0, 200_000, true, "ATT-2026-014",
  ]);
  expect(exempt!.flags).not.toContain("exemption_expired");
  expect(exempt!.flags).not.toContain("exemption_missing");

  // The pages show its state today (UTC): a certificate entirely in the past reads as expired.
  const page = await body(await call(dashLoader, getRequest("/app", { cookie: tenant.viewer.cookie })));
  expect(page.billing.certificates.find((c: { reference: string }) => c.reference === "ATT-2025-001").state).toBe("expired");
}, 60_000);
