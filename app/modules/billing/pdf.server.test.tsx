import { writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { pdfText } from "../../../test/support/pdf";
import { invoiceLinesFor, totals, type FrozenLine } from "./compute";
import { amountInWords } from "./words";
import { pdfAccessibility, readingOrder } from "../../../test/support/pdf-accessibility";
import { renderInvoicePdf, type InvoicePdfModel } from "./pdf.server";

const fl = (kind: FrozenLine["kind"], name_fr: string, name_en: string, quantity: number, unit: number, setup = 0): FrozenLine => ({ kind, name_fr, name_en, quantity, unit_price_minor: unit, setup_fee_minor: setup });

const lomeLines = [
  fl("rack_unit", "Unité de baie (U)", "Rack unit (U)", 10, 18_000, 25_000),
  fl("power_commit_kw", "Puissance engagée (kW)", "Committed power (kW)", 2, 95_000),
  fl("bandwidth_commit_mbps", "Bande passante engagée (Mbps)", "Committed bandwidth (Mbps)", 50, 12_000),
  fl("energy_kwh", "Énergie", "Energy", 0, 150),
  fl("bandwidth_overage_mbps", "Dépassement de bande passante", "Bandwidth overage", 0, 15_000),
];

function lomeInvoice(language: "fr" | "en", exempt = false): InvoicePdfModel {
  const lines = invoiceLinesFor("2026-11", { contractId: "c", startOn: "2026-01-01", endOn: null, termMonths: 12, lines: lomeLines, commitMbps: 50, usage: { energyKwh: "1234.5", p95Mbps: "78.9", samples: 8928 } });
  lines.push({ contractId: "c", kind: "one_off", descriptionFr: "Intervention sur site : remplacement d'une alimentation (12 novembre 2026)", descriptionEn: "Remote hands: power supply replaced (12 November 2026)", quantity: "1.5", unitPriceMinor: 20_000, amountMinor: 30_000 });
  // 1 588 675 + 30 000 = 1 618 675; VAT 18 % = 291 361.5 → 291 362; total 1 910 037
  const t = totals(lines, 1800, exempt);
  return {
    language,
    number: "LDC-2026-000042",
    issuedOn: "2026-12-01",
    period: "2026-11",
    dueOn: "2026-12-31",
    currency: "XOF",
    issuer: {
      name: "Lomé Data Center SA",
      addressLines: ["Boulevard du 13 Janvier, Immeuble Kanyi", "BP 8124 Lomé, Togo"],
      nif: "1000123456",
      rccm: "TG-LFW-01-2019-B13-00427",
      vatNumber: "TG1000123456",
      phone: "+228 22 21 00 00",
      email: "facturation@lome-dc.example",
      footer: "SA au capital de 500 000 000 F CFA",
    },
    customer: { name: "Kossi Digital SARL", addressLines: ["Rue des Échangeurs, Bè-Kpota", "Lomé, Togo"], nif: "1000987654", rccm: "TG-LFW-01-2021-B12-01188" },
    lines,
    subtotalMinor: t.subtotalMinor,
    vatRateBp: 1800,
    vatMinor: t.vatMinor,
    totalMinor: t.totalMinor,
    totalInWords: amountInWords(t.totalMinor, "XOF", language),
    amountDueMinor: t.totalMinor,
    paymentReference: "LDC7K2Q9",
    bank: { bankName: "Ecobank Togo", accountHolder: "Lomé Data Center SA", account: "TG055 01001 123456789012 47", swift: "ECOCTGTG" },
    mobileMoney: [
      { operator: "Moov Money (Flooz)", number: "+228 96 00 00 01" },
      { operator: "T-Money", number: "+228 90 00 00 02" },
    ],
    vatExemption: exempt ? { certificateReference: "EXO-2026-0147", validFrom: "2026-01-01", validTo: "2026-12-31" } : null,
    verifyUrl: "https://portal.example/verify/LDC-2026-000042?k=Yv3n8bV1qPzR0sWk",
  };
}

test("the invoice PDF carries its number, legal ids, totals and the total in words (FR)", async () => {
  const m = lomeInvoice("fr");
  expect([m.subtotalMinor, m.vatMinor, m.totalMinor]).toEqual([1_618_675, 291_362, 1_910_037]);
  const bytes = await renderInvoicePdf(m);
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  // DejaVu Sans embedded (a subset), never a standard font that cannot show every glyph
  const raw = bytes.toString("latin1");
  expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSans\b/);
  expect(raw).toContain("/FontFile2");
  expect(raw).not.toContain("/Helvetica");
  if (process.env.INVOICE_PDF_OUT) writeFileSync(process.env.INVOICE_PDF_OUT, bytes); // to look at it: pdftoppm -png -r 100
  const { text, numPages } = await pdfText(bytes);
  expect(numPages).toBe(1);
  for (const expected of [
    "FACTURE",
    "LDC-2026-000042",
    "1er décembre 2026",
    "Novembre 2026",
    "31 décembre 2026",
    "Lomé Data Center SA",
    "NIF : 1000123456",
    "RCCM : TG-LFW-01-2019-B13-00427",
    "Kossi Digital SARL",
    "NIF : 1000987654",
    "RCCM : TG-LFW-01-2021-B12-01188",
    "p95 = 78,9 Mbps, engagement 50 Mbps, 8 928 mesures",
    "1 618 675 F CFA",
    "TVA 18 %",
    "291 362 F CFA",
    "1 910 037 F CFA",
    "Arrêtée la présente facture à la somme de",
    "un million neuf cent dix mille trente-sept francs CFA",
    "LDC7K2Q9",
    "Ecobank Togo",
    "T-Money",
    "Page 1 / 1",
  ]) {
    expect(text).toContain(expected);
  }
  expect(text).not.toContain("Exonération");
});

