import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { listSites } from "~/modules/inventory/sites.server";
import { DATE_FORMATS, SOURCE_FORMATS, SOURCE_KINDS, SOURCE_METHODS } from "~/modules/payments/statements/constants";
import { listSources, saveSource, SourceForm } from "~/modules/payments/statements/sources.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** /ops/payments/sources — where each site's statements come from, and how a CSV export's columns are read. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "payments:record");
  const db = await getDb();
  const url = new URL(request.url);
  const [sites, sources] = await Promise.all([listSites(db), listSources(db)]);
  const editId = url.searchParams.get("edit");
  const editing = sources.find((s) => s.id === editId) ?? null;
  const delimiterName = (d: string | null) => ({ ",": "comma", ";": "semicolon", "|": "pipe", "\t": "tab" })[d ?? ","] ?? "comma";
  return json({
    sites: sites.map((s) => ({ code: s.code, name: s.name })),
    site: (url.searchParams.get("site") ?? "").toUpperCase(),
    saved: url.searchParams.get("saved") === "1",
    sources: sources.map((s) => ({ id: s.id, site: s.site_code, name: s.name, kind: s.kind, method: s.method, format: s.format, columns: [s.csv_date_column, s.csv_amount_column, s.csv_label_column].filter(Boolean).join(" · ") })),
    editing: editing
      ? {
          id: editing.id,
          values: {
            site: editing.site_code,
            name: editing.name,
            kind: editing.kind,
            method: editing.method,
            format: editing.format,
            delimiter: delimiterName(editing.csv_delimiter),
            dateColumn: editing.csv_date_column ?? "",
            amountColumn: editing.csv_amount_column ?? "",
            currencyColumn: editing.csv_currency_column ?? "",
            labelColumn: editing.csv_label_column ?? "",
            transactionIdColumn: editing.csv_transaction_id_column ?? "",
            payerColumn: editing.csv_payer_column ?? "",
            dateFormat: editing.csv_date_format ?? "DD/MM/YYYY",
            decimalSeparator: editing.csv_decimal_separator === "." ? "dot" : "comma",
          } as Record<string, string>,
        }
      : null,
  });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey; values?: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "payments:record");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const formData = await readForm(request);
  const values = Object.fromEntries(Object.entries(formDataObject(formData)).map(([k, v]) => [k, v.slice(0, 200)]));
  const form = parseForm(SourceForm, formData);
  if (!form.ok) return json<ActionData>({ errors: form.errors, values }, { status: 400 });
  const id = formData.get("id");
  const result = await inTransaction((trx) => saveSource(trx, { id: typeof id === "string" && id ? id : undefined, data: form.data, actor }));
  if (!result.ok) {
    if (result.error === "duplicate_name") return json<ActionData>({ errors: { name: "reconcile.sources.duplicateName" }, values }, { status: 409 });
    if (result.error === "site_not_found") return json<ActionData>({ errors: { site: "error.invalidChoice" }, values }, { status: 400 });
    return json<ActionData>({ formError: "reconcile.sources.notFound", values }, { status: 404 });
  }
  return redirect(`/ops/payments/sources?site=${form.data.site}&saved=1`);
}

