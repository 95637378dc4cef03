import { Form } from "@remix-run/react";
import type { FieldErrors } from "~/utils/forms";
import type { MessageKey } from "~/i18n";
import { Alert, Field, FormErrors, SelectField } from "./forms";
import { StatusBadge } from "./shell";
import { useFormat, useT } from "./i18n";

/** What the billing forms' actions answer (the `intent` tells the page which form it is about). */
export type BillingActionData = {
  intent: string;
  errors?: FieldErrors;
  formError?: MessageKey;
  notice?: MessageKey;
};

export interface OrgBillingSectionView {
  billingLanguage: "fr" | "en";
  isVatExempt: boolean;
  paymentTermsDays: number;
  certificates: {
    id: string;
    reference: string;
    validFrom: string;
    validTo: string;
    state: "valid" | "expired" | "future";
  }[];
}

const BADGE = {
  valid: "active",
  expired: "inactive",
  future: "upcoming",
} as const;

/**
 * An organisation's billing settings and exemption certificates. `operator`: every setting and a
 * form to add a certificate; `tenant`: the invoice language only; `readOnly`: nothing to change.
 */
export function OrgBillingSection({
  view,
  data,
  mode,
}: {
  view: OrgBillingSectionView;
  data?: BillingActionData;
  mode: "operator" | "tenant" | "readOnly" | "tenantReadOnly";
}) {
  const tr = useT();
  const format = useFormat();
  const errorsFor = (intent: string) => (data?.intent === intent ? data.errors : undefined);
  const noticeFor = (intent: string) => (data?.intent === intent ? data.notice : undefined);
  const languages = [
    { value: "fr", label: tr("lang.fr") },
    { value: "en", label: tr("lang.en") },
  ];
  const coveredToday = view.certificates.some((c) => c.state === "valid");
  const settingsNotice = noticeFor("billing_settings");
  const certificateNotice = noticeFor("add_certificate");
  const canEditLanguage = mode === "operator" || mode === "tenant";
  const vatError = errorsFor("billing_settings")?.isVatExempt;
  return (
    <section className="card" id="billing" aria-labelledby="billing-title">
      <h2 id="billing-title">{tr("orgBilling.title")}</h2>
      <p className="muted">{tr("orgBilling.intro")}</p>
      {view.isVatExempt && !coveredToday ? <Alert kind="warning">{tr("orgBilling.noCoverage")}</Alert> : null}
      <div className="grid-2 grid-2--top">
        {/* min-width 0: the certificates table scrolls inside its column on a phone instead of widening the card. */}
        <div style={{ minWidth: 0 }}>
          {settingsNotice ? <Alert kind="success">{tr(settingsNotice)}</Alert> : null}
          <FormErrors formError={data?.intent === "billing_settings" ? data.formError : undefined} errors={errorsFor("billing_settings")} />
          {canEditLanguage ? (
            <Form method="post" noValidate key={`${view.billingLanguage}-${view.isVatExempt}-${view.paymentTermsDays}`}>
              <input type="hidden" name="intent" value="billing_settings" />
              <SelectField
                name="billingLanguage"
                label={tr("orgBilling.language")}
                defaultValue={view.billingLanguage}
                errors={errorsFor("billing_settings")}
                options={languages}
              />
              {mode === "operator" ? (
                <>
                  <div style={{ marginBottom: "0.9rem" }}>
                    <label className="check">
                      <input type="checkbox" name="isVatExempt" defaultChecked={view.isVatExempt} />
                      <strong>{tr("orgBilling.vatExempt")}</strong>
                    </label>
                    <p className="hint">{tr("orgBilling.vatExemptHint")}</p>
                    {vatError ? (
                      <p className="field-error" role="alert">
                        {tr(vatError)}
                      </p>
                    ) : null}
                  </div>
                  <Field
                    name="paymentTermsDays"
                    label={tr("orgBilling.paymentTerms")}
                    inputMode="numeric"
                    maxLength={3}
                    defaultValue={String(view.paymentTermsDays)}
                    hint={tr("orgBilling.paymentTermsHint")}
                    errors={errorsFor("billing_settings")}
                    required
                  />
                </>
              ) : null}
              <button className="btn">{tr("orgBilling.save")}</button>
            </Form>
          ) : null}
          {mode === "operator" ? null : (
            <dl className="facts facts--tight">
              {canEditLanguage ? null : (
                <>
                  <dt>{tr("orgBilling.language")}</dt>
                  <dd>{tr(`lang.${view.billingLanguage}`)}</dd>
                </>
              )}
              <dt>{tr("orgBilling.vatExempt")}</dt>
              <dd>{view.isVatExempt ? tr("orgBilling.vatClaimed") : tr("orgBilling.vatNotClaimed")}</dd>
              <dt>{tr("dashboard.paymentTerms")}</dt>
              <dd>
                {tr("dashboard.paymentTermsValue", {
                  days: view.paymentTermsDays,
                })}
              </dd>
            </dl>
          )}
          {mode === "readOnly" ? <p className="hint">{tr("orgBilling.readOnly")}</p> : null}
          {mode === "tenantReadOnly" ? <p className="hint">{tr("orgBilling.tenantReadOnly")}</p> : null}
          {mode === "tenant" || mode === "tenantReadOnly" ? <p className="hint">{tr("orgBilling.tenantHint")}</p> : null}
        </div>
        <div style={{ minWidth: 0 }}>
          <h3>{tr("orgBilling.certificates")}</h3>
          {view.certificates.length ? (
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th>{tr("orgBilling.col.reference")}</th>
                    <th>{tr("orgBilling.col.validFrom")}</th>
                    <th>{tr("orgBilling.col.validTo")}</th>
                    <th>{tr("orgBilling.col.state")}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.certificates.map((c) => (
                    <tr key={c.id}>
                      <td className="mono">{c.reference}</td>
                      <td>{format.date(c.validFrom)}</td>
                      <td>{format.date(c.validTo)}</td>
                      <td>
                        <StatusBadge status={BADGE[c.state]} label={tr(`orgBilling.state.${c.state}`)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">{tr("orgBilling.certificatesEmpty")}</p>
          )}
          {mode === "operator" ? (
            <>
              <h3>{tr("orgBilling.addCertificate")}</h3>
              {certificateNotice ? <Alert kind="success">{tr(certificateNotice)}</Alert> : null}
              <FormErrors errors={errorsFor("add_certificate")} />
              <Form method="post" noValidate key={view.certificates.length}>
                <input type="hidden" name="intent" value="add_certificate" />
                <Field name="reference" label={tr("orgBilling.field.reference")} maxLength={100} errors={errorsFor("add_certificate")} required />
                <Field
                  name="validFrom"
                  label={tr("orgBilling.field.validFrom")}
                  type="date"
                  min="2000-01-01"
                  max="2100-12-31"
                  errors={errorsFor("add_certificate")}
                  required
                />
                <Field
                  name="validTo"
                  label={tr("orgBilling.field.validTo")}
                  type="date"
                  min="2000-01-01"
                  max="2100-12-31"
                  errors={errorsFor("add_certificate")}
                  required
                />
                <button className="btn">{tr("orgBilling.add")}</button>
              </Form>
            </>
          ) : null}
        </div>
      </div>
    </section>
  );
}
