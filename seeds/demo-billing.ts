import type { Trx } from "#db/types";

/**
 * Demo billing data: the agency (ANSI) holds a VAT exemption certificate covering 2026, so its
 * invoices that year carry no VAT and the legal mention. Inserted once (by reference).
 */
export const ANSI_EXEMPTION = {
  org: "Agence nationale des systèmes d'information (ANSI)",
  reference: "DGI/EXO/2026/0042",
  validFrom: "2026-01-01",
  validTo: "2026-12-31",
} as const;

export async function seedDemoBilling(trx: Trx): Promise<number> {
  const org = await trx
    .selectFrom("organisations")
    .select("id")
    .where("name", "=", ANSI_EXEMPTION.org)
    .orderBy("created_at")
    .executeTakeFirst();
  if (!org) return 0;
  const inserted = await trx
    .insertInto("vat_exemption_certificates")
    .values({
      org_id: org.id,
      reference: ANSI_EXEMPTION.reference,
      valid_from: ANSI_EXEMPTION.validFrom,
      valid_to: ANSI_EXEMPTION.validTo,
      created_by: null,
    })
    .onConflict((oc) => oc.columns(["org_id", "reference"]).doNothing())
    .returning("id")
    .execute();
  return inserted.length;
}
