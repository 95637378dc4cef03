import { sql, type Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createTestDb, usingPostgres, type TestDb } from "../support/db";
import { createOrg } from "../support/factories";
import { formatNumber, nextNumber, parseNumber } from "~/modules/billing/numbering.server";
import { addCertificate, exemptionStatus, isExemptOn } from "~/modules/billing/exemptions.server";
import { getIssuer, listIssuers, saveIssuer } from "~/modules/billing/issuers.server";
import { seed } from "../../seeds/index.server";
import { ANSI_EXEMPTION } from "../../seeds/demo-billing";

/**
 * The invoicing tables hold their own rules (ADR 012): an issued invoice never changes, its lines
 * neither; credit notes are immutable and never exceed the invoice; numbers have no gap.
 * Forbidden changes are tried in raw SQL, as an auditor or a careless script would.
 */

interface Fixture {
  ldc: { id: string; code: string };
  kin: { id: string; code: string };
  orgA: string;
  orgB: string;
  contractA: string;
  contractB: string;
  contractAKin: string;
}

/** Rejects with this hint (our triggers), SQLSTATE or constraint. */
async function refused(work: Promise<unknown>, expected: { hint?: string; code?: string; constraint?: string }) {
  let error: any;
  try {
    await work;
  } catch (e) {
    error = e;
  }
  expect(error, `expected a refusal ${JSON.stringify(expected)}`).toBeDefined();
  if (expected.hint) expect(error.hint).toBe(expected.hint);
  if (expected.code) expect(error.code).toBe(expected.code);
  if (expected.constraint) expect(error.constraint).toBe(expected.constraint);
}

async function setup(db: Kysely<Database>): Promise<Fixture> {
  const sites = await db.selectFrom("sites").select(["id", "code"]).execute();
  const ldc = sites.find((s) => s.code === "LDC")!;
  const kin = sites.find((s) => s.code === "KIN")!;
  const orgA = (await createOrg(db)).id;
  const orgB = (await createOrg(db)).id;
  const contract = async (org: string, site: string) =>
    (await db.insertInto("contracts").values({ org_id: org, site_id: site, start_on: "2026-01-01", end_on: null, term_months: 12 }).returning("id").executeTakeFirstOrThrow()).id;
  return {
    ldc,
    kin,
    orgA,
    orgB,
    contractA: await contract(orgA, ldc.id),
    contractB: await contract(orgB, ldc.id),
    contractAKin: await contract(orgA, kin.id),
  };
}

/** A draft with lines of these amounts, VAT 18 %, written in one transaction as the billing run does. */
async function draft(db: Kysely<Database>, f: Fixture, opts: { org?: string; site?: string; period: string; amounts?: number[]; contract?: string | null }) {
  const amounts = opts.amounts ?? [100_000, 25_000];
  const subtotal = amounts.reduce((a, b) => a + b, 0);
  const vat = Math.round((subtotal * 18) / 100);
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("invoices")
      .values({
        org_id: opts.org ?? f.orgA,
        site_id: opts.site ?? f.ldc.id,
        period: opts.period,
        currency: "XOF",
        vat_rate_bp: 1800,
        subtotal_minor: subtotal,
        vat_minor: vat,
        total_minor: subtotal + vat,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("invoice_lines")
      .values(
        amounts.map((amount, i) => ({
          invoice_id: id,
          position: i,
          contract_id: opts.contract === undefined ? f.contractA : opts.contract,
          kind: "recurring" as const,
          description_fr: `Ligne ${i + 1}`,
          description_en: `Line ${i + 1}`,
          quantity: "1",
          unit_price_minor: amount,
          amount_minor: amount,
          details: JSON.stringify({ active_days: 31, days_in_month: 31 }),
        })),
      )
      .execute();
    return id;
  });
}

/** Issues a draft the way the issuing transaction will: a number from the counter, dates, reference. */
async function issue(db: Kysely<Database>, invoiceId: string, site: { id: string; code: string }, issuedOn = "2026-11-02") {
  return db.transaction().execute(async (trx) => {
    const number = await nextNumber(trx, { siteId: site.id, siteCode: site.code, series: "invoice", year: Number(issuedOn.slice(0, 4)) });
    await trx
      .updateTable("invoices")
      .set({ status: "issued", number, issued_on: issuedOn, due_on: "2026-12-02", payment_reference: `P${number.replace(/-/g, "")}` })
      .where("id", "=", invoiceId)
      .execute();
    return number;
  });
}

