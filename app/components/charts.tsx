import { useId } from "react";
import { useFormat, useLocale, useT } from "./i18n";
import { formatDate, type Locale } from "~/i18n/format";

/**
 * Hand-written SVG charts (no chart library: tenant pages stay small on slow mobile links).
 *
 * The data is drawn in an SVG stretched to its box (`preserveAspectRatio="none"`, strokes that do
 * not scale), and everything with text — axis ticks, reference lines, legend — is HTML positioned in
 * percent over it. So the chart fills any width, from a 375 px phone to a desktop, and its labels
 * keep their size instead of shrinking with a viewBox.
 *
 * Accessibility: the SVG is an image with a title and a description (a summary in words), and the
 * positioned labels are hidden from assistive technology; the page gives the figures themselves in
 * a table (the usage page's "figures per day").
 */

/** The plot's coordinate space: whole numbers at this scale are finer than any screen's pixels. */
const W = 10000;
const H = 1000;

export type LineTone = "in" | "out" | "power";
export type RefTone = "commit" | "p95" | "average";

export interface LineSeries {
  label: string;
  tone: LineTone;
}

/**
 * A line chart's geometry, computed once where the data is (the loader): its y-axis ticks (0 to the
 * top), one SVG path per series, and the plot's width in the paths' units (its height is `H`).
 */
export interface LinePlot {
  ticks: number[];
  paths: string[];
  width: number;
}

export interface RefLine {
  label: string;
  tone: RefTone;
  value: number;
}

/** An x-axis label at a position, 0 (left) to 1 (right). */
export interface Tick {
  at: number;
  label: string;
}

/** Round y-axis ticks from 0 to at least `max` (steps of 1, 2, 2.5 or 5 × 10ⁿ). */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * magnitude;
  const steps = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const pct = (v: number) => `${(clamp01(v) * 100).toFixed(3)}%`;

/**
 * The geometry of lines through the points `x` (each point's position, 0 to 1) and each series'
 * values: y-axis ticks up to the largest value or reference line, and one SVG path per series, on
 * a plot `width` units wide. A width that puts the points on whole units (2 per hour for hourly
 * points at the middle of their hour) makes each step one or two digits: the smallest paths.
 */
