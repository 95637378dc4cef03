import { createHash } from "node:crypto";
import { niceTicks } from "~/components/charts";
import type { contractUsage } from "./contract-usage.server";
import type { HourlySeries } from "./month-figures.server";

/**
 * What the usage page draws of a month's figures (ADR 030): each chart as an SVG image of its own,
 * addressed by its content, and each day's figures.
 *
 * A month's lines are ≈ 720 points per series, its bars one per day with a caption. Drawn inside the
 * page they were written twice — in the HTML and in the loader data Remix sends for hydration — and
 * rendered, formatted, escaped, serialised and compressed on every view. As images
 * (`/app/usage/<id>/chart/<kind>?month=…&v=<hash>`) they are drawn once per figures object, and the
 * browser keeps them until the figures change, when the hash does. The image is shapes only: no figures, names or scale (the axes, legend and reference
 * lines are HTML in the page, over the image; the exact figures are in the page's table per day),
 * which is why it may be kept by the browser when the page itself is never stored.
 */

/** The plots' height in their units (their width: two units an hour for lines, 20 a day for bars). */
const PLOT_HEIGHT = 1000;

/**
 * A line chart's geometry: its y-axis ticks (0 to the top), one SVG path per series, and the plot's
 * width in the paths' units (its height is `PLOT_HEIGHT`).
 */
export interface LinePlot {
  ticks: number[];
  paths: string[];
  width: number;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * The geometry of lines through the points `x` (each point's position, 0 to 1) and each series'
 * values: y-axis ticks up to the largest value or reference line, and one SVG path per series, on
 * a plot `width` units wide. A width that puts the points on whole units (2 per hour for hourly
 * points at the middle of their hour) makes each step one or two digits: the smallest paths.
 */
export function plotLines(x: number[], series: (number | null)[][], refs: number[], gap: number, width = 10_000): LinePlot {
  let max = 0;
  for (const values of series) for (const v of values) if (v !== null && v > max) max = v;
  for (const r of refs) if (r > max) max = r;
  const ticks = niceTicks(max * 1.05);
  const top = ticks[ticks.length - 1];
  return { ticks, paths: series.map((values) => linePath(x, values, top, gap, width)), width };
}

/**
 * An SVG path through the points, broken where a value is missing or two points are more than `gap`
 * apart. Whole coordinates, each point relative to the one before ("l13-6"): about half the bytes
 * of absolute decimals, and no drift, since each step is the difference of two rounded positions.
 */
export function linePath(x: number[], values: (number | null)[], top: number, gap: number, width = 10_000) {
  // A lone point's stroke: a thousandth of the width, at least one unit.
  const lone = `h${Math.max(1, Math.round(width / 1000))}`;
  let d = "";
  let previous: number | undefined;
  let lastX = 0;
  let lastY = 0;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      previous = undefined;
      return;
    }
    const px = Math.round(clamp01(x[i]) * width);
    const py = Math.round(PLOT_HEIGHT - (Math.min(Math.max(v, 0), top) / top) * PLOT_HEIGHT);
    const joined = previous !== undefined && x[i] - previous <= gap;
    d += joined ? `l${pair(px - lastX, py - lastY)}` : `M${pair(px, py)}`;
    // A lone point is drawn as a tiny segment so that it shows.
    if (!joined && (i + 1 >= values.length || values[i + 1] === null || x[i + 1] - x[i] > gap)) d += lone;
    previous = x[i];
    lastX = px;
    lastY = py;
  });
  return d;
}

/** "13 6", "13-6": a minus sign separates two numbers by itself. */
const pair = (a: number, b: number) => (b < 0 ? `${a}${b}` : `${a} ${b}`);

/** The colours: those of the legend's keys (`.tone-in`, `.tone-out`, `.tone-power`, `.chart-key--bar` in app.css). */
const TONES = { in: "#0c7a7c", out: "#7048c6", power: "#0b5cad" } as const;
const BAR = TONES.in;

/** Plot units per bar slot: a bar 14 wide in the middle of its 20 (whole numbers only). */
const SLOT = 20;

/**
 * A bar per slot (a day of the month, 0-based) as an SVG document like `lineChartSvg`'s, all bars
 * one path (none for a value at or below zero), on y-axis ticks that reach past the highest value.
 */
