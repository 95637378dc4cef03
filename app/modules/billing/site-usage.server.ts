import { sql } from "kysely";
import type { Executor } from "#db/types";
import type { Period } from "~/modules/metering/usage.server";

/**
 * The month's usage of EVERY contract of a site at once, for the billing run: a few set-based
 * statements for the whole site instead of three queries per contract.
 *
 * Two statements (energy, then bandwidth and power), run side by side, over the rollups the
 * samples' trigger maintains (`energy_hours`, `usage_instants`; usage.server.ts). The semantics are
 * those of usage.server.ts's reference SQL over raw samples (`contractMeters` → `energyKwh` /
 * `percentile95` / `powerStats`); test/integration/site-usage.test.ts checks both agree contract by
 * contract on random worlds. `referenceSiteUsage` is the same site-wide read over the raw samples
 * (the benchmarks' baseline, and the path for a site whose local midnights are off the hour grid).
 *
 * - Contracts: those of the site active on at least one local day of the period.
 * - Windows: each attachment of a meter to such a contract, as `contractMeters` computes it: its
 *   local days [attached_on, detached_on + 1) as instants, intersected with the period.
 * - Energy (power meters): positive deltas between consecutive `energy_kwh` readings within each
 *   window, the last reading before the window as starting point, a drop counting from zero.
 * - Bandwidth (bandwidth meters): per meter and 5-minute instant max(in, out); per contract and
 *   instant the sum over its meters; the billed rate is the value at 1-based position
 *   ceil(0.95 × N) ascending. `percentile_disc(0.95)` picks exactly that row: PostgreSQL takes row
 *   ceil(0.95 × N) computed in double precision, equal to the integer (95·N + 99) div 100 for every
 *   N up to 2,000,000 (a month has at most 8,928 instants); the test checks it again.
 */

export interface ContractUsage {
  /** kWh over the contract's power meters, decimal string ("0" without readings). */
  energyKwh: string;
  /** Power meter windows (attachments) of the contract in the period. */
  powerMeters: number;
  /** Billed 95th percentile in Mbps, decimal string; null without bandwidth samples. */
  p95: string | null;
  /** Number of 5-minute instants with bandwidth samples. */
  samples: number;
  /** Instants strictly above the contract's committed rate. */
  aboveCommit: number;
}

export const NO_USAGE: ContractUsage = { energyKwh: "0", powerMeters: 0, p95: null, samples: 0, aboveCommit: 0 };

