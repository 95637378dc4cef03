import { pdfText } from "../../../test/support/pdf";
import { pdfAccessibility, readingOrder } from "../../../test/support/pdf-accessibility";
import { renderStatementPdf, type StatementPdfModel } from "./statement-pdf.server";
import { emptyAgeing } from "./statement.server";

/**
 * Kossi Digital's statement at LDC for September–November 2026, figures by hand: opening 0; invoice
 * 1 910 037 on 1 October; transfer 1 000 000 on 15 October; closing 910 037, all 1–30 days late.
 */
const model = (language: StatementPdfModel["language"]): StatementPdfModel => ({
  language,
  generatedOn: "2026-12-02",
  issuer: { name: "Lomé Data Center SA", addressLines: ["Boulevard du 13 Janvier", "BP 8124 Lomé, Togo"], nif: "1000123456", rccm: "TG-LFW-01-2019-B13-00427" },
  customer: { name: "Kossi Digital SARL", addressLines: ["Rue des Échangeurs, Bè-Kpota", "Lomé, Togo"], nif: "1000987654" },
  statement: {
    org: { id: "o", name: "Kossi Digital SARL", kind: "sme", address: "Lomé", taxId: "1000987654", rccm: null, billingLanguage: language },
    currency: "XOF",
    from: "2026-09-01",
    to: "2026-11-30",
    openingMinor: 0,
    lines: [
      { occurredOn: "2026-10-01", kind: "invoice", document: "LDC-2026-000042", invoiceNumber: null, invoiceId: "i", method: null, dueOn: "2026-10-31", debitMinor: 1_910_037, creditMinor: 0, balanceMinor: 1_910_037 },
      { occurredOn: "2026-10-15", kind: "payment", document: "E2E-BANK-0001", invoiceNumber: "LDC-2026-000042", invoiceId: "i", method: "bank_transfer", dueOn: null, debitMinor: 0, creditMinor: 1_000_000, balanceMinor: 910_037 },
    ],
    totalDebitMinor: 1_910_037,
    totalCreditMinor: 1_000_000,
    closingMinor: 910_037,
    ageing: { ...emptyAgeing(), d1_30: 910_037, totalMinor: 910_037 },
    owing: [{ id: "i", number: "LDC-2026-000042", issuedOn: "2026-10-01", dueOn: "2026-10-31", totalMinor: 1_910_037, balanceMinor: 910_037, daysLate: 30, bucket: "d1_30" }],
    creditMinor: 0,
    site: { id: "s", code: "LDC", timeZone: "Africa/Lome" },
  },
});

describe("the statement's PDF tells a screen reader what it is (docs/decisions/024-accessible-pdfs.md)", () => {
  test.each([
    ["fr", "fr-FR", "Relevé de compte Kossi Digital SARL (XOF) du 1er septembre 2026 au 30 novembre 2026", "Relevé de compte de Kossi Digital SARL chez Lomé Data Center SA, en XOF, du 1er septembre 2026 au 30 novembre 2026"],
    ["en", "en-GB", "Statement of account Kossi Digital SARL (XOF) 1 September 2026 to 30 November 2026", "Statement of account of Kossi Digital SARL with Lomé Data Center SA, in XOF, from 1 September 2026 to 30 November 2026"],
  ] as const)("%s: /Lang %s, title, author, subject", async (language, lang, title, subject) => {
    expect(await pdfAccessibility(await renderStatementPdf(model(language)))).toEqual({
      language: lang,
      title,
      author: "Lomé Data Center SA",
      subject,
      displayDocTitle: true,
      marked: false,
      structTreeRoot: false,
    });
  });

  test("reads in the order of the page: issuer, title, customer, movements in date order, balances, what is owed, footer", async () => {
    const { text } = await pdfText(await renderStatementPdf(model("fr")));
    expect(
      readingOrder(text, ["Lomé Data Center SA", "RELEVÉ DE COMPTE", "Kossi Digital SARL", "LDC-2026-000042", "E2E-BANK-0001", "Solde de clôture", "910 037", "Page 1 / 1"]),
    ).toEqual([]);
  });
});
