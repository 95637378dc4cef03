import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, ProductKind } from "#db/schema";
import { runBilling } from "~/modules/billing/run.server";
import { IssueError, completeIssuedDocuments, issueDrafts, issueInvoice } from "~/modules/billing/issue.server";
import { CreditError, createCreditNote } from "~/modules/billing/credit-notes.server";
import { getInvoice } from "~/modules/billing/invoices.server";
import { setRate } from "~/modules/billing/rates.server";
import { verifyDocument } from "~/modules/billing/verify.server";
import { deliverDueEmails, smtpSender } from "~/modules/email/outbox.server";
import { linkBase } from "~/modules/email/recipients.server";
import { loader as verifyLoader } from "~/routes/verify.$number";
import { createTestDb, type TestDb } from "../support/db";
import { createOrg, createUser } from "../support/factories";
import { pdfText } from "../support/pdf";
import { pdfQrCodes } from "../support/pdf-qr";
import { startSmtpCapture } from "../support/smtp-capture";

/**
 * Issuing, credit notes and verification, on a world billed for October 2026:
 *
 * Alpha (LDC, XOF, VAT 18 %): 1 full rack × 250 000 from 2026-09-01 → subtotal 250 000,
 *   VAT 45 000, total 295 000. Members: owner, billing, technical (the technical member gets no mail).
 * Congo Mining (KIN, USD, VAT 16 %, country CD): 1 full rack × $1,200.00 (120 000 cents) from
 *   2026-09-01 → VAT 19 200, total 139 200 cents; CDF at 2 841.5 = 395 536 800 centimes
 *   (subtotal 340 980 000 + VAT 54 556 800).
 * Expat Ltd (KIN, country FR): the same contract, billed in USD only (not a domestic customer).
 */

const PERIOD = "2026-10";
const ISSUE_DAY = "2026-11-05";

