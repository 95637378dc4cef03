import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { accountPosition, applyCredit, refundCredit } from "~/modules/payments/payments.server";
import { PAYMENT_METHODS } from "~/modules/payments/methods";
import { CurrencyChoice, PAYMENT_ERRORS, refundForm } from "~/modules/payments/forms.server";
import { getOrganisation, listPayments } from "~/modules/payments/views.server";
import { formDataObject, parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors, SelectField } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * /ops/payments/credit/:orgId — an organisation's account per currency (what it owes, what is
 * overdue, its credit), applying its credit to its open invoices, and refunding credit.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "payments:record");
  const db = await getDb();
  const org = await getOrganisation(db, params.orgId ?? "");
  if (!org) throw json({ message: "payments.error.org" }, { status: 404 });
  const today = new Date().toISOString().slice(0, 10);
  const [position, payments] = await Promise.all([accountPosition(db, org.id), listPayments(db, { orgId: org.id, state: "live" })]);
  return json({ org, position, withCredit: payments.rows.filter((p) => p.unallocatedMinor > 0), today });
}

type ActionData = { intent: string; errors?: FieldErrors; formError?: MessageKey; values?: Record<string, string>; applied?: number };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "payments:record");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const org = await getOrganisation(await getDb(), params.orgId ?? "");
  if (!org) return json<ActionData>({ intent: "", formError: "payments.error.org" }, { status: 404 });
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "");
  const currency = parseForm(CurrencyChoice, formData);
  if (!currency.ok) return json<ActionData>({ intent, errors: currency.errors }, { status: 400 });
  if (intent === "apply") {
    const applied = await inTransaction((trx) => applyCredit(trx, { orgId: org.id, currency: currency.data.currency, actor }));
    return redirect(`/ops/payments/credit/${org.id}?applied=${applied.length}`);
  }
  if (intent === "refund") {
    const values = Object.fromEntries(Object.entries(formDataObject(formData)).map(([k, v]) => [k, v.slice(0, 1000)]));
    const parsed = parseForm(refundForm(currency.data.currency), formData);
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    const result = await inTransactionOrRollback((trx) =>
      refundCredit(trx, {
        orgId: org.id,
        currency: parsed.data.currency,
        amountMinor: parsed.data.refundAmount,
        refundedOn: parsed.data.refundedOn,
        method: parsed.data.refundMethod,
        reference: parsed.data.refundReference,
        reason: parsed.data.refundReason,
        actor,
      }),
    );
    if (!result.ok) {
      const failure = PAYMENT_ERRORS[result.error];
      const field = { bad_amount: "refundAmount", credit_insufficient: "refundAmount", bad_date: "refundedOn", bad_reference: "refundReference", bad_reason: "refundReason" }[result.error as string];
      return json<ActionData>(field ? { intent, errors: { [field]: failure.key }, values } : { intent, formError: failure.key, values }, { status: failure.status });
    }
    return redirect(`/ops/payments/credit/${org.id}?refunded=1`);
  }
  return json<ActionData>({ intent, formError: "error.invalid" }, { status: 400 });
}

export default function OrganisationCredit() {
  const { org, position, withCredit, today } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const busy = navigation.state === "submitting";
  const refund = data?.intent === "refund" ? data : undefined;
  const credits = position.filter((p) => p.creditMinor > 0);
  return (
    <>
      <div className="page-head">
        <div>
          <p>
            <Link to={`/ops/organisations/${org.id}`}>← {org.name}</Link>
          </p>
          <h1>{tr("payments.credit.title", { org: org.name })}</h1>
          <p className="muted">{tr("payments.credit.lead")}</p>
        </div>
        <Link className="btn" to={`/ops/payments/new?org=${org.id}`}>
          {tr("payments.new.title")}
        </Link>
      </div>
      {params.get("applied") !== null ? <Alert kind="success">{tr("payments.credit.appliedDone", { count: Number(params.get("applied")) || 0 })}</Alert> : null}
      {params.get("refunded") ? <Alert kind="success">{tr("payments.credit.refundedDone")}</Alert> : null}
      {data?.intent === "apply" ? <FormErrors formError={data.formError} errors={data.errors} /> : null}

      <section className="card" aria-labelledby="pos-title">
        <h2 id="pos-title">{tr("payments.credit.position")}</h2>
        {position.length ? (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr("payments.field.currency")}</th>
                  <th scope="col" className="num">{tr("payments.field.outstanding")}</th>
                  <th scope="col" className="num">{tr("payments.field.overdue")}</th>
                  <th scope="col">{tr("payments.field.nextDue")}</th>
                  <th scope="col" className="num">{tr("payments.field.credit")}</th>
                  <th scope="col">{tr("payments.field.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {position.map((p) => (
                  <tr key={p.currency}>
                    <td>{p.currency}</td>
                    <td className="num">{format.money(p.outstandingMinor, p.currency)}</td>
                    <td className="num">{format.money(p.overdueMinor, p.currency)}</td>
                    <td>{p.nextDueOn ? format.date(p.nextDueOn) : "—"}</td>
                    <td className="num">{format.money(p.creditMinor, p.currency)}</td>
                    <td>
                      {p.creditMinor > 0 && p.outstandingMinor > 0 ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="apply" />
                          <input type="hidden" name="currency" value={p.currency} />
                          <button type="submit" className="btn btn--secondary btn--small" disabled={busy}>
                            {tr("payments.credit.apply")}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{tr("payments.credit.nothing")}</p>
        )}
      </section>

      {withCredit.length ? (
        <section className="card" aria-labelledby="wc-title">
          <h2 id="wc-title">{tr("payments.credit.fromPayments")}</h2>
          <ul>
            {withCredit.map((p) => (
              <li key={p.id}>
                <Link to={`/ops/payments/${p.id}`}>{p.reference}</Link> — {format.date(p.receivedOn)} — {format.money(p.unallocatedMinor, p.currency)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {credits.length ? (
        <section className="card" aria-labelledby="rf-title">
          <h2 id="rf-title">{tr("payments.refund.title")}</h2>
          <p className="muted">{tr("payments.refund.lead")}</p>
          <FormErrors formError={refund?.formError} errors={refund?.errors} />
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="refund" />
            <div className="grid-2">
              <SelectField name="currency" label={tr("payments.field.currency")} defaultValue={refund?.values?.currency ?? credits[0].currency} options={credits.map((c) => ({ value: c.currency, label: `${c.currency} — ${format.money(c.creditMinor, c.currency)}` }))} />
              <Field name="refundAmount" inputMode="decimal" label={tr("payments.field.amount")} errors={refund?.errors} defaultValue={refund?.values?.refundAmount ?? ""} required />
              <SelectField name="refundMethod" label={tr("payments.field.method")} errors={refund?.errors} defaultValue={refund?.values?.refundMethod ?? "bank_transfer"} options={PAYMENT_METHODS.map((m) => ({ value: m, label: tr(`payments.method.${m}`) }))} />
              <Field name="refundReference" label={tr("payments.field.reference")} errors={refund?.errors} defaultValue={refund?.values?.refundReference ?? ""} maxLength={200} required />
              <Field name="refundedOn" type="date" label={tr("payments.refund.on")} errors={refund?.errors} defaultValue={refund?.values?.refundedOn ?? today} max={today} required />
              <Field name="refundReason" label={tr("payments.reverse.reason")} errors={refund?.errors} defaultValue={refund?.values?.refundReason ?? ""} maxLength={1000} required />
            </div>
            <button type="submit" className="btn" disabled={busy}>
              {tr("payments.refund.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
