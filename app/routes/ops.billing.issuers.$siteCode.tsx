import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { getIssuer, saveIssuer } from "~/modules/billing/issuers.server";
import { IssuerForm } from "~/modules/billing/ops-forms.server";
import { findSite } from "~/modules/inventory/inventory.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Field, FormErrors } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** The form's fields, in the order of the page, and the column each one fills. */
const FIELDS = {
  legalName: "legal_name",
  address: "address",
  nif: "nif",
  rccm: "rccm",
  vatNumber: "vat_number",
  bankName: "bank_name",
  bankAccount: "bank_account",
  swift: "swift",
  mobileMoney: "mobile_money",
  footerFr: "footer_fr",
  footerEn: "footer_en",
} as const;
type FieldName = keyof typeof FIELDS;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const db = await getDb();
  const site = await findSite(db, params.siteCode);
  if (!site) notFound();
  const issuer = await getIssuer(db, site.id);
  const values = Object.fromEntries(Object.entries(FIELDS).map(([name, column]) => [name, issuer?.[column] ?? ""])) as Record<FieldName, string>;
  return json({ site: { code: site.code, name: site.name }, values });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey; values?: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "billing:manage");
  const site = await findSite(await getDb(), params.siteCode);
  if (!site) notFound();
  const formData = await readForm(request);
  const all = formDataObject(formData);
  const values = Object.fromEntries(Object.keys(FIELDS).map((name) => [name, (all[name] ?? "").slice(0, 2000)]));
  const parsed = parseForm(IssuerForm, formData);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values }, { status: 400 });
  const d = parsed.data;
  await inTransaction((trx) =>
    saveIssuer(
      trx,
      site.id,
      {
        legal_name: d.legalName,
        address: d.address,
        nif: d.nif,
        rccm: d.rccm,
        vat_number: d.vatNumber,
        bank_name: d.bankName,
        bank_account: d.bankAccount,
        swift: d.swift,
        mobile_money: d.mobileMoney,
        footer_fr: d.footerFr,
        footer_en: d.footerEn,
      },
      { actor: { id: user.id, email: user.email, ip: clientIp(context) } },
    ),
  );
  return redirect(`/ops/billing/issuers?saved=${site.code}`);
}

export default function IssuerPage() {
  const { site, values: stored } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const tr = useT();
  const value = (name: FieldName) => data?.values?.[name] ?? stored[name];
  const input = (name: FieldName, opts: { optional?: boolean; maxLength: number; hint?: string; className?: string } = { maxLength: 200 }) => (
    <Field
      name={name}
      label={tr(`billingOpsForms.issuer.${name}`)}
      optional={opts.optional}
      maxLength={opts.maxLength}
      hint={opts.hint}
      className={opts.className}
      errors={data?.errors}
      defaultValue={value(name)}
    />
  );
  const area = (name: FieldName, opts: { optional?: boolean; maxLength: number; rows: number; hint?: string }) => {
    const error = data?.errors?.[name];
    return (
      <div className={`field${error ? " field--error" : ""}`}>
        <label htmlFor={`f-${name}`}>
          {tr(`billingOpsForms.issuer.${name}`)}
          {opts.optional ? <span className="muted"> ({tr("field.optional")})</span> : null}
        </label>
        <textarea
          id={`f-${name}`}
          name={name}
          rows={opts.rows}
          maxLength={opts.maxLength}
          defaultValue={value(name)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `f-${name}-error` : undefined}
        />
        {opts.hint && !error ? <p className="hint">{opts.hint}</p> : null}
        {error ? (
          <p className="field-error" id={`f-${name}-error`} role="alert">
            {tr(error)}
          </p>
        ) : null}
      </div>
    );
  };
  return (
    <>
      <p>
        <Link to="/ops/billing/issuers">← {tr("billingOpsForms.issuer.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("billingOpsForms.issuer.title", { site: site.code })}</h1>
          <p className="muted">
            {site.name} · {tr("billingOpsForms.issuer.audited")}
          </p>
        </div>
      </div>
      <Form method="post" noValidate className="issuer-form">
        <FormErrors formError={data?.formError} errors={data?.errors} />
        <div className="grid-2 grid-2--top">
          <section className="card">
            <h2>{tr("billingOpsForms.issuer.identity")}</h2>
            {input("legalName", { maxLength: 200 })}
            {area("address", { maxLength: 500, rows: 3 })}
            <div className="grid-2">
              {input("nif", { maxLength: 50 })}
              {input("rccm", { maxLength: 50 })}
            </div>
            {input("vatNumber", { maxLength: 50, optional: true })}
          </section>
          <section className="card">
            <h2>{tr("billingOpsForms.issuer.payment")}</h2>
            {input("bankName", { maxLength: 200, optional: true })}
            {input("bankAccount", { maxLength: 60, optional: true, className: "mono" })}
            {input("swift", { maxLength: 11, optional: true, className: "mono" })}
            {area("mobileMoney", { maxLength: 1000, rows: 3, optional: true, hint: tr("billingOpsForms.issuer.mobileMoneyHint") })}
          </section>
        </div>
        <section className="card">
          <h2>{tr("billingOpsForms.issuer.footer")}</h2>
          <div className="grid-2">
            {area("footerFr", { maxLength: 1000, rows: 3, optional: true })}
            {area("footerEn", { maxLength: 1000, rows: 3, optional: true })}
          </div>
        </section>
        <button className="btn" disabled={navigation.state === "submitting"}>
          {tr("billingOpsForms.issuer.submit")}
        </button>
      </Form>
    </>
  );
}
