import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "#db/types";
import { energyByDay, energyKwh, hourlySeries, percentile95, powerStats, type MeterWindow, type Percentile95, type Period } from "./usage.server";

/**
 * A contract's month of usage figures for the usage pages, computed from the rollups once and kept
 * in `usage_month_cache` (migration 2026_12_02_1300, ADR 025) until what they depend on changes,
 * and held by each server process for the months viewed lately (ADR 029).
 *
 * The fingerprint holds everything the figures are computed from: the site's time zone and the
 * month's instants, the commit, and each meter's window, kind and `samples_version` (raised by the
 * database with every statement that stores samples of that meter, late ones included). A new
 * sample, a meter attached, detached or moved, or an amended commit gives another fingerprint, and
 * the figures are computed again. Invoices never read this cache: the billing run computes its own
 * figures from the rollups (billing/site-usage.server.ts).
 */
export interface MonthFigures {
  bandwidth: Percentile95;
  energyKwh: string;
  power: { peakW: string | null; averageW: string | null };
  energyByDay: { day: string; kwh: string }[];
  hourly: HourlySeries;
}

/**
 * Per hour of the month: the highest bandwidth in and out and power of the contract's meters, in
 * columns (one entry per hour with data; `hour` counts from the month's first instant). For the
 * charts only — the figures that are billed or shown as totals are the exact decimals above.
 */
export interface HourlySeries {
  hour: number[];
  inMbps: (number | null)[];
  outMbps: (number | null)[];
  powerW: (number | null)[];
}

export interface FiguresInput {
  contractId: string;
  month: string;
  timeZone: string;
  period: Period;
  commitMbps: string;
  meters: (MeterWindow & { kind: "power" | "bandwidth"; samples_version: number })[];
}

/** Raised when the kept figures' shape changes: rows kept in another shape then never match. */
const SHAPE = 2;

function fingerprintOf(input: FiguresInput) {
  const parts = [
    SHAPE,
    input.timeZone,
    input.period.from.toISOString(),
    input.period.to.toISOString(),
    input.commitMbps,
    ...input.meters.map((m) => [m.id, m.kind, m.from.toISOString(), m.to.toISOString(), m.samples_version]),
  ];
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url");
}

/** The figures from the rollups (usage.server.ts), the month's independent reads side by side. */
export async function computeMonthFigures(db: Executor, input: FiguresInput): Promise<MonthFigures> {
  const windows = (kind?: "power" | "bandwidth"): MeterWindow[] => input.meters.filter((m) => !kind || m.kind === kind).map((m) => ({ id: m.id, from: m.from, to: m.to }));
  const [bandwidth, kwh, power, byDay, series] = await Promise.all([
    percentile95(db, windows("bandwidth"), input.period, input.commitMbps),
    energyKwh(db, windows("power"), input.period),
    powerStats(db, windows("power"), input.period),
    energyByDay(db, windows("power"), input.period, input.timeZone),
    hourlySeries(db, windows(), input.period),
  ]);
  const from = input.period.from.getTime();
  const value = (v: string | null) => (v === null ? null : Number(v));
  return {
    bandwidth,
    energyKwh: kwh,
    power,
    energyByDay: byDay,
    hourly: {
      hour: series.map((r) => Math.round((new Date(r.hour).getTime() - from) / 3_600_000)),
      inMbps: series.map((r) => value(r.in_mbps)),
      outMbps: series.map((r) => value(r.out_mbps)),
      powerW: series.map((r) => value(r.power_w)),
    },
  };
}

/**
 * The figures of the months viewed lately, held by this process in front of `usage_month_cache`:
 * a view whose fingerprint is the one held reads nothing more (the fingerprint is computed from the
 * database on every view, so several processes never show each other's stale figures). At most
 * `HELD` months, the least recently viewed dropped first (a whole month is ≈ 35 KB here).
 */
const held = new Map<string, { fingerprint: string; figures: MonthFigures }>();
const HELD = 500;

/** Forget the figures this process holds (tests and benchmarks that time the other paths). */
export function forgetHeldFigures() {
  held.clear();
}

function hold(key: string, fingerprint: string, figures: MonthFigures) {
  held.delete(key);
  held.set(key, { fingerprint, figures });
  if (held.size > HELD) held.delete(held.keys().next().value!);
}

/**
 * The month's figures: held by this process for this fingerprint; else the kept row when the
 * fingerprint the caller read with its inputs (`keptFingerprint`) is this one; else computed and kept.
 */
export async function monthFigures(db: Executor, input: FiguresInput, keptFingerprint: string | null): Promise<MonthFigures> {
  const fingerprint = fingerprintOf(input);
  const key = `${input.contractId} ${input.month}`;
  const mine = held.get(key);
  if (mine?.fingerprint === fingerprint) {
    hold(key, fingerprint, mine.figures);
    return mine.figures;
  }
  const kept =
    keptFingerprint === fingerprint
      ? await db
          .selectFrom("usage_month_cache")
          .select("figures")
          .where("contract_id", "=", input.contractId)
          .where("month", "=", input.month)
          .where("fingerprint", "=", fingerprint)
          .executeTakeFirst()
      : undefined;
  const figures = (kept?.figures as MonthFigures | undefined) ?? (await computeAndKeep(db, input, fingerprint));
  hold(key, fingerprint, figures);
  return figures;
}

async function computeAndKeep(db: Executor, input: FiguresInput, fingerprint: string) {
  const figures = await computeMonthFigures(db, input);
  // A cache: two pages computing at once both write, the later fingerprint read wins; a failed write
  // (the contract deleted meanwhile) only means the next page computes again.
  const json = JSON.stringify(figures);
  await db
    .insertInto("usage_month_cache")
    .values({ contract_id: input.contractId, month: input.month, fingerprint, figures: json })
    .onConflict((oc) => oc.columns(["contract_id", "month"]).doUpdateSet({ fingerprint, figures: json, computed_at: sql`now()` }))
    .execute()
    .catch(() => undefined);
  return figures;
}
