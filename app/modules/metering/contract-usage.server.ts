import { sql } from "kysely";
import { monthIn } from "~/utils/dates";
import type { Executor } from "#db/types";
import { effectiveStatus, listContracts, referenceDay } from "~/modules/requests/contracts.server";
import type { ProductKind } from "#db/schema";
import { isUuid } from "~/utils/ids";
import { priceTimesDecimal, decimalToMicros, roundHalfUp } from "~/modules/billing/money";
import { contractMeters, contractMetersQuery } from "./meters.server";
import { contractCommitSql } from "~/modules/contracts/versions.server";
import { burstBudget, fiveMinuteSlots, monthPeriod, monthPeriodSql, type Period } from "./usage.server";
import { monthFigures } from "./month-figures.server";

type Scope = { orgId: string } | { operator: true };

/** `YYYY-MM` of an instant in a time zone. */
export const monthOf = (instant: Date, timeZone: string) => monthIn(timeZone, instant);

export const isMonth = (value: unknown): value is string => typeof value === "string" && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** Scale a decimal quantity by elapsed → total time (for month-end projections), exact to the micro-unit. */
function project(decimal: string, elapsedMs: number, totalMs: number): string {
  if (elapsedMs <= 0) return "0";
  const micros = roundHalfUp(decimalToMicros(decimal) * BigInt(totalMs), BigInt(elapsedMs));
  const whole = micros / 1_000_000n;
  const fraction = (micros % 1_000_000n).toString().padStart(6, "0");
  return `${whole}.${fraction}`;
}

/**
 * The usage of a contract over a month of the site's calendar: bandwidth against the commit with the
 * 95th percentile (running, month to date) and the burst budget; power against the commit; energy
 * per day; and what the month will cost in overage and energy at this pace, from the contract's
 * frozen prices. Scoped like every tenant query: another organisation's contract is undefined.
 */
export async function contractUsage(db: Executor, scope: Scope, contractId: string, month: string, now = new Date()) {
  const contract = await usageContract(db, scope, contractId);
  return contract && usageOf(db, contract, month, now);
}

/**
 * What the usage pages need of a contract, in one statement: its site, dates and status, and the
 * prices of its lines in force (on the site's today, or the first or last day of a contract not
 * started or ended). Scoped: another organisation's contract is undefined.
 */
async function usageContract(db: Executor, scope: Scope, contractId: string) {
  if (!isUuid(contractId)) return undefined;
  let query = db
    .selectFrom("contracts as c")
    .innerJoin("sites as s", "s.id", "c.site_id")
    .select([
      "c.id",
      "c.org_id",
      effectiveStatus.as("status"),
      "c.start_on",
      "c.end_on",
      "s.code as site_code",
      "s.name as site_name",
      "s.currency",
      "s.time_zone",
      sql<{ kind: ProductKind; quantity: number; unit_price_minor: number }[]>`coalesce((
        SELECT json_agg(json_build_object('kind', l.kind, 'quantity', l.quantity, 'unit_price_minor', l.unit_price_minor))
          FROM contract_lines l
         WHERE l.contract_id = c.id AND l.during @> ${referenceDay}), '[]'::json)`.as("lines"),
    ])
    .where("c.id", "=", contractId);
  if ("orgId" in scope) query = query.where("c.org_id", "=", scope.orgId);
  return query.executeTakeFirst();
}

type LoadedContract = NonNullable<Awaited<ReturnType<typeof usageContract>>>;

/**
 * `contractUsage` of a contract already loaded (and scoped) by the caller. The month's figures come
 * from `monthFigures`: computed from the rollups, kept until a sample, a meter or the commit changes.
 * `hourly` is that object itself, the same for every view while the figures are unchanged (never
 * modify it; the page derives its charts from it once, ADR 029).
 */
