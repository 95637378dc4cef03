import type { Kysely } from "kysely";
import type { Database, Metric, ProductKind } from "#db/schema";
import { commitBandwidth, createOrg } from "./factories";

/**
 * Building blocks for billing worlds written straight into the database: organisations, contracts
 * with their frozen lines (prices chosen by the test, not the catalogue's), meters with samples,
 * exemption certificates; and readers of the invoices the billing run wrote.
 */

export interface SiteRow {
  id: string;
  code: string;
  currency: string;
  vat_rate_bp: number;
  time_zone: string;
}

export async function siteByCode(db: Kysely<Database>, code: string): Promise<SiteRow> {
  return db.selectFrom("sites").select(["id", "code", "currency", "vat_rate_bp", "time_zone"]).where("code", "=", code).executeTakeFirstOrThrow();
}

/** An organisation; `agency` makes it an agency claiming VAT exemption (a certificate decides). */
export async function addOrg(db: Kysely<Database>, name: string, opts: { agency?: boolean; certificate?: { reference: string; from: string; to: string } } = {}) {
  const { id } = await createOrg(db, { name });
  if (opts.agency) await db.updateTable("organisations").set({ kind: "agency", is_vat_exempt: true }).where("id", "=", id).execute();
  if (opts.certificate) {
    await db
      .insertInto("vat_exemption_certificates")
      .values({ org_id: id, reference: opts.certificate.reference, valid_from: opts.certificate.from, valid_to: opts.certificate.to, created_by: null })
      .execute();
  }
  return id;
}

/**
 * [quantity, monthly unit price, setup fee per unit] per product kind, frozen on the contract (one
 * version each, in force for the whole contract).
 */
export type FrozenLines = Partial<Record<ProductKind, [number, number, number?]>>;

/**
 * A contract written directly, with its frozen lines. `commitMbps`: the committed bandwidth, as a
 * `bandwidth_commit_mbps` version at price 0 when `lines` has none (a line of that kind in `lines`
 * is the commitment itself, at the test's price).
 */
export async function addContract(
  db: Kysely<Database>,
  o: { orgId: string; siteId: string; startOn: string; endOn?: string | null; termMonths?: 12 | 24 | 36; commitMbps?: number },
  lines: FrozenLines,
) {
  const row = await db
    .insertInto("contracts")
    .values({ org_id: o.orgId, site_id: o.siteId, request_id: null, start_on: o.startOn, end_on: o.endOn ?? null, term_months: o.termMonths ?? 12 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const products = await db.selectFrom("products").select(["id", "kind", "name_fr", "name_en"]).where("site_id", "=", o.siteId).execute();
  const { currency } = await db.selectFrom("sites").select("currency").where("id", "=", o.siteId).executeTakeFirstOrThrow();
  const entries = Object.entries(lines) as [ProductKind, [number, number, number?]][];
  if (entries.length) {
    await db
      .insertInto("contract_lines")
      .values(
        entries.map(([kind, [quantity, price, setup]]) => {
          const p = products.find((x) => x.kind === kind)!;
          return { contract_id: row.id, product_id: p.id, kind: p.kind, name_fr: p.name_fr, name_en: p.name_en, quantity, unit_price_minor: price, setup_fee_minor: setup ?? 0, currency };
        }),
      )
      .execute();
  }
  const line = lines.bandwidth_commit_mbps;
  if (o.commitMbps !== undefined && line && line[0] !== o.commitMbps) throw new Error(`commitMbps ${o.commitMbps} ≠ the bandwidth_commit_mbps line's ${line[0]}`);
  if (o.commitMbps && !line) await commitBandwidth(db, row.id, o.commitMbps);
  return row.id;
}

/** A meter of the site attached to a contract from `attachedOn` (open). */
export async function addMeter(db: Kysely<Database>, o: { siteId: string; externalId: string; kind: "power" | "bandwidth"; contractId: string; attachedOn: string }) {
  const m = await db.insertInto("meters").values({ site_id: o.siteId, external_id: o.externalId, kind: o.kind, description: null }).returning("id").executeTakeFirstOrThrow();
  await db.insertInto("meter_attachments").values({ meter_id: m.id, contract_id: o.contractId, attached_on: o.attachedOn, detached_on: null }).execute();
  return m.id;
}

export async function addSamples(db: Kysely<Database>, meterId: string, metric: Metric, readings: [string, string][]) {
  if (!readings.length) return;
  await db
    .insertInto("samples")
    .values(readings.map(([at, value]) => ({ meter_id: meterId, metric, at: new Date(at), value })))
    .execute();
}

export const invoiceOf = (db: Kysely<Database>, orgId: string, period: string) =>
  db
    .selectFrom("invoices")
    .select(["id", "status", "currency", "subtotal_minor", "vat_rate_bp", "vat_minor", "total_minor", "is_vat_exempt", "vat_exemption_reference", "flags"])
    .where("org_id", "=", orgId)
    .where("period", "=", period)
    .executeTakeFirst();

export const linesOf = (db: Kysely<Database>, orgId: string, period: string) =>
  db
    .selectFrom("invoice_lines as l")
    .innerJoin("invoices as i", "i.id", "l.invoice_id")
    .select(["l.contract_id", "l.kind", "l.quantity", "l.unit_price_minor", "l.amount_minor", "l.description_fr", "l.description_en"])
    .where("i.org_id", "=", orgId)
    .where("i.period", "=", period)
    .orderBy("l.position")
    .execute();

/** The names of the organisations invoiced at a site for a period, sorted. */
export async function invoicedNames(db: Kysely<Database>, siteId: string, period: string) {
  const rows = await db
    .selectFrom("invoices as i")
    .innerJoin("organisations as o", "o.id", "i.org_id")
    .select("o.name")
    .where("i.site_id", "=", siteId)
    .where("i.period", "=", period)
    .orderBy("o.name")
    .execute();
  return rows.map((r) => r.name);
}

/** A decimal as PostgreSQL's numeric(20, 6) prints it: "2.25" → "2.250000". */
export function six(value: string): string {
  const [whole, fraction = ""] = value.split(".");
  return `${whole}.${fraction.padEnd(6, "0")}`;
}

export interface ExpectedLine {
  kind: string;
  contract: string;
  quantity: string;
  unit: number;
  amount: number;
  /** Fragments both descriptions must contain (French, then English). */
  fr: string[];
  en: string[];
}

/** Every line, in order: kind, contract, quantity, unit price, amount and the wording of both languages. */
export function expectLines(actual: Awaited<ReturnType<typeof linesOf>>, expected: ExpectedLine[]) {
  expect(actual.map((l) => [l.kind, l.contract_id, l.quantity, l.unit_price_minor, l.amount_minor])).toEqual(
    expected.map((e) => [e.kind, e.contract, six(e.quantity), e.unit, e.amount]),
  );
  for (const [i, e] of expected.entries()) {
    for (const f of e.fr) expect(actual[i].description_fr).toContain(f);
    for (const f of e.en) expect(actual[i].description_en).toContain(f);
  }
}