/** The 5-minute instant of a sample `s`, as in usage.server.ts. */
const INSTANT = sql`date_bin('5 minutes', s.at, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

/** `c(id, commit_mbps)`: the site's contracts active in the period; `w(contract_id, id, kind, f, t)`: their meter windows. */
function windows(siteId: string, period: Period, timeZone: string, orgIds?: readonly string[]) {
  const from = sql`${period.from}::timestamptz`;
  const to = sql`${period.to}::timestamptz`;
  return sql`
    c AS MATERIALIZED (
      SELECT id, contract_commit_mbps(id, (${from} AT TIME ZONE ${timeZone})::date, (${to} AT TIME ZONE ${timeZone})::date - 1) AS commit_mbps
        FROM contracts
       WHERE site_id = ${siteId}
         ${orgIds ? sql`AND org_id = ANY(${[...orgIds]}::uuid[])` : sql``}
         AND start_on <= (${to} AT TIME ZONE ${timeZone})::date - 1
         AND (end_on IS NULL OR end_on >= (${from} AT TIME ZONE ${timeZone})::date)
    ), w AS MATERIALIZED (
      SELECT a.contract_id, a.meter_id AS id, m.kind,
             greatest(${from}, (a.attached_on::timestamp AT TIME ZONE ${timeZone})) AS f,
             least(${to}, coalesce(((a.detached_on + 1)::timestamp AT TIME ZONE ${timeZone}), ${to})) AS t
        FROM meter_attachments a
        JOIN c ON c.id = a.contract_id
        JOIN meters m ON m.id = a.meter_id
       WHERE (a.attached_on::timestamp AT TIME ZONE ${timeZone}) < ${to}
         AND (a.detached_on IS NULL OR ((a.detached_on + 1)::timestamp AT TIME ZONE ${timeZone}) > ${from})
    )`;
}

export interface SiteUsageInput {
  siteId: string;
  /** The month as instants (`monthPeriod`). */
  period: Period;
  /** The site's time zone: attachments are local days. */
  timeZone: string;
  /** Only these organisations' contracts (the run reads usage a batch of organisations at a time). */
  orgIds?: readonly string[];
}

/** The reference's two statements over the raw samples (exported for the benchmarks' baseline and EXPLAIN). */
export function referenceSiteUsageQueries(input: SiteUsageInput) {
  const cte = windows(input.siteId, input.period, input.timeZone, input.orgIds);

  // Energy: each power window's readings plus the last reading before it, deltas per (contract,
  // meter) in time order. A meter attached twice to one contract in the month repeats the reading
  // before its second window; ordering ties by window start gives the delta to the counted copy.
  const energy = sql<{ contract_id: string; kwh: string; power_meters: number }>`
    WITH ${cte}, pw AS MATERIALIZED (
      SELECT contract_id, id, f, t FROM w WHERE kind = 'power'
    ), readings AS (
      SELECT pw.contract_id, s.meter_id, s.at, s.value, pw.f
        FROM pw
        JOIN samples s ON s.meter_id = pw.id AND s.metric = 'energy_kwh' AND s.at >= pw.f AND s.at < pw.t
      UNION ALL
      SELECT pw.contract_id, before.meter_id, before.at, before.value, pw.f
        FROM pw
        CROSS JOIN LATERAL (
          SELECT s.meter_id, s.at, s.value FROM samples s
           WHERE s.meter_id = pw.id AND s.metric = 'energy_kwh' AND s.at < pw.f
           ORDER BY s.at DESC LIMIT 1
        ) before
    ), deltas AS (
      SELECT contract_id, at, f, CASE WHEN lag(value) OVER m IS NULL THEN 0
                                      WHEN value >= lag(value) OVER m THEN value - lag(value) OVER m
                                      ELSE value END AS kwh
        FROM readings WINDOW m AS (PARTITION BY contract_id, meter_id ORDER BY at, f)
    ), per_contract AS (
      SELECT contract_id, sum(kwh) AS kwh FROM deltas WHERE at >= f GROUP BY contract_id
    ), meters_per_contract AS (
      SELECT contract_id, count(*) AS n FROM pw GROUP BY contract_id
    )
    SELECT c.id AS contract_id, coalesce(e.kwh, 0)::text AS kwh, coalesce(m.n, 0)::int4 AS power_meters
      FROM c
      LEFT JOIN per_contract e ON e.contract_id = c.id
      LEFT JOIN meters_per_contract m ON m.contract_id = c.id
  `;

  // Bandwidth: one statement for the site, evaluated contract by contract and meter window by meter
  // window (LATERAL), so each grouping holds one meter's or one contract's month (8,640 instants)
  // and stays in memory; the samples come from the primary key's range (meter, metric, window).
  // A window starts and ends on local midnights, which lie on the 5-minute grid (whole-hour
  // offsets): an instant never straddles two windows, so per-window groups are per-meter groups.
  // Contracts are walked in the order of their first bandwidth meter's id, i.e. meters in primary-key
  // order like a plain GROUP BY meter: samples of neighbouring meters share heap pages (a collector
  // writes a site's meters of one instant together), so the next meter finds its pages in cache.
  const bandwidth = sql<{ contract_id: string; p95: string | null; n: number; above: number }>`
    WITH ${cte}, walk AS MATERIALIZED (
      SELECT c.id, c.commit_mbps, (SELECT w.id FROM w WHERE w.contract_id = c.id AND w.kind = 'bandwidth' ORDER BY w.id LIMIT 1) AS first_meter
        FROM c
       ORDER BY first_meter NULLS LAST, c.id
    )
    SELECT c.id AS contract_id, u.p95, u.n, u.above
      FROM walk c
     CROSS JOIN LATERAL (
       SELECT (percentile_disc(0.95) WITHIN GROUP (ORDER BY per_instant.v))::text AS p95,
              count(*)::int8 AS n,
              count(*) FILTER (WHERE per_instant.v > c.commit_mbps)::int8 AS above
         FROM (
           SELECT per_meter.at, sum(per_meter.v) AS v
             FROM w
            CROSS JOIN LATERAL (
              SELECT ${INSTANT} AS at, max(s.value) AS v
                FROM samples s
               WHERE s.meter_id = w.id AND s.metric IN ('bw_in_mbps', 'bw_out_mbps') AND s.at >= w.f AND s.at < w.t
               GROUP BY 1
            ) per_meter
            WHERE w.contract_id = c.id AND w.kind = 'bandwidth'
            GROUP BY per_meter.at
         ) per_instant
     ) u
  `;

  return { energy, bandwidth };
}

/** The site's usage from the raw samples (the reference; `siteUsage` reads the rollups). */
export async function referenceSiteUsage(db: Executor, input: SiteUsageInput): Promise<Map<string, ContractUsage>> {
  const { energy, bandwidth } = referenceSiteUsageQueries(input);
  const [e, b] = await Promise.all([energy.execute(db), bandwidth.execute(db)]);
  const usage = new Map<string, ContractUsage>();
  for (const row of e.rows) usage.set(row.contract_id, { ...NO_USAGE, energyKwh: row.kwh, powerMeters: Number(row.power_meters) });
  for (const row of b.rows) {
    const u = usage.get(row.contract_id);
    if (u) Object.assign(u, { p95: row.p95, samples: Number(row.n), aboveCommit: Number(row.above) });
  }
  return usage;
}


/** A contract's month with its power draw (the operators' overview). */
export interface SiteContractUsage extends ContractUsage {
  /** Peak of the per-instant sum of its power meters' draw (W), decimal string; null without samples. */
  peakW: string | null;
  /** Average of that sum over the instants with samples, rounded to 0.1 W. */
  averageW: string | null;
}

/** The two statements over the rollups (exported for the benchmarks' EXPLAIN). */
export function siteUsageQueries(input: SiteUsageInput) {
  const cte = windows(input.siteId, input.period, input.timeZone, input.orgIds);

  // Energy: per power window its hours (plus the last hour before it), each hour's delta from the
  // previous hour's last reading plus its own inner deltas (usage.server.ts `energyKwh`).
  const energy = sql<{ contract_id: string; kwh: string; power_meters: number }>`
    WITH ${cte}, pw AS MATERIALIZED (
      SELECT contract_id, id, f, t FROM w WHERE kind = 'power'
    ), hours AS (
      SELECT pw.contract_id, pw.id, pw.f, h.at, h.first_value, h.last_value, h.inner_kwh
        FROM pw
        JOIN energy_hours h ON h.meter_id = pw.id AND h.at >= pw.f AND h.at < pw.t
      UNION ALL
      SELECT pw.contract_id, pw.id, pw.f, b.at, b.first_value, b.last_value, NULL
        FROM pw
        CROSS JOIN LATERAL (
          SELECT h.at, h.first_value, h.last_value FROM energy_hours h
           WHERE h.meter_id = pw.id AND h.at < pw.f
           ORDER BY h.at DESC LIMIT 1
        ) b
    ), deltas AS (
      SELECT contract_id, at, f, CASE WHEN lag(last_value) OVER m IS NULL THEN 0
                                      WHEN first_value >= lag(last_value) OVER m THEN first_value - lag(last_value) OVER m
                                      ELSE first_value END + coalesce(inner_kwh, 0) AS kwh
        FROM hours WINDOW m AS (PARTITION BY contract_id, id, f ORDER BY at)
    ), per_contract AS (
      SELECT contract_id, sum(kwh) AS kwh FROM deltas WHERE at >= f GROUP BY contract_id
    ), meters_per_contract AS (
      SELECT contract_id, count(*) AS n FROM pw GROUP BY contract_id
    )
    SELECT c.id AS contract_id, coalesce(e.kwh, 0)::text AS kwh, coalesce(m.n, 0)::int4 AS power_meters
      FROM c
      LEFT JOIN per_contract e ON e.contract_id = c.id
      LEFT JOIN meters_per_contract m ON m.contract_id = c.id
  `;

  // Bandwidth and power: per contract (LATERAL, so each grouping holds one contract's month), per
  // 5-minute instant the sum over its bandwidth windows of max(in, out) and over its power windows
  // of the draw; NULLs (an instant with only the other kind) are ignored by every aggregate.
  const instants = sql<{ contract_id: string; p95: string | null; n: number; above: number; peak: string | null; average: string | null }>`
    WITH ${cte}
    SELECT c.id AS contract_id, u.p95, u.n, u.above, u.peak, u.average
      FROM c
     CROSS JOIN LATERAL (
       SELECT (percentile_disc(0.95) WITHIN GROUP (ORDER BY per_instant.bw))::text AS p95,
              count(per_instant.bw)::int8 AS n,
              count(*) FILTER (WHERE per_instant.bw > c.commit_mbps)::int8 AS above,
              max(per_instant.pw)::text AS peak,
              round(avg(per_instant.pw), 1)::text AS average
         FROM (
           SELECT u.at, sum(CASE WHEN w.kind = 'bandwidth' THEN greatest(u.bw_in, u.bw_out) END) AS bw,
                        sum(CASE WHEN w.kind = 'power' THEN u.power_w END) AS pw
             FROM w
             JOIN usage_instants u ON u.meter_id = w.id AND u.at >= w.f AND u.at < w.t
            WHERE w.contract_id = c.id
            GROUP BY u.at
         ) per_instant
     ) u
  `;

  return { energy, instants };
}

const HOUR_MS = 3_600_000;

/**
 * Every contract of the site (or of `orgIds`) for the month: energy, 95th percentile and power, in
 * two statements over the rollups. A site whose month does not start and end on a whole UTC hour
 * (an offset of half an hour) is read by the reference over raw samples, without the power figures.
 */
export async function siteUsage(db: Executor, input: SiteUsageInput): Promise<Map<string, SiteContractUsage>> {
  if (input.period.from.getTime() % HOUR_MS !== 0 || input.period.to.getTime() % HOUR_MS !== 0) {
    const raw = await referenceSiteUsage(db, input);
    return new Map([...raw].map(([id, u]) => [id, { ...u, peakW: null, averageW: null }]));
  }
  const { energy, instants } = siteUsageQueries(input);
  const [e, b] = await Promise.all([energy.execute(db), instants.execute(db)]);
  const usage = new Map<string, SiteContractUsage>();
  for (const row of e.rows) usage.set(row.contract_id, { ...NO_USAGE, peakW: null, averageW: null, energyKwh: row.kwh, powerMeters: Number(row.power_meters) });
  for (const row of b.rows) {
    const u = usage.get(row.contract_id);
    if (u) Object.assign(u, { p95: row.p95, samples: Number(row.n), aboveCommit: Number(row.above), peakW: row.peak, averageW: row.average });
  }
  return usage;
}
