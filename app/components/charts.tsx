import { useId } from "react";
import { useFormat, useLocale, useT } from "./i18n";
import type { Locale } from "~/i18n/format";

/**
 * The usage page's charts (no chart library: tenant pages stay small on slow mobile links).
 *
 * The data is an SVG image of its own, drawn on the server and stretched to its box
 * (`preserveAspectRatio="none"`, strokes that do not scale; usage-charts.server.ts, ADR 030), and
 * everything with text — axis ticks, reference lines, legend — is HTML positioned in percent over
 * it. So the chart fills any width, from a 375 px phone to a desktop, its labels keep their size
 * instead of shrinking with a viewBox, and the browser keeps the image while its data is unchanged.
 *
 * Accessibility: the image has a title (its alternative text) and a description (a summary in
 * words), and the positioned labels are hidden from assistive technology; the page gives the
 * figures themselves in a table (the usage page's "figures per day").
 */

/** A chart's y-axis ticks (0 to the top) and the address of its image. */
interface ChartPlot {
  ticks: number[];
  src: string;
}

type SeriesTone = "in" | "out" | "power";
type RefTone = "commit" | "p95" | "average";

/** What the legend says of each series drawn in the image: lines, or bars. */
interface Series {
  label: string;
  tone: SeriesTone;
  kind: "line" | "bar";
}

interface RefLine {
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

const pct = (v: number) => `${(Math.min(1, Math.max(0, v)) * 100).toFixed(3)}%`;

/** A chart: its image (`plot.src`), the axes over it, horizontal reference lines (commit, 95th percentile) and the legend. */
export function Chart({
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
  plot: ChartPlot;
  series: Series[];
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
        <span className="chart-unit" aria-hidden="true">
          {unit}
        </span>
        {plot.ticks.map((t) => (
          <div key={t} className={`chart-grid${t === 0 ? " chart-grid--zero" : ""}`} style={{ bottom: pct(t / top) }} aria-hidden="true">
            <span className="chart-y">{formatY(t)}</span>
          </div>
        ))}
        {xTicks.map((t) => (
          <span key={t.at} className="chart-x" style={{ left: pct(t.at) }} aria-hidden="true">
            {t.label}
          </span>
        ))}
        <img src={plot.src} alt={title} aria-describedby={`${id}-d`} />
        <p id={`${id}-d`} className="visually-hidden">
          {desc}
        </p>
        {refs.map((r) => (
          <div key={r.label} className={`chart-ref tone-${r.tone}`} style={{ bottom: pct(r.value / top) }} aria-hidden="true" />
        ))}
      </div>
      <ul className="chart-legend" aria-hidden="true">
        {[...series, ...refs.map((r) => ({ label: r.label, tone: r.tone, kind: "ref" }))].map((item) => (
          <li key={item.label}>
            <span className={`chart-key chart-key--${item.kind} tone-${item.tone}`} />
            {item.label}
          </li>
        ))}
      </ul>
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
  };
}
