import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "#db/types";
import { energyByDay, energyKwh, hourlySeries, percentile95, powerStats, type MeterWindow, type Percentile95, type Period } from "./usage.server";

/**
 * A contract's month of usage figures for the usage pages, computed from the rollups once and kept
 * in `usage_month_cache` (migration 2026_12_02_1300, ADR 025) until what they depend on changes.
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
  /** Per UTC hour (ISO instant): the highest bandwidth in/out and power of the contract's meters. */
  series: { hour: string; in_mbps: string | null; out_mbps: string | null; power_w: string | null }[];
}

export interface FiguresInput {
  contractId: string;
  month: string;
  timeZone: string;
  period: Period;
  commitMbps: string;
  meters: (MeterWindow & { kind: "power" | "bandwidth"; samples_version: number })[];
}

function fingerprintOf(input: FiguresInput) {
  const parts = [
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
  return { bandwidth, energyKwh: kwh, power, energyByDay: byDay, series: series.map((r) => ({ ...r, hour: new Date(r.hour).toISOString() })) };
}

/** What `usage_month_cache` holds for a contract's month (read by the caller with its other inputs). */
export type KeptFigures = { fingerprint: string; figures: unknown } | null;

/** The month's figures: the kept ones when their fingerprint is the input's, else computed and kept. */
export async function monthFigures(db: Executor, input: FiguresInput, kept: KeptFigures): Promise<MonthFigures> {
  const fingerprint = fingerprintOf(input);
  if (kept?.fingerprint === fingerprint) return kept.figures as MonthFigures;
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
