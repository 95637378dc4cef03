/**
 * The statement of account as a PDF, in the invoices' look (same font, colours, header with the
 * site's issuer, footer and page numbers: billing/pdf.server.tsx). Server-only. Input is the
 * computed statement (statement.server.ts): this module formats, it never calculates money.
 */
import { Document, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import type { Locale, PaymentMethod } from "#db/schema";
import { formatAmount, formatDay, invoicePdfStyles as s, pdfLanguage, PDF_COLORS, PdfPartyIdentity, type InvoicePdfParty } from "~/modules/billing/pdf.server";
import type { AgeingBucket, Statement } from "./statement.server";

export interface StatementPdfModel {
  language: Locale;
  /** `YYYY-MM-DD`: the day the statement was drawn up. */
  generatedOn: string;
  issuer: (InvoicePdfParty & { footer?: string | null }) | null;
  customer: InvoicePdfParty;
  statement: Statement;
}

const LABELS = {
  fr: {
    title: "RELEVÉ DE COMPTE",
    docTitle: "Relevé de compte {org} ({currency}) du {from} au {to}",
    docSubject: "Relevé de compte de {org} chez {issuer}, en {currency}, du {from} au {to}",
    generatedOn: "Établi le",
    period: "Période",
    periodValue: "du {from} au {to}",
    currency: "Devise",
    customer: "Client",
    date: "Date",
    document: "Pièce",
    description: "Libellé",
    debit: "Débit",
    debits: "Débits de la période",
    credits: "Crédits de la période",
    credit: "Crédit",
    balance: "Solde",
    opening: "Solde d'ouverture au {date}",
    closing: "Solde de clôture au {date}",
    totals: "Mouvements de la période",
    none: "Aucun mouvement sur la période.",
    kind: {
      invoice: "Facture",
      credit_note: "Avoir",
      payment: "Paiement",
      payment_reversal: "Paiement annulé",
      refund: "Remboursement",
    },
    onInvoice: "sur {number}",
    dueOn: "échéance {date}",
    summaryOwes: "Solde dû au {date}",
    summaryCredit: "Solde créditeur au {date}",
    ageing: "Antériorité des créances au {date}",
    bucket: { notDue: "Non échu", d1_30: "1 à 30 j", d31_60: "31 à 60 j", d61_90: "61 à 90 j", over90: "Plus de 90 j" } as Record<AgeingBucket, string>,
    totalDue: "Total dû",
    creditAvailable: "Avoir disponible",
    owingTitle: "Factures restant dues au {date}",
    number: "Facture",
    issuedOn: "Émise le",
    due: "Échéance",
    late: "Retard",
    days: "{n} j",
    notLate: "—",
    rule: "Les paiements, avoirs et remboursements datés après le {date} ne sont pas comptés dans ce relevé.",
    nif: "NIF",
    rccm: "RCCM",
    page: "Page {n} / {total}",
  },
  en: {
    title: "STATEMENT OF ACCOUNT",
    docTitle: "Statement of account {org} ({currency}) {from} to {to}",
    docSubject: "Statement of account of {org} with {issuer}, in {currency}, from {from} to {to}",
    generatedOn: "Drawn up on",
    period: "Period",
    periodValue: "{from} to {to}",
    currency: "Currency",
    customer: "Customer",
    date: "Date",
    document: "Document",
    description: "Description",
    debit: "Debit",
    debits: "Debits in the period",
    credits: "Credits in the period",
    credit: "Credit",
    balance: "Balance",
    opening: "Opening balance on {date}",
    closing: "Closing balance on {date}",
    totals: "Movements in the period",
    none: "No movement in the period.",
    kind: {
      invoice: "Invoice",
      credit_note: "Credit note",
      payment: "Payment",
      payment_reversal: "Payment reversed",
      refund: "Refund",
    },
    onInvoice: "on {number}",
    dueOn: "due {date}",
    summaryOwes: "Balance due on {date}",
    summaryCredit: "Balance in your favour on {date}",
    ageing: "Ageing of the amounts due on {date}",
    bucket: { notDue: "Not yet due", d1_30: "1–30 days", d31_60: "31–60 days", d61_90: "61–90 days", over90: "Over 90 days" } as Record<AgeingBucket, string>,
    totalDue: "Total due",
    creditAvailable: "Credit available",
    owingTitle: "Invoices still due on {date}",
    number: "Invoice",
    issuedOn: "Issued",
    due: "Due",
    late: "Late",
    days: "{n} d",
    notLate: "—",
    rule: "Payments, credit notes and refunds dated after {date} are not counted in this statement.",
    nif: "Tax ID (NIF)",
    rccm: "RCCM",
    page: "Page {n} of {total}",
  },
} as const;

const METHODS: Record<Locale, Record<PaymentMethod, string>> = {
  fr: {
    bank_transfer: "virement",
    mtn_momo: "MTN MoMo",
    moov_flooz: "Moov Flooz",
    orange_money: "Orange Money",
    airtel_money: "Airtel Money",
    mpesa: "M-Pesa",
    cash: "espèces",
    cheque: "chèque",
    card: "carte",
  },
  en: {
    bank_transfer: "bank transfer",
    mtn_momo: "MTN MoMo",
    moov_flooz: "Moov Flooz",
    orange_money: "Orange Money",
    airtel_money: "Airtel Money",
    mpesa: "M-Pesa",
    cash: "cash",
    cheque: "cheque",
    card: "card",
  },
};

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");

const { ACCENT, MUTED, RULE, TINT } = PDF_COLORS;

const st = StyleSheet.create({
  colDate: { width: 58 },
  colDoc: { width: 98, paddingRight: 6 },
  colDesc: { flex: 1, paddingRight: 6 },
  colMoney: { width: 72, textAlign: "right" },
  colBalance: { width: 80, textAlign: "right" },
  boundary: { flexDirection: "row", paddingVertical: 5, paddingHorizontal: 6, backgroundColor: TINT, fontWeight: "bold" },
  summary: { flexDirection: "row", justifyContent: "space-between", marginBottom: 12 },
  summaryBox: { flex: 1, borderWidth: 0.75, borderColor: RULE, borderRadius: 3, padding: 8, marginRight: 8 },
  summaryLast: { flex: 1, borderRadius: 3, padding: 8, backgroundColor: ACCENT, color: "#ffffff" },
  summaryLabel: { fontSize: 7.5, color: MUTED, marginBottom: 3 },
  summaryValue: { fontSize: 11, fontWeight: "bold" },
  ageingRow: { flexDirection: "row" },
  ageingCell: { flex: 1, paddingVertical: 5, paddingHorizontal: 3, textAlign: "right", fontSize: 8 },
  section: { marginTop: 12 },
  colNumber: { flex: 1 },
  colDay: { width: 86 },
  colLate: { width: 60, textAlign: "right" },
});

/** Language, title, author and subject of the statement's PDF (docs/decisions/024-accessible-pdfs.md). */
export function statementPdfMetadata(m: Pick<StatementPdfModel, "language" | "issuer"> & { statement: Pick<Statement, "org" | "currency" | "from" | "to"> }) {
  const L = LABELS[m.language];
  const S = m.statement;
  const vars = { org: S.org.name, currency: S.currency, from: formatDay(S.from, m.language), to: formatDay(S.to, m.language), issuer: m.issuer?.name ?? "" };
  return {
    title: fill(L.docTitle, vars),
    author: m.issuer?.name ?? undefined,
    subject: m.issuer ? fill(L.docSubject, vars) : fill(L.docTitle, vars),
    language: pdfLanguage(m.language),
  };
}

function StatementDocument({ m }: { m: StatementPdfModel }) {
  const locale = m.language;
  const L = LABELS[locale];
  const S = m.statement;
  const money = (minor: number) => formatAmount(minor, S.currency, locale);
  const day = (d: string) => formatDay(d, locale);
  const short = (d: string) => (locale === "fr" ? `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}` : d);
  const describe = (l: Statement["lines"][number]) => {
    const parts: string[] = [L.kind[l.kind]];
    if (l.kind === "credit_note" && l.invoiceNumber) parts.push(fill(L.onInvoice, { number: l.invoiceNumber }));
    if (l.method) parts.push(`(${METHODS[locale][l.method]})`);
    if (l.kind === "invoice" && l.dueOn) parts.push(`— ${fill(L.dueOn, { date: short(l.dueOn) })}`);
    return parts.join(" ");
  };
  const issuerName = m.issuer?.name ?? "";
  return (
    <Document {...statementPdfMetadata(m)}>
      <Page size="A4" style={s.page}>
        <View>
          <View style={s.header}>
            <View style={{ width: 270 }}>
              {m.issuer ? (
                <>
                  <Text style={s.issuerName}>{m.issuer.name}</Text>
                  <PdfPartyIdentity party={m.issuer} locale={locale} />
                </>
              ) : null}
            </View>
            <View style={s.titleBlock}>
              <Text style={[s.title, { fontSize: locale === "fr" ? 16 : 14, letterSpacing: 1, width: 245, textAlign: "right" }]}>{L.title}</Text>
              <View style={s.metaRow}>
                <Text style={s.metaLabel}>{L.generatedOn}</Text>
                <Text>{day(m.generatedOn)}</Text>
              </View>
              <View style={s.metaRow}>
                <Text style={s.metaLabel}>{L.period}</Text>
                <Text style={s.metaValue}>{fill(L.periodValue, { from: short(S.from), to: short(S.to) })}</Text>
              </View>
              <View style={s.metaRow}>
                <Text style={s.metaLabel}>{L.currency}</Text>
                <Text style={s.metaValue}>{S.currency}</Text>
              </View>
            </View>
          </View>

          <View style={s.parties}>
            <View style={s.customerBox}>
              <Text style={s.boxTitle}>{L.customer}</Text>
              <Text style={s.customerName}>{m.customer.name}</Text>
              <PdfPartyIdentity party={m.customer} locale={locale} />
            </View>
          </View>

          <View style={st.summary} wrap={false}>
            <View style={st.summaryBox}>
              <Text style={st.summaryLabel}>{fill(L.opening, { date: short(S.from) })}</Text>
              <Text style={st.summaryValue}>{money(S.openingMinor)}</Text>
            </View>
            <View style={st.summaryBox}>
              <Text style={st.summaryLabel}>{L.debits}</Text>
              <Text style={st.summaryValue}>{money(S.totalDebitMinor)}</Text>
            </View>
            <View style={st.summaryBox}>
              <Text style={st.summaryLabel}>{L.credits}</Text>
              <Text style={st.summaryValue}>{money(S.totalCreditMinor)}</Text>
            </View>
            <View style={st.summaryLast}>
              <Text style={[st.summaryLabel, { color: "#dbe4ef" }]}>{fill(S.closingMinor < 0 ? L.summaryCredit : L.summaryOwes, { date: short(S.to) })}</Text>
              <Text style={st.summaryValue}>{money(Math.abs(S.closingMinor))}</Text>
            </View>
          </View>

          <View style={s.table}>
            <View style={s.th} fixed>
              <Text style={st.colDate}>{L.date}</Text>
              <Text style={st.colDoc}>{L.document}</Text>
              <Text style={st.colDesc}>{L.description}</Text>
              <Text style={st.colMoney}>{L.debit}</Text>
              <Text style={st.colMoney}>{L.credit}</Text>
              <Text style={st.colBalance}>{L.balance}</Text>
            </View>
            <View style={st.boundary} wrap={false}>
              <Text style={st.colDate}>{short(S.from)}</Text>
              <Text style={[st.colDesc, { paddingRight: 0 }]}>{fill(L.opening, { date: short(S.from) })}</Text>
              <Text style={st.colBalance}>{money(S.openingMinor)}</Text>
            </View>
            {S.lines.length === 0 ? (
              <View style={s.tr}>
                <Text style={[st.colDesc, { color: MUTED }]}>{L.none}</Text>
              </View>
            ) : null}
            {S.lines.map((l, i) => (
              <View key={i} style={s.tr} wrap={false}>
                <Text style={st.colDate}>{short(l.occurredOn)}</Text>
                <Text style={st.colDoc}>{l.document}</Text>
                <Text style={st.colDesc}>{describe(l)}</Text>
                <Text style={st.colMoney}>{l.debitMinor ? money(l.debitMinor) : ""}</Text>
                <Text style={st.colMoney}>{l.creditMinor ? money(l.creditMinor) : ""}</Text>
                <Text style={st.colBalance}>{money(l.balanceMinor)}</Text>
              </View>
            ))}
            <View style={[s.tr, { fontWeight: "bold" }]} wrap={false}>
              <Text style={st.colDate}></Text>
              <Text style={[st.colDesc]}>{L.totals}</Text>
              <Text style={st.colMoney}>{money(S.totalDebitMinor)}</Text>
              <Text style={st.colMoney}>{money(S.totalCreditMinor)}</Text>
              <Text style={st.colBalance}></Text>
            </View>
            <View style={[st.boundary, { backgroundColor: ACCENT, color: "#ffffff" }]} wrap={false}>
              <Text style={st.colDate}>{short(S.to)}</Text>
              <Text style={[st.colDesc, { paddingRight: 0 }]}>{fill(L.closing, { date: short(S.to) })}</Text>
              <Text style={st.colBalance}>{money(S.closingMinor)}</Text>
            </View>
          </View>

          <View style={st.section} wrap={false}>
            <Text style={s.sectionTitle}>{fill(L.ageing, { date: short(S.to) })}</Text>
            <View style={s.table}>
              <View style={[s.th, { paddingHorizontal: 0 }]}>
                {(["notDue", "d1_30", "d31_60", "d61_90", "over90"] as const).map((b) => (
                  <Text key={b} style={st.ageingCell}>
                    {L.bucket[b]}
                  </Text>
                ))}
                <Text style={st.ageingCell}>{L.totalDue}</Text>
                <Text style={st.ageingCell}>{L.creditAvailable}</Text>
              </View>
              <View style={[st.ageingRow, { borderBottomWidth: 0.5, borderBottomColor: RULE }]}>
                {(["notDue", "d1_30", "d31_60", "d61_90", "over90"] as const).map((b) => (
                  <Text key={b} style={st.ageingCell}>
                    {money(S.ageing[b])}
                  </Text>
                ))}
                <Text style={[st.ageingCell, { fontWeight: "bold" }]}>{money(S.ageing.totalMinor)}</Text>
                <Text style={st.ageingCell}>{money(S.creditMinor)}</Text>
              </View>
            </View>
            <Text style={[s.note, { color: MUTED, marginTop: 4, fontSize: 7.5 }]}>{fill(L.rule, { date: short(S.to) })}</Text>
          </View>

          {S.owing.length ? (
            <View style={st.section}>
              <Text style={s.sectionTitle}>{fill(L.owingTitle, { date: short(S.to) })}</Text>
              <View style={s.table}>
                <View style={s.th} fixed>
                  <Text style={st.colNumber}>{L.number}</Text>
                  <Text style={st.colDay}>{L.issuedOn}</Text>
                  <Text style={st.colDay}>{L.due}</Text>
                  <Text style={st.colLate}>{L.late}</Text>
                  <Text style={st.colBalance}>{L.balance}</Text>
                </View>
                {S.owing.map((o) => (
                  <View key={o.id} style={s.tr} wrap={false}>
                    <Text style={st.colNumber}>{o.number}</Text>
                    <Text style={st.colDay}>{short(o.issuedOn)}</Text>
                    <Text style={st.colDay}>{short(o.dueOn)}</Text>
                    <Text style={st.colLate}>{o.daysLate > 0 ? fill(L.days, { n: String(o.daysLate) }) : L.notLate}</Text>
                    <Text style={st.colBalance}>{money(o.balanceMinor)}</Text>
                  </View>
                ))}
              </View>
            </View>
          ) : null}

        </View>
        <View style={s.footer} fixed>
          <Text style={{ flex: 1, paddingRight: 90 }}>
            {[issuerName, m.issuer?.nif ? `${L.nif} ${m.issuer.nif}` : null, m.issuer?.rccm ? `${L.rccm} ${m.issuer.rccm}` : null, m.issuer?.footer].filter(Boolean).join(" — ")}
          </Text>
        </View>
        <Text style={s.pageNumber} fixed render={({ pageNumber, totalPages }) => fill(L.page, { n: String(pageNumber), total: String(totalPages) })} />
      </Page>
    </Document>
  );
}

/** The PDF bytes of a statement of account. */
export async function renderStatementPdf(model: StatementPdfModel): Promise<Buffer> {
  return renderToBuffer(<StatementDocument m={model} />);
}
