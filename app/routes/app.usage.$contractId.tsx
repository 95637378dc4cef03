import { json, type LoaderFunctionArgs, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useOutlet, useSubmit } from "@remix-run/react";
import { notFound, requireTenant } from "~/modules/auth/session.server";
import { contractUsageForTenant } from "~/modules/metering/contract-usage.server";
import { chartAddress, drawUsage, hoursOf, type ChartKind } from "~/modules/metering/usage-charts.server";
import { shortRef } from "~/modules/requests/requests.server";
import { getDb } from "~/utils/db.server";
import { Alert } from "~/components/forms";
import { Chart, useUsageFormat, type Tick } from "~/components/charts";
import { useFormat, useT } from "~/components/i18n";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireTenant(request, "usage:read");
  const asked = new URL(request.url).searchParams.get("month");
  const u = await contractUsageForTenant(await getDb(), { orgId: user.orgId }, params.contractId ?? "", asked);
  if (!u) notFound();
  const c = u.contract;
  const { charts, days } = drawUsage(u);
  // Each chart is an image of its own, addressed by its content (ADR 030).
  const plot = (kind: ChartKind) => {
    const chart = charts[kind];
    return chart && { ticks: chart.ticks, src: chartAddress(c.id, u.month, kind, chart.version) };
  };
  return json({
    contract: {
      id: c.id,
      ref: shortRef(c.id),
      siteCode: c.site_code,
      siteName: c.site_name,
      currency: c.currency,
      status: c.status,
    },
    month: u.month,
    months: [...u.months].reverse(),
    /** A `?month=` that was not one of the contract's months: the page says which month it shows instead. */
    fellBack: asked !== null && asked !== u.month,
    inProgress: u.inProgress,
    hours: hoursOf(u),
    meters: { bandwidth: u.meters.filter((m) => m.kind === "bandwidth").length, power: u.meters.filter((m) => m.kind === "power").length },
    /** The meters read for this month, each with its attachment dates; `upcoming` ones start later. */
    meterList: u.meters.map((m) => ({ externalId: m.externalId, kind: m.kind, fromOn: m.fromOn, untilOn: m.untilOn, upcoming: m.upcoming })),
    bandwidth: u.bandwidth,
    power: u.power,
    energy: { kwh: u.energy.kwh, projectedKwh: u.energy.projectedKwh, priceMinor: u.energy.priceMinor, costMinor: u.energy.costMinor, projectedCostMinor: u.energy.projectedCostMinor },
    charts: {
      bandwidth: plot("bandwidth"),
      maxInMbps: charts.maxInMbps,
      maxOutMbps: charts.maxOutMbps,
      power: plot("power"),
      energy: plot("energy"),
      maxKwh: charts.maxKwh,
    },
    /** Days with a figure: the table of figures per day is a route of its own (app.usage.$contractId.days). */
    dayCount: days.length,
  });
}

type Data = SerializeFrom<typeof loader>;

const daysIn = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
const AXIS_DAYS = [1, 8, 15, 22, 29];

function MonthPicker({ month, months }: { month: string; months: string[] }) {
  const tr = useT();
  const f = useUsageFormat();
  const submit = useSubmit();
  return (
    <Form method="get" className="usage-month" onChange={(e) => submit(e.currentTarget)}>
      <label htmlFor="usage-month">{tr("usage.month")}</label>
      <select id="usage-month" name="month" defaultValue={month} key={month}>
        {months.map((m) => (
          <option key={m} value={m}>
            {f.monthTitle(m)}
          </option>
        ))}
      </select>
      <button className="btn btn--secondary btn--small">{tr("usage.show")}</button>
    </Form>
  );
}

