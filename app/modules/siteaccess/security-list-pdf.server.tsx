/**
 * The security desk list of a site for one day, as a one-page A4 PDF (landscape) in the invoices'
 * look (billing/pdf.server.tsx: font, colours), in the reader's language: the site, the day, the
 * approved visitors of that day with their window, company, organisation, racks, escort, identity
 * document type and number, a column to sign in and out, and the badge holders valid that day. It
 * states that anyone not on the list, or outside their window, is refused. The route checks who
 * reads it (operators); the numbers arrive already shown or masked for that reader.
 */
import { Document, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import type { IdDocType, Locale } from "#db/schema";
import { formatDay, invoicePdfStyles as base, PDF_COLORS } from "~/modules/billing/pdf.server";

export interface SecurityListModel {
  language: Locale;
  site: { code: string; name: string; timeZone: string };
  day: string;
  printedAt: string;
  visits: {
    ref: string;
    name: string;
    company: string;
    orgName: string;
    windowStart: string;
    windowEnd: string;
    racks: string[];
    escort: boolean;
    idDocType: IdDocType;
    idNumber: string | null;
    checkedIn: string | null;
    checkedOut: string | null;
    /** Its organisation no longer holds every rack it names that day: refused at the door. */
    released: boolean;
  }[];
  badges: { name: string; company: string; orgName: string; idDocType: IdDocType; idNumber: string | null; validUntil: string }[];
}

const LABELS = {
  fr: {
    title: "LISTE DU POSTE DE SÉCURITÉ",
    site: "Site",
    day: "Jour",
    tz: "Heures du site ({tz})",
    printed: "Imprimée le {at}",
    rule: "Toute personne absente de cette liste, ou qui se présente en dehors de son créneau, est refusée. Vérifier la pièce d'identité avant l'entrée.",
    visitors: "Visiteurs validés ({count})",
    none: "Aucun visiteur validé ce jour.",
    cols: { window: "Créneau", visitor: "Visiteur · société", org: "Client", racks: "Baies", escort: "Accomp.", id: "Pièce d'identité", inOut: "Entrée / sortie" },
    yes: "Oui",
    no: "Non",
    purged: "effacé",
    released: "REFUSÉ : baie plus détenue",
    badges: "Badges permanents valides ({count})",
    noBadges: "Aucun badge permanent valide ce jour.",
    bcols: { name: "Titulaire · société", org: "Client", id: "Pièce d'identité", until: "Valide jusqu'au" },
    docs: { national_id: "CNI", passport: "Passeport", driving_licence: "Permis", other: "Autre" },
    footer: "{site} — liste du {day} — document à usage interne, à détruire après usage",
  },
  en: {
    title: "SECURITY DESK LIST",
    site: "Site",
    day: "Day",
    tz: "Site times ({tz})",
    printed: "Printed on {at}",
    rule: "Anyone not on this list, or arriving outside their window, is refused. Check the identity document before entry.",
    visitors: "Approved visitors ({count})",
    none: "No approved visitor on this day.",
    cols: { window: "Window", visitor: "Visitor · company", org: "Customer", racks: "Racks", escort: "Escort", id: "Identity document", inOut: "In / out" },
    yes: "Yes",
    no: "No",
    purged: "purged",
    released: "REFUSED: rack no longer held",
    badges: "Valid standing badges ({count})",
    noBadges: "No valid standing badge on this day.",
    bcols: { name: "Holder · company", org: "Customer", id: "Identity document", until: "Valid until" },
    docs: { national_id: "National ID", passport: "Passport", driving_licence: "Driving licence", other: "Other" },
    footer: "{site} — list of {day} — internal document, destroy after use",
  },
} as const;

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");

const s = StyleSheet.create({
  page: { ...base.page, paddingTop: 28, paddingBottom: 40, paddingHorizontal: 30, fontSize: 8 },
  rule: { marginTop: 2, marginBottom: 10, padding: 7, backgroundColor: PDF_COLORS.TINT, borderLeftWidth: 2, borderLeftColor: PDF_COLORS.ACCENT, fontWeight: "bold" },
  h2: { fontSize: 10, fontWeight: "bold", color: PDF_COLORS.ACCENT, marginTop: 6, marginBottom: 4 },
  cWindow: { width: 62 },
  cVisitor: { flex: 2 },
  cOrg: { flex: 1.3 },
  cRacks: { flex: 1.2 },
  cEscort: { width: 42 },
  cId: { flex: 1.5 },
  cInOut: { width: 92 },
  muted: { color: PDF_COLORS.MUTED },
  footer: { position: "absolute", bottom: 18, left: 30, right: 30, fontSize: 6.5, color: PDF_COLORS.MUTED, textAlign: "center" },
});

function SecurityListDocument({ m }: { m: SecurityListModel }) {
  const L = LABELS[m.language];
  const day = formatDay(m.day, m.language);
  const id = (type: IdDocType, n: string | null) => `${L.docs[type]} ${n ?? `(${L.purged})`}`;
  return (
    <Document title={`${L.title} ${m.site.code} ${m.day}`} author={m.site.name} language={m.language === "fr" ? "fr-FR" : "en"}>
      <Page size="A4" orientation="landscape" style={s.page}>
        <View style={base.header}>
          <View>
            <Text style={[base.title, { fontSize: 14, letterSpacing: 0 }]}>{L.title}</Text>
            <Text style={base.muted}>{fill(L.printed, { at: m.printedAt })}</Text>
          </View>
          <View style={base.titleBlock}>
            <View style={base.metaRow}>
              <Text style={base.metaLabel}>{L.site}</Text>
              <Text style={base.metaValue}>{`${m.site.code} · ${m.site.name}`}</Text>
            </View>
            <View style={base.metaRow}>
              <Text style={base.metaLabel}>{L.day}</Text>
              <Text style={base.metaValue}>{day}</Text>
            </View>
            <Text style={base.muted}>{fill(L.tz, { tz: m.site.timeZone })}</Text>
          </View>
        </View>
        <Text style={s.rule}>{L.rule}</Text>

        <Text style={s.h2}>{fill(L.visitors, { count: String(m.visits.length) })}</Text>
        {m.visits.length === 0 ? (
          <Text style={s.muted}>{L.none}</Text>
        ) : (
          <View style={base.table}>
            <View style={base.th} fixed>
              <Text style={s.cWindow}>{L.cols.window}</Text>
              <Text style={s.cVisitor}>{L.cols.visitor}</Text>
              <Text style={s.cOrg}>{L.cols.org}</Text>
              <Text style={s.cRacks}>{L.cols.racks}</Text>
              <Text style={s.cEscort}>{L.cols.escort}</Text>
              <Text style={s.cId}>{L.cols.id}</Text>
              <Text style={s.cInOut}>{L.cols.inOut}</Text>
            </View>
            {m.visits.map((v) => (
              <View key={v.ref} style={base.tr} wrap={false}>
                <Text style={s.cWindow}>{`${v.windowStart}–${v.windowEnd}`}</Text>
                <Text style={s.cVisitor}>{`${v.name} · ${v.company}`}</Text>
                <Text style={s.cOrg}>{v.orgName}</Text>
                <Text style={s.cRacks}>{v.racks.join(", ")}</Text>
                <Text style={s.cEscort}>{v.escort ? L.yes : L.no}</Text>
                <Text style={s.cId}>{id(v.idDocType, v.idNumber)}</Text>
                <Text style={s.cInOut}>{v.released ? L.released : `${v.checkedIn ?? "____"} / ${v.checkedOut ?? "____"}`}</Text>
              </View>
            ))}
          </View>
        )}

        <Text style={[s.h2, { marginTop: 12 }]}>{fill(L.badges, { count: String(m.badges.length) })}</Text>
        {m.badges.length === 0 ? (
          <Text style={s.muted}>{L.noBadges}</Text>
        ) : (
          <View style={base.table}>
            <View style={base.th}>
              <Text style={s.cVisitor}>{L.bcols.name}</Text>
              <Text style={s.cOrg}>{L.bcols.org}</Text>
              <Text style={s.cId}>{L.bcols.id}</Text>
              <Text style={s.cInOut}>{L.bcols.until}</Text>
            </View>
            {m.badges.map((b, i) => (
              <View key={i} style={base.tr} wrap={false}>
                <Text style={s.cVisitor}>{`${b.name} · ${b.company}`}</Text>
                <Text style={s.cOrg}>{b.orgName}</Text>
                <Text style={s.cId}>{id(b.idDocType, b.idNumber)}</Text>
                <Text style={s.cInOut}>{formatDay(b.validUntil, m.language)}</Text>
              </View>
            ))}
          </View>
        )}
        <Text style={s.footer} fixed>
          {fill(L.footer, { site: m.site.code, day })}
        </Text>
      </Page>
    </Document>
  );
}

export async function renderSecurityListPdf(model: SecurityListModel): Promise<Buffer> {
  return renderToBuffer(<SecurityListDocument m={model} />);
}

export function pdfResponse(pdf: { filename: string; content: Buffer }): Response {
  return new Response(new Uint8Array(pdf.content), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${pdf.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Content-Length": String(pdf.content.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}

const timeIn = (timeZone: string, at: Date | string | null) =>
  at ? new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(at)) : null;

/** The PDF of a site's list for a day, for an operator of role `role`, in `language`. */
export async function securityListPdfFor(
  db: import("#db/types").Executor,
  input: { site: { id: string; code: string; name: string; time_zone: string }; day: string; role: import("#db/schema").OperatorRole; language: Locale; now?: Date },
): Promise<{ filename: string; content: Buffer }> {
  const { securityList } = await import("./visits.server");
  const now = input.now ?? new Date();
  const list = await securityList(db, { siteId: input.site.id, day: input.day, role: input.role, now });
  const printed = new Intl.DateTimeFormat(input.language === "fr" ? "fr-FR" : "en-GB", { timeZone: input.site.time_zone, dateStyle: "medium", timeStyle: "short" }).format(now);
  const content = await renderSecurityListPdf({
    language: input.language,
    site: { code: input.site.code, name: input.site.name, timeZone: input.site.time_zone },
    day: input.day,
    printedAt: printed,
    visits: list.visits.map((v) => ({
      ref: v.ref,
      name: v.visitor_name,
      company: v.company,
      orgName: v.org_name,
      windowStart: v.window_start,
      windowEnd: v.window_end,
      racks: v.racks.map((r) => r.name),
      escort: v.escort_needed,
      idDocType: v.id_doc_type,
      idNumber: v.id_doc_number,
      checkedIn: timeIn(input.site.time_zone, v.checked_in_at),
      released: !v.racks_held && !v.checked_in_at,
      checkedOut: timeIn(input.site.time_zone, v.checked_out_at),
    })),
    badges: list.badges.map((b) => ({ name: b.name, company: b.company, orgName: b.org_name, idDocType: b.id_doc_type, idNumber: b.id_doc_number, validUntil: b.valid_until })),
  });
  return { filename: `security-list-${input.site.code}-${input.day}.pdf`, content };
}
