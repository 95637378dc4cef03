/**
 * An organisation's billing settings (issue 8, "The issuer"): the language of its invoices, whether
 * it claims VAT exemption, its payment terms, and its exemption certificates (ADR 012: exempt only
 * on the days a certificate covers). Read by the operator's organisation page and the tenant's
 * dashboard; changed by operators with `billing:manage` (everything) and by the tenant's owners and
 * admins (the billing language only). Every change is audited in its transaction.
 */
import { z } from "zod";
import type { Locale } from "#db/schema";
import type { Executor, Trx } from "#db/types";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { fields } from "~/utils/forms.server";
import { isUuid } from "~/utils/ids";
import { addCertificate } from "./exemptions.server";

export type CertificateState = "valid" | "expired" | "future";

export interface CertificateView {
  id: string;
  reference: string;
  validFrom: string;
  validTo: string;
  state: CertificateState;
}

export interface OrgBillingView {
  billingLanguage: Locale;
  isVatExempt: boolean;
  paymentTermsDays: number;
  certificates: CertificateView[];
}

/** A certificate's state on `today` ("YYYY-MM-DD"); both ends are covered days. */
export function certificateState(c: { validFrom: string; validTo: string }, today: string): CertificateState {
  if (today < c.validFrom) return "future";
  if (today > c.validTo) return "expired";
  return "valid";
}

/**
 * The billing settings of one organisation and its certificates (latest ending first), their state
 * on `today`. Scoped by `orgId`: a tenant's page passes its session's organisation.
 */
export async function orgBillingView(db: Executor, orgId: string, today: string): Promise<OrgBillingView | null> {
  if (!isUuid(orgId)) return null;
  const org = await db
    .selectFrom("organisations")
    .select(["billing_language", "is_vat_exempt", "payment_terms_days"])
    .where("id", "=", orgId)
    .executeTakeFirst();
  if (!org) return null;
  return buildOrgBillingView(org, await certificateRows(db, orgId), today);
}

/** An organisation's exemption certificates, latest ending first (scoped by `orgId`). */
export async function certificateRows(db: Executor, orgId: string) {
  if (!isUuid(orgId)) return [];
  return certificatesQuery(db, orgId).execute();
}

/** The query of `certificateRows` (also read inside another statement: the tenant dashboard's). */
export function certificatesQuery(db: Executor, orgId: string) {
  return db
    .selectFrom("vat_exemption_certificates")
    .select(["id", "reference", "valid_from", "valid_to"])
    .where("org_id", "=", orgId)
    .orderBy("valid_to", "desc")
    .orderBy("reference");
}

