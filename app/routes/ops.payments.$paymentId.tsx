import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { reversePayment, undoAllocation } from "~/modules/payments/payments.server";
import { PAYMENT_ERRORS, ReverseForm, UndoForm } from "~/modules/payments/forms.server";
import { getPayment } from "~/modules/payments/views.server";
import { parseForm, readForm } from "~/utils/forms.server";
import type { FieldErrors } from "~/utils/forms";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransactionOrRollback } from "~/utils/db.server";
import { Alert, Field, FormErrors } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/** /ops/payments/:id — one payment: where its money went, its reversal, and undoing an allocation. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request, "payments:record");
  const payment = await getPayment(await getDb(), params.paymentId ?? "");
  if (!payment) throw json({ message: "payments.error.paymentNotFound" }, { status: 404 });
  return json({ payment, today: new Date().toISOString().slice(0, 10) });
}

type ActionData = { intent: string; errors?: FieldErrors; formError?: MessageKey; values?: Record<string, string> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "payments:record");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "");
  const paymentId = params.paymentId ?? "";
  if (intent === "reverse") {
    const parsed = parseForm(ReverseForm, formData);
    const values = { reason: String(formData.get("reason") ?? "").slice(0, 1000), reversedOn: String(formData.get("reversedOn") ?? "").slice(0, 20) };
    if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values }, { status: 400 });
    const result = await inTransactionOrRollback((trx) => reversePayment(trx, { paymentId, reason: parsed.data.reason, reversedOn: parsed.data.reversedOn, actor }));
    if (!result.ok) {
      const failure = PAYMENT_ERRORS[result.error];
      const field = result.error === "bad_date" ? "reversedOn" : failure.field;
      return json<ActionData>(field ? { intent, errors: { [field]: failure.key }, values } : { intent, formError: failure.key, values }, { status: failure.status });
    }
    return redirect(`/ops/payments/${paymentId}?reversed=1`);
  }
  if (intent === "undo") {
    const parsed = parseForm(UndoForm, formData);
    if (!parsed.ok) return json<ActionData>({ intent, formError: "error.invalid" }, { status: 400 });
    const payment = await getPayment(await getDb(), paymentId);
    if (!payment) return json<ActionData>({ intent, formError: "payments.error.paymentNotFound" }, { status: 404 });
    // The allocation must belong to this payment (its organisation scopes the lookup).
    if (!payment.allocations.some((a) => a.id === parsed.data.allocation)) return json<ActionData>({ intent, formError: "payments.error.allocationNotFound" }, { status: 409 });
    const result = await inTransactionOrRollback((trx) => undoAllocation(trx, { allocationId: parsed.data.allocation, orgId: payment.orgId, actor }));
    if (!result.ok) return json<ActionData>({ intent, formError: PAYMENT_ERRORS[result.error].key }, { status: PAYMENT_ERRORS[result.error].status });
    return redirect(`/ops/payments/${paymentId}?undone=1`);
  }
  return json<ActionData>({ intent, formError: "error.invalid" }, { status: 400 });
}

export default function PaymentPage() {
  const { payment: p, today } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const money = (minor: number) => format.money(minor, p.currency);
  const busy = navigation.state === "submitting";
  return (
    <>
      <div className="page-head">
        <div>
          <p>
            <Link to="/ops/payments">← {tr("payments.list.title")}</Link>
          </p>
          <h1>{tr("payments.detail.title", { reference: p.reference })}</h1>
          <p className="muted">
            <Link to={`/ops/organisations/${p.orgId}`}>{p.orgName}</Link> · {tr(`payments.method.${p.method}`)} · {format.date(p.receivedOn)}
          </p>
        </div>
        <Link className="btn btn--secondary" to={`/ops/payments/credit/${p.orgId}`}>
          {tr("payments.credit.link")}
        </Link>
      </div>
      {params.get("recorded") ? <Alert kind="success">{tr("payments.detail.recorded")}</Alert> : null}
      {params.get("reversed") ? <Alert kind="success">{tr("payments.detail.reversedDone")}</Alert> : null}
      {params.get("undone") ? <Alert kind="success">{tr("payments.detail.undoneDone")}</Alert> : null}
      {data?.intent === "undo" ? <FormErrors formError={data.formError} /> : null}
      {p.reversedOn ? <Alert kind="warning">{tr("payments.detail.reversed", { on: format.date(p.reversedOn), reason: p.reversalReason ?? "" })}</Alert> : null}

      <section className="card" aria-labelledby="pd-title">
        <h2 id="pd-title">{tr("payments.detail.summary")}</h2>
        <dl className="facts">
          <dt>{tr("payments.field.amount")}</dt>
          <dd>{money(p.amountMinor)}</dd>
          <dt>{tr("payments.field.allocated")}</dt>
          <dd>{money(p.allocatedMinor)}</dd>
          <dt>{tr("payments.field.refunded")}</dt>
          <dd>{money(p.refundedMinor)}</dd>
          <dt>{tr("payments.field.unallocated")}</dt>
          <dd>{money(p.unallocatedMinor)}</dd>
          <dt>{tr("payments.field.payer")}</dt>
          <dd>{p.payer ?? "—"}</dd>
          <dt>{tr("payments.field.source")}</dt>
          <dd>{tr(`payments.source.${p.source}`)}</dd>
          <dt>{tr("payments.field.recordedBy")}</dt>
          <dd>
            {p.createdBy ?? tr("payments.detail.system")} · {format.dateTime(p.createdAt)}
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="pa-title">
        <h2 id="pa-title">{tr("payments.detail.allocations")}</h2>
        {p.allocations.length ? (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr("payments.field.invoice")}</th>
                  <th scope="col" className="num">{tr("payments.field.amount")}</th>
                  <th scope="col">{tr("payments.field.at")}</th>
                  <th scope="col">{tr("payments.field.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {p.allocations.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/ops/billing/invoices/${a.invoiceId}`}>{a.number}</Link>
                      {a.isUndoing ? ` — ${tr("payments.detail.undoing")}` : a.undone ? ` — ${tr("payments.detail.undone")}` : ""}
                    </td>
                    <td className="num">{money(a.amountMinor)}</td>
                    <td>{format.dateTime(a.at)}</td>
                    <td>
                      {!a.isUndoing && !a.undone && !p.reversedOn ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="undo" />
                          <input type="hidden" name="allocation" value={a.id} />
                          <button type="submit" className="btn btn--ghost btn--small" disabled={busy}>
                            {tr("payments.detail.undo")}
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
          <p className="muted">{tr("payments.detail.noAllocations")}</p>
        )}
      </section>

      {p.refunds.length ? (
        <section className="card" aria-labelledby="pr-title">
          <h2 id="pr-title">{tr("payments.detail.refunds")}</h2>
          <ul>
            {p.refunds.map((r) => (
              <li key={r.id}>
                {format.date(r.refundedOn)} — {money(r.amountMinor)} — {tr(`payments.method.${r.method}`)} {r.reference} — {r.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {!p.reversedOn ? (
        <section className="card" aria-labelledby="prv-title">
          <h2 id="prv-title">{tr("payments.reverse.title")}</h2>
          <p className="muted">{tr("payments.reverse.lead")}</p>
          {data?.intent === "reverse" ? <FormErrors formError={data.formError} errors={data.errors} /> : null}
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="reverse" />
            <div className="grid-2">
              <Field name="reason" label={tr("payments.reverse.reason")} errors={data?.intent === "reverse" ? data.errors : undefined} defaultValue={data?.values?.reason ?? ""} maxLength={1000} required />
              <Field name="reversedOn" type="date" label={tr("payments.reverse.on")} errors={data?.intent === "reverse" ? data.errors : undefined} defaultValue={data?.values?.reversedOn ?? today} required />
            </div>
            <button type="submit" className="btn btn--danger" disabled={busy}>
              {tr("payments.reverse.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
