/**
 * The letter of authorisation / connecting facility assignment (LOA/CFA) of a cross-connect, as a
 * PDF in the invoices' look (billing/pdf.server.tsx: same font, colours, header with the site's
 * issuer). It authorises the Z side (the carrier, or the other tenant) and the data centre's staff
 * to connect to the A side's position, and names both positions and the assigned ports. Rendered on
 * demand in the reader's language; served only to the A organisation, the Z organisation and
 * operators (the routes check; `loaPdfFor` takes an order already scoped).
 */
import { Document, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import type { Locale } from "#db/schema";
import type { Executor } from "#db/types";
import { formatDay, invoicePdfStyles as base, pdfLanguage, PDF_COLORS } from "~/modules/billing/pdf.server";
import { getIssuer } from "~/modules/billing/issuers.server";
import { dayIn } from "~/utils/dates";
import { MEDIA_LABELS } from "./lines";
import type { OrderPort, OrderRow } from "./orders.server";
import { orderRef } from "./shared";

export interface LoaParty {
  name: string;
  taxId?: string | null;
  contractRef?: string | null;
  position: string | null;
  port: { name: string; room: string } | null;
}

export interface LoaModel {
  language: Locale;
  ref: string;
  /** `YYYY-MM-DD`, the site's today when the letter is drawn up. */
  issuedOn: string;
  orderedOn: string;
  status: OrderRow["status"];
  site: { code: string; name: string };
  issuer: { legalName: string; addressLines: string[]; nif: string; rccm: string } | null;
  media: OrderRow["media"];
  zKind: "carrier" | "tenant";
  a: LoaParty;
  z: LoaParty;
  installedOn: string | null;
  testResult: string | null;
}

const LABELS = {
  fr: {
    title: "LETTRE D'AUTORISATION",
    docTitle: "Lettre d'autorisation (LOA) {ref}",
    docSubject: "Interconnexion {ref} au site {site} : autorisation de {a} pour {z}",
    subtitle: "LOA / CFA — affectation d'interconnexion",
    reference: "Référence",
    date: "Date",
    site: "Site",
    status: "État",
    statuses: {
      pending_acceptance: "En attente d'acceptation",
      ordered: "Commandée",
      installed: "Installée",
      removal_requested: "Retrait demandé",
      removed: "Retirée",
      rejected: "Refusée",
      cancelled: "Annulée",
    },
    aSide: "Côté A (demandeur)",
    zSide: "Côté Z",
    carrier: "Opérateur",
    tenant: "Client du centre de données",
    nif: "NIF",
    contract: "Contrat",
    position: "Position (baie / panneau)",
    port: "Port affecté",
    portValue: "{name} — {room}",
    toAssign: "À affecter par le centre de données",
    toGive: "À indiquer par le côté Z",
    media: "Support",
    mediaValues: { smf: "Fibre monomode (SMF)", mmf: "Fibre multimode (MMF)", cat6: "Cuivre catégorie 6 (Cat6)" },
    orderedOn: "Commandée le",
    installedOn: "Installée le",
    testResult: "Résultat des tests",
    body:
      "{a} autorise {z} et le personnel du centre de données {site} à réaliser l'interconnexion décrite ci-dessus entre sa position et celle du côté Z, sur les ports affectés par le centre de données. Cette lettre vaut affectation des ports nommés (CFA) pour cette seule interconnexion ; elle ne confère aucun autre accès aux espaces de {a}.",
    validity: "Cette autorisation est valable tant que l'interconnexion {ref} n'est ni annulée, ni refusée, ni retirée.",
    footer: "Document établi par le portail colocation — {ref} — {date}",
  },
  en: {
    title: "LETTER OF AUTHORISATION",
    docTitle: "Letter of authorisation (LOA) {ref}",
    docSubject: "Cross-connect {ref} at the {site} site: authorisation from {a} to {z}",
    subtitle: "LOA / CFA — cross-connect facility assignment",
    reference: "Reference",
    date: "Date",
    site: "Site",
    status: "Status",
    statuses: {
      pending_acceptance: "Awaiting acceptance",
      ordered: "Ordered",
      installed: "Installed",
      removal_requested: "Removal requested",
      removed: "Removed",
      rejected: "Rejected",
      cancelled: "Cancelled",
    },
    aSide: "A side (requester)",
    zSide: "Z side",
    carrier: "Carrier",
    tenant: "Data centre customer",
    nif: "Tax ID (NIF)",
    contract: "Contract",
    position: "Position (rack / panel)",
    port: "Assigned port",
    portValue: "{name} — {room}",
    toAssign: "To be assigned by the data centre",
    toGive: "To be given by the Z side",
    media: "Media",
    mediaValues: { smf: "Single-mode fibre (SMF)", mmf: "Multi-mode fibre (MMF)", cat6: "Category 6 copper (Cat6)" },
    orderedOn: "Ordered on",
    installedOn: "Installed on",
    testResult: "Test result",
    body:
      "{a} authorises {z} and the staff of the {site} data centre to build the cross-connect described above between its position and the Z side's, on the ports the data centre assigned. This letter is the connecting facility assignment (CFA) of the named ports for this cross-connect only; it grants no other access to {a}'s space.",
    validity: "This authorisation is valid as long as cross-connect {ref} is neither cancelled, rejected nor removed.",
    footer: "Drawn up by the colocation portal — {ref} — {date}",
  },
} as const;

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");

const s = StyleSheet.create({
  band: { marginTop: 4, marginBottom: 14, padding: 8, backgroundColor: PDF_COLORS.TINT, borderLeftWidth: 2, borderLeftColor: PDF_COLORS.ACCENT },
  parties: { flexDirection: "row", marginBottom: 14 },
  party: { flex: 1, borderWidth: 0.75, borderColor: PDF_COLORS.RULE, borderRadius: 3, padding: 10 },
  gap: { width: 12 },
  row: { flexDirection: "row", paddingVertical: 2 },
  k: { width: 120, color: PDF_COLORS.MUTED },
  v: { flex: 1 },
  paragraph: { marginTop: 8, lineHeight: 1.4 },
  signatures: { flexDirection: "row", marginTop: 28 },
  signature: { flex: 1, borderTopWidth: 0.5, borderTopColor: PDF_COLORS.RULE, paddingTop: 4, marginRight: 16, color: PDF_COLORS.MUTED },
  footer: { position: "absolute", bottom: 28, left: 40, right: 40, fontSize: 7, color: PDF_COLORS.MUTED, textAlign: "center" },
});

function Row({ k, v }: { k: string; v: string }) {
  return (
    <View style={s.row}>
      <Text style={s.k}>{k}</Text>
      <Text style={s.v}>{v}</Text>
    </View>
  );
}

function PartyBox({ title, party, kind, m }: { title: string; party: LoaParty; kind: string | null; m: LoaModel }) {
  const L = LABELS[m.language];
  return (
    <View style={s.party}>
      <Text style={[base.boxTitle, { letterSpacing: 0 }]}>{title}</Text>
      <Text style={base.customerName}>{party.name}</Text>
      {kind ? <Text style={[base.muted, { marginBottom: 4 }]}>{kind}</Text> : null}
      {party.taxId ? <Row k={L.nif} v={party.taxId} /> : null}
      {party.contractRef ? <Row k={L.contract} v={party.contractRef} /> : null}
      <Row k={L.position} v={party.position ?? L.toGive} />
      <Row k={L.port} v={party.port ? fill(L.portValue, { name: party.port.name, room: party.port.room }) : L.toAssign} />
    </View>
  );
}

/** Language, title, author and subject of the LOA's PDF (docs/decisions/024-accessible-pdfs.md). */
export function loaPdfMetadata(m: Pick<LoaModel, "language" | "ref" | "issuer" | "site" | "a" | "z">) {
  const L = LABELS[m.language];
  const vars = { ref: m.ref, site: `${m.site.code} (${m.site.name})`, a: m.a.name, z: m.z.name };
  return { title: fill(L.docTitle, vars), author: m.issuer?.legalName ?? m.site.name, subject: fill(L.docSubject, vars), language: pdfLanguage(m.language) };
}

function LoaDocument({ m }: { m: LoaModel }) {
  const L = LABELS[m.language];
  const day = (d: string) => formatDay(d, m.language);
  return (
    <Document {...loaPdfMetadata(m)}>
      <Page size="A4" style={base.page}>
        <View style={base.header}>
          <View style={{ width: 270 }}>
            <Text style={base.issuerName}>{m.issuer?.legalName ?? m.site.name}</Text>
            {(m.issuer?.addressLines ?? []).map((line, i) => (
              <Text key={i} style={base.identityLine}>
                {line}
              </Text>
            ))}
            {m.issuer ? <Text style={[base.muted, base.identityLine]}>{`NIF ${m.issuer.nif} · RCCM ${m.issuer.rccm}`}</Text> : null}
          </View>
          <View style={base.titleBlock}>
            <Text style={[base.title, { fontSize: 14, letterSpacing: 0 }]}>{L.title}</Text>
            <Text style={[base.muted, { marginBottom: 6 }]}>{L.subtitle}</Text>
            <View style={base.metaRow}>
              <Text style={base.metaLabel}>{L.reference}</Text>
              <Text style={base.metaValue}>{m.ref}</Text>
            </View>
            <View style={base.metaRow}>
              <Text style={base.metaLabel}>{L.date}</Text>
              <Text>{day(m.issuedOn)}</Text>
            </View>
            <View style={base.metaRow}>
              <Text style={base.metaLabel}>{L.site}</Text>
              <Text>{`${m.site.code} · ${m.site.name}`}</Text>
            </View>
            <View style={base.metaRow}>
              <Text style={base.metaLabel}>{L.status}</Text>
              <Text>{L.statuses[m.status]}</Text>
            </View>
          </View>
        </View>

        <View style={s.band}>
          <Row k={L.media} v={`${L.mediaValues[m.media]} — ${MEDIA_LABELS[m.media]}`} />
          <Row k={L.orderedOn} v={day(m.orderedOn)} />
          {m.installedOn ? <Row k={L.installedOn} v={day(m.installedOn)} /> : null}
          {m.testResult ? <Row k={L.testResult} v={m.testResult} /> : null}
        </View>

        <View style={s.parties}>
          <PartyBox title={L.aSide} party={m.a} kind={L.tenant} m={m} />
          <View style={s.gap} />
          <PartyBox title={L.zSide} party={m.z} kind={m.zKind === "carrier" ? L.carrier : L.tenant} m={m} />
        </View>

        <Text style={s.paragraph}>{fill(L.body, { a: m.a.name, z: m.z.name, site: m.site.name })}</Text>
        <Text style={s.paragraph}>{fill(L.validity, { ref: m.ref })}</Text>

        <View style={s.signatures}>
          <Text style={s.signature}>{m.a.name}</Text>
          <Text style={s.signature}>{m.issuer?.legalName ?? m.site.name}</Text>
        </View>

        <Text style={s.footer} fixed>
          {fill(L.footer, { ref: m.ref, date: day(m.issuedOn) })}
        </Text>
      </Page>
    </Document>
  );
}

export async function renderLoaPdf(model: LoaModel): Promise<Buffer> {
  return renderToBuffer(<LoaDocument m={model} />);
}

const contractRef = (id: string | null) => (id ? id.slice(0, 8).toUpperCase() : null);
const portOf = (p: OrderPort | null) => (p ? { name: p.name, room: p.room_name } : null);

/** The LOA of an order already scoped to its reader (A, Z or operator), in `language`. */
export async function loaPdfFor(
  db: Executor,
  order: OrderRow & { aPort: OrderPort | null; zPort: OrderPort | null },
  language: Locale,
  now?: Date,
): Promise<{ filename: string; content: Buffer }> {
  const issuer = await getIssuer(db, order.site_id);
  const ref = orderRef(order.id);
  const model: LoaModel = {
    language,
    ref,
    issuedOn: dayIn(order.time_zone, now),
    orderedOn: dayIn(order.time_zone, new Date(order.requested_at)),
    status: order.status,
    site: { code: order.site_code, name: order.site_name },
    issuer: issuer ? { legalName: issuer.legal_name, addressLines: issuer.address.split(/\r?\n/).filter(Boolean), nif: issuer.nif, rccm: issuer.rccm } : null,
    media: order.media,
    zKind: order.z_kind,
    a: { name: order.a_org_name, taxId: order.a_org_tax_id, contractRef: contractRef(order.contract_id), position: order.a_position, port: portOf(order.aPort) },
    z: {
      name: order.z_name,
      taxId: order.z_kind === "tenant" ? order.z_org_tax_id : null,
      contractRef: contractRef(order.z_contract_id),
      position: order.z_position,
      port: portOf(order.zPort),
    },
    installedOn: order.installed_on,
    testResult: order.test_result,
  };
  return { filename: `LOA-${ref}.pdf`, content: await renderLoaPdf(model) };
}

export function loaResponse(pdf: { filename: string; content: Buffer }): Response {
  return new Response(new Uint8Array(pdf.content), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${pdf.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Content-Length": String(pdf.content.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}