describe("invoicing tables", () => {
  let t: TestDb;
  let f: Fixture;
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    f = await setup(t.db);
  });
  afterAll(() => t.cleanup());

  test("each site has its issuer, seeded once; a second seed leaves an operator's edit alone", async () => {
    const issuers = await listIssuers(t.db);
    expect(issuers.map((i) => i.siteCode)).toEqual(["BZV", "KIN", "LDC"]);
    const ldc = (await getIssuer(t.db, f.ldc.id))!;
    expect(ldc).toMatchObject({ legal_name: "Lomé Data Centre SA", nif: "1000123456", swift: "BCGOTGTG" });
    expect(ldc.rccm).toMatch(/^TG-LFW-/);
    const kin = (await getIssuer(t.db, f.kin.id))!;
    expect(kin.mobile_money).toContain("M-Pesa");

    const { siteCode: _code, site_id: _site, updated_at: _at, updated_by: _by, ...fields } = ldc;
    expect(await saveIssuer(t.db, f.ldc.id, { ...fields, legal_name: "Lomé Data Centre SA (modifié)" })).toBe(true);
    expect(await saveIssuer(t.db, f.ldc.id, { ...fields, legal_name: "Seed again" }, { onlyIfMissing: true })).toBe(false);
    expect((await getIssuer(t.db, f.ldc.id))!.legal_name).toBe("Lomé Data Centre SA (modifié)");
  });

  test("organisations bill in French unless told otherwise", async () => {
    const org = await t.db.selectFrom("organisations").select("billing_language").where("id", "=", f.orgA).executeTakeFirstOrThrow();
    expect(org.billing_language).toBe("fr");
    await refused(sql`UPDATE organisations SET billing_language = 'de' WHERE id = ${f.orgA}`.execute(t.db), { code: "23514" });
  });

  test("one invoice per organisation, site and period; periods are YYYY-MM", async () => {
    await draft(t.db, f, { period: "2026-01" });
    await refused(draft(t.db, f, { period: "2026-01" }), { code: "23505", constraint: "invoices_org_site_period_key" });
    // Another organisation, or another site, same period: fine.
    await draft(t.db, f, { period: "2026-01", org: f.orgB, contract: f.contractB });
    await draft(t.db, f, { period: "2026-01", site: f.kin.id, contract: f.contractAKin });
    for (const period of ["2026-13", "2026-1", "26-01", "2026-00", "2026-01-01"]) {
      await refused(draft(t.db, f, { period }), { code: "23514" });
    }
  });

  test("total = subtotal + VAT, and at commit the subtotal is the sum of the lines", async () => {
    await refused(
      sql`INSERT INTO invoices (org_id, site_id, period, currency, vat_rate_bp, subtotal_minor, vat_minor, total_minor)
          VALUES (${f.orgA}, ${f.ldc.id}, '2026-02', 'XOF', 1800, 100, 18, 119)`.execute(t.db),
      { code: "23514", constraint: "invoices_total_check" },
    );
    // Header says 100 000 but the only line is 90 000.
    await refused(
      t.db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto("invoices")
          .values({ org_id: f.orgA, site_id: f.ldc.id, period: "2026-02", currency: "XOF", vat_rate_bp: 1800, subtotal_minor: 100_000, vat_minor: 18_000, total_minor: 118_000 })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("invoice_lines")
          .values({ invoice_id: id, position: 0, contract_id: f.contractA, kind: "setup", description_fr: "Frais", description_en: "Fee", quantity: "1", unit_price_minor: 90_000, amount_minor: 90_000, details: "{}" })
          .execute();
      }),
      { hint: "invoice_totals" },
    );
    expect(await t.db.selectFrom("invoices").select("id").where("period", "=", "2026-02").execute()).toEqual([]);
    // An exempt invoice has no VAT and names its certificate.
    await refused(
      sql`INSERT INTO invoices (org_id, site_id, period, currency, vat_rate_bp, is_vat_exempt, vat_exemption_reference)
          VALUES (${f.orgA}, ${f.ldc.id}, '2026-02', 'XOF', 1800, true, NULL)`.execute(t.db),
      { code: "23514", constraint: "invoices_exemption_check" },
    );
  });

  test("a line's contract is the invoice's organisation's, at the invoice's site", async () => {
    await refused(draft(t.db, f, { period: "2026-03", contract: f.contractB }), { code: "23503", constraint: "invoice_lines_contract_fkey" });
    await refused(draft(t.db, f, { period: "2026-03", contract: f.contractAKin }), { code: "23503", constraint: "invoice_lines_contract_fkey" });
    const id = await draft(t.db, f, { period: "2026-03", contract: null });
    const lines = await t.db.selectFrom("invoice_lines").select(["org_id", "site_id", "contract_id"]).where("invoice_id", "=", id).execute();
    expect(lines).toEqual([
      { org_id: f.orgA, site_id: f.ldc.id, contract_id: null },
      { org_id: f.orgA, site_id: f.ldc.id, contract_id: null },
    ]);
  });

  test("an invoice is born a draft, with no number, dates or payment reference", async () => {
    await refused(
      sql`INSERT INTO invoices (org_id, site_id, period, currency, vat_rate_bp, status, number, issued_on, due_on, payment_reference)
          VALUES (${f.orgA}, ${f.ldc.id}, '2026-04', 'XOF', 1800, 'issued', 'LDC-2026-000900', '2026-05-01', '2026-05-31', 'PX0001')`.execute(t.db),
      { hint: "invoice_not_draft" },
    );
    await refused(
      sql`INSERT INTO invoices (org_id, site_id, period, currency, vat_rate_bp, number)
          VALUES (${f.orgA}, ${f.ldc.id}, '2026-04', 'XOF', 1800, 'LDC-2026-000900')`.execute(t.db),
      { code: "23514", constraint: "invoices_draft_check" },
    );
    const id = await draft(t.db, f, { period: "2026-04" });
    // Issuing sets number, dates and payment reference together; the number is the site's and the issue year's.
    await refused(sql`UPDATE invoices SET status = 'issued' WHERE id = ${id}`.execute(t.db), { code: "23514", constraint: "invoices_issued_check" });
    await refused(
      sql`UPDATE invoices SET status = 'issued', number = 'KIN-2026-000001', issued_on = '2026-05-02', due_on = '2026-06-01', payment_reference = 'PX0002' WHERE id = ${id}`.execute(t.db),
      { hint: "invoice_number" },
    );
    await refused(
      sql`UPDATE invoices SET status = 'issued', number = 'LDC-2025-000001', issued_on = '2026-05-02', due_on = '2026-06-01', payment_reference = 'PX0002' WHERE id = ${id}`.execute(t.db),
      { hint: "invoice_number" },
    );
    await refused(
      sql`UPDATE invoices SET status = 'issued', number = 'LDC-2026-000001', issued_on = '2026-05-02', due_on = '2026-05-01', payment_reference = 'PX0002' WHERE id = ${id}`.execute(t.db),
      { code: "23514", constraint: "invoices_due_check" },
    );
    // A draft is not paid or voided before it is issued; a draft can be deleted (its lines go with it).
    await refused(sql`UPDATE invoices SET status = 'paid' WHERE id = ${id}`.execute(t.db), { hint: "invoice_status" });
    await sql`DELETE FROM invoices WHERE id = ${id}`.execute(t.db);
    expect(await t.db.selectFrom("invoice_lines").select("id").where("invoice_id", "=", id).execute()).toEqual([]);
  });

  describe("an issued invoice", () => {
    let id: string;
    let lineId: string;
    beforeAll(async () => {
      id = await draft(t.db, f, { period: "2026-10", org: f.orgB, contract: f.contractB });
      await issue(t.db, id, f.ldc);
      lineId = (await t.db.selectFrom("invoice_lines").select("id").where("invoice_id", "=", id).orderBy("position").executeTakeFirstOrThrow()).id;
    });

    const forbidden: [string, string][] = [
      ["number", "number = 'LDC-2026-000999'"],
      ["amounts", "subtotal_minor = subtotal_minor + 1, total_minor = total_minor + 1"],
      ["VAT", "vat_minor = 0, total_minor = subtotal_minor"],
      ["VAT rate", "vat_rate_bp = 0"],
      ["issue date", "issued_on = '2026-11-03'"],
      ["due date", "due_on = '2027-01-31'"],
      ["period", "period = '2026-09'"],
      ["currency", "currency = 'EUR'"],
      ["payment reference", "payment_reference = 'PFORGED01'"],
      ["verification key", "verify_key = 'ffffffffffffffffffffffffffffffff'"],
      ["exemption", "is_vat_exempt = false, vat_exemption_reference = 'X'"],
      ["exchange rate", "fx_currency = 'CDF', fx_rate = 2800, fx_rate_on = '2026-11-02'"],
    ];
    test.each(forbidden)("refuses a change of its %s", async (_what, set) => {
      await refused(sql.raw(`UPDATE invoices SET ${set} WHERE id = '${id}'`).execute(t.db), { hint: "invoice_immutable" });
    });

    test("refuses another organisation or site", async () => {
      await refused(sql`UPDATE invoices SET org_id = ${f.orgA} WHERE id = ${id}`.execute(t.db), { hint: "invoice_immutable" });
      await refused(sql`UPDATE invoices SET site_id = ${f.kin.id} WHERE id = ${id}`.execute(t.db), { hint: "invoice_immutable" });
    });

    test("refuses its deletion, and any insert, update or delete of its lines", async () => {
      await refused(sql`DELETE FROM invoices WHERE id = ${id}`.execute(t.db), { hint: "invoice_immutable" });
      await refused(sql`UPDATE invoice_lines SET amount_minor = 1 WHERE id = ${lineId}`.execute(t.db), { hint: "invoice_immutable" });
      await refused(sql`UPDATE invoice_lines SET description_fr = 'Autre' WHERE id = ${lineId}`.execute(t.db), { hint: "invoice_immutable" });
      await refused(sql`DELETE FROM invoice_lines WHERE id = ${lineId}`.execute(t.db), { hint: "invoice_immutable" });
      await refused(
        sql`INSERT INTO invoice_lines (invoice_id, position, kind, description_fr, description_en, quantity, unit_price_minor, amount_minor)
            VALUES (${id}, 9, 'one_off', 'Ajout', 'Added', 1, 0, 0)`.execute(t.db),
        { hint: "invoice_immutable" },
      );
      const row = await t.db.selectFrom("invoices").select(["subtotal_minor", "total_minor", "number"]).where("id", "=", id).executeTakeFirstOrThrow();
      expect(row).toEqual({ subtotal_minor: 125_000, total_minor: 147_500, number: "LDC-2026-000001" });
    });

    test("its document and hash are set once, and must be the stored document's", async () => {
      const doc = await t.db
        .insertInto("documents")
        .values({ kind: "invoice_pdf", content_type: "application/pdf", filename: "LDC-2026-000001.pdf", content: Buffer.from("%PDF-1.7 fake") })
        .returning(["id", "sha256", "byte_size"])
        .executeTakeFirstOrThrow();
      expect(doc.byte_size).toBe(13);
      expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
      await refused(sql`UPDATE invoices SET document_id = ${doc.id}, pdf_sha256 = ${"0".repeat(64)} WHERE id = ${id}`.execute(t.db), { hint: "document_hash" });
      await sql`UPDATE invoices SET document_id = ${doc.id}, pdf_sha256 = ${doc.sha256} WHERE id = ${id}`.execute(t.db);
      const other = await t.db
        .insertInto("documents")
        .values({ kind: "invoice_pdf", content_type: "application/pdf", filename: "forged.pdf", content: Buffer.from("%PDF-1.7 forged") })
        .returning(["id", "sha256"])
        .executeTakeFirstOrThrow();
      await refused(sql`UPDATE invoices SET document_id = ${other.id}, pdf_sha256 = ${other.sha256} WHERE id = ${id}`.execute(t.db), { hint: "invoice_immutable" });
      await refused(sql`UPDATE invoices SET document_id = NULL, pdf_sha256 = NULL WHERE id = ${id}`.execute(t.db), { hint: "invoice_immutable" });
      // The stored bytes never change either.
      await refused(sql`UPDATE documents SET content = 'x'::bytea WHERE id = ${doc.id}`.execute(t.db), { hint: "document_immutable" });
    });

    test("only its status moves: issued → paid → issued; never back to draft, never void without a full credit note", async () => {
      await sql`UPDATE invoices SET status = 'paid', updated_at = now() WHERE id = ${id}`.execute(t.db);
      await refused(sql`UPDATE invoices SET status = 'void' WHERE id = ${id}`.execute(t.db), { hint: "invoice_status" });
      await sql`UPDATE invoices SET status = 'issued' WHERE id = ${id}`.execute(t.db);
      await refused(sql`UPDATE invoices SET status = 'draft' WHERE id = ${id}`.execute(t.db), { hint: "invoice_status" });
      await refused(sql`UPDATE invoices SET status = 'void' WHERE id = ${id}`.execute(t.db), { hint: "invoice_not_credited" });
      // Status and amount together: the amount is still refused.
      await refused(sql`UPDATE invoices SET status = 'paid', vat_minor = 0, total_minor = subtotal_minor WHERE id = ${id}`.execute(t.db), { hint: "invoice_immutable" });
      expect((await t.db.selectFrom("invoices").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status).toBe("issued");
    });

    test("credit notes: for an issued invoice, within its total, immutable, and a full credit allows voiding it", async () => {
      const creditNote = (number: string, total: number, lines: number[] = [total], subtotal = lines.reduce((a, b) => a + b, 0)) =>
        t.db.transaction().execute(async (trx) => {
          const { id: cn } = await trx
            .insertInto("credit_notes")
            .values({ number, invoice_id: id, subtotal_minor: subtotal, vat_minor: total - subtotal, total_minor: total, reason: "Erreur de quantité", issued_on: "2026-11-20" })
            .returning("id")
            .executeTakeFirstOrThrow();
          if (lines.length) {
            await trx
              .insertInto("credit_note_lines")
              .values(lines.map((amount, i) => ({ credit_note_id: cn, position: i, invoice_line_id: lineId, description_fr: "Avoir", description_en: "Credit", quantity: "1", unit_price_minor: amount, amount_minor: amount })))
              .execute();
          }
          return cn;
        });

      // Wrong series, site or year.
      await refused(creditNote("LDC-2026-000050", 1000), { hint: "credit_note_number" });
      await refused(creditNote("KIN-AV-2026-000001", 1000), { hint: "credit_note_number" });
      await refused(creditNote("LDC-AV-2025-000001", 1000), { hint: "credit_note_number" });
      // Lines that do not add up.
      await refused(creditNote("LDC-AV-2026-000001", 1000, [800], 900), { hint: "credit_note_totals" });
      // More than the invoice.
      await refused(creditNote("LDC-AV-2026-000001", 147_501, [125_001]), { hint: "credit_exceeds_invoice" });

      const first = await creditNote("LDC-AV-2026-000001", 11_800, [10_000]);
      const row = await t.db.selectFrom("credit_notes").select(["org_id", "site_id", "currency"]).where("id", "=", first).executeTakeFirstOrThrow();
      expect(row).toEqual({ org_id: f.orgB, site_id: f.ldc.id, currency: "XOF" });
      // Beyond what remains creditable (147 500 − 11 800 = 135 700).
      await refused(creditNote("LDC-AV-2026-000002", 135_701, [115_001]), { hint: "credit_exceeds_invoice" });
      // Immutable: no update, no delete, no line added later.
      await refused(sql`UPDATE credit_notes SET total_minor = 1, subtotal_minor = 1, vat_minor = 0 WHERE id = ${first}`.execute(t.db), { hint: "credit_note_immutable" });
      await refused(sql`UPDATE credit_notes SET reason = 'Autre' WHERE id = ${first}`.execute(t.db), { hint: "credit_note_immutable" });
      await refused(sql`DELETE FROM credit_notes WHERE id = ${first}`.execute(t.db), { hint: "credit_note_immutable" });
      await refused(sql`UPDATE credit_note_lines SET amount_minor = 1 WHERE credit_note_id = ${first}`.execute(t.db), { hint: "credit_note_immutable" });
      await refused(sql`DELETE FROM credit_note_lines WHERE credit_note_id = ${first}`.execute(t.db), { hint: "credit_note_immutable" });
      await refused(
        sql`INSERT INTO credit_note_lines (credit_note_id, position, description_fr, description_en, quantity, unit_price_minor, amount_minor)
            VALUES (${first}, 5, 'Ajout', 'Added', 1, 0, 0)`.execute(t.db),
        { hint: "credit_note_immutable" },
      );

      // Voiding needs the whole total credited.
      await refused(sql`UPDATE invoices SET status = 'void' WHERE id = ${id}`.execute(t.db), { hint: "invoice_not_credited" });
      await creditNote("LDC-AV-2026-000002", 135_700, [115_000]);
      await sql`UPDATE invoices SET status = 'void' WHERE id = ${id}`.execute(t.db);
      await refused(sql`UPDATE invoices SET status = 'issued' WHERE id = ${id}`.execute(t.db), { hint: "invoice_status" });
    });
  });

  test("a credit note is never for a draft", async () => {
    const id = await draft(t.db, f, { period: "2026-05" });
    await refused(
      sql`INSERT INTO credit_notes (number, invoice_id, subtotal_minor, total_minor, reason, issued_on)
          VALUES ('LDC-AV-2026-000090', ${id}, 0, 1, 'Test', '2026-06-01')`.execute(t.db),
      { hint: "invoice_not_issued" },
    );
  });

  test("exchange rates: positive, one per pair and day", async () => {
    await t.db.insertInto("exchange_rates").values({ from_currency: "USD", to_currency: "CDF", rate_on: "2026-11-02", rate: "2850.5", created_by: null }).execute();
    const row = await t.db.selectFrom("exchange_rates").select("rate").where("rate_on", "=", "2026-11-02").executeTakeFirstOrThrow();
    expect(row.rate).toBe("2850.500000");
    await refused(t.db.insertInto("exchange_rates").values({ from_currency: "USD", to_currency: "CDF", rate_on: "2026-11-02", rate: "2851", created_by: null }).execute(), { code: "23505" });
    await refused(t.db.insertInto("exchange_rates").values({ from_currency: "USD", to_currency: "CDF", rate_on: "2026-11-03", rate: "0", created_by: null }).execute(), { code: "23514" });
    await refused(t.db.insertInto("exchange_rates").values({ from_currency: "USD", to_currency: "USD", rate_on: "2026-11-03", rate: "1", created_by: null }).execute(), { code: "23514" });
  });
});

