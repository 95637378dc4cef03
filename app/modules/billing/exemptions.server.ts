import type { Executor } from "#db/types";

/**
 * VAT exemption (ADR 012): an organisation is exempt only on the days one of its exemption
 * certificates covers (valid_from ≤ day ≤ valid_to, both inclusive). The `is_vat_exempt` flag of
 * the organisation says it claims exemption; without a certificate covering the day, VAT applies
 * and the draft is flagged.
 */

export interface ExemptionCertificate {
  id: string;
  reference: string;
  validFrom: string;
  validTo: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The certificate covering `day` ("YYYY-MM-DD"), the one valid longest when several do; else null. */
export async function certificateOn(db: Executor, orgId: string, day: string): Promise<ExemptionCertificate | null> {
  if (!DAY.test(day)) throw new RangeError(`not a date: ${day}`);
  const row = await db
    .selectFrom("vat_exemption_certificates")
    .select(["id", "reference", "valid_from", "valid_to"])
    .where("org_id", "=", orgId)
    .where("valid_from", "<=", day)
    .where("valid_to", ">=", day)
    .orderBy("valid_to", "desc")
    .orderBy("reference")
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, reference: row.reference, validFrom: row.valid_from, validTo: row.valid_to } : null;
}

export async function isExemptOn(db: Executor, orgId: string, day: string): Promise<boolean> {
  return (await certificateOn(db, orgId, day)) !== null;
}

export type ExemptionStatus =
  | { exempt: true; certificate: ExemptionCertificate }
  /**
   * `exemption_expired`: a certificate covered an earlier day but none covers this one;
   * `exemption_missing`: the organisation claims exemption (`is_vat_exempt`) and never had a certificate.
   */
  | { exempt: false; flag: "exemption_expired" | "exemption_missing" | null; lastCertificate: ExemptionCertificate | null };

/** What the billing run needs for one organisation on one day: exempt or not, and the flag for the draft. */
export async function exemptionStatus(db: Executor, orgId: string, day: string): Promise<ExemptionStatus> {
  const certificate = await certificateOn(db, orgId, day);
  if (certificate) return { exempt: true, certificate };
  const org = await db.selectFrom("organisations").select("is_vat_exempt").where("id", "=", orgId).executeTakeFirstOrThrow();
  const last = await db
    .selectFrom("vat_exemption_certificates")
    .select(["id", "reference", "valid_from", "valid_to"])
    .where("org_id", "=", orgId)
    .where("valid_from", "<=", day)
    .orderBy("valid_to", "desc")
    .limit(1)
    .executeTakeFirst();
  return {
    exempt: false,
    flag: last ? "exemption_expired" : org.is_vat_exempt ? "exemption_missing" : null,
    lastCertificate: last ? { id: last.id, reference: last.reference, validFrom: last.valid_from, validTo: last.valid_to } : null,
  };
}

export interface NewCertificate {
  orgId: string;
  reference: string;
  validFrom: string;
  validTo: string;
  createdBy: string | null;
}

/** Records a certificate; `invalid_dates` when it ends before it starts, `duplicate` for a reference the organisation already has. */
export async function addCertificate(
  db: Executor,
  input: NewCertificate,
): Promise<{ ok: true; id: string } | { ok: false; error: "invalid_dates" | "duplicate" }> {
  if (!DAY.test(input.validFrom) || !DAY.test(input.validTo) || input.validTo < input.validFrom) {
    return { ok: false, error: "invalid_dates" };
  }
  const row = await db
    .insertInto("vat_exemption_certificates")
    .values({
      org_id: input.orgId,
      reference: input.reference.trim(),
      valid_from: input.validFrom,
      valid_to: input.validTo,
      created_by: input.createdBy,
    })
    .onConflict((oc) => oc.columns(["org_id", "reference"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ? { ok: true, id: row.id } : { ok: false, error: "duplicate" };
}
