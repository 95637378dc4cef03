import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { StripeEventOutcome } from "#db/schema";
import { requireOperator } from "~/modules/auth/session.server";
import { recentStripeEvents, stripeConfigured } from "~/modules/payments/stripe.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";

/** /ops/payments/stripe — every event Stripe sent (each once) and what it did: failed card payments show here. */
const OUTCOMES = ["received", "applied", "ignored", "deferred", "unmatched", "refused"] as const satisfies readonly StripeEventOutcome[];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "payments:record");
  const asked = new URL(request.url).searchParams.get("outcome") ?? "";
  const outcome = (OUTCOMES as readonly string[]).includes(asked) ? (asked as StripeEventOutcome) : undefined;
  return json({ configured: stripeConfigured(), outcome: outcome ?? "", events: await recentStripeEvents(await getDb(), { outcome, limit: 200 }) });
}

export default function StripeEvents() {
  const { configured, outcome, events } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <div className="page-head">
        <div>
          <p>
            <Link to="/ops/payments">← {tr("payments.list.title")}</Link>
          </p>
          <h1>{tr("stripe.ops.title")}</h1>
          <p className="muted">{tr("stripe.ops.intro")}</p>
        </div>
      </div>
      {configured ? null : <Alert kind="info">{tr("stripe.ops.notConfigured")}</Alert>}
      <section className="card" aria-labelledby="se-title">
        <h2 id="se-title">{tr("stripe.ops.title")}</h2>
        <Form method="get" className="audit-filter-form">
          <div className="field">
            <label htmlFor="se-outcome">{tr("stripe.ops.filter")}</label>
            <select id="se-outcome" name="outcome" defaultValue={outcome}>
              <option value="">{tr("stripe.ops.all")}</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {tr(`stripe.outcome.${o}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="audit-filter-actions">
            <button type="submit" className="btn btn--secondary">
              {tr("payments.list.apply")}
            </button>
          </div>
        </Form>
        {events.length ? (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr("stripe.ops.received")}</th>
                  <th scope="col">{tr("stripe.ops.type")}</th>
                  <th scope="col">{tr("stripe.ops.org")}</th>
                  <th scope="col">{tr("stripe.ops.invoice")}</th>
                  <th scope="col">{tr("stripe.ops.outcome")}</th>
                  <th scope="col">{tr("stripe.ops.detail")}</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.id}>
                    <td className="nowrap">{format.dateTime(e.receivedAt)}</td>
                    <td className="mono">{e.type}</td>
                    <td>{e.orgName ?? "—"}</td>
                    <td>{e.invoiceId && e.invoiceNumber ? <Link to={`/ops/billing/invoices/${e.invoiceId}`}>{e.invoiceNumber}</Link> : "—"}</td>
                    <td>{tr(`stripe.outcome.${e.outcome}`)}</td>
                    <td className="small">{e.detail ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{tr("stripe.ops.empty")}</p>
        )}
      </section>
    </>
  );
}
