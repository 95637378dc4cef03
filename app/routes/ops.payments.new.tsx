import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { creditBalanceMinor, openInvoices, recordPayment } from "~/modules/payments/payments.server";
import { PAYMENT_CURRENCIES, PAYMENT_METHODS } from "~/modules/payments/methods";
import { allocationsFrom, PayerChoice, PAYMENT_ERRORS, recordPaymentForm } from "~/modules/payments/forms.server";
import { payingOrganisations } from "~/modules/payments/views.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * /ops/payments/new — record a payment received. Step one (GET): who paid and in which currency.
 * Step two: amount, method, reference, date, and the allocation — oldest due first by default, or
 * the amounts typed against each open invoice; what is not allocated becomes the organisation's credit.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "payments:record");
  const db = await getDb();
  const url = new URL(request.url);
  const orgs = await payingOrganisations(db);
  const asked = parseForm(PayerChoice, { org: url.searchParams.get("org") ?? "", currency: url.searchParams.get("currency") ?? "" });
  const org = asked.ok ? orgs.find((o) => o.id === asked.data.org) : undefined;
  const payer =
    asked.ok && org
      ? { org, currency: asked.data.currency, invoices: await openInvoices(db, org.id, asked.data.currency), creditMinor: await creditBalanceMinor(db, org.id, asked.data.currency) }
      : null;
  return json({ orgs, payer, asked: url.searchParams.has("org") && !payer, today: new Date().toISOString().slice(0, 10) });
}

type ActionData = { errors?: FieldErrors; formError?: MessageKey; values?: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "payments:record");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const formData = await readForm(request);
  const values = formDataObject(formData);
  const shown = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.slice(0, 200)]));
  const payer = parseForm(PayerChoice, values);
  if (!payer.ok) return json<ActionData>({ errors: payer.errors, values: shown }, { status: 400 });
  const parsed = parseForm(recordPaymentForm(payer.data.currency), values);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, values: shown }, { status: 400 });
  let allocations: "auto" | { invoiceId: string; amountMinor: number }[] = "auto";
  if (parsed.data.mode === "manual") {
    const rows = allocationsFrom(values, payer.data.currency);
    if (!rows.ok) return json<ActionData>({ errors: rows.errors, values: shown }, { status: 400 });
    allocations = rows.rows;
  }
  const result = await inTransactionOrRollback((trx) =>
    recordPayment(trx, {
      orgId: parsed.data.org,
      currency: parsed.data.currency,
      amountMinor: parsed.data.amount,
      method: parsed.data.method,
      reference: parsed.data.reference,
      payer: parsed.data.payer ?? null,
      receivedOn: parsed.data.receivedOn,
      allocations,
      actor,
    }),
  );
  if (!result.ok) {
    const failure = PAYMENT_ERRORS[result.error];
    return json<ActionData>(failure.field ? { errors: { [failure.field]: failure.key }, values: shown } : { formError: failure.key, values: shown }, { status: failure.status });
  }
  return redirect(`/ops/payments/${result.paymentId}?recorded=1`);
}

