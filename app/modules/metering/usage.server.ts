import { sql } from "kysely";
import type { Executor } from "#db/types";

/**
 * Usage aggregation, computed by the database over the samples (never a month of samples in
 * JavaScript). Every function takes the meters to read and a period [from, to) of instants; a
 * billing month is a calendar month in the site's time zone (`monthPeriod`).
 *
 * - Energy: the sum of positive deltas between consecutive `energy_kwh` readings of each meter,
 *   counting a reading whose later neighbour falls in the period (the last reading before the
 *   period is the starting point, so nothing is lost between months). A drop is a counter reset:
 *   the reading after it counts from zero. Arrival order does not matter: readings are ordered by
 *   their instant.
 * - Instants: a sample belongs to the 5-minute instant it falls in (`at` floored to :00, :05, … —
 *   `INSTANT` below). Collectors' clocks jitter, so the in and out of a port, or two meters of one
 *   contract, read at 10:00:00, 10:00:02 and 10:00:03 are one instant, not three (ADR 009). Samples
 *   stay as received; only the aggregation buckets them. Per meter and instant the highest reading counts.
 * - Bandwidth, 95th percentile: per 5-minute instant, max(in, out) of each meter, summed over the
 *   contract's meters; sorted ascending, the billed rate is the value at 1-based position
 *   ceil(0.95 × N) — computed with integers, (95·N + 99) div 100.
 *
 * Two implementations with the same results (test/integration/usage-rollups.test.ts compares them on
 * random worlds, string for string):
 * - `reference`: the SQL over the raw samples, the definition above.
 * - the exported functions: the same figures from the rollups the samples' trigger maintains
 *   (migration 2026_12_02_1100, ADR 019): `usage_instants` (per meter and 5-minute instant, the
 *   highest reading of each metric) and `energy_hours` (per meter and UTC hour, the first and last
 *   counter reading and the deltas between them). A month reads 8,640 instants or 720 hours per
 *   meter, whatever the samples or the years kept. They need windows on the rollups' grid: every
 *   `from`/`to` on a whole hour (local midnights of sites whose offset is whole hours); any other
 *   window goes to the reference.
 */

