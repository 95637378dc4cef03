import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { notFound, requireOperator } from "~/modules/auth/session.server";
import { StartForm, billedTotals, billingJobs, billingSites, periodCounts, periodParam, startBillingRun, startIssueAll } from "~/modules/billing/overview.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { clientIp } from "~/utils/request.server";
import { getDb, inTransaction } from "~/utils/db.server";
import { dayIn } from "~/utils/dates";
import { Alert } from "~/components/forms";
import { MonthField, SiteField } from "~/components/billing-invoice";
import { lastDayOf } from "~/modules/billing/compute";
import { BillingJobStatus, jobActive, usePollWhile, type BillingJob } from "~/components/billing-job";
import { useFormat, useT } from "~/components/i18n";
import type { MessageKey } from "~/i18n";

/**
 * /ops/billing — one site and one month (by default last month in the site's calendar): start the
 * billing run and "issue all drafts" (both background jobs), watch their progress (the page reloads
 * its data every 1.5 s while one is queued or running), read their summaries; and the month's
 * billed totals per site and currency.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request, "billing:manage");
  const url = new URL(request.url);
  const db = await getDb();
  const sites = await billingSites(db);
  if (!sites.length) notFound();
  const asked = (url.searchParams.get("site") ?? "").toUpperCase();
  const site = sites.find((s) => s.code === asked) ?? sites.find((s) => s.code === "LDC") ?? sites[0];
  const rawPeriod = url.searchParams.get("period");
  const period = periodParam(rawPeriod) ?? site.defaultPeriod;
  const [jobs, counts, totals] = await Promise.all([billingJobs(db, site.code, period), periodCounts(db, site.id, period), billedTotals(db, period)]);
  return json({
    sites: sites.map((s) => ({ code: s.code, name: s.name, defaultPeriod: s.defaultPeriod })),
    site: { code: site.code, name: site.name, currency: site.currency },
    period,
    periodError: Boolean(rawPeriod) && periodParam(rawPeriod) === null,
    siteError: Boolean(asked) && asked !== site.code,
    monthOver: dayIn(site.timeZone) > lastDayOf(period),
    jobs,
    counts,
    totals,
  });
}


type ActionData = { formError: MessageKey };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireOperator(request, "billing:manage");
  const actor = { id: user.id, email: user.email, ip: clientIp(context) };
  const parsed = parseForm(StartForm, await readForm(request));
  if (!parsed.ok) return json<ActionData>({ formError: parsed.errors.site ?? parsed.errors.period ?? "error.invalid" }, { status: 400 });
  const db = await getDb();
  const site = (await billingSites(db)).find((s) => s.code === parsed.data.site.toUpperCase());
  if (!site) return json<ActionData>({ formError: "billingOps.error.site" }, { status: 400 });
  const period = periodParam(parsed.data.period);
  if (!period) return json<ActionData>({ formError: "billingOps.error.period" }, { status: 400 });
  const thisMonth = dayIn(site.timeZone).slice(0, 7);
  if (period > thisMonth) return json<ActionData>({ formError: "billingOps.error.futurePeriod" }, { status: 400 });
  if (parsed.data.intent === "run") {
    await inTransaction((trx) => startBillingRun(trx, { siteId: site.id, siteCode: site.code, period, actor }));
  } else {
    // Issuing needs the month over at the site (the module refuses each draft otherwise): say it once.
    if (dayIn(site.timeZone) <= lastDayOf(period)) return json<ActionData>({ formError: "billingOps.issueError.period_open" }, { status: 409 });
    await inTransaction((trx) => startIssueAll(trx, { siteCode: site.code, period, actor }));
  }
  return redirect(`/ops/billing?site=${site.code}&period=${period}`);
}

export default function BillingOverview() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const tr = useT();
  const format = useFormat();
  const run = data.jobs.run as BillingJob | null;
  const issue = data.jobs.issue as BillingJob | null;
  const busy = jobActive(run) || jobActive(issue);
  usePollWhile(busy);
  const submitting = navigation.state === "submitting";
  const invoiceHref = (id: string) => `/ops/billing/invoices/${id}`;
  const listHref = (status?: string) => `/ops/billing/invoices?site=${data.site.code}&period=${data.period}${status ? `&status=${status}` : ""}`;

  return (
    <>
      {data.siteError ? <Alert kind="warning">{tr("billingOps.error.siteShown", { site: data.site.code })}</Alert> : null}
      {data.periodError ? <Alert kind="warning">{tr("billingOps.error.periodShown", { period: data.period })}</Alert> : null}
      {actionData?.formError ? <Alert>{tr(actionData.formError, { site: data.site.code })}</Alert> : null}

      <section className="card" aria-labelledby="pick-title">
        <h2 id="pick-title">{tr("billingOps.overview.pick")}</h2>
        <Form method="get" className="audit-filter-form" key={`${data.site.code}-${data.period}`}>
          <SiteField sites={data.sites} value={data.site.code} />
          <MonthField name="period" label="billingOps.field.period" value={data.period} />
          <div className="audit-filter-actions">
            <button type="submit" className="btn btn--secondary">
              {tr("billingOps.overview.show")}
            </button>
          </div>
        </Form>
        <p className="muted">
          {tr("billingOps.overview.counts", {
            site: data.site.name,
            period: data.period,
            drafts: data.counts.draft,
            issued: data.counts.issued + data.counts.paid,
            void: data.counts.void,
          })}{" "}
          <Link to={listHref()}>{tr("billingOps.overview.seeInvoices")}</Link>
        </p>
      </section>

      <div className="grid-2 grid-2--top">
        <section className="card" aria-labelledby="run-title">
          <h2 id="run-title">{tr("billingOps.run.title", { site: data.site.code, period: data.period })}</h2>
          <p className="muted">{tr("billingOps.run.lead")}</p>
          <Form method="post">
            <input type="hidden" name="site" value={data.site.code} />
            <input type="hidden" name="period" value={data.period} />
            <p>
              <button type="submit" name="intent" value="run" className="btn" disabled={submitting || jobActive(run)}>
                {tr("billingOps.run.button")}
              </button>
            </p>
          </Form>
          <BillingJobStatus job={run} kind="run" siteCode={data.site.code} invoiceHref={invoiceHref} />
          {run?.status === "done" && data.counts.draft ? (
            <p>
              <Link to={listHref("draft")}>{tr("billingOps.run.reviewDrafts", { count: data.counts.draft })}</Link>
            </p>
          ) : null}
        </section>

        <section className="card" aria-labelledby="issue-title">
          <h2 id="issue-title">{tr("billingOps.issueAll.title")}</h2>
          <p className="muted">{tr(data.monthOver ? "billingOps.issueAll.lead" : "billingOps.issueAll.monthOpen")}</p>
          <Form method="post">
            <input type="hidden" name="site" value={data.site.code} />
            <input type="hidden" name="period" value={data.period} />
            <p>
              <button
                type="submit"
                name="intent"
                value="issue"
                className="btn"
                disabled={submitting || !data.monthOver || data.counts.draft === 0 || jobActive(issue) || jobActive(run)}
              >
                {tr("billingOps.issueAll.button", { count: data.counts.draft })}
              </button>
            </p>
          </Form>
          <BillingJobStatus job={issue} kind="issue" siteCode={data.site.code} invoiceHref={invoiceHref} />
        </section>
      </div>

      <section className="card" aria-labelledby="totals-title">
        <h2 id="totals-title">{tr("billingOps.totals.title", { period: data.period })}</h2>
        {data.totals.length ? (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr("billingOps.col.site")}</th>
                  <th scope="col">{tr("billingOps.col.currency")}</th>
                  <th scope="col" className="num">{tr("billingOps.col.invoices")}</th>
                  <th scope="col" className="num">{tr("billingOps.totals.recurring")}</th>
                  <th scope="col" className="num">{tr("billingOps.totals.usage")}</th>
                  <th scope="col" className="num">{tr("billingOps.totals.other")}</th>
                  <th scope="col" className="num">{tr("billingOps.col.vat")}</th>
                  <th scope="col" className="num">{tr("billingOps.totals.total")}</th>
                </tr>
              </thead>
              <tbody>
                {data.totals.map((row) => (
                  <tr key={`${row.siteCode}-${row.currency}`}>
                    <td>
                      <span className="badge badge--site">{row.siteCode}</span> {row.siteName}
                    </td>
                    <td>{row.currency}</td>
                    <td className="num">{format.number(row.invoices)}</td>
                    <td className="num">{format.money(row.recurringMinor, row.currency)}</td>
                    <td className="num">{format.money(row.usageMinor, row.currency)}</td>
                    <td className="num">{format.money(row.otherMinor, row.currency)}</td>
                    <td className="num">{format.money(row.vatMinor, row.currency)}</td>
                    <td className="num">
                      <strong>{format.money(row.totalMinor, row.currency)}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted" style={{ marginTop: "0.75rem" }}>{tr("billingOps.totals.caption")}</p>
          </div>
        ) : (
          <p className="muted">{tr("billingOps.totals.none")}</p>
        )}
      </section>
    </>
  );
}