export default function StatementSources() {
  const { sites, site, saved, sources, editing } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const tr = useT();
  const v: Record<string, string> = data?.values ?? editing?.values ?? { site: site || sites[0]?.code || "", kind: "bank", method: "bank_transfer", format: "csv", delimiter: "semicolon", dateFormat: "DD/MM/YYYY", decimalSeparator: "comma" };
  const errors = data?.errors;
  const opt = (values: readonly string[], prefix: string) => values.map((x) => ({ value: x, label: tr(`${prefix}.${x}` as MessageKey) }));

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("reconcile.sources.title")}</h1>
          <p className="muted">{tr("reconcile.sources.lead")}</p>
        </div>
        <Link className="btn btn--secondary" to={`/ops/payments/inbox${site ? `?site=${site}` : ""}`}>
          {tr("reconcile.sources.back")}
        </Link>
      </div>
      {saved ? <Alert kind="success">{tr("reconcile.sources.saved")}</Alert> : null}
      <section className="card" aria-labelledby="list-title">
        <h2 id="list-title">{tr("reconcile.sources.list")}</h2>
        {sources.length === 0 ? (
          <p className="muted">{tr("reconcile.sources.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{tr("common.site")}</th>
                  <th>{tr("reconcile.sources.name")}</th>
                  <th>{tr("reconcile.sources.kind")}</th>
                  <th>{tr("reconcile.sources.method")}</th>
                  <th>{tr("reconcile.sources.format")}</th>
                  <th>{tr("reconcile.sources.columns")}</th>
                  <th><span className="visually-hidden">{tr("common.actions")}</span></th>
                </tr>
              </thead>
              <tbody>
                {sources.map((s) => (
                  <tr key={s.id}>
                    <td>{s.site}</td>
                    <td>{s.name}</td>
                    <td>{tr(`reconcile.kind.${s.kind}`)}</td>
                    <td>{tr(`reconcile.method.${s.method}`)}</td>
                    <td>{tr(`reconcile.format.${s.format}`)}</td>
                    <td className="small muted">{s.columns || "—"}</td>
                    <td>
                      <Link to={`/ops/payments/sources?site=${s.site}&edit=${s.id}`}>{tr("reconcile.sources.edit")}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="form-title">
        <h2 id="form-title">{editing ? tr("reconcile.sources.editTitle", { name: editing.values.name }) : tr("reconcile.sources.newTitle")}</h2>
        <FormErrors formError={data?.formError} errors={errors} />
        <Form method="post" noValidate key={editing?.id ?? "new"}>
          {editing ? <input type="hidden" name="id" value={editing.id} /> : null}
          <div className="grid-2">
            <SelectField name="site" label={tr("common.site")} errors={errors} defaultValue={v.site} options={sites.map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` }))} />
            <Field name="name" label={tr("reconcile.sources.name")} errors={errors} defaultValue={v.name ?? ""} required />
            <SelectField name="kind" label={tr("reconcile.sources.kind")} errors={errors} defaultValue={v.kind} options={opt(SOURCE_KINDS, "reconcile.kind")} />
            <SelectField name="method" label={tr("reconcile.sources.method")} errors={errors} defaultValue={v.method} options={opt(SOURCE_METHODS, "reconcile.method")} />
            <SelectField name="format" label={tr("reconcile.sources.format")} errors={errors} defaultValue={v.format} options={opt(SOURCE_FORMATS, "reconcile.format")} />
          </div>
          <fieldset>
            <legend>{tr("reconcile.sources.mapping")}</legend>
            <p className="hint">{tr("reconcile.sources.mappingHint")}</p>
            <div className="grid-2">
              <SelectField name="delimiter" label={tr("reconcile.sources.delimiter")} errors={errors} defaultValue={v.delimiter} options={opt(["semicolon", "comma", "tab", "pipe"], "reconcile.delimiter")} />
              <SelectField name="decimalSeparator" label={tr("reconcile.sources.decimal")} errors={errors} defaultValue={v.decimalSeparator} options={opt(["comma", "dot"], "reconcile.decimal")} />
              <SelectField name="dateFormat" label={tr("reconcile.sources.dateFormat")} errors={errors} defaultValue={v.dateFormat} options={DATE_FORMATS.map((d) => ({ value: d, label: d }))} />
              <Field name="dateColumn" label={tr("reconcile.sources.dateColumn")} errors={errors} defaultValue={v.dateColumn ?? ""} />
              <Field name="amountColumn" label={tr("reconcile.sources.amountColumn")} errors={errors} defaultValue={v.amountColumn ?? ""} />
              <Field name="labelColumn" label={tr("reconcile.sources.labelColumn")} errors={errors} defaultValue={v.labelColumn ?? ""} />
              <Field name="currencyColumn" label={tr("reconcile.sources.currencyColumn")} errors={errors} defaultValue={v.currencyColumn ?? ""} />
              <Field name="transactionIdColumn" label={tr("reconcile.sources.transactionIdColumn")} errors={errors} defaultValue={v.transactionIdColumn ?? ""} />
              <Field name="payerColumn" label={tr("reconcile.sources.payerColumn")} errors={errors} defaultValue={v.payerColumn ?? ""} />
            </div>
          </fieldset>
          <button className="btn" disabled={busy}>
            {tr("reconcile.sources.submit")}
          </button>
        </Form>
      </section>
    </>
  );
}