async function addContract(db: Kysely<Database>, orgId: string, siteCode: string, lines: Partial<Record<ProductKind, [number, number]>>) {
  const site = await db.selectFrom("sites").select(["id", "currency"]).where("code", "=", siteCode).executeTakeFirstOrThrow();
  const row = await db
    .insertInto("contracts")
    .values({ org_id: orgId, site_id: site.id, request_id: null, start_on: "2026-09-01", end_on: null, term_months: 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const products = await db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", site.id).execute();
  await db
    .insertInto("contract_lines")
    .values(
      Object.entries(lines).map(([kind, [quantity, price]]) => {
        const p = products.find((x) => x.kind === kind)!;
        return { contract_id: row.id, product_id: p.id, kind: p.kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: price, setup_fee_minor: 0, currency: site.currency };
      }),
    )
    .execute();
}

const draftOf = async (db: Kysely<Database>, orgId: string) =>
  (await db.selectFrom("invoices").select("id").where("org_id", "=", orgId).where("period", "=", PERIOD).executeTakeFirstOrThrow()).id;

describe("issuing invoices", () => {
  let t: TestDb;
  let db: Kysely<Database>;
  const orgs = {} as Record<"alpha" | "mining" | "expat", { id: string; name: string }>;
  const people = {} as Record<"owner" | "billing" | "technical", string>;

  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    db = t.db;
    orgs.alpha = await createOrg(db, { name: "Alpha SARL" });
    orgs.mining = await createOrg(db, { name: "Congo Mining SA" });
    orgs.expat = await createOrg(db, { name: "Expat Ltd" });
    await db.updateTable("organisations").set({ country: "CD" }).where("id", "=", orgs.mining.id).execute();
    await db.updateTable("organisations").set({ country: "FR", billing_language: "en" }).where("id", "=", orgs.expat.id).execute();
    for (const role of ["owner", "billing", "technical"] as const) people[role] = (await createUser(db, { orgId: orgs.alpha.id, role })).email;
    await addContract(db, orgs.alpha.id, "LDC", { full_rack: [1, 250_000] });
    await addContract(db, orgs.mining.id, "KIN", { full_rack: [1, 120_000] });
    await addContract(db, orgs.expat.id, "KIN", { full_rack: [1, 120_000] });
    await runBilling(db, { siteCode: "LDC", period: PERIOD });
    await runBilling(db, { siteCode: "KIN", period: PERIOD });
  });
  afterAll(() => t.cleanup());

  test("a draft becomes LDC-2026-000001: dates, payment reference, stored PDF and annex, e-mails with the PDF, audit", async () => {
    const issued = await issueInvoice(db, { invoiceId: await draftOf(db, orgs.alpha.id), actor: null, today: ISSUE_DAY });
    expect(issued.number).toBe("LDC-2026-000001");
    const inv = (await getInvoice(db, issued.id))!;
    expect(inv).toMatchObject({ status: "issued", issued_on: "2026-11-05", due_on: "2026-12-05", subtotal_minor: 250_000, vat_minor: 45_000, total_minor: 295_000, balanceMinor: 295_000 });
    expect(inv.payment_reference).toMatch(/^LDC-[0-9A-HJKMNP-TV-Z]{6}$/);

    const pdf = await db.selectFrom("documents").selectAll().where("id", "=", inv.document_id!).executeTakeFirstOrThrow();
    expect(pdf.content_type).toBe("application/pdf");
    expect(inv.pdf_sha256).toBe(createHash("sha256").update(pdf.content).digest("hex"));
    const { text } = await pdfText(pdf.content);
    for (const expected of [
      "FACTURE",
      "LDC-2026-000001",
      "Alpha SARL",
      "Lomé Data Centre SA",
      "295 000",
      "deux cent quatre-vingt-quinze mille francs CFA",
    ])
      expect(text).toContain(expected);
    // The reference is set in two runs of text (site, code): compare without spaces.
    expect(text.replace(/ /g, "")).toContain(inv.payment_reference!);
    // The QR code, decoded from the PDF's own pixels, is the verification address with the invoice's key.
    expect(await pdfQrCodes(pdf.content)).toEqual([`${linkBase()}/verify/LDC-2026-000001?k=${inv.verify_key}`]);
    const annex = await db.selectFrom("documents").select(["kind", "filename"]).where("id", "=", inv.annex_document_id!).executeTakeFirstOrThrow();
    expect(annex).toEqual({ kind: "usage_annex_csv", filename: "LDC-2026-000001-annex.csv" });

    const mails = await db.selectFrom("email_outbox").select(["to_address", "subject", "attachment_document_id"]).where("template", "=", "invoice_issued").orderBy("to_address").execute();
    const org = await db.selectFrom("organisations").select("billing_email").where("id", "=", orgs.alpha.id).executeTakeFirstOrThrow();
    expect(mails.map((m) => m.to_address).sort()).toEqual([org.billing_email, people.owner, people.billing].sort());
    expect(mails.every((m) => m.attachment_document_id === inv.document_id && m.subject.includes("LDC-2026-000001"))).toBe(true);

    const audit = await db.selectFrom("audit_log").select(["action", "entity_id"]).where("action", "=", "billing.invoice_issued").execute();
    expect(audit).toEqual([{ action: "billing.invoice_issued", entity_id: issued.id }]);

    // Once only: a second issue is refused, and finishing documents again adds nothing.
    await expect(issueInvoice(db, { invoiceId: issued.id, actor: null, today: ISSUE_DAY })).rejects.toMatchObject({ code: "not_draft" });
    expect(await completeIssuedDocuments(db)).toBe(0);
  });

  test("the e-mail leaves over SMTP with the stored PDF attached", async () => {
    const smtp = await startSmtpCapture();
    try {
      await deliverDueEmails(db, smtpSender(smtp.url, "factures@portail.test"));
      const inv = await db.selectFrom("invoices").select(["pdf_sha256"]).where("number", "=", "LDC-2026-000001").executeTakeFirstOrThrow();
      const mail = smtp.messages.find((m) => m.subject.includes("LDC-2026-000001"))!;
      expect(mail).toBeDefined();
      const part = /Content-Type: application\/pdf[^]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+)/.exec(mail.raw);
      expect(part).not.toBeNull();
      const bytes = Buffer.from(part![1].replace(/\r\n/g, ""), "base64");
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(inv.pdf_sha256);
      expect(mail.raw).toContain('filename=LDC-2026-000001.pdf');
    } finally {
      await smtp.close();
    }
  });

  test("a month still running is not issued, and consumes no number", async () => {
    const draft = await draftOf(db, orgs.expat.id);
    await expect(issueInvoice(db, { invoiceId: draft, actor: null, today: "2026-10-31" })).rejects.toMatchObject({ code: "period_open" });
    const counters = await db.selectFrom("document_counters as c").innerJoin("sites as s", "s.id", "c.site_id").select(["s.code", "c.last_value"]).where("s.code", "=", "KIN").execute();
    expect(counters).toEqual([]);
  });

  test("KIN, domestic customer: refused without a USD→CDF rate of the last 7 days; then the rate of the issue date is frozen and the PDF shows CDF", async () => {
    const draft = await draftOf(db, orgs.mining.id);
    await setRate(db, { from: "USD", to: "CDF", on: "2026-10-28", rate: "2800", actor: null }); // 8 days before: too old
    await expect(issueInvoice(db, { invoiceId: draft, actor: null, today: ISSUE_DAY })).rejects.toBeInstanceOf(IssueError);
    await expect(issueInvoice(db, { invoiceId: draft, actor: null, today: ISSUE_DAY })).rejects.toMatchObject({ code: "no_rate" });
    expect((await db.selectFrom("invoices").select("status").where("id", "=", draft).executeTakeFirstOrThrow()).status).toBe("draft");

    await setRate(db, { from: "USD", to: "CDF", on: "2026-11-03", rate: "2841.500000", actor: null });
    await setRate(db, { from: "USD", to: "CDF", on: "2026-11-06", rate: "2900", actor: null }); // after the issue date: not used
    const issued = await issueInvoice(db, { invoiceId: draft, actor: null, today: ISSUE_DAY });
    expect(issued.number).toBe("KIN-2026-000001");
    const inv = (await getInvoice(db, issued.id))!;
    expect(inv).toMatchObject({ currency: "USD", subtotal_minor: 120_000, vat_minor: 19_200, total_minor: 139_200, fx_currency: "CDF", fx_rate_on: "2026-11-03" });
    expect(Number(inv.fx_rate)).toBe(2841.5);
    const pdf = await db.selectFrom("documents").select("content").where("id", "=", inv.document_id!).executeTakeFirstOrThrow();
    const { text } = await pdfText(pdf.content);
    // 120 000 cents × 2 841.5 = 340 980 000 centimes; 19 200 × 2 841.5 = 54 556 800; total 395 536 800.
    for (const expected of ["KIN-2026-000001", "3 409 800,00", "545 568,00", "3 955 368,00", "2 841,5"]) expect(text).toContain(expected);

    // Not a domestic customer: USD only, no rate needed.
    const expat = await issueInvoice(db, { invoiceId: await draftOf(db, orgs.expat.id), actor: null, today: ISSUE_DAY });
    expect(expat.number).toBe("KIN-2026-000002");
    expect((await getInvoice(db, expat.id))!.fx_rate).toBeNull();
  });

  test("credit notes: partial within each line, VAT at the invoice's rate, own series; the last one takes what remains and voids the invoice", async () => {
    const inv = (await db.selectFrom("invoices").select(["id"]).where("number", "=", "LDC-2026-000001").executeTakeFirstOrThrow()).id;
    const line = (await getInvoice(db, inv))!.lines[0];
    await expect(createCreditNote(db, { invoiceId: inv, actor: null, reason: "Trop perçu", lines: [{ invoiceLineId: line.id, amountMinor: 250_001 }], today: "2026-11-10" })).rejects.toMatchObject({ code: "exceeds_line" });
    await expect(createCreditNote(db, { invoiceId: inv, actor: null, reason: "x", lines: "full" })).rejects.toMatchObject({ code: "bad_reason" });
    await expect(createCreditNote(db, { invoiceId: inv, actor: null, reason: "Trop perçu", lines: [{ invoiceLineId: line.id, amountMinor: 0.5 }] })).rejects.toBeInstanceOf(CreditError);

    // 50 001 credited: VAT 18 % = 9 000.18 → 9 000; total 59 001.
    const first = await createCreditNote(db, { invoiceId: inv, actor: null, reason: "Panne du 12 octobre", lines: [{ invoiceLineId: line.id, amountMinor: 50_001 }], today: "2026-11-10" });
    expect(first.number).toBe("LDC-AV-2026-000001");
    const note = await db.selectFrom("credit_notes").selectAll().where("id", "=", first.id).executeTakeFirstOrThrow();
    expect(note).toMatchObject({ subtotal_minor: 50_001, vat_minor: 9_000, total_minor: 59_001, issued_on: "2026-11-10" });
    expect(note.pdf_sha256).toMatch(/^[0-9a-f]{64}$/);
    let after = (await getInvoice(db, inv))!;
    expect(after).toMatchObject({ status: "issued", creditedMinor: 59_001, balanceMinor: 295_000 - 59_001 });

    // The rest: 199 999 + VAT left 45 000 − 9 000 = 36 000 → 235 999; together exactly the total.
    const second = await createCreditNote(db, { invoiceId: inv, actor: null, reason: "Annulation de la facture", lines: "full", today: "2026-11-11" });
    expect(second.number).toBe("LDC-AV-2026-000002");
    const rest = await db.selectFrom("credit_notes").select(["subtotal_minor", "vat_minor", "total_minor"]).where("id", "=", second.id).executeTakeFirstOrThrow();
    expect(rest).toEqual({ subtotal_minor: 199_999, vat_minor: 36_000, total_minor: 235_999 });
    after = (await getInvoice(db, inv))!;
    expect(after).toMatchObject({ status: "void", creditedMinor: 295_000, balanceMinor: 0 });
    await expect(createCreditNote(db, { invoiceId: inv, actor: null, reason: "Encore", lines: "full" })).rejects.toMatchObject({ code: "not_issued" });
  });

  test("verification: the right key shows number, status and hash; any other key, number or a draft is not found; rate limited", async () => {
    const inv = await db.selectFrom("invoices").select(["id", "number", "verify_key", "pdf_sha256"]).where("number", "=", "KIN-2026-000001").executeTakeFirstOrThrow();
    expect(await verifyDocument(db, inv.number!, inv.verify_key)).toMatchObject({
      kind: "invoice",
      number: "KIN-2026-000001",
      issuerName: "Centre National de Données SA",
      issuedOn: "2026-11-05",
      totalMinor: 139_200,
      currency: "USD",
      status: "issued",
      sha256: inv.pdf_sha256,
    });
    const flipped = inv.verify_key.replace(/^./, (c) => (c === "a" ? "b" : "a"));
    expect(await verifyDocument(db, inv.number!, flipped)).toBeNull();
    expect(await verifyDocument(db, "KIN-2026-000002", inv.verify_key)).toBeNull();
    expect(await verifyDocument(db, "KIN-2026-000001", "")).toBeNull();

    const voided = await db.selectFrom("invoices").select(["number", "verify_key"]).where("number", "=", "LDC-2026-000001").executeTakeFirstOrThrow();
    expect((await verifyDocument(db, voided.number!, voided.verify_key))?.status).toBe("credited");
    const note = await db.selectFrom("credit_notes").select(["number", "verify_key"]).where("number", "=", "LDC-AV-2026-000001").executeTakeFirstOrThrow();
    expect(await verifyDocument(db, note.number, note.verify_key)).toMatchObject({ kind: "credit_note", invoiceNumber: "LDC-2026-000001", totalMinor: 59_001 });

    const call = (number: string, key: string, ip: string) =>
      verifyLoader({ request: new Request(`http://localhost/verify/${number}?k=${key}`), params: { number }, context: { ip } } as never) as Promise<Response>;
    expect((await call(inv.number!, inv.verify_key, "198.51.100.7")).status).toBe(200);
    expect((await call(inv.number!, flipped, "198.51.100.7")).status).toBe(404);
    expect((await call("%00' OR 1=1", "zz", "198.51.100.7")).status).toBe(404);
    for (let i = 0; i < 58; i++) await call("LDC-2026-999999", flipped, "198.51.100.7");
    expect((await call(inv.number!, inv.verify_key, "198.51.100.7")).status).toBe(429);
    expect((await call(inv.number!, inv.verify_key, "198.51.100.8")).status).toBe(200);
  });

  test("issue all: every draft of the site and month, in one pass; a re-run issues nothing more", async () => {
    const more = await createOrg(db, { name: "Beta SARL" });
    await addContract(db, more.id, "LDC", { rack_unit: [4, 18_000] });
    await runBilling(db, { siteCode: "LDC", period: PERIOD });
    const progress: string[] = [];
    const result = await issueDrafts(db, { siteCode: "LDC", period: PERIOD, actor: null, today: ISSUE_DAY, onProgress: (d, n) => progress.push(`${d}/${n}`) });
    expect(result).toEqual({ issued: [{ id: expect.any(String), number: "LDC-2026-000002" }], failed: [] });
    expect(progress).toEqual(["0/1", "1/1"]);
    expect(await issueDrafts(db, { siteCode: "LDC", period: PERIOD, actor: null, today: ISSUE_DAY })).toEqual({ issued: [], failed: [] });
    // A re-run of the month leaves the issued invoices as they are.
    const before = await db.selectFrom("invoices").selectAll().where("status", "!=", "draft").orderBy("number").execute();
    expect((await runBilling(db, { siteCode: "LDC", period: PERIOD })).issued).toBe(2);
    expect(await db.selectFrom("invoices").selectAll().where("status", "!=", "draft").orderBy("number").execute()).toEqual(before);
  });
});
