import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/modules/auth/session.server";
import { PAYMENT_CURRENCIES, PAYMENT_METHODS } from "~/modules/payments/methods";
import { listPayments, PAYMENT_LIST_LIMIT, paymentFilters, payingOrganisations } from "~/modules/payments/views.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { useFormat, useT } from "~/components/i18n";

/** /ops/payments — payments received, newest first, filtered by organisation, currency, method and state. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "payments:record");
  const db = await getDb();
  const { filters, ignored } = paymentFilters(new URL(request.url));
  const [list, orgs] = await Promise.all([listPayments(db, filters), payingOrganisations(db)]);
  return json({ ...list, orgs, ignored, filter: { org: filters.orgId ?? "", currency: filters.currency ?? "", method: filters.method ?? "", state: filters.state ?? "" }, limit: PAYMENT_LIST_LIMIT });
}

export default function OpsPayments() {
  const { rows, truncated, orgs, ignored, filter, limit } = useLoaderData<typeof loader>();
  const tr = useT();
  const format = useFormat();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{tr("payments.list.title")}</h1>
          <p className="muted">{tr("payments.list.lead")}</p>
        </div>
        <div className="inline-form">
          <Link className="btn btn--secondary" to="/ops/payments/stripe">
            {tr("stripe.ops.title")}
          </Link>
          <Link className="btn" to="/ops/payments/new">
            {tr("payments.new.title")}
          </Link>
        </div>
      </div>
      {ignored ? <Alert kind="warning">{tr("payments.list.ignored")}</Alert> : null}
      <section className="card" aria-labelledby="pf-title">
        <h2 id="pf-title">{tr("payments.list.filters")}</h2>
        <Form method="get" className="audit-filter-form">
          <div className="field">
            <label htmlFor="pf-org">{tr("payments.field.org")}</label>
            <select id="pf-org" name="org" defaultValue={filter.org}>
              <option value="">{tr("payments.list.all")}</option>
              {orgs.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="pf-currency">{tr("payments.field.currency")}</label>
            <select id="pf-currency" name="currency" defaultValue={filter.currency}>
              <option value="">{tr("payments.list.all")}</option>
              {PAYMENT_CURRENCIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="pf-method">{tr("payments.field.method")}</label>
            <select id="pf-method" name="method" defaultValue={filter.method}>
              <option value="">{tr("payments.list.all")}</option>
              {PAYMENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {tr(`payments.method.${m}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="pf-state">{tr("payments.field.state")}</label>
            <select id="pf-state" name="state" defaultValue={filter.state}>
              <option value="">{tr("payments.list.all")}</option>
              <option value="live">{tr("payments.state.live")}</option>
              <option value="reversed">{tr("payments.state.reversed")}</option>
            </select>
          </div>
          <div className="audit-filter-actions">
            <button type="submit" className="btn btn--secondary">
              {tr("payments.list.apply")}
            </button>
          </div>
        </Form>
      </section>
      <section className="card" aria-labelledby="pl-title">
        <h2 id="pl-title">{tr("payments.list.count", { count: rows.length })}</h2>
        {truncated ? <Alert kind="info">{tr("payments.list.truncated", { limit: format.number(limit) })}</Alert> : null}
        {rows.length ? (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr("payments.field.receivedOn")}</th>
                  <th scope="col">{tr("payments.field.org")}</th>
                  <th scope="col">{tr("payments.field.method")}</th>
                  <th scope="col">{tr("payments.field.reference")}</th>
                  <th scope="col" className="num">{tr("payments.field.amount")}</th>
                  <th scope="col" className="num">{tr("payments.field.allocated")}</th>
                  <th scope="col" className="num">{tr("payments.field.unallocated")}</th>
                  <th scope="col">{tr("payments.field.state")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.id}>
                    <td>{format.date(p.receivedOn)}</td>
                    <td>{p.orgName}</td>
                    <td>{tr(`payments.method.${p.method}`)}</td>
                    <td>
                      <Link to={`/ops/payments/${p.id}`}>{p.reference}</Link>
                    </td>
                    <td className="num">{format.money(p.amountMinor, p.currency)}</td>
                    <td className="num">{format.money(p.allocatedMinor, p.currency)}</td>
                    <td className="num">{format.money(p.unallocatedMinor, p.currency)}</td>
                    <td>{p.reversedOn ? <span className="badge badge--failed">{tr("payments.state.reversed")}</span> : tr("payments.state.live")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{tr("payments.list.empty")}</p>
        )}
      </section>
    </>
  );
}