function Summary({ d }: { d: Data }) {
  const tr = useT();
  const f = useUsageFormat();
  const money = (minor: number) => f.money(minor, d.contract.currency);
  const { bandwidth: bw, energy } = d;
  const burst = bw.burst;
  const burstRatio = burst.allowed > 0 ? Math.min(1, burst.used / burst.allowed) : 1;
  const burstLevel = burst.used > burst.allowed ? "over" : burstRatio >= 0.8 ? "high" : "ok";
  const over = Number(bw.overMbps) > 0;
  return (
    <section className="card" aria-labelledby="usage-summary">
      <h2 id="usage-summary">
        {tr(d.inProgress ? "usage.summary.current" : "usage.summary.past")} · {f.monthTitle(d.month)}
      </h2>
      <p className="hint">{tr(d.inProgress ? "usage.summary.currentHint" : "usage.summary.pastHint")}</p>
      <div className="usage-tiles">
        {d.meters.bandwidth ? (
          <>
            <div className={`tile${over ? " tile--over" : ""}`}>
              <span className="tile-label">{tr(d.inProgress ? "usage.p95SoFar" : "usage.p95Month")}</span>
              <strong>{f.mbps(bw.p95Mbps, 2)}</strong>
              <span className="tile-sub">{tr("usage.ofCommit", { commit: bw.commitMbps > 0 ? f.mbps(bw.commitMbps) : tr("usage.noCommit") })}</span>
            </div>
            <div className={`tile${bw.overageMinor > 0 ? " tile--over" : ""}`}>
              <span className="tile-label">{tr(d.inProgress ? "usage.overageProjected" : "usage.overageMonth")}</span>
              <strong>{money(bw.overageMinor)}</strong>
              <span className="tile-sub">
                {over ? tr("usage.overageDetail", { over: f.mbps(bw.overMbps, 2), price: money(bw.overagePriceMinor) }) : tr("usage.withinCommit")}
              </span>
            </div>
          </>
        ) : null}
        {d.meters.power ? (
          <>
            <div className="tile">
              <span className="tile-label">{tr(d.inProgress ? "usage.energySoFar" : "usage.energyMonth")}</span>
              <strong>{f.kwh(energy.kwh)}</strong>
              {d.inProgress ? <span className="tile-sub">{tr("usage.energyCostSoFar", { cost: money(energy.costMinor) })}</span> : null}
            </div>
            <div className="tile">
              <span className="tile-label">{tr(d.inProgress ? "usage.energyCostProjected" : "usage.energyCostMonth")}</span>
              <strong>{money(d.inProgress ? energy.projectedCostMinor : energy.costMinor)}</strong>
              <span className="tile-sub">
                {d.inProgress
                  ? tr("usage.energyProjectedDetail", { kwh: f.kwh(energy.projectedKwh), price: money(energy.priceMinor) })
                  : tr("usage.energyMonthDetail", { kwh: f.kwh(energy.kwh), price: money(energy.priceMinor) })}
              </span>
            </div>
          </>
        ) : null}
      </div>
      {d.meters.bandwidth ? (
        <div className="burst">
          <h3>{tr("usage.burst.title")}</h3>
          {bw.commitMbps === 0 ? (
            <p>{tr("usage.burst.noCommit")}</p>
          ) : (
            <>
              <p>{tr(d.inProgress ? "usage.burst.current" : "usage.burst.past", { allowed: f.number(burst.allowed) })}</p>
              <div className={`burst-bar burst-bar--${burstLevel}`} aria-hidden="true">
                <span style={{ width: `${(burstRatio * 100).toFixed(1)}%` }} />
              </div>
              <p className="burst-figures">
                <span>{tr("usage.burst.used", { used: f.number(burst.used) })}</span>
                <span>{tr("usage.burst.left", { remaining: f.number(burst.remaining) })}</span>
              </p>
              {burst.used > burst.allowed ? <p className="burst-warning">{tr(d.inProgress ? "usage.burst.exhausted" : "usage.burst.exceeded")}</p> : null}
            </>
          )}
        </div>
      ) : null}
    </section>
  );
}