describe("gapless numbering", () => {
  let t: TestDb;
  let f: Fixture;
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    f = await setup(t.db);
  });
  afterAll(() => t.cleanup());

  test("formats and parses both series", () => {
    expect(formatNumber("LDC", "invoice", 2026, 42)).toBe("LDC-2026-000042");
    expect(formatNumber("LDC", "credit_note", 2026, 1)).toBe("LDC-AV-2026-000001");
    expect(parseNumber("KIN-AV-2027-000123")).toEqual({ siteCode: "KIN", series: "credit_note", year: 2027, value: 123 });
    expect(parseNumber("LDC-2026-42")).toBeNull();
    expect(() => formatNumber("LDC", "invoice", 2026, 1_000_000)).toThrow(RangeError);
    expect(() => formatNumber("ldc", "invoice", 2026, 1)).toThrow(RangeError);
  });

  test("per site, series and year; a rolled-back transaction gives its number back", async () => {
    const take = (site: { id: string; code: string }, series: "invoice" | "credit_note", year: number) =>
      t.db.transaction().execute((trx) => nextNumber(trx, { siteId: site.id, siteCode: site.code, series, year }));
    expect(await take(f.ldc, "invoice", 2026)).toBe("LDC-2026-000001");
    expect(await take(f.ldc, "invoice", 2026)).toBe("LDC-2026-000002");
    await expect(
      t.db.transaction().execute(async (trx) => {
        expect(await nextNumber(trx, { siteId: f.ldc.id, siteCode: "LDC", series: "invoice", year: 2026 })).toBe("LDC-2026-000003");
        throw new Error("PDF rendering failed");
      }),
    ).rejects.toThrow("PDF rendering failed");
    expect(await take(f.ldc, "invoice", 2026)).toBe("LDC-2026-000003");
    expect(await take(f.ldc, "credit_note", 2026)).toBe("LDC-AV-2026-000001");
    expect(await take(f.ldc, "invoice", 2027)).toBe("LDC-2027-000001");
    expect(await take(f.kin, "invoice", 2026)).toBe("KIN-2026-000001");
    expect(await take(f.ldc, "invoice", 2026)).toBe("LDC-2026-000004");
    await expect(take(f.ldc, "invoice", 1999)).rejects.toThrow(RangeError);
  });
});

