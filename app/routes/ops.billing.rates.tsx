import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import {
  importRatesCsv,
  RATE_CSV_MAX_BYTES,
  RATE_CURRENCIES,
  RateError,
  recentRates,
  setRate,
  type RateCsvIssue,
} from "~/modules/billing/rates.server";
import { RATE_ERRORS, RateForm, RateImportForm } from "~/modules/billing/ops-forms.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useLocale, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  return json({ rates: await recentRates(await getDb(), 60), currencies: [...RATE_CURRENCIES] });
}

type ActionData = {
  intent: "set" | "import";
  errors?: FieldErrors;
  formError?: MessageKey;
  values?: Record<string, string>;
  issues?: RateCsvIssue[];
  truncated?: boolean;
  imported?: { count: number; replaced: number; firstOn: string; lastOn: string };
};

/** Room for the other fields and the multipart framing around a file of at most 1 MB. */
const ENVELOPE_BYTES = 64 * 1024;

const importErrors: Record<"empty" | "too_many" | "no_pair", { field: string; key: MessageKey }> = {
  empty: { field: "file", key: "billingOpsForms.rates.import.empty" },
  too_many: { field: "file", key: "billingOpsForms.rates.import.tooMany" },
  no_pair: { field: "pair", key: "billingOpsForms.rates.import.noPair" },
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "billing:manage");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  // A body over the limit is a 413 thrown by readForm (nothing read further, nothing written).
  const formData = await readForm(request, { maxBytes: RATE_CSV_MAX_BYTES + ENVELOPE_BYTES });
  const intent = formData.get("intent");

  if (intent === "set") {
    const values = formDataObject(formData);
    const shown = { from: values.from ?? "", to: values.to ?? "", on: values.on ?? "", rate: (values.rate ?? "").slice(0, 40) };
    const parsed = parseForm(RateForm, formData);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values: shown }, { status: 400 });
    try {
      await inTransaction((trx) => setRate(trx, { ...parsed.data, source: "manual", actor }));
    } catch (error) {
      if (!(error instanceof RateError)) throw error;
      const failure = RATE_ERRORS[error.code];
      return json<ActionData>({ intent, errors: { [failure.field]: failure.key }, values: shown }, { status: 400 });
    }
    return redirect(`/ops/billing/rates?saved=${encodeURIComponent(`${parsed.data.from}-${parsed.data.to}-${parsed.data.on}`)}`);
  }

  if (intent === "import") {
    const pairValue = formData.get("pair");
    const values = { pair: typeof pairValue === "string" ? pairValue.slice(0, 20) : "" };
    const pair = parseForm(RateImportForm, { pair: values.pair });
    if (!pair.ok) return json<ActionData>({ intent, errors: pair.errors, values }, { status: 400 });
    const file = formData.get("file");
    if (!(file instanceof File) || (file.size === 0 && !file.name)) return json<ActionData>({ intent, errors: { file: "billingOpsForms.rates.import.chooseFile" }, values }, { status: 400 });
    if (file.size > RATE_CSV_MAX_BYTES) return json<ActionData>({ intent, errors: { file: "billingOpsForms.rates.import.tooLarge" }, values }, { status: 400 });
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      return json<ActionData>({ intent, errors: { file: "billingOpsForms.rates.import.notText" }, values }, { status: 400 });
    }
    if (/\u0000/.test(text)) return json<ActionData>({ intent, errors: { file: "billingOpsForms.rates.import.notText" }, values }, { status: 400 });
    const result = await inTransactionOrRollback((trx) => importRatesCsv(trx, { text, pair: pair.data.pair, actor }));
    if (result.ok) {
      return json<ActionData>({ intent, imported: { count: result.imported, replaced: result.replaced, firstOn: result.firstOn, lastOn: result.lastOn } });
    }
    if (result.error === "invalid") {
      return json<ActionData>({ intent, errors: { file: "billingOpsForms.rates.import.rejected" }, values, issues: result.issues, truncated: result.truncated }, { status: 400 });
    }
    const failure = importErrors[result.error];
    return json<ActionData>({ intent, errors: { [failure.field]: failure.key }, values }, { status: 400 });
  }

  return json<ActionData>({ intent: "set", formError: "error.invalid" }, { status: 400 });
}

