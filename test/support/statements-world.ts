import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { saveSource, SourceForm } from "~/modules/payments/statements/sources.server";
import { createOrg, createUser } from "./factories";
import { issuedInvoice } from "./payments-world";

/**
 * A world for the reconciliation inbox's tests (fixture statements in test/fixtures/statements).
 * LDC (XOF, VAT 18 %): Kossi Tech — A: subtotal 100 000 → 118 000 (issued 2026-10-03),
 * B: 200 000 → 236 000 (issued 2026-11-04); ANSI (another tenant) — C: 50 000 → 59 000;
 * Togo Fibre SARL — D: 250 000 → 295 000. KIN (USD, VAT 16 %): Congo Mining — E: 150 000 cents →
 * 174 000 cents ($1,740.00). BZV (XAF, VAT 18.9 %): Congo Telecom — F: 400 000 → 75 600 VAT → 475 600.
 */
export type StatementsWorld = Awaited<ReturnType<typeof statementsWorld>>;

export async function statementsWorld(db: Kysely<Database>) {
  const kossi = (await createOrg(db, { name: "Kossi Tech" })).id;
  const ansi = (await createOrg(db, { name: "ANSI" })).id;
  const fibre = (await createOrg(db, { name: "Togo Fibre SARL" })).id;
  const mining = (await createOrg(db, { name: "Congo Mining SA" })).id;
  const telecom = (await createOrg(db, { name: "Congo Télécom" })).id;
  const A = await issuedInvoice(db, { orgId: kossi, siteCode: "LDC", period: "2026-09", subtotalMinor: 100_000, issuedOn: "2026-10-03" });
  const B = await issuedInvoice(db, { orgId: kossi, siteCode: "LDC", period: "2026-10", subtotalMinor: 200_000, issuedOn: "2026-11-04" });
  const C = await issuedInvoice(db, { orgId: ansi, siteCode: "LDC", period: "2026-10", subtotalMinor: 50_000, issuedOn: "2026-11-04" });
  const D = await issuedInvoice(db, { orgId: fibre, siteCode: "LDC", period: "2026-10", subtotalMinor: 250_000, issuedOn: "2026-11-04" });
  const E = await issuedInvoice(db, { orgId: mining, siteCode: "KIN", period: "2026-10", subtotalMinor: 150_000, issuedOn: "2026-11-04" });
  const F = await issuedInvoice(db, { orgId: telecom, siteCode: "BZV", period: "2026-10", subtotalMinor: 400_000, issuedOn: "2026-11-04" });
  const finance = await createUser(db, { operatorRole: "ops_finance", email: `finance-${Date.now()}@dc.test` });
  return { kossi, ansi, fibre, mining, telecom, A, B, C, D, E, F, actor: { id: finance.id, email: finance.email, ip: null } };
}

/** A fixture with the world's payment references filled in ({{A}}, {{A|nodash}}, {{A|lower-space}}). */
export function fixture(name: string, w: StatementsWorld): Uint8Array {
  const template = readFileSync(join(process.cwd(), "test/fixtures/statements", name), "utf8");
  const text = template.replace(/\{\{([A-F])(?:\|([a-z-]+))?\}\}/g, (_, letter: "A" | "B" | "C" | "D" | "E" | "F", form?: string) => {
    const ref = w[letter].paymentReference;
    if (form === "nodash") return ref.replace("-", "");
    if (form === "lower-space") return ref.replace("-", " ").toLowerCase();
    return ref;
  });
  return new TextEncoder().encode(text);
}

/** The source form's fields for the Ecobank fixture (semicolons, decimal commas, DD/MM/YYYY). */
export const ECOBANK_FIELDS = {
  site: "LDC",
  name: "Ecobank Togo — compte courant",
  kind: "bank",
  method: "bank_transfer",
  format: "csv",
  delimiter: "semicolon",
  dateColumn: "Date valeur",
  amountColumn: "Montant",
  currencyColumn: "Devise",
  labelColumn: "Libellé",
  transactionIdColumn: "Référence",
  payerColumn: "",
  dateFormat: "DD/MM/YYYY",
  decimalSeparator: "comma",
};

export async function ecobankSource(db: Kysely<Database>, w: StatementsWorld) {
  const data = SourceForm.parse(ECOBANK_FIELDS);
  const saved = await db.transaction().execute((trx) => saveSource(trx, { data, actor: w.actor }));
  if (!saved.ok) throw new Error(saved.error);
  return saved.id;
}