test("English invoice, and a VAT-exempt one with its legal mention", async () => {
  const { text } = await pdfText(await renderInvoicePdf(lomeInvoice("en")));
  for (const expected of ["INVOICE", "1 December 2026", "Tax ID (NIF): 1000123456", "1,910,037 CFA F", "one million nine hundred and ten thousand and thirty-seven CFA francs", "Payment reference"]) {
    expect(text).toContain(expected);
  }
  const exempt = await pdfText(await renderInvoicePdf(lomeInvoice("fr", true)));
  expect(exempt.text).toContain("TVA (Exonéré)");
  expect(exempt.text).toContain("Exonération de TVA : attestation n° EXO-2026-0147, valable du 1er janvier 2026 au 31 décembre 2026.");
  expect(exempt.text).toContain("un million six cent dix-huit mille six cent soixante-quinze francs CFA");
});

test("a Kinshasa invoice in USD shows its totals in CDF with the rate and its date", async () => {
  // $1,045.42 at 2 845.50 CDF: subtotal 901.22 → 2 564 421.51; VAT 144.20 → 410 321.10; total 2 974 742.61
  const model: InvoicePdfModel = {
    ...lomeInvoice("fr"),
    number: "KIN-2026-000007",
    currency: "USD",
    lines: [{ descriptionFr: "Unité de baie (U) — septembre 2026", descriptionEn: "Rack unit (U) — September 2026", quantity: "4", unitPriceMinor: 4_500, amountMinor: 18_000 }],
    subtotalMinor: 90_122,
    vatRateBp: 1600,
    vatMinor: 14_420,
    totalMinor: 104_542,
    amountDueMinor: 104_542,
    totalInWords: amountInWords(104_542, "USD", "fr"),
    cdf: { rate: "2845.5", rateOn: "2026-10-01", subtotalMinor: 256_442_151, vatMinor: 41_032_110, totalMinor: 297_474_261 },
  };
  const kinPdf = await renderInvoicePdf(model);
  if (process.env.INVOICE_PDF_OUT) writeFileSync(process.env.INVOICE_PDF_OUT.replace(/\.pdf$/, "-kin.pdf"), kinPdf);
  const { text } = await pdfText(kinPdf);
  for (const expected of ["1 045,42 $ US", "TVA 16 %", "Contre-valeur en francs congolais", "2 974 742,61 FC", "1 USD = 2 845,5 CDF", "1er octobre 2026", "mille quarante-cinq dollars américains et quarante-deux cents"]) {
    expect(text).toContain(expected);
  }
});

test("a long invoice flows onto more pages with the footer on each; rendering is deterministic in content", async () => {
  const base = lomeInvoice("fr");
  const many = Array.from({ length: 60 }, (_, i) => ({ ...base.lines[0], descriptionFr: `Ligne ${i + 1} — unité de baie, novembre 2026` }));
  const longPdf = await renderInvoicePdf({ ...base, lines: many });
  if (process.env.INVOICE_PDF_OUT) writeFileSync(process.env.INVOICE_PDF_OUT.replace(/\.pdf$/, "-long.pdf"), longPdf);
  const { numPages, text } = await pdfText(longPdf);
  expect(numPages).toBeGreaterThan(1);
  expect(text).toContain(`Page ${numPages} / ${numPages}`);
  expect(text).toContain("Ligne 60");
  const a = await pdfText(await renderInvoicePdf(base));
  const b = await pdfText(await renderInvoicePdf(base));
  expect(createHash("sha256").update(a.text).digest("hex")).toBe(createHash("sha256").update(b.text).digest("hex"));
});