export function plotLines(x: number[], series: (number | null)[][], refs: number[], gap: number, width = W): LinePlot {
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
export function linePath(x: number[], values: (number | null)[], top: number, gap: number, width = W) {
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
    const py = Math.round(H - (Math.min(Math.max(v, 0), top) / top) * H);
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

function Axes({ ticks, top, unit, formatY, xTicks }: { ticks: number[]; top: number; unit: string; formatY: (v: number) => string; xTicks: Tick[] }) {
  return (
    <>
      <span className="chart-unit" aria-hidden="true">
        {unit}
      </span>
      {ticks.map((t) => (
        <div key={t} className={`chart-grid${t === 0 ? " chart-grid--zero" : ""}`} style={{ bottom: pct(t / top) }} aria-hidden="true">
          <span className="chart-y">{formatY(t)}</span>
        </div>
      ))}
      {xTicks.map((t) => (
        <span key={t.at} className="chart-x" style={{ left: pct(t.at) }} aria-hidden="true">
          {t.label}
        </span>
      ))}
    </>
  );
}

function Legend({ items }: { items: { label: string; tone: LineTone | RefTone; kind: "line" | "ref" | "bar" }[] }) {
  return (
    <ul className="chart-legend" aria-hidden="true">
      {items.map((item) => (
        <li key={item.label}>
          <span className={`chart-key chart-key--${item.kind} tone-${item.tone}`} />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/**
 * Lines over a period (hourly values of a month), drawn from their `plot` (see `plotLines`), with
 * horizontal reference lines (commit, 95th percentile).
 */
export function TimeChart({
  title,
  desc,
  plot,
  series,
  refs = [],
  xTicks,
  unit,
  formatY,
}: {
  title: string;
  desc: string;
  plot: LinePlot;
  series: LineSeries[];
  refs?: RefLine[];
  xTicks: Tick[];
  unit: string;
  formatY: (v: number) => string;
}) {
  const id = useId();
  const top = plot.ticks[plot.ticks.length - 1];
  return (
    <figure className="chart">
      <div className="chart-plot">
        <Axes ticks={plot.ticks} top={top} unit={unit} formatY={formatY} xTicks={xTicks} />
        <svg viewBox={`0 0 ${plot.width} ${H}`} preserveAspectRatio="none" role="img" aria-labelledby={`${id}-t ${id}-d`} focusable="false">
          <title id={`${id}-t`}>{title}</title>
          <desc id={`${id}-d`}>{desc}</desc>
          {series.map((s, i) => (
            <path key={s.label} className={`chart-line tone-${s.tone}`} d={plot.paths[i]} vectorEffect="non-scaling-stroke" />
          ))}
        </svg>
        {refs.map((r) => (
          <div key={r.label} className={`chart-ref tone-${r.tone}`} style={{ bottom: pct(r.value / top) }} aria-hidden="true" />
        ))}
      </div>
      <Legend
        items={[
          ...series.map((s) => ({ label: s.label, tone: s.tone, kind: "line" as const })),
          ...refs.map((r) => ({ label: r.label, tone: r.tone, kind: "ref" as const })),
        ]}
      />
    </figure>
  );
}

/** One bar per slot (a day of the month); `slot` is the bar's index, 0-based, of `slots`. */
export function BarChart({
  title,
  desc,
  bars,
  slots,
  label,
  xTicks,
  unit,
  formatY,
}: {
  title: string;
  desc: string;
  bars: { slot: number; value: number; tooltip: string }[];
  slots: number;
  label: string;
  xTicks: Tick[];
  unit: string;
  formatY: (v: number) => string;
}) {
  const id = useId();
  const ticks = niceTicks(Math.max(0, ...bars.map((b) => b.value)) * 1.05);
  const top = ticks[ticks.length - 1];
  const width = W / Math.max(1, slots);
  return (
    <figure className="chart">
      <div className="chart-plot">
        <Axes ticks={ticks} top={top} unit={unit} formatY={formatY} xTicks={xTicks} />
        <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-labelledby={`${id}-t ${id}-d`} focusable="false">
          <title id={`${id}-t`}>{title}</title>
          <desc id={`${id}-d`}>{desc}</desc>
          {bars.map((b) => {
            const h = Math.round((Math.min(b.value, top) / top) * H);
            return (
              <rect key={b.slot} className="chart-bar" x={Math.round(b.slot * width + width * 0.15)} width={Math.round(width * 0.7)} y={H - h} height={h}>
                <title>{b.tooltip}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <Legend items={[{ label, tone: "power", kind: "bar" }]} />
    </figure>
  );
}

/**
 * Display formats of the usage figures, in the user's locale. Decimals (Mbps, kWh, W) arrive from
 * the server as exact strings; they become numbers here for display only.
 */
export function useUsageFormat() {
  const tr = useT();
  const format = useFormat();
  const base = usageFormatFor(useLocale());
  const { num } = base;
  return {
    ...format,
    ...base,
    mbps: (v: number | string | null, digits = 1) => (v === null ? tr("usage.none") : tr("usage.unit.mbps", { value: num(v, digits) })),
    /** Watts shown as kW. */
    kw: (w: number | string | null) => (w === null ? tr("usage.none") : tr("usage.unit.kw", { value: num(Number(w) / 1000, 2) })),
    kwh: (v: number | string | null) => (v === null ? tr("usage.none") : tr("usage.unit.kwh", { value: num(v, 1) })),
  };
}

/**
 * The formats that need no message, built once per language for the process (a formatter costs far
 * more to build than to use, and a page formats dozens of figures and a month's label many times).
 */
const usageFormats = new Map<Locale, ReturnType<typeof buildUsageFormat>>();
function usageFormatFor(locale: Locale) {
  let formats = usageFormats.get(locale);
  if (!formats) {
    formats = buildUsageFormat(locale);
    usageFormats.set(locale, formats);
  }
  return formats;
}

function buildUsageFormat(locale: Locale) {
  const tag = locale === "fr" ? "fr-FR" : "en-US";
  const numbers: Intl.NumberFormat[] = [];
  const monthFormat = new Intl.DateTimeFormat(tag, { month: "long", year: "numeric", timeZone: "UTC" });
  const dayFormat = new Intl.DateTimeFormat(tag, { day: "numeric", month: "short", timeZone: "UTC" });
  const dayOf = (month: string, day: number) => new Date(`${month}-${String(day).padStart(2, "0")}T00:00:00Z`);
  /** A label formatted once per month (and day): a month's page writes each several times. */
  const remembered = <A extends [string] | [string, number]>(format: (...args: A) => string) => {
    const labels = new Map<string, string>();
    return (...args: A) => {
      const key = args.join(" ");
      let label = labels.get(key);
      if (label === undefined) {
        label = format(...args);
        if (labels.size < 5000) labels.set(key, label);
      }
      return label;
    };
  };
  return {
    /** A number with at most `digits` decimals. */
    num: (v: number | string, digits: number) => (numbers[digits] ??= new Intl.NumberFormat(tag, { maximumFractionDigits: digits })).format(Number(v)),
    /** "novembre 2026" / "November 2026". */
    month: (month: string) => monthFormat.format(dayOf(month, 1)),
    /** The same, capitalised, for headings and lists ("Novembre 2026"). */
    monthTitle: remembered((month: string) => {
      const label = monthFormat.format(dayOf(month, 1));
      return label.charAt(0).toLocaleUpperCase(locale) + label.slice(1);
    }),
    /** "3 nov." / "Nov 3": a day of a month, for axes. */
    dayShort: remembered((month: string, day: number) => dayFormat.format(dayOf(month, day))),
    /** "3 nov. 2026" / "Nov 3, 2026". */
    day: remembered((month: string, day: number) => formatDate(`${month}-${String(day).padStart(2, "0")}`, locale)),
  };
}