async function usageOf(db: Executor, contract: LoadedContract, month: string, now: Date) {
  const { period, meters, commitMbps, kept } = await monthInputs(db, contract, month);
  const price = (kind: string) => contract.lines.find((l) => l.kind === kind);
  const commitW = (price("power_commit_kw")?.quantity ?? 0) * 1000;

  const elapsed: Period = { from: period.from, to: new Date(Math.min(Math.max(now.getTime(), period.from.getTime()), period.to.getTime())) };
  const inProgress = now < period.to;
  const figures = await monthFigures(db, { contractId: contract.id, month, timeZone: contract.time_zone, period, commitMbps, meters }, kept);
  const bw = figures.bandwidth;
  const kwh = figures.energyKwh;
  const overagePrice = price("bandwidth_overage_mbps")?.unit_price_minor ?? 0;
  const commitMicros = decimalToMicros(commitMbps);
  const overMbps = bw.p95 !== null && decimalToMicros(bw.p95) > commitMicros ? microsToDecimal(decimalToMicros(bw.p95) - commitMicros) : "0";
  const energyPrice = price("energy_kwh")?.unit_price_minor ?? 0;
  const projectedKwh = inProgress ? project(kwh, elapsed.to.getTime() - period.from.getTime(), period.to.getTime() - period.from.getTime()) : kwh;

  return {
    contract,
    month,
    period,
    inProgress,
    // Each meter with its attachment's dates; one attached from a date still to come is `upcoming`
    // (it measures nothing yet, and the page says "from …" rather than showing it as current).
    meters: meters.map((m) => ({ id: m.id, externalId: m.external_id, kind: m.kind, fromOn: m.attached_on, untilOn: m.detached_on, upcoming: m.from > now })),
    bandwidth: {
      /** For reading: the month's commit weighted by day across versions (ADR 015). */
      commitMbps: Number(commitMbps),
      p95Mbps: bw.p95,
      samples: bw.samples,
      burst: burstBudget(fiveMinuteSlots(period), bw.aboveCommit),
      overMbps,
      overagePriceMinor: overagePrice,
      overageMinor: priceTimesDecimal(overagePrice, overMbps),
    },
    power: { commitW, ...figures.power },
    energy: {
      kwh,
      projectedKwh,
      priceMinor: energyPrice,
      costMinor: priceTimesDecimal(energyPrice, kwh),
      projectedCostMinor: priceTimesDecimal(energyPrice, projectedKwh),
      byDay: figures.energyByDay,
    },
    hourly: figures.hourly,
  };
}

/**
 * What a month's figures depend on, in one statement (each round trip to the database costs the
 * page more than the reading itself): the month's instants in the site's time zone (`monthPeriod`),
 * the contract's meters over them (`contractMeters`), the month's commit (`contractCommitMbps`) and
 * the fingerprint of the figures kept for the month (month-figures.server.ts).
 */
async function monthInputs(db: Executor, contract: LoadedContract, month: string) {
  type MeterRow = Awaited<ReturnType<typeof contractMeters>>[number];
  const meters = contractMetersQuery(db, contract.id, { from: sql`p."from"`, to: sql`p."to"` }, contract.time_zone);
  const { rows } = await sql<{ from: Date; to: Date; commit_mbps: string; meters: (Omit<MeterRow, "from" | "to"> & { from: string; to: string })[]; kept: string | null }>`
    SELECT p."from", p."to", ${contractCommitSql(contract.id, month)} AS commit_mbps,
           (SELECT coalesce(json_agg(w ORDER BY w.external_id, w.attached_on), '[]'::json) FROM (${meters}) AS w) AS meters,
           (SELECT k.fingerprint FROM usage_month_cache k WHERE k.contract_id = ${contract.id} AND k.month = ${month}) AS kept
      FROM ${monthPeriodSql(month, contract.time_zone)}`.execute(db);
  const row = rows[0];
  return {
    period: { from: row.from, to: row.to },
    meters: row.meters.map((m): MeterRow => ({ ...m, from: new Date(m.from), to: new Date(m.to) })),
    commitMbps: row.commit_mbps ?? "0",
    kept: row.kept,
  };
}

function microsToDecimal(micros: bigint) {
  return `${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, "0")}`;
}