describe.runIf(usingPostgres())("gapless numbering under concurrency (PostgreSQL)", () => {
  let t: TestDb;
  let f: Fixture;
  beforeAll(async () => {
    t = await createTestDb({ reference: true });
    f = await setup(t.db);
  });
  afterAll(() => t.cleanup());

  test("50 invoices issued in parallel transactions get 50 consecutive numbers; 10 rolled back leave no gap", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const org = (await createOrg(t.db)).id;
      ids.push(await draft(t.db, f, { org, period: "2026-10", contract: null }));
    }
    const results = await Promise.allSettled([
      ...ids.map((id) => issue(t.db, id, f.ldc)),
      ...Array.from({ length: 10 }, () =>
        t.db.transaction().execute(async (trx) => {
          await nextNumber(trx, { siteId: f.ldc.id, siteCode: "LDC", series: "invoice", year: 2026 });
          await sql`SELECT pg_sleep(0.01)`.execute(trx);
          throw new Error("rolled back");
        }),
      ),
    ]);
    expect(results.slice(0, 50).every((r) => r.status === "fulfilled")).toBe(true);
    expect(results.slice(50).every((r) => r.status === "rejected")).toBe(true);
    const numbers = (await t.db.selectFrom("invoices").select("number").where("id", "in", ids).execute()).map((r) => r.number!).sort();
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => formatNumber("LDC", "invoice", 2026, i + 1)));
    const counter = await t.db.selectFrom("document_counters").select("last_value").where("site_id", "=", f.ldc.id).where("series", "=", "invoice").where("year", "=", 2026).executeTakeFirstOrThrow();
    expect(counter.last_value).toBe(50);
  });

  test("credit notes in parallel: their own consecutive series, never beyond the invoice", async () => {
    const id = await draft(t.db, f, { site: f.kin.id, period: "2026-09", amounts: [100_000], contract: null });
    const number = await issue(t.db, id, f.kin, "2026-10-05");
    expect(number).toBe("KIN-2026-000001");
    // 30 credit notes of 11 800 on an invoice of 118 000: exactly 10 fit.
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () =>
        t.db.transaction().execute(async (trx) => {
          const cnNumber = await nextNumber(trx, { siteId: f.kin.id, siteCode: "KIN", series: "credit_note", year: 2026 });
          const { id: cn } = await trx
            .insertInto("credit_notes")
            .values({ number: cnNumber, invoice_id: id, subtotal_minor: 10_000, vat_minor: 1_800, total_minor: 11_800, reason: "Geste commercial", issued_on: "2026-10-20" })
            .returning("id")
            .executeTakeFirstOrThrow();
          await trx
            .insertInto("credit_note_lines")
            .values({ credit_note_id: cn, position: 0, invoice_line_id: null, description_fr: "Remise", description_en: "Discount", quantity: "1", unit_price_minor: 10_000, amount_minor: 10_000 })
            .execute();
          return cnNumber;
        }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<string>).value).sort();
    expect(ok).toEqual(Array.from({ length: 10 }, (_, i) => formatNumber("KIN", "credit_note", 2026, i + 1)));
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.hint)).toEqual(new Array(20).fill("credit_exceeds_invoice"));
  });
});