export default function ExchangeRates() {
  const { rates, currencies } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const locale = useLocale();
  const busy = navigation.state === "submitting";
  const set = data?.intent === "set" ? data : undefined;
  const imp = data?.intent === "import" ? data : undefined;
  const saved = params.get("saved");
  const pairs = currencies.flatMap((from) => currencies.filter((to) => to !== from).map((to) => `${from}-${to}`));
  const issueText = (issue: RateCsvIssue) =>
    `${issue.line ? tr("billingOpsForms.rates.issue.line", { line: issue.line }) : tr("billingOpsForms.rates.issue.unknownLine")} : ${tr(`billingOpsForms.rates.issue.${issue.problem}`)}`;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("billingOpsForms.rates.title")}</h1>
          <p className="muted">{tr("billingOpsForms.rates.lead")}</p>
        </div>
      </div>
      {saved ? <Alert kind="success">{tr("billingOpsForms.rates.saved")}</Alert> : null}
      {imp?.imported ? (
        <Alert kind="success">
          {tr("billingOpsForms.rates.import.done", {
            count: imp.imported.count,
            replaced: imp.imported.replaced,
            first: format.date(imp.imported.firstOn),
            last: format.date(imp.imported.lastOn),
          })}
        </Alert>
      ) : null}

      <div className="grid-2 grid-2--top">
        <section className="card" aria-labelledby="set-title">
          <h2 id="set-title">{tr("billingOpsForms.rates.set.title")}</h2>
          <FormErrors formError={set?.formError} />
          <Form method="post" noValidate key={saved ?? "set"}>
            <input type="hidden" name="intent" value="set" />
            <div className="grid-2">
              <SelectField name="from" label={tr("billingOpsForms.rates.field.from")} errors={set?.errors} defaultValue={set?.values?.from ?? "USD"} options={currencies.map((c) => ({ value: c, label: c }))} />
              <SelectField name="to" label={tr("billingOpsForms.rates.field.to")} errors={set?.errors} defaultValue={set?.values?.to ?? "CDF"} options={currencies.map((c) => ({ value: c, label: c }))} />
            </div>
            <Field name="on" type="date" label={tr("billingOpsForms.rates.field.on")} errors={set?.errors} defaultValue={set?.values?.on ?? ""} required />
            <Field
              name="rate"
              inputMode="decimal"
              label={tr("billingOpsForms.rates.field.rate")}
              hint={tr("billingOpsForms.rates.field.rateHint")}
              errors={set?.errors}
              defaultValue={set?.values?.rate ?? ""}
              required
            />
            <p className="hint">{tr("billingOpsForms.rates.set.hint")}</p>
            <button className="btn" disabled={busy}>
              {tr("billingOpsForms.rates.set.submit")}
            </button>
          </Form>
        </section>

        <section className="card" aria-labelledby="import-title">
          <h2 id="import-title">{tr("billingOpsForms.rates.import.title")}</h2>
          <p className="hint">{tr("billingOpsForms.rates.import.intro")}</p>
          <FormErrors formError={imp?.formError} />
          <Form method="post" encType="multipart/form-data" noValidate key={imp?.imported ? `done-${imp.imported.count}` : "import"}>
            <input type="hidden" name="intent" value="import" />
            <SelectField
              name="pair"
              label={tr("billingOpsForms.rates.import.pair")}
              errors={imp?.errors}
              defaultValue={imp?.values?.pair ?? "USD-CDF"}
              options={[...pairs.map((p) => ({ value: p, label: p.replace("-", " → ") })), { value: "", label: tr("billingOpsForms.rates.import.pairInFile") }]}
            />
            <div className={`field${imp?.errors?.file ? " field--error" : ""}`}>
              <label htmlFor="f-file">{tr("billingOpsForms.rates.import.file")}</label>
              <input
                id="f-file"
                name="file"
                type="file"
                accept=".csv,text/csv"
                required
                aria-invalid={imp?.errors?.file ? true : undefined}
                aria-describedby={imp?.errors?.file ? "f-file-error" : undefined}
              />
              {imp?.errors?.file ? (
                <p className="field-error" id="f-file-error" role="alert">
                  {tr(imp.errors.file)}
                </p>
              ) : null}
            </div>
            {imp?.issues?.length ? (
              <ul className="small rate-issues">
                {imp.issues.map((issue, i) => (
                  <li key={i}>{issueText(issue)}</li>
                ))}
                {imp.truncated ? <li className="muted">{tr("billingOpsForms.rates.import.truncated")}</li> : null}
              </ul>
            ) : null}
            <button className="btn" disabled={busy}>
              {tr("billingOpsForms.rates.import.submit")}
            </button>
          </Form>
        </section>
      </div>

      <section className="card" aria-labelledby="recent-title">
        <h2 id="recent-title">{tr("billingOpsForms.rates.recent")}</h2>
        {rates.length === 0 ? (
          <p className="muted">{tr("billingOpsForms.rates.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>{tr("billingOpsForms.rates.col.on")}</th>
                  <th>{tr("billingOpsForms.rates.col.pair")}</th>
                  <th className="num">{tr("billingOpsForms.rates.col.rate")}</th>
                  <th>{tr("billingOpsForms.rates.col.source")}</th>
                </tr>
              </thead>
              <tbody>
                {rates.map((r) => (
                  <tr key={`${r.from}-${r.to}-${r.on}`}>
                    <td className="nowrap">{format.date(r.on)}</td>
                    <td className="nowrap">
                      {r.from} → {r.to}
                    </td>
                    <td className="num mono">{locale === "fr" ? r.rate.replace(".", ",") : r.rate}</td>
                    <td className="small muted">{tr(`billingOpsForms.rates.source.${r.source}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