function Charts({ d }: { d: Data }) {
  const tr = useT();
  const f = useUsageFormat();
  const days = daysIn(d.month);
  const xTicks: Tick[] = AXIS_DAYS.filter((day) => day <= days).map((day) => ({ at: ((day - 1) * 24) / d.hours, label: f.dayShort(d.month, day) }));
  const monthLabel = f.month(d.month);
  const p95 = d.bandwidth.p95Mbps === null ? null : Number(d.bandwidth.p95Mbps);
  const commitKw = d.power.commitW;

  return (
    <>
      {/* A contract without bandwidth (no commit, no meter) has no bandwidth section at all. */}
      {!d.meters.bandwidth && d.bandwidth.commitMbps === 0 ? null : (
        <section className="card" aria-labelledby="usage-bw">
          <h2 id="usage-bw">{tr("usage.bw.title")}</h2>
          {!d.meters.bandwidth ? (
            <p className="muted">{tr("usage.bw.noMeter")}</p>
          ) : !d.charts.bandwidth ? (
            <p className="muted">{tr("usage.bw.noData")}</p>
          ) : (
            <>
              <p className="hint">{tr("usage.bw.hint")}</p>
              <Chart
                title={`${tr("usage.bw.title")} — ${monthLabel}`}
                desc={tr("usage.bw.desc", {
                  month: monthLabel,
                  in: f.mbps(d.charts.maxInMbps),
                  out: f.mbps(d.charts.maxOutMbps),
                  commit: d.bandwidth.commitMbps > 0 ? f.mbps(d.bandwidth.commitMbps) : tr("usage.noCommit"),
                  p95: f.mbps(d.bandwidth.p95Mbps),
                })}
                plot={d.charts.bandwidth}
                series={[
                  { label: tr("usage.bw.in"), tone: "in", kind: "line" },
                  { label: tr("usage.bw.out"), tone: "out", kind: "line" },
                ]}
                refs={[
                  ...(d.bandwidth.commitMbps > 0
                    ? [{ label: tr("usage.bw.commit", { value: f.mbps(d.bandwidth.commitMbps) }), tone: "commit" as const, value: d.bandwidth.commitMbps }]
                    : []),
                  ...(p95 !== null ? [{ label: tr("usage.bw.p95", { value: f.mbps(p95) }), tone: "p95" as const, value: p95 }] : []),
                ]}
                xTicks={xTicks}
                unit={tr("usage.axis.mbps")}
                formatY={(v) => f.num(v, 2)}
              />
            </>
          )}
        </section>
      )}

      <section className="card" aria-labelledby="usage-power">
        <h2 id="usage-power">{tr("usage.power.title")}</h2>
        {!d.meters.power ? (
          <p className="muted">{tr("usage.power.noMeter")}</p>
        ) : (
          <>
            <dl className="usage-stats">
              <div>
                <dt>{tr("usage.power.peak")}</dt>
                <dd>
                  {f.kw(d.power.peakW)}
                  {d.power.peakW !== null && commitKw > 0 ? (
                    <span className="tile-sub">
                      {tr("usage.power.ofCommit", { pct: f.number(Number(d.power.peakW) / commitKw, { style: "percent", maximumFractionDigits: 0 }) })}
                    </span>
                  ) : null}
                </dd>
              </div>
              <div>
                <dt>{tr("usage.power.average")}</dt>
                <dd>{f.kw(d.power.averageW)}</dd>
              </div>
              <div>
                <dt>{tr("usage.power.committed")}</dt>
                <dd>{commitKw > 0 ? f.kw(commitKw) : tr("usage.none")}</dd>
              </div>
            </dl>
            {!d.charts.power ? (
              <p className="muted">{tr("usage.power.noData")}</p>
            ) : (
              <>
                <p className="hint">{tr("usage.power.hint")}</p>
                <Chart
                  title={`${tr("usage.power.title")} — ${monthLabel}`}
                  desc={tr("usage.power.desc", { month: monthLabel, peak: f.kw(d.power.peakW), average: f.kw(d.power.averageW), commit: f.kw(commitKw) })}
                  plot={d.charts.power}
                  series={[{ label: tr("usage.power.draw"), tone: "power", kind: "line" }]}
                  refs={commitKw > 0 ? [{ label: tr("usage.power.commit", { value: f.kw(commitKw) }), tone: "commit", value: commitKw / 1000 }] : []}
                  xTicks={xTicks}
                  unit={tr("usage.axis.kw")}
                  formatY={(v) => f.num(v, 2)}
                />
              </>
            )}
          </>
        )}
      </section>

      {d.meters.power ? (
        <section className="card" aria-labelledby="usage-energy">
          <h2 id="usage-energy">{tr("usage.energy.title")}</h2>
          {!d.charts.energy ? (
            <p className="muted">{tr("usage.energy.noData")}</p>
          ) : (
            <Chart
              title={`${tr("usage.energy.title")} — ${monthLabel}`}
              desc={tr("usage.energy.desc", { month: monthLabel, total: f.kwh(d.energy.kwh), max: f.kwh(d.charts.maxKwh) })}
              plot={d.charts.energy}
              series={[{ label: tr("usage.energy.bar"), tone: "power", kind: "bar" }]}
              xTicks={AXIS_DAYS.filter((day) => day <= days).map((day) => ({ at: (day - 0.5) / days, label: f.dayShort(d.month, day) }))}
              unit={tr("usage.axis.kwh")}
              formatY={(v) => f.num(v, 1)}
            />
          )}
        </section>
      ) : null}
    </>
  );
}

