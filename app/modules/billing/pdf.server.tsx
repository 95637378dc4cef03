/**
 * The invoice (or credit note) as a PDF: A4, the organisation's billing language, DejaVu Sans
 * embedded (TTF from the dejavu-fonts-ttf package: French accents, €, $, narrow no-break spaces),
 * a QR code of the verification URL. Server-only: @react-pdf/renderer and the fonts never reach the
 * browser bundle. Input is a plain view-model; every figure in it is already computed and stored —
 * this module formats, it never calculates money.
 */
import { createRequire } from "node:module";
import { Document, Font, Image, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import QRCode from "qrcode";
import type { Currency } from "#db/schema";
import { currencyDecimals, minorToDecimalString } from "~/i18n/format";
import { formatDecimal } from "./compute";

type Locale = "fr" | "en";

export interface InvoicePdfParty {
  name: string;
  addressLines: readonly string[];
  nif?: string | null;
  rccm?: string | null;
  vatNumber?: string | null;
}

export interface InvoicePdfLine {
  descriptionFr: string;
  descriptionEn: string;
  /** Exact decimal string. */
  quantity: string;
  unitPriceMinor: number;
  amountMinor: number;
}

export interface InvoicePdfModel {
  language: Locale;
  documentType?: "invoice" | "credit_note";
  /** For a credit note: the invoice it credits. */
  creditedInvoiceNumber?: string | null;
  number: string;
  /** `YYYY-MM-DD` */
  issuedOn: string;
  /** `YYYY-MM` */
  period: string;
  /** `YYYY-MM-DD` */
  dueOn: string;
  currency: Currency;
  issuer: InvoicePdfParty & { email?: string | null; phone?: string | null; footer?: string | null };
  customer: InvoicePdfParty;
  lines: readonly InvoicePdfLine[];
  subtotalMinor: number;
  /** Basis points: 1800 = 18 %. */
  vatRateBp: number;
  vatMinor: number;
  totalMinor: number;
  /** The total in words, in the document's language (words.ts). */
  totalInWords: string;
  amountDueMinor: number;
  paymentReference: string;
  bank?: { bankName: string; accountHolder?: string | null; account: string; swift?: string | null } | null;
  mobileMoney?: readonly { operator: string; number: string }[];
  /** Set when the customer is VAT-exempt on the issue date. */
  vatExemption?: { certificateReference: string; validFrom: string; validTo: string } | null;
  /** KIN invoices: every total in CDF too, at the rate of the issue date (frozen at issue). */
  cdf?: { rate: string; rateOn: string; subtotalMinor: number; vatMinor: number; totalMinor: number } | null;
  verifyUrl: string;
}

const LABELS = {
  fr: {
    invoice: "FACTURE",
    creditNote: "AVOIR",
    /** The document's title and subject, what a reader's software announces and lists (Info dictionary). */
    docInvoice: "Facture {number}",
    docCreditNote: "Avoir {number}",
    docSubject: "{kind} {number} de {issuer} à {customer}, période {period}",
    number: "N°",
    issuedOn: "Date d'émission",
    period: "Période",
    dueOn: "Échéance",
    credits: "Avoir sur la facture",
    billedTo: "Facturé à",
    nif: "NIF",
    rccm: "RCCM",
    vatNumber: "N° TVA",
    description: "Désignation",
    quantity: "Qté",
    unitPrice: "Prix unitaire",
    amount: "Montant",
    subtotal: "Total HT",
    vat: "TVA",
    total: "Total TTC",
    amountDue: "Net à payer",
    exempt: "Exonéré",
    exemption: "Exonération de TVA : attestation n° {ref}, valable du {from} au {to}.",
    inWordsInvoice: "Arrêtée la présente facture à la somme de",
    inWordsCredit: "Arrêté le présent avoir à la somme de",
    cdfTitle: "Contre-valeur en francs congolais",
    cdfRate: "Taux de la Banque centrale du Congo du {on} : 1 USD = {rate} CDF. Paiement en USD.",
    payment: "Règlement",
    reference: "Référence de paiement",
    referenceHint: "À rappeler dans le libellé de votre virement ou de votre paiement mobile.",
    bankTransfer: "Virement bancaire",
    bank: "Banque",
    accountHolder: "Titulaire",
    account: "IBAN / RIB",
    swift: "SWIFT / BIC",
    mobileMoney: "Mobile money",
    verify: "Vérifiez l'authenticité de ce document",
    page: "Page {n} / {total}",
  },
  en: {
    invoice: "INVOICE",
    creditNote: "CREDIT NOTE",
    docInvoice: "Invoice {number}",
    docCreditNote: "Credit note {number}",
    docSubject: "{kind} {number} from {issuer} to {customer}, period {period}",
    number: "No.",
    issuedOn: "Issue date",
    period: "Period",
    dueOn: "Due date",
    credits: "Credit note for invoice",
    billedTo: "Billed to",
    nif: "Tax ID (NIF)",
    rccm: "RCCM",
    vatNumber: "VAT No.",
    description: "Description",
    quantity: "Qty",
    unitPrice: "Unit price",
    amount: "Amount",
    subtotal: "Subtotal (excl. VAT)",
    vat: "VAT",
    total: "Total (incl. VAT)",
    amountDue: "Amount due",
    exempt: "Exempt",
    exemption: "VAT exemption: certificate no. {ref}, valid from {from} to {to}.",
    inWordsInvoice: "This invoice is in the amount of",
    inWordsCredit: "This credit note is in the amount of",
    cdfTitle: "Equivalent in Congolese francs",
    cdfRate: "Central Bank of Congo rate of {on}: 1 USD = {rate} CDF. Payment in USD.",
    payment: "Payment",
    reference: "Payment reference",
    referenceHint: "Quote it in your bank transfer or mobile-money payment.",
    bankTransfer: "Bank transfer",
    bank: "Bank",
    accountHolder: "Account holder",
    account: "IBAN / account",
    swift: "SWIFT / BIC",
    mobileMoney: "Mobile money",
    verify: "Check that this document is authentic",
    page: "Page {n} of {total}",
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Fonts: embedded TTF, resolved from node_modules at run time (never bundled)

const require = createRequire(import.meta.url);
const FAMILY = "DejaVu Sans";
Font.register({
  family: FAMILY,
  fonts: [
    { src: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf") },
    { src: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"), fontWeight: "bold" },
    { src: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf"), fontStyle: "italic" },
  ],
});
// No automatic (English) hyphenation: French descriptions break between words only.
Font.registerHyphenationCallback((word) => [word]);

// ---------------------------------------------------------------------------------------------
// Formatting (exact: amounts go through decimal strings, never floats)

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");

export function formatAmount(amountMinor: number, currency: string, locale: Locale): string {
  const decimals = currencyDecimals(currency);
  const number = formatDecimalFixed(minorToDecimalString(amountMinor, decimals), decimals, locale);
  const symbol: Record<string, Record<Locale, string>> = {
    XOF: { fr: "F CFA", en: "CFA F" },
    XAF: { fr: "F CFA", en: "CFA F" },
    USD: { fr: "$ US", en: "US$" },
    CDF: { fr: "FC", en: "CDF" },
    EUR: { fr: "€", en: "€" },
  };
  const s = symbol[currency]?.[locale] ?? currency;
  return locale === "fr" || currency === "XOF" || currency === "XAF" ? `${number}\u00a0${s}` : `${s}\u00a0${number}`;
}

/** A decimal string with grouped thousands and exactly `decimals` digits ("1 045,40"). */
function formatDecimalFixed(value: string, decimals: number, locale: Locale): string {
  const negative = value.startsWith("-");
  const [whole, fraction = ""] = value.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, locale === "fr" ? "\u00a0" : ",");
  const frac = decimals ? `${locale === "fr" ? "," : "."}${fraction.padEnd(decimals, "0")}` : "";
  return `${negative ? "-" : ""}${grouped}${frac}`;
}

const MONTHS: Record<Locale, string[]> = {
  fr: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
};

export function formatDay(date: string, locale: Locale): string {
  const [y, m, d] = date.split("-").map(Number);
  return locale === "fr" ? `${d === 1 ? "1er" : d} ${MONTHS.fr[m - 1]} ${y}` : `${d} ${MONTHS.en[m - 1]} ${y}`;
}

const formatPeriod = (period: string, locale: Locale) => {
  const [y, m] = period.split("-").map(Number);
  const name = MONTHS[locale][m - 1];
  return `${locale === "fr" ? name.charAt(0).toUpperCase() + name.slice(1) : name} ${y}`;
};

const formatRateBp = (bp: number, locale: Locale) => `${formatDecimal(minorToDecimalString(bp, 2).replace(/\.?0+$/, "") || "0", locale)}\u00a0%`;

// ---------------------------------------------------------------------------------------------
// Layout

const INK = "#1f2937";
const MUTED = "#6b7280";
const ACCENT = "#1e3a5f";
const RULE = "#d1d5db";
const TINT = "#eef2f7";

const s = StyleSheet.create({
  page: { fontFamily: FAMILY, fontSize: 8.5, color: INK, paddingTop: 36, paddingBottom: 64, paddingHorizontal: 40 },
  header: { flexDirection: "row", justifyContent: "space-between", marginBottom: 18 },
  issuerName: { fontSize: 13, fontWeight: "bold", color: ACCENT, marginBottom: 3 },
  muted: { color: MUTED },
  identityLine: { marginBottom: 1.5 },
  titleBlock: { alignItems: "flex-end", width: 210 },
  title: { fontSize: 20, lineHeight: 1.1, fontWeight: "bold", color: ACCENT, letterSpacing: 1.5, marginBottom: 8 },
  metaRow: { flexDirection: "row", justifyContent: "space-between", width: 210, paddingVertical: 1.5 },
  metaLabel: { color: MUTED },
  metaValue: { fontWeight: "bold" },
  parties: { flexDirection: "row", justifyContent: "flex-end", marginBottom: 16 },
  customerBox: { width: 250, borderWidth: 0.75, borderColor: RULE, borderRadius: 3, padding: 10 },
  boxTitle: { fontSize: 7.5, color: MUTED, textTransform: "uppercase", letterSpacing: 0.8, marginBottom: 4 },
  customerName: { fontSize: 10.5, fontWeight: "bold", marginBottom: 2 },
  table: { borderTopWidth: 0.75, borderTopColor: ACCENT },
  th: { flexDirection: "row", backgroundColor: TINT, paddingVertical: 5, paddingHorizontal: 6, fontWeight: "bold", color: ACCENT, fontSize: 8 },
  tr: { flexDirection: "row", paddingVertical: 5, paddingHorizontal: 6, borderBottomWidth: 0.5, borderBottomColor: RULE },
  colDesc: { flex: 1, paddingRight: 8 },
  colQty: { width: 58, textAlign: "right" },
  colUnit: { width: 82, textAlign: "right" },
  colAmount: { width: 88, textAlign: "right" },
  totalsWrap: { flexDirection: "row", justifyContent: "flex-end", marginTop: 10 },
  totals: { width: 250 },
  totalRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 3, paddingHorizontal: 6 },
  grandRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 5, paddingHorizontal: 6, backgroundColor: ACCENT, color: "#ffffff", fontWeight: "bold", fontSize: 10, marginTop: 2 },
  dueRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 4, paddingHorizontal: 6, fontWeight: "bold", fontSize: 9.5, borderBottomWidth: 0.75, borderBottomColor: ACCENT },
  note: { marginTop: 8, fontStyle: "italic", color: INK },
  cdfBox: { marginTop: 10, borderWidth: 0.75, borderColor: RULE, borderRadius: 3, padding: 8 },
  words: { marginTop: 12, padding: 8, backgroundColor: TINT, borderLeftWidth: 2, borderLeftColor: ACCENT },
  wordsValue: { fontWeight: "bold" },
  bottom: { flexDirection: "row", marginTop: 16, borderTopWidth: 0.5, borderTopColor: RULE, paddingTop: 10 },
  payment: { flex: 1, paddingRight: 16 },
  sectionTitle: { fontSize: 9, fontWeight: "bold", color: ACCENT, marginBottom: 4 },
  kv: { flexDirection: "row", paddingVertical: 1 },
  k: { width: 92, color: MUTED },
  v: { flex: 1 },
  referenceRow: { flexDirection: "row", alignItems: "center", marginBottom: 2 },
  referenceLabel: { marginRight: 8 },
  reference: { fontSize: 11, fontWeight: "bold", letterSpacing: 1, color: ACCENT },
  qrBox: { width: 120, alignItems: "center" },
  qr: { width: 92, height: 92 },
  qrCaption: { fontSize: 6.5, color: MUTED, textAlign: "center", marginTop: 4 },
  pageNumber: { position: "absolute", bottom: 24, right: 40, width: 80, paddingTop: 5.5, fontSize: 6.5, color: MUTED, textAlign: "right" },
  footer: { position: "absolute", bottom: 24, left: 40, right: 40, borderTopWidth: 0.5, borderTopColor: RULE, paddingTop: 5, fontSize: 6.5, color: MUTED, flexDirection: "row", justifyContent: "space-between" },
});

/** The verification address without its key, cut where it can wrap: ["portal.example/verify/", "LDC-2026-000042"]. */
function verifyCaption(url: string): string[] {
  try {
    const u = new URL(url);
    const path = u.pathname.replace(/\/[^/]*$/, "/");
    return [`${u.host}${path}`, decodeURIComponent(u.pathname.slice(path.length))];
  } catch {
    return [url];
  }
}

function KV({ k, v }: { k: string; v?: string | null }) {
  if (!v) return null;
  return (
    <View style={s.kv}>
      <Text style={s.k}>{k}</Text>
      <Text style={s.v}>{v}</Text>
    </View>
  );
}

function Identity({ party, locale }: { party: InvoicePdfParty; locale: Locale }) {
  const L = LABELS[locale];
  const colon = locale === "fr" ? "\u00a0: " : ": ";
  const ids = [
    party.nif ? `${L.nif}${colon}${party.nif}` : null,
    party.rccm ? `${L.rccm}${colon}${party.rccm}` : null,
    party.vatNumber ? `${L.vatNumber}${colon}${party.vatNumber}` : null,
  ].filter((x): x is string => Boolean(x));
  return (
    <>
      {party.addressLines.map((line, i) => (
        <Text key={i} style={s.identityLine}>
          {line}
        </Text>
      ))}
      {ids.map((id, i) => (
        <Text key={`id${i}`} style={[s.muted, s.identityLine]}>
          {id}
        </Text>
      ))}
    </>
  );
}

/**
 * What the PDF says about itself (docs/decisions/024-accessible-pdfs.md): its language (/Lang, the
 * language it is written in, so a screen reader speaks it right), a title shown instead of the file
 * name ("Facture LDC-2026-000042"), the issuer as author, and a subject naming both parties and the period.
 */
export function invoicePdfMetadata(m: Pick<InvoicePdfModel, "language" | "documentType" | "number" | "period" | "issuer" | "customer">) {
  const L = LABELS[m.language];
  const title = fill(m.documentType === "credit_note" ? L.docCreditNote : L.docInvoice, { number: m.number });
  const kind = title.slice(0, title.length - m.number.length).trim();
  const subject = fill(L.docSubject, { kind, number: m.number, issuer: m.issuer.name, customer: m.customer.name, period: m.language === "fr" ? formatPeriod(m.period, "fr").toLowerCase() : formatPeriod(m.period, "en") });
  return { title, author: m.issuer.name, subject, language: pdfLanguage(m.language) };
}

/** The BCP 47 tag written as the document's /Lang. */
export const pdfLanguage = (locale: Locale) => (locale === "fr" ? "fr-FR" : "en-GB");

function InvoiceDocument({ m, qr }: { m: InvoicePdfModel; qr: string }) {
  const locale = m.language;
  const L = LABELS[locale];
  const money = (minor: number, currency: string = m.currency) => formatAmount(minor, currency, locale);
  const credit = m.documentType === "credit_note";
  const exempt = Boolean(m.vatExemption);
  return (
    <Document {...invoicePdfMetadata(m)}>
      <Page size="A4" style={s.page}>
        {/* No lineHeight on the Page: react-pdf then drops the page-number text (render prop). */}
        <View>
          <View style={s.header}>
            <View style={{ width: 270 }}>
              <Text style={s.issuerName}>{m.issuer.name}</Text>
              <Identity party={m.issuer} locale={locale} />
              {m.issuer.phone || m.issuer.email ? <Text style={s.muted}>{[m.issuer.phone, m.issuer.email].filter(Boolean).join(" · ")}</Text> : null}
            </View>
            <View style={s.titleBlock}>
              <Text style={s.title}>{credit ? L.creditNote : L.invoice}</Text>
              <View style={s.metaRow}>
                <Text style={s.metaLabel}>{L.number}</Text>
                <Text style={s.metaValue}>{m.number}</Text>
              </View>
              <View style={s.metaRow}>
                <Text style={s.metaLabel}>{L.issuedOn}</Text>
                <Text>{formatDay(m.issuedOn, locale)}</Text>
              </View>
              <View style={s.metaRow}>
                <Text style={s.metaLabel}>{L.period}</Text>
                <Text>{formatPeriod(m.period, locale)}</Text>
              </View>
              {credit && m.creditedInvoiceNumber ? (
                <View style={s.metaRow}>
                  <Text style={s.metaLabel}>{L.credits}</Text>
                  <Text>{m.creditedInvoiceNumber}</Text>
                </View>
              ) : (
                <View style={s.metaRow}>
                  <Text style={s.metaLabel}>{L.dueOn}</Text>
                  <Text style={s.metaValue}>{formatDay(m.dueOn, locale)}</Text>
                </View>
              )}
            </View>
          </View>

          <View style={s.parties}>
            <View style={s.customerBox}>
              <Text style={s.boxTitle}>{L.billedTo}</Text>
              <Text style={s.customerName}>{m.customer.name}</Text>
              <Identity party={m.customer} locale={locale} />
            </View>
          </View>

          <View style={s.table}>
            <View style={s.th} fixed>
              <Text style={s.colDesc}>{L.description}</Text>
              <Text style={s.colQty}>{L.quantity}</Text>
              <Text style={s.colUnit}>{L.unitPrice}</Text>
              <Text style={s.colAmount}>{L.amount}</Text>
            </View>
            {m.lines.map((line, i) => (
              <View key={i} style={s.tr} wrap={false}>
                <Text style={s.colDesc}>{locale === "fr" ? line.descriptionFr : line.descriptionEn}</Text>
                <Text style={s.colQty}>{formatDecimal(line.quantity, locale)}</Text>
                <Text style={s.colUnit}>{money(line.unitPriceMinor)}</Text>
                <Text style={s.colAmount}>{money(line.amountMinor)}</Text>
              </View>
            ))}
          </View>

          <View style={s.totalsWrap} wrap={false}>
            <View style={s.totals}>
              <View style={s.totalRow}>
                <Text>{L.subtotal}</Text>
                <Text>{money(m.subtotalMinor)}</Text>
              </View>
              <View style={s.totalRow}>
                <Text>
                  {L.vat} {exempt ? `(${L.exempt})` : formatRateBp(m.vatRateBp, locale)}
                </Text>
                <Text>{money(m.vatMinor)}</Text>
              </View>
              <View style={s.grandRow}>
                <Text>{L.total}</Text>
                <Text>{money(m.totalMinor)}</Text>
              </View>
              {credit ? null : (
                <View style={s.dueRow}>
                  <Text>{L.amountDue}</Text>
                  <Text>{money(m.amountDueMinor)}</Text>
                </View>
              )}
            </View>
          </View>

          {m.vatExemption ? (
            <Text style={s.note}>
              {fill(L.exemption, { ref: m.vatExemption.certificateReference, from: formatDay(m.vatExemption.validFrom, locale), to: formatDay(m.vatExemption.validTo, locale) })}
            </Text>
          ) : null}

          {m.cdf ? (
            <View style={s.cdfBox} wrap={false}>
              <Text style={s.sectionTitle}>{L.cdfTitle}</Text>
              <View style={s.totalRow}>
                <Text>{L.subtotal}</Text>
                <Text>{money(m.cdf.subtotalMinor, "CDF")}</Text>
              </View>
              <View style={s.totalRow}>
                <Text>
                  {L.vat} {exempt ? `(${L.exempt})` : formatRateBp(m.vatRateBp, locale)}
                </Text>
                <Text>{money(m.cdf.vatMinor, "CDF")}</Text>
              </View>
              <View style={[s.totalRow, { fontWeight: "bold" }]}>
                <Text>{L.total}</Text>
                <Text>{money(m.cdf.totalMinor, "CDF")}</Text>
              </View>
              <Text style={s.muted}>{fill(L.cdfRate, { on: formatDay(m.cdf.rateOn, locale), rate: formatDecimal(m.cdf.rate, locale) })}</Text>
            </View>
          ) : null}

          <View style={s.words} wrap={false}>
            <Text>
              {credit ? L.inWordsCredit : L.inWordsInvoice}
              {locale === "fr" ? "\u00a0: " : ": "}
              <Text style={s.wordsValue}>{m.totalInWords}</Text>.
            </Text>
          </View>

          <View style={s.bottom} wrap={false}>
            <View style={s.payment}>
              {credit ? null : (
                <>
                  <Text style={s.sectionTitle}>{L.payment}</Text>
                  <View style={s.referenceRow}>
                    <Text style={s.referenceLabel}>{L.reference}</Text>
                    <Text style={s.reference}>{m.paymentReference}</Text>
                  </View>
                  <Text style={[s.muted, { marginBottom: 6 }]}>{L.referenceHint}</Text>
                  {m.bank ? (
                    <View style={{ marginBottom: 6 }}>
                      <Text style={{ fontWeight: "bold", marginBottom: 2 }}>{L.bankTransfer}</Text>
                      <KV k={L.bank} v={m.bank.bankName} />
                      <KV k={L.accountHolder} v={m.bank.accountHolder} />
                      <KV k={L.account} v={m.bank.account} />
                      <KV k={L.swift} v={m.bank.swift} />
                    </View>
                  ) : null}
                  {m.mobileMoney?.length ? (
                    <View>
                      <Text style={{ fontWeight: "bold", marginBottom: 2 }}>{L.mobileMoney}</Text>
                      {m.mobileMoney.map((mm, i) => (
                        <KV key={i} k={mm.operator} v={mm.number} />
                      ))}
                    </View>
                  ) : null}
                </>
              )}
            </View>
            <View style={s.qrBox}>
              <Image style={s.qr} src={qr} />
              <Text style={s.qrCaption}>{L.verify}</Text>
              {verifyCaption(m.verifyUrl).map((part, i) => (
                <Text key={i} style={[s.qrCaption, { marginTop: i ? 0 : 2 }]}>
                  {part}
                </Text>
              ))}
            </View>
          </View>
        </View>
        <View style={s.footer} fixed>
          <Text style={{ flex: 1, paddingRight: 90 }}>
            {[m.issuer.name, m.issuer.nif ? `${L.nif} ${m.issuer.nif}` : null, m.issuer.rccm ? `${L.rccm} ${m.issuer.rccm}` : null, m.issuer.footer].filter(Boolean).join(" — ")}
          </Text>
        </View>
        <Text style={s.pageNumber} fixed render={({ pageNumber, totalPages }) => fill(L.page, { n: String(pageNumber), total: String(totalPages) })} />
      </Page>
    </Document>
  );
}

/** The PDF bytes of an invoice or credit note. */
export async function renderInvoicePdf(model: InvoicePdfModel): Promise<Buffer> {
  const qr = await QRCode.toDataURL(model.verifyUrl, { errorCorrectionLevel: "M", margin: 1, width: 360, color: { dark: "#000000", light: "#ffffff" } });
  return renderToBuffer(<InvoiceDocument m={model} qr={qr} />);
}

/** The invoice's look, for the other documents of a site (statement of account): font, colours, styles, party block. */
export { FAMILY as PDF_FONT_FAMILY, s as invoicePdfStyles, Identity as PdfPartyIdentity, LABELS as INVOICE_PDF_LABELS };
export const PDF_COLORS = { INK, MUTED, ACCENT, RULE, TINT } as const;