export function barChart(bars: { slot: number; value: number }[], slots: number) {
  const ticks = niceTicks(Math.max(0, ...bars.map((b) => b.value)) * 1.05);
  const top = ticks[ticks.length - 1];
  let d = "";
  for (const { slot, value } of bars) {
    const h = Math.round((Math.min(Math.max(value, 0), top) / top) * PLOT_HEIGHT);
    if (h > 0) d += `M${slot * SLOT + 3} ${PLOT_HEIGHT}v-${h}h14v${h}z`;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${Math.max(1, slots) * SLOT} ${PLOT_HEIGHT}" preserveAspectRatio="none"><path d="${d}" fill="${BAR}"/></svg>`;
  return { ticks, svg };
}

/**
 * A plot as an SVG document, stretched to the box it is shown in (`preserveAspectRatio="none"`) with
 * strokes of a constant width whatever the stretch.
 */
export function lineChartSvg(plot: LinePlot, tones: (keyof typeof TONES)[]) {
  const paths = plot.paths
    .map((d, i) => `<path d="${d}" stroke="${TONES[tones[i]]}" fill="none" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round" vector-effect="non-scaling-stroke"/>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${plot.width} ${PLOT_HEIGHT}" preserveAspectRatio="none">${paths}</svg>`;
}

/** A chart of the page: its y-axis ticks, its image, and that image's content hash (`v` in its address). */
interface ImageChart {
  ticks: number[];
  svg: string;
  version: string;
}

export type ChartKind = "bandwidth" | "power" | "energy";
export const CHART_KINDS: readonly ChartKind[] = ["bandwidth", "power", "energy"];

/** Where a chart's image is served (app.usage.$contractId.chart.$kind.ts); `v` changes with its content. */
export const chartAddress = (contractId: string, month: string, kind: ChartKind, version: string) =>
  `/app/usage/${contractId}/chart/${kind}?month=${month}&v=${version}`;

function imageChart({ ticks, svg }: { ticks: number[]; svg: string }): ImageChart {
  return { ticks, svg, version: createHash("sha256").update(svg).digest("base64url").slice(0, 16) };
}

type EnergyDay = { day: string; kwh: string };
/** The month's hours, and the reference lines the y-axis must reach (commit, 95th percentile). */
type DrawInput = { hours: number; refsMbps: number[]; commitKw: number };
type UsageDrawing = ReturnType<typeof draw>;

/** Three decimals are plenty for a day's figure. */
const point = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

const drawings = new WeakMap<HourlySeries, { key: string; energyByDay: EnergyDay[]; drawing: UsageDrawing }>();

type Usage = NonNullable<Awaited<ReturnType<typeof contractUsage>>>;

/** The month's hours (the x-axis), from its instants in the site's time zone. */
export const hoursOf = (u: Pick<Usage, "period">) => Math.round((u.period.to.getTime() - u.period.from.getTime()) / 3_600_000);

/** The drawing of a contract's month (`contractUsage`): its y-axes reach the commits and the 95th percentile. */
export function drawUsage(u: Pick<Usage, "period" | "bandwidth" | "power" | "energy" | "hourly">): UsageDrawing {
  const p95 = u.bandwidth.p95Mbps === null ? null : Number(u.bandwidth.p95Mbps);
  return usageDrawing(u.hourly, u.energy.byDay, { hours: hoursOf(u), refsMbps: [u.bandwidth.commitMbps, ...(p95 === null ? [] : [p95])], commitKw: u.power.commitW / 1000 });
}

/**
 * The drawing of a month's figures, derived once per figures object — the same object while the
 * figures are unchanged (month-figures.server.ts) — and reference lines; never modify it.
 */
function usageDrawing(hourly: HourlySeries, energyByDay: EnergyDay[], input: DrawInput): UsageDrawing {
  const key = JSON.stringify(input);
  const known = drawings.get(hourly);
  if (known && known.key === key && known.energyByDay === energyByDay) return known.drawing;
  const drawing = draw(hourly, energyByDay, input);
  drawings.set(hourly, { key, energyByDay, drawing });
  return drawing;
}

function draw(hourly: HourlySeries, energyByDay: EnergyDay[], { hours, refsMbps, commitKw }: DrawInput) {
  const x = hourly.hour.map((h) => (h + 0.5) / hours);
  const gap = 1.5 / hours;
  // Two units an hour: each point (the middle of its hour) on a whole unit, each step "2".
  const width = 2 * hours;
  const powerKw = hourly.powerW.map((w) => (w === null ? null : w / 1000));
  const hasValues = (values: (number | null)[]) => values.some((v) => v !== null);
  // Per day of the month (1-based; the sites' time zones have no daylight saving): the highest
  // hourly in, out and power, and the energy used.
  const days = new Map<number, { day: number; inMbps: number | null; outMbps: number | null; powerW: number | null; kwh: string | null }>();
  const dayRow = (day: number) => {
    let row = days.get(day);
    if (!row) days.set(day, (row = { day, inMbps: null, outMbps: null, powerW: null, kwh: null }));
    return row;
  };
  const higher = (a: number | null, b: number | null) => (b === null || (a !== null && a >= b) ? a : point(b));
  hourly.hour.forEach((h, i) => {
    const row = dayRow(Math.floor(h / 24) + 1);
    row.inMbps = higher(row.inMbps, hourly.inMbps[i]);
    row.outMbps = higher(row.outMbps, hourly.outMbps[i]);
    row.powerW = higher(row.powerW, hourly.powerW[i]);
  });
  for (const e of energyByDay) dayRow(Number(e.day.slice(8, 10))).kwh = e.kwh;
  const line = (plot: LinePlot, tones: (keyof typeof TONES)[]) => imageChart({ ticks: plot.ticks, svg: lineChartSvg(plot, tones) });
  const energy = energyByDay.map((e) => ({ slot: Number(e.day.slice(8, 10)) - 1, value: Number(e.kwh) }));
  return {
    charts: {
      bandwidth: hasValues(hourly.inMbps) || hasValues(hourly.outMbps) ? line(plotLines(x, [hourly.inMbps, hourly.outMbps], refsMbps, gap, width), ["in", "out"]) : null,
      maxInMbps: point(maxOf(hourly.inMbps)),
      maxOutMbps: point(maxOf(hourly.outMbps)),
      power: hasValues(powerKw) ? line(plotLines(x, [powerKw], commitKw > 0 ? [commitKw] : [], gap, width), ["power"]) : null,
      energy: energy.length > 0 ? imageChart(barChart(energy, Math.round(hours / 24))) : null,
      maxKwh: maxOf(energy.map((e) => e.value)),
    },
    /** Per day with a figure, in order: the highest hourly in, out and power, and the energy used (the page's table and bars). */
    days: [...days.values()].sort((a, b) => a.day - b.day),
  };
}

const maxOf = (values: (number | null)[]) => values.reduce<number | null>((m, v) => (v !== null && (m === null || v > m) ? v : m), null);