describe("VAT exemption certificates", () => {
  let t: TestDb;
  let org: string;
  beforeAll(async () => {
    t = await createTestDb();
    org = (await createOrg(t.db)).id;
  });
  afterAll(() => t.cleanup());

  test("exempt exactly on the days a certificate covers, both ends included", async () => {
    expect(await isExemptOn(t.db, org, "2026-06-15")).toBe(false);
    expect(await addCertificate(t.db, { orgId: org, reference: "DGI/EXO/2026/0001", validFrom: "2026-01-01", validTo: "2026-12-31", createdBy: null })).toMatchObject({ ok: true });
    expect(await isExemptOn(t.db, org, "2025-12-31")).toBe(false);
    expect(await isExemptOn(t.db, org, "2026-01-01")).toBe(true);
    expect(await isExemptOn(t.db, org, "2026-12-31")).toBe(true);
    expect(await isExemptOn(t.db, org, "2027-01-01")).toBe(false);
    expect(await exemptionStatus(t.db, org, "2026-03-31")).toMatchObject({ exempt: true, certificate: { reference: "DGI/EXO/2026/0001" } });
    // Expired: VAT applies and the draft is flagged.
    expect(await exemptionStatus(t.db, org, "2027-01-31")).toMatchObject({ exempt: false, flag: "exemption_expired", lastCertificate: { validTo: "2026-12-31" } });
    // Another organisation's certificate covers nothing of this one.
    const other = (await createOrg(t.db)).id;
    expect(await isExemptOn(t.db, other, "2026-06-15")).toBe(false);
    expect(await exemptionStatus(t.db, other, "2026-06-15")).toMatchObject({ exempt: false, flag: null });
    await t.db.updateTable("organisations").set({ is_vat_exempt: true }).where("id", "=", other).execute();
    expect(await exemptionStatus(t.db, other, "2026-06-15")).toMatchObject({ exempt: false, flag: "exemption_missing" });
  });

  test("a certificate ends on or after its start; a reference is recorded once per organisation", async () => {
    expect(await addCertificate(t.db, { orgId: org, reference: "BAD", validFrom: "2026-02-01", validTo: "2026-01-31", createdBy: null })).toEqual({ ok: false, error: "invalid_dates" });
    await refused(
      sql`INSERT INTO vat_exemption_certificates (org_id, reference, valid_from, valid_to) VALUES (${org}, 'RAW', '2026-02-01', '2026-01-31')`.execute(t.db),
      { code: "23514", constraint: "vat_exemption_certificates_dates_check" },
    );
    expect(await addCertificate(t.db, { orgId: org, reference: "DGI/EXO/2026/0001", validFrom: "2027-01-01", validTo: "2027-12-31", createdBy: null })).toEqual({ ok: false, error: "duplicate" });
    // A one-day certificate.
    await addCertificate(t.db, { orgId: org, reference: "ONE-DAY", validFrom: "2028-02-29", validTo: "2028-02-29", createdBy: null });
    expect(await isExemptOn(t.db, org, "2028-02-28")).toBe(false);
    expect(await isExemptOn(t.db, org, "2028-02-29")).toBe(true);
    expect(await isExemptOn(t.db, org, "2028-03-01")).toBe(false);
  });
});

describe("demo billing seeds", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.cleanup());

  test("the agency holds a certificate covering 2026; issuers and certificate written once", async () => {
    const now = new Date("2026-12-01T10:00:00Z");
    await seed(t.db, { demo: true, nodeEnv: "test", now });
    await seed(t.db, { demo: true, nodeEnv: "test", now });
    const agency = await t.db.selectFrom("organisations").select("id").where("name", "=", ANSI_EXEMPTION.org).executeTakeFirstOrThrow();
    const certificates = await t.db.selectFrom("vat_exemption_certificates").select(["reference", "valid_from", "valid_to"]).execute();
    expect(certificates).toEqual([{ reference: "DGI/EXO/2026/0042", valid_from: "2026-01-01", valid_to: "2026-12-31" }]);
    expect(await isExemptOn(t.db, agency.id, "2026-11-30")).toBe(true);
    expect(await isExemptOn(t.db, agency.id, "2027-01-01")).toBe(false);
    expect((await listIssuers(t.db)).map((i) => i.siteCode)).toEqual(["BZV", "KIN", "LDC"]);
  }, 120_000);
});