/**
 * The month's figures per day (the charts' data for screen readers, each chart's description points
 * here, and exact daily figures for everyone): a table of its own route (app.usage.$contractId.days),
 * shown below when asked for — most views never need it, so the page does not carry it.
 */
function DailyFigures({ d }: { d: Data }) {
  const tr = useT();
  const table = useOutlet();
  const { search } = useLocation();
  if (d.dayCount === 0) return null;
  const page = `/app/usage/${d.contract.id}`;
  return (
    <section className="card" aria-labelledby="usage-days">
      <h2 id="usage-days">{tr("usage.days.title")}</h2>
      <p className="usage-days-toggle">
        {table ? (
          <Link to={`${page}${search}`} preventScrollReset>
            {tr("usage.days.hide")}
          </Link>
        ) : (
          <Link to={`${page}/days${search}`} preventScrollReset>
            {tr("usage.days.show", { count: d.dayCount })}
          </Link>
        )}
      </p>
      {table}
    </section>
  );
}

/** The contract's meters this month: a meter moved in or out shows its dates; one attached from a later date is "upcoming". */
function MeterList({ d }: { d: Data }) {
  const tr = useT();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="usage-meters">
      <h2 id="usage-meters">{tr("usage.meters.title")}</h2>
      <ul className="usage-meter-list">
        {d.meterList.map((m) => (
          <li key={`${m.externalId}-${m.fromOn}`}>
            <span className="mono">{m.externalId}</span> · {tr(m.kind === "power" ? "usage.meters.power" : "usage.meters.bandwidth")}
            {m.upcoming ? (
              <>
                {" "}
                <span className="badge badge--pending">{tr("usage.meters.upcoming")}</span> {tr("usage.meters.from", { date: format.date(m.fromOn) })}
              </>
            ) : m.untilOn ? (
              <span className="muted"> · {tr("usage.meters.between", { from: format.date(m.fromOn), until: format.date(m.untilOn) })}</span>
            ) : (
              <span className="muted"> · {tr("usage.meters.since", { date: format.date(m.fromOn) })}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function ContractUsagePage() {
  const d = useLoaderData<typeof loader>();
  const tr = useT();
  const f = useUsageFormat();
  const hasMeters = d.meters.bandwidth + d.meters.power > 0;
  return (
    <>
      <p>
        <Link to="/app/usage">← {tr("usage.back")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{tr("usage.page.title", { ref: d.contract.ref })}</h1>
          <p className="muted">
            <strong>{d.contract.siteCode}</strong> · {d.contract.siteName}
          </p>
        </div>
        <div className="usage-toolbar">
          <MonthPicker month={d.month} months={d.months} />
          {hasMeters ? (
            <a className="btn btn--secondary btn--small" href={`/app/usage/${d.contract.id}/samples.csv?month=${d.month}`} title={tr("usage.downloadHint")} download>
              {tr("usage.download")}
            </a>
          ) : null}
        </div>
      </div>
      {d.fellBack ? <Alert kind="info">{tr("usage.monthFallback", { month: f.month(d.month) })}</Alert> : null}
      {hasMeters ? (
        <>
          <Summary d={d} />
          <MeterList d={d} />
          <Charts d={d} />
          <DailyFigures d={d} />
        </>
      ) : (
        <section className="card usage-empty">
          <svg viewBox="0 0 48 48" width="48" height="48" aria-hidden="true">
            <circle cx="24" cy="24" r="21" fill="var(--teal-soft)" />
            <path d="M13 31a11 11 0 0 1 22 0" fill="none" stroke="var(--teal)" strokeWidth="3" strokeLinecap="round" />
            <path d="M24 31l5-8" stroke="var(--navy)" strokeWidth="3" strokeLinecap="round" />
          </svg>
          <div>
            <h2>{tr("usage.noMeters.title")}</h2>
            <p className="muted">{tr("usage.noMeters.body", { month: f.month(d.month) })}</p>
          </div>
        </section>
      )}
    </>
  );
}