/** The 5-minute instant of a sample `s`: its `at` floored to the 5-minute grid (UTC; every site's offset is whole hours). */
const INSTANT = sql`date_bin('5 minutes', s.at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

export interface Period {
  from: Date;
  to: Date;
}

/** A meter read over its own window (a meter re-attached mid-month counts only its days). */
export interface MeterWindow {
  id: string;
  from: Date;
  to: Date;
}

/** Meter ids read over the whole period, or explicit windows; as one SQL `windows(id, f, t)` source. */
function windowsOf(meters: string[] | MeterWindow[], period: Period) {
  const list: MeterWindow[] = meters.map((m) => (typeof m === "string" ? { id: m, from: period.from, to: period.to } : m));
  return {
    empty: list.length === 0,
    sql: sql`unnest(${list.map((w) => w.id)}::uuid[], ${list.map((w) => w.from.toISOString())}::timestamptz[], ${list.map((w) => w.to.toISOString())}::timestamptz[]) AS w(id, f, t)`,
  };
}

/** The month `YYYY-MM` in a time zone, as instants: [first day 00:00 local, next month's first day 00:00 local). */
export async function monthPeriod(db: Executor, month: string, timeZone: string): Promise<Period> {
  const { rows } = await sql<Period>`SELECT * FROM ${monthPeriodSql(month, timeZone)}`.execute(db);
  return rows[0];
}

/** `monthPeriod` as a one-row SQL relation `p("from", "to")`, for a statement that needs the instants inline. */
export const monthPeriodSql = (month: string, timeZone: string) => sql`
  (SELECT (${`${month}-01`}::date)::timestamp AT TIME ZONE ${timeZone} AS "from",
          ((${`${month}-01`}::date + interval '1 month')::date)::timestamp AT TIME ZONE ${timeZone} AS "to") AS p`;

/**
 * Energy readings in each meter's window, plus the last reading before it, with their predecessor.
 * A meter read over two windows (detached and attached again in the month) repeats the reading
 * before its second window when that reading is the last of its first one: ties are ordered by
 * window start, so the counted copy (the first window's) gets the real delta, as in siteUsage.
 */
const energyDeltas = (windows: ReturnType<typeof windowsOf>) => sql`
    readings AS (
      SELECT s.meter_id, s.at, s.value, w.f
        FROM ${windows.sql}
        JOIN samples s ON s.meter_id = w.id AND s.metric = 'energy_kwh' AND s.at >= w.f AND s.at < w.t
      UNION ALL
      SELECT before.meter_id, before.at, before.value, w.f
        FROM ${windows.sql}
        CROSS JOIN LATERAL (
          SELECT s.meter_id, s.at, s.value FROM samples s
           WHERE s.meter_id = w.id AND s.metric = 'energy_kwh' AND s.at < w.f
           ORDER BY s.at DESC LIMIT 1
        ) before
    ), deltas AS (
      SELECT at, f, CASE WHEN lag(value) OVER m IS NULL THEN 0
                         WHEN value >= lag(value) OVER m THEN value - lag(value) OVER m
                         ELSE value END AS kwh
        FROM readings WINDOW m AS (PARTITION BY meter_id ORDER BY at, f)
    )`;

async function rawEnergyKwh(db: Executor, meters: string[] | MeterWindow[], period: Period): Promise<string> {
  const windows = windowsOf(meters, period);
  if (windows.empty) return "0";
  const { rows } = await sql<{ kwh: string }>`
    WITH ${energyDeltas(windows)}
    SELECT coalesce(sum(kwh), 0)::text AS kwh FROM deltas WHERE at >= f
  `.execute(db);
  return rows[0].kwh;
}

/** Energy per local day of the period, for the chart. */
async function rawEnergyByDay(db: Executor, meters: string[] | MeterWindow[], period: Period, timeZone: string) {
  const windows = windowsOf(meters, period);
  if (windows.empty) return [];
  const { rows } = await sql<{ day: string; kwh: string }>`
    WITH ${energyDeltas(windows)}
    SELECT to_char(at AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS day, sum(kwh)::text AS kwh
      FROM deltas WHERE at >= f
     GROUP BY 1 ORDER BY 1
  `.execute(db);
  return rows;
}

export interface Percentile95 {
  /** Billed rate in Mbps (decimal string), null without samples. */
  p95: string | null;
  /** Number of 5-minute samples in the period. */
  samples: number;
  /** Samples strictly above `commitMbps`. */
  aboveCommit: number;
}

/**
 * The end of both 95th-percentile statements, after a `per_meter (at, v)` CTE: per-instant sums over
 * the meters, the value at 1-based rank ceil(0.95 × N) = (95·N + 99) div 100, the count of instants,
 * and those strictly above the commit.
 */
const percentileTail = (commitMbps: number | string) => sql`, per_instant AS (
      SELECT at, sum(v) AS v FROM per_meter GROUP BY at
    ), ranked AS (
      SELECT v, row_number() OVER (ORDER BY v) AS position, count(*) OVER () AS n FROM per_instant
    )
    SELECT (SELECT v::text FROM ranked WHERE position = (n * 95 + 99) / 100) AS p95,
           (SELECT count(*) FROM per_instant)::int8 AS n,
           (SELECT count(*) FROM per_instant WHERE v > ${String(commitMbps)}::numeric)::int8 AS above`;

async function rawPercentile95(db: Executor, meters: string[] | MeterWindow[], period: Period, commitMbps: number | string = 0): Promise<Percentile95> {
  const windows = windowsOf(meters, period);
  if (windows.empty) return { p95: null, samples: 0, aboveCommit: 0 };
  const { rows } = await sql<{ p95: string | null; n: number; above: number }>`
    WITH per_meter AS (
      SELECT s.meter_id, ${INSTANT} AS at, max(s.value) AS v
        FROM ${windows.sql}
        JOIN samples s ON s.meter_id = w.id AND s.metric IN ('bw_in_mbps', 'bw_out_mbps') AND s.at >= w.f AND s.at < w.t
       GROUP BY 1, 2
    )${percentileTail(commitMbps)}
  `.execute(db);
  return { p95: rows[0].p95, samples: Number(rows[0].n), aboveCommit: Number(rows[0].above) };
}

/** Peak and average power draw (W) over the period. */
async function rawPowerStats(db: Executor, meters: string[] | MeterWindow[], period: Period) {
  const windows = windowsOf(meters, period);
  if (windows.empty) return { peakW: null, averageW: null };
  const { rows } = await sql<{ peak: string | null; average: string | null }>`
    WITH per_meter AS (
      SELECT s.meter_id, ${INSTANT} AS at, max(s.value) AS watts
        FROM ${windows.sql}
        JOIN samples s ON s.meter_id = w.id AND s.metric = 'power_w' AND s.at >= w.f AND s.at < w.t
       GROUP BY 1, 2
    ), per_instant AS (
      SELECT at, sum(watts) AS watts FROM per_meter GROUP BY at
    )
    SELECT max(watts)::text AS peak, round(avg(watts), 1)::text AS average FROM per_instant
  `.execute(db);
  return { peakW: rows[0].peak, averageW: rows[0].average };
}

/** Hourly series for charts (a month is ~720 points, not 8,640): bandwidth max in/out, power max. */
async function rawHourlySeries(db: Executor, meters: string[] | MeterWindow[], period: Period) {
  const windows = windowsOf(meters, period);
  if (windows.empty) return [];
  const { rows } = await sql<{ hour: Date; in_mbps: string | null; out_mbps: string | null; power_w: string | null }>`
    WITH per_meter AS (
      SELECT s.meter_id, s.metric, ${INSTANT} AS at, max(s.value) AS v
        FROM ${windows.sql}
        JOIN samples s ON s.meter_id = w.id AND s.metric IN ('bw_in_mbps', 'bw_out_mbps', 'power_w') AND s.at >= w.f AND s.at < w.t
       GROUP BY 1, 2, 3
    ), per_instant AS (
      SELECT at, metric, sum(v) AS v FROM per_meter GROUP BY at, metric
    )
    SELECT date_trunc('hour', at) AS hour,
           max(v) FILTER (WHERE metric = 'bw_in_mbps')::text AS in_mbps,
           max(v) FILTER (WHERE metric = 'bw_out_mbps')::text AS out_mbps,
           max(v) FILTER (WHERE metric = 'power_w')::text AS power_w
      FROM per_instant GROUP BY 1 ORDER BY 1
  `.execute(db);
  return rows;
}

/** Burst budget: how many 5-minute samples of the month may exceed the commit before the 95th percentile does. */
export function burstBudget(monthSlots: number, aboveSoFar: number) {
  const allowed = Math.floor((monthSlots * 5) / 100);
  return { allowed, used: aboveSoFar, remaining: Math.max(0, allowed - aboveSoFar) };
}

/** Number of 5-minute slots in a period (8,640 in a 30-day month). */
export const fiveMinuteSlots = (period: Period) => Math.round((period.to.getTime() - period.from.getTime()) / 300_000);


// ---------------------------------------------------------------------------------------------
// The reference (raw samples) and the rollup-based functions the pages and the billing run use.

/** The SQL over raw samples: the definition, kept for the equality tests, the benchmarks and off-grid windows. */
export const reference = {
  energyKwh: rawEnergyKwh,
  energyByDay: rawEnergyByDay,
  percentile95: rawPercentile95,
  powerStats: rawPowerStats,
  hourlySeries: rawHourlySeries,
};

const HOUR_MS = 3_600_000;

const listOf = (meters: string[] | MeterWindow[], period: Period): MeterWindow[] =>
  meters.map((m) => (typeof m === "string" ? { id: m, from: period.from, to: period.to } : m));

/** Whether every window starts and ends on a whole UTC hour (the energy rollup's grid, a multiple of the 5-minute one). */
export const onRollupGrid = (windows: MeterWindow[]) => windows.every((w) => w.from.getTime() % HOUR_MS === 0 && w.to.getTime() % HOUR_MS === 0);

/** Per window, the hours of its readings plus the last hour before it, each with its delta from the previous hour's last reading. */
const energyTerms = (windows: ReturnType<typeof windowsOf>) => sql`
    hours AS (
      SELECT w.id, w.f, h.at, h.first_value, h.last_value, h.inner_kwh
        FROM ${windows.sql}
        JOIN energy_hours h ON h.meter_id = w.id AND h.at >= w.f AND h.at < w.t
      UNION ALL
      SELECT w.id, w.f, b.at, b.first_value, b.last_value, NULL
        FROM ${windows.sql}
        CROSS JOIN LATERAL (
          SELECT h.at, h.first_value, h.last_value FROM energy_hours h
           WHERE h.meter_id = w.id AND h.at < w.f
           ORDER BY h.at DESC LIMIT 1
        ) b
    ), deltas AS (
      SELECT at, f, CASE WHEN lag(last_value) OVER m IS NULL THEN 0
                         WHEN first_value >= lag(last_value) OVER m THEN first_value - lag(last_value) OVER m
                         ELSE first_value END + coalesce(inner_kwh, 0) AS kwh
        FROM hours WINDOW m AS (PARTITION BY id, f ORDER BY at)
    )`;

export async function energyKwh(db: Executor, meters: string[] | MeterWindow[], period: Period): Promise<string> {
  const list = listOf(meters, period);
  if (!onRollupGrid(list)) return rawEnergyKwh(db, list, period);
  const windows = windowsOf(list, period);
  if (windows.empty) return "0";
  const { rows } = await sql<{ kwh: string }>`
    WITH ${energyTerms(windows)}
    SELECT coalesce(sum(kwh), 0)::text AS kwh FROM deltas WHERE at >= f
  `.execute(db);
  return rows[0].kwh;
}

/** Energy per local day of the period, for the chart. */
export async function energyByDay(db: Executor, meters: string[] | MeterWindow[], period: Period, timeZone: string) {
  const list = listOf(meters, period);
  if (!onRollupGrid([...list, { id: "", ...period }])) return rawEnergyByDay(db, list, period, timeZone);
  const windows = windowsOf(list, period);
  if (windows.empty) return [];
  const { rows } = await sql<{ day: string; kwh: string }>`
    WITH ${energyTerms(windows)}
    SELECT to_char(at AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS day, sum(kwh)::text AS kwh
      FROM deltas WHERE at >= f
     GROUP BY 1 ORDER BY 1
  `.execute(db);
  return rows;
}

export async function percentile95(db: Executor, meters: string[] | MeterWindow[], period: Period, commitMbps: number | string = 0): Promise<Percentile95> {
  const list = listOf(meters, period);
  if (!onRollupGrid(list)) return rawPercentile95(db, list, period, commitMbps);
  const windows = windowsOf(list, period);
  if (windows.empty) return { p95: null, samples: 0, aboveCommit: 0 };
  const { rows } = await sql<{ p95: string | null; n: number; above: number }>`
    WITH per_meter AS (
      SELECT u.meter_id, u.at, max(greatest(u.bw_in, u.bw_out)) AS v
        FROM ${windows.sql}
        JOIN usage_instants u ON u.meter_id = w.id AND u.at >= w.f AND u.at < w.t
       WHERE u.bw_in IS NOT NULL OR u.bw_out IS NOT NULL
       GROUP BY 1, 2
    )${percentileTail(commitMbps)}
  `.execute(db);
  return { p95: rows[0].p95, samples: Number(rows[0].n), aboveCommit: Number(rows[0].above) };
}

/** Peak and average power draw (W) over the period. */
export async function powerStats(db: Executor, meters: string[] | MeterWindow[], period: Period) {
  const list = listOf(meters, period);
  if (!onRollupGrid(list)) return rawPowerStats(db, list, period);
  const windows = windowsOf(list, period);
  if (windows.empty) return { peakW: null, averageW: null };
  const { rows } = await sql<{ peak: string | null; average: string | null }>`
    WITH per_meter AS (
      SELECT u.meter_id, u.at, max(u.power_w) AS watts
        FROM ${windows.sql}
        JOIN usage_instants u ON u.meter_id = w.id AND u.at >= w.f AND u.at < w.t
       WHERE u.power_w IS NOT NULL
       GROUP BY 1, 2
    ), per_instant AS (
      SELECT at, sum(watts) AS watts FROM per_meter GROUP BY at
    )
    SELECT max(watts)::text AS peak, round(avg(watts), 1)::text AS average FROM per_instant
  `.execute(db);
  return { peakW: rows[0].peak, averageW: rows[0].average };
}

/** Hourly series for charts (a month is ~720 points, not 8,640): bandwidth max in/out, power max. */
export async function hourlySeries(db: Executor, meters: string[] | MeterWindow[], period: Period) {
  const list = listOf(meters, period);
  if (!onRollupGrid(list)) return rawHourlySeries(db, list, period);
  const windows = windowsOf(list, period);
  if (windows.empty) return [];
  const { rows } = await sql<{ hour: Date; in_mbps: string | null; out_mbps: string | null; power_w: string | null }>`
    WITH per_meter AS (
      SELECT u.meter_id, u.at, max(u.bw_in) AS i, max(u.bw_out) AS o, max(u.power_w) AS p
        FROM ${windows.sql}
        JOIN usage_instants u ON u.meter_id = w.id AND u.at >= w.f AND u.at < w.t
       GROUP BY 1, 2
    ), per_instant AS (
      SELECT at, sum(i) AS i, sum(o) AS o, sum(p) AS p FROM per_meter GROUP BY at
    )
    SELECT date_trunc('hour', at) AS hour, max(i)::text AS in_mbps, max(o)::text AS out_mbps, max(p)::text AS power_w
      FROM per_instant GROUP BY 1 ORDER BY 1
  `.execute(db);
  return rows;
}