test("a credit note: its own title, the invoice it credits, no payment instructions", async () => {
  const { text } = await pdfText(
    await renderInvoicePdf({ ...lomeInvoice("fr"), documentType: "credit_note", number: "LDC-AV-2026-000003", creditedInvoiceNumber: "LDC-2026-000042", totalInWords: amountInWords(30_000, "XOF", "fr") }),
  );
  for (const expected of ["AVOIR", "LDC-AV-2026-000003", "Avoir sur la facture LDC-2026-000042", "Arrêté le présent avoir à la somme de : trente mille francs CFA."]) expect(text).toContain(expected);
  expect(text).not.toContain("Référence de paiement");
  expect(text).not.toContain("Net à payer");
});

describe("what the PDF tells a screen reader (docs/decisions/024-accessible-pdfs.md)", () => {
  test.each([
    ["fr", "invoice", "fr-FR", "Facture LDC-2026-000042", "Facture LDC-2026-000042 de Lomé Data Center SA à Kossi Digital SARL, période novembre 2026"],
    ["en", "invoice", "en-GB", "Invoice LDC-2026-000042", "Invoice LDC-2026-000042 from Lomé Data Center SA to Kossi Digital SARL, period November 2026"],
    ["fr", "credit_note", "fr-FR", "Avoir LDC-2026-000042", "Avoir LDC-2026-000042 de Lomé Data Center SA à Kossi Digital SARL, période novembre 2026"],
    ["en", "credit_note", "en-GB", "Credit note LDC-2026-000042", "Credit note LDC-2026-000042 from Lomé Data Center SA to Kossi Digital SARL, period November 2026"],
  ] as const)("%s %s: /Lang %s, title %j, author, subject, title shown by viewers", async (language, documentType, lang, title, subject) => {
    const bytes = await renderInvoicePdf({ ...lomeInvoice(language), documentType });
    expect(await pdfAccessibility(bytes)).toEqual({
      language: lang,
      title,
      author: "Lomé Data Center SA",
      subject,
      displayDocTitle: true,
      // Not tagged: @react-pdf/renderer 4.9 writes no marked content nor structure tree (ADR 024).
      marked: false,
      structTreeRoot: false,
    });
  });

  test("the text reads in the order of the page: issuer, title, customer, lines, totals, payment, footer", async () => {
    const { text } = await pdfText(await renderInvoicePdf(lomeInvoice("fr")));
    expect(
      readingOrder(text, [
        "Lomé Data Center SA",
        "FACTURE",
        "N° LDC-2026-000042",
        "Échéance 31 décembre 2026",
        "Kossi Digital SARL",
        "Désignation",
        "Unité de baie (U)",
        "Intervention sur site",
        "Total HT",
        "Net à payer",
        "Arrêtée la présente facture",
        "Référence de paiement LDC7K2Q9",
        "Virement bancaire",
        "Mobile money",
        "Page 1 / 1",
      ]),
    ).toEqual([]);
  });

  test("on a long invoice each page repeats the table's header before its lines and ends with its footer", async () => {
    const m = lomeInvoice("en");
    const many = Array.from({ length: 60 }, (_, i) => ({ ...m.lines[0], descriptionEn: `Line ${String(i + 1).padStart(2, "0")}`, descriptionFr: `Ligne ${i + 1}` }));
    const bytes = await renderInvoicePdf({ ...m, lines: many });
    const { text, numPages } = await pdfText(bytes);
    expect(numPages).toBeGreaterThan(1);
    const pieces = ["INVOICE", "Description", "Line 01"];
    for (let n = 1; n <= numPages; n++) pieces.push(`Page ${n} of ${numPages}`);
    expect(readingOrder(text, pieces)).toEqual([]);
    // Page 2 starts with the repeated header, then the lines it carries on with.
    const page2 = text.slice(text.indexOf(`Page 1 of ${numPages}`));
    expect(readingOrder(page2, ["Description", "Line "])).toEqual([]);
  });
});