export default function NewPayment() {
  const { orgs, payer, asked, today } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const v = data?.values ?? {};
  const busy = navigation.state === "submitting";
  return (
    <>
      <div className="page-head">
        <div>
          <p>
            <Link to="/ops/payments">← {tr("payments.list.title")}</Link>
          </p>
          <h1>{tr("payments.new.title")}</h1>
          <p className="muted">{tr("payments.new.lead")}</p>
        </div>
      </div>
      {asked ? <Alert kind="warning">{tr("payments.new.pickAgain")}</Alert> : null}
      <section className="card" aria-labelledby="payer-title">
        <h2 id="payer-title">{tr("payments.new.step1")}</h2>
        <Form method="get" className="audit-filter-form">
          <SelectField
            name="org"
            label={tr("payments.field.org")}
            defaultValue={payer?.org.id ?? ""}
            options={[{ value: "", label: tr("payments.new.chooseOrg") }, ...orgs.map((o) => ({ value: o.id, label: `${o.name} (${o.tax_id})` }))]}
          />
          <SelectField name="currency" label={tr("payments.field.currency")} defaultValue={payer?.currency ?? "XOF"} options={PAYMENT_CURRENCIES.map((c) => ({ value: c, label: c }))} />
          <div className="audit-filter-actions">
            <button type="submit" className="btn btn--secondary">
              {tr("payments.new.continue")}
            </button>
          </div>
        </Form>
      </section>

      {payer ? (
        <section className="card" aria-labelledby="pay-title">
          <h2 id="pay-title">{tr("payments.new.step2", { org: payer.org.name, currency: payer.currency })}</h2>
          {payer.creditMinor > 0 ? <Alert kind="info">{tr("payments.new.hasCredit", { credit: format.money(payer.creditMinor, payer.currency) })}</Alert> : null}
          <FormErrors formError={data?.formError} errors={data?.errors} />
          <Form method="post" noValidate>
            <input type="hidden" name="org" value={payer.org.id} />
            <input type="hidden" name="currency" value={payer.currency} />
            <div className="grid-2">
              <Field name="amount" inputMode="decimal" label={tr("payments.field.amountIn", { currency: payer.currency })} errors={data?.errors} defaultValue={v.amount ?? ""} required />
              <SelectField name="method" label={tr("payments.field.method")} errors={data?.errors} defaultValue={v.method ?? "bank_transfer"} options={PAYMENT_METHODS.map((m) => ({ value: m, label: tr(`payments.method.${m}`) }))} />
              <Field name="reference" label={tr("payments.field.reference")} hint={tr("payments.field.referenceHint")} errors={data?.errors} defaultValue={v.reference ?? ""} maxLength={200} required />
              <Field name="payer" label={tr("payments.field.payer")} optional errors={data?.errors} defaultValue={v.payer ?? ""} maxLength={200} />
              <Field name="receivedOn" type="date" label={tr("payments.field.receivedOn")} errors={data?.errors} defaultValue={v.receivedOn ?? today} max={today} required />
            </div>
            <fieldset>
              <legend>{tr("payments.new.allocation")}</legend>
              <label className="check">
                <input type="radio" name="mode" value="auto" defaultChecked={(v.mode ?? "auto") === "auto"} /> {tr("payments.new.auto")}
              </label>
              <label className="check">
                <input type="radio" name="mode" value="manual" defaultChecked={v.mode === "manual"} /> {tr("payments.new.manual")}
              </label>
              {payer.invoices.length ? (
                <div className="table-scroll">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">{tr("payments.field.invoice")}</th>
                        <th scope="col">{tr("payments.field.dueOn")}</th>
                        <th scope="col" className="num">{tr("payments.field.total")}</th>
                        <th scope="col" className="num">{tr("payments.field.balance")}</th>
                        <th scope="col">{tr("payments.field.allocate")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {payer.invoices.map((i) => (
                        <tr key={i.id}>
                          <td>{i.number}</td>
                          <td>{format.date(i.dueOn)}</td>
                          <td className="num">{format.money(i.totalMinor, payer.currency)}</td>
                          <td className="num">{format.money(i.balanceMinor, payer.currency)}</td>
                          <td>
                            <input
                              name={`alloc.${i.id}`}
                              inputMode="decimal"
                              aria-label={tr("payments.new.allocateTo", { number: i.number })}
                              aria-invalid={data?.errors?.[`alloc.${i.id}`] ? true : undefined}
                              defaultValue={v[`alloc.${i.id}`] ?? ""}
                              size={12}
                            />
                            {data?.errors?.[`alloc.${i.id}`] ? (
                              <p className="field-error" role="alert">
                                {tr(data.errors[`alloc.${i.id}`]!)}
                              </p>
                            ) : null}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : (
                <p className="muted">{tr("payments.new.noOpenInvoices")}</p>
              )}
              <p className="hint">{tr("payments.new.restIsCredit")}</p>
            </fieldset>
            <button type="submit" className="btn" disabled={busy}>
              {tr("payments.new.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