/** The raw samples of a contract's meters for a month, as CSV lines (meter,metric,at,value), streamed in pages. */
export async function* contractSamplesCsv(db: Executor, scope: Scope, contractId: string, month: string) {
  const contract = await usageContract(db, scope, contractId);
  if (!contract) return;
  const period = await monthPeriod(db, month, contract.time_zone);
  const meters = await contractMeters(db, contract.id, period, contract.time_zone);
  yield "meter,metric,at,value\n";
  for (const m of meters) {
    // Keyset pages over the primary key (meter, metric, at) order: (at, metric) after the last row.
    let cursor: { at: Date; metric: string } | undefined;
    for (;;) {
      let query = db
        .selectFrom("samples")
        .select(["metric", "at", "value"])
        .where("meter_id", "=", m.id)
        .where("at", ">=", m.from)
        .where("at", "<", m.to)
        .orderBy("at")
        .orderBy("metric")
        .limit(5000);
      if (cursor) query = query.where(sql<boolean>`(at, metric) > (${cursor.at}::timestamptz, ${cursor.metric}::text)`);
      const rows = await query.execute();
      if (rows.length === 0) break;
      yield rows.map((r) => `${m.external_id},${r.metric},${r.at.toISOString()},${r.value}\n`).join("");
      cursor = rows[rows.length - 1];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Added for the tenant's usage pages (app/routes/app.usage*): which months a contract can be read
// for, and the month asked for in a URL made safe before it reaches SQL.

/** `YYYY-MM` → the next month. */
const nextMonth = (month: string) => {
  const [y, m] = month.split("-").map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
};

/**
 * The months a contract's usage can be looked at, oldest first, in the site's calendar: from the
 * month it starts to this month (or the month it ended, if earlier). A contract that starts in a
 * later month has that one month.
 */
export function contractMonths(contract: { start_on: string; end_on: string | null; time_zone: string }, now = new Date()): string[] {
  const first = contract.start_on.slice(0, 7);
  const current = monthOf(now, contract.time_zone);
  let last = contract.end_on && contract.end_on.slice(0, 7) < current ? contract.end_on.slice(0, 7) : current;
  if (last < first) last = first;
  const months: string[] = [];
  for (let m = first; m <= last; m = nextMonth(m)) months.push(m);
  return months;
}

/**
 * The month to show: the one asked for when it is one of the contract's months; otherwise (missing,
 * malformed, before the start, in the future) this month, or the nearest month of the contract.
 */
export function pickMonth(months: string[], asked: unknown, current: string): string {
  if (isMonth(asked) && months.includes(asked)) return asked;
  if (months.includes(current)) return current;
  return current < months[0] ? months[0] : months[months.length - 1];
}

/** `contractUsage` for a month asked for in a URL (validated by `pickMonth`), with the months to pick from. */
export async function contractUsageForTenant(db: Executor, scope: { orgId: string }, contractId: string, askedMonth: unknown, now = new Date()) {
  const contract = await usageContract(db, scope, contractId);
  if (!contract) return undefined;
  const months = contractMonths(contract, now);
  const current = monthOf(now, contract.time_zone);
  const usage = await usageOf(db, contract, pickMonth(months, askedMonth, current), now);
  return { ...usage, months, currentMonth: current };
}

/** The raw samples of a month as a CSV download: its file name and its lines; undefined for another organisation's contract. */
export async function contractSamplesExport(db: Executor, scope: { orgId: string }, contractId: string, askedMonth: unknown, now = new Date()) {
  const contract = await usageContract(db, scope, contractId);
  if (!contract) return undefined;
  const month = pickMonth(contractMonths(contract, now), askedMonth, monthOf(now, contract.time_zone));
  return { month, filename: `usage-${contract.site_code}-${month}.csv`, lines: contractSamplesCsv(db, scope, contract.id, month) };
}

/**
 * This month's headline for each active contract of an organisation (running 95th percentile against
 * the commit, energy so far, overage and energy cost at this pace), and its ended contracts.
 */
export async function usageOverview(db: Executor, scope: { orgId: string }, now = new Date()) {
  const contracts = await listContracts(db, scope);
  const active = [];
  for (const c of contracts.filter((c) => c.status === "active")) {
    const contract = await usageContract(db, scope, c.id);
    if (!contract) continue;
    const months = contractMonths(contract, now);
    active.push({ ...c, usage: await usageOf(db, contract, pickMonth(months, undefined, monthOf(now, contract.time_zone)), now) });
  }
  // A contract that has not started yet has no usage and has not ended either.
  return { active, ended: contracts.filter((c) => c.status === "terminated") };
}