/** The view from the organisation's row and its certificates (for a page that has read both already). */
export function buildOrgBillingView(
  org: { billing_language: Locale; is_vat_exempt: boolean; payment_terms_days: number },
  rows: Awaited<ReturnType<typeof certificateRows>>,
  today: string,
): OrgBillingView {
  return {
    billingLanguage: org.billing_language,
    isVatExempt: org.is_vat_exempt,
    paymentTermsDays: org.payment_terms_days,
    certificates: rows.map((r) => {
      const c = { id: r.id, reference: r.reference, validFrom: r.valid_from, validTo: r.valid_to };
      return { ...c, state: certificateState(c, today) };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Forms (messages are i18n keys)

const language = () => fields.choice(["fr", "en"] as const);

/** The operator's settings form: language, exemption claimed (a checkbox: "on" or absent), payment terms. */
export const OpsBillingSettingsForm = z.object({
  billingLanguage: language(),
  isVatExempt: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === "on" || v === "true", { error: "error.invalidChoice" })
    .transform((v) => v !== undefined),
  paymentTermsDays: fields.int(0, 180, { range: "orgBilling.error.paymentTerms" }),
});

/** The tenant's form: the billing language only. */
export const TenantBillingLanguageForm = z.object({ billingLanguage: language() });

export const CertificateForm = z
  .object({
    reference: z
      .string({ error: "error.required" })
      .trim()
      .min(1, { error: "error.required" })
      .min(2, { error: "orgBilling.error.referenceLength" })
      .max(100, { error: "orgBilling.error.referenceLength" }),
    validFrom: fields.date(),
    validTo: fields.date(),
  })
  .superRefine((value, ctx) => {
    if (value.validTo < value.validFrom) ctx.addIssue({ code: "custom", path: ["validTo"], message: "orgBilling.error.dateOrder" });
  });

// ---------------------------------------------------------------------------------------------
// Changes

export interface BillingSettingsChange {
  billingLanguage: Locale;
  /** Left as they are when undefined (the tenant changes only the language). */
  isVatExempt?: boolean;
  paymentTermsDays?: number;
}

/**
 * Changes an organisation's billing settings and records `org.billing_settings_changed` with the
 * fields that changed (before and after). Nothing is written when nothing changes.
 */
export async function updateBillingSettings(
  trx: Trx,
  input: { orgId: string; change: BillingSettingsChange; actor: Actor },
): Promise<{ ok: true; changed: boolean } | { ok: false; error: "not_found" }> {
  if (!isUuid(input.orgId)) return { ok: false, error: "not_found" };
  const org = await trx
    .selectFrom("organisations")
    .select(["id", "billing_language", "is_vat_exempt", "payment_terms_days"])
    .where("id", "=", input.orgId)
    .forUpdate()
    .executeTakeFirst();
  if (!org) return { ok: false, error: "not_found" };
  const current = { billing_language: org.billing_language, is_vat_exempt: org.is_vat_exempt, payment_terms_days: org.payment_terms_days };
  const wanted = {
    billing_language: input.change.billingLanguage,
    is_vat_exempt: input.change.isVatExempt ?? org.is_vat_exempt,
    payment_terms_days: input.change.paymentTermsDays ?? org.payment_terms_days,
  };
  const keys = (Object.keys(wanted) as (keyof typeof wanted)[]).filter((k) => wanted[k] !== current[k]);
  if (!keys.length) return { ok: true, changed: false };
  const pick = (from: typeof wanted) => Object.fromEntries(keys.map((k) => [k, from[k]]));
  await trx.updateTable("organisations").set({ ...wanted, updated_at: new Date() }).where("id", "=", org.id).execute();
  await recordAudit(trx, {
    actor: input.actor,
    action: "org.billing_settings_changed",
    entityType: "organisation",
    entityId: org.id,
    orgId: org.id,
    before: pick(current),
    after: pick(wanted),
  });
  return { ok: true, changed: true };
}

/**
 * Records an exemption certificate for an organisation and `billing.certificate_added`.
 * `duplicate`: the organisation already has a certificate with this reference.
 */
export async function addExemptionCertificate(
  trx: Trx,
  input: { orgId: string; reference: string; validFrom: string; validTo: string; actor: Actor },
): Promise<{ ok: true; id: string } | { ok: false; error: "not_found" | "invalid_dates" | "duplicate" }> {
  if (!isUuid(input.orgId)) return { ok: false, error: "not_found" };
  const org = await trx.selectFrom("organisations").select("id").where("id", "=", input.orgId).forUpdate().executeTakeFirst();
  if (!org) return { ok: false, error: "not_found" };
  const result = await addCertificate(trx, {
    orgId: org.id,
    reference: input.reference,
    validFrom: input.validFrom,
    validTo: input.validTo,
    createdBy: input.actor.id,
  });
  if (!result.ok) return result;
  await recordAudit(trx, {
    actor: input.actor,
    action: "billing.certificate_added",
    entityType: "organisation",
    entityId: org.id,
    orgId: org.id,
    after: { certificateId: result.id, reference: input.reference.trim(), validFrom: input.validFrom, validTo: input.validTo },
  });
  return { ok: true, id: result.id };
}

/** The message for a domain error of the certificate form. */
export const CERTIFICATE_ERRORS = {
  invalid_dates: "orgBilling.error.dateOrder",
  duplicate: "orgBilling.error.duplicate",
} as const;
