import { describe, expect, it } from "vitest";
import { niceTicks } from "~/components/charts";
import { barChart, lineChartSvg, linePath, plotLines } from "./usage-charts.server";

/** The absolute points of a path of M, l and h commands, in order, each run of joined points as one list. */
function runsOf(d: string): [number, number][][] {
  const runs: [number, number][][] = [];
  let x = 0;
  let y = 0;
  for (const [, command, args] of d.matchAll(/([Mlh])([^Mlh]*)/g)) {
    const n = args.match(/-?\d+/g)!.map(Number);
    if (command === "M") {
      [x, y] = n;
      runs.push([[x, y]]);
    } else if (command === "l") {
      x += n[0];
      y += n[1];
      runs[runs.length - 1].push([x, y]);
    } else {
      x += n[0];
      runs[runs.length - 1].push([x, y]);
    }
  }
  return runs;
}

describe("line charts' geometry", () => {
  it("relative whole steps land on every point's own rounded position: no drift over a month of hours", () => {
    // A 31-day month, hourly, with values that do not fall on the grid.
    const hours = 744;
    const x = Array.from({ length: hours }, (_, h) => (h + 0.5) / hours);
    const values = x.map((_, h) => 40 + 37.3 * Math.sin(h / 7.1) + (h % 13) / 3);
    const top = 100;
    const d = linePath(x, values, top, 1.5 / hours);
    const [run, ...others] = runsOf(d);
    expect(others).toEqual([]);
    expect(run).toHaveLength(hours);
    run.forEach(([px, py], h) => {
      expect(px).toBe(Math.round(x[h] * 10000));
      expect(py).toBe(Math.round(1000 - (values[h] / top) * 1000));
    });
    // Half the bytes of the absolute decimals it replaced ("L0.7 85.19" per point).
    expect(d.length).toBeLessThan(hours * 8);
  });

  it("on a plot two units wide per hour, every point is on a whole unit and every step is 2: about 4 bytes a point", () => {
    const hours = 744;
    const x = Array.from({ length: hours }, (_, h) => (h + 0.5) / hours);
    const values = x.map((_, h) => 40 + 37.3 * Math.sin(h / 7.1) + (h % 13) / 3);
    const plot = plotLines(x, [values], [], 1.5 / hours, 2 * hours);
    expect(plot.width).toBe(1488);
    const d = plot.paths[0];
    const [run] = runsOf(d);
    run.forEach(([px, py], h) => {
      expect(px).toBe(2 * h + 1);
      expect(py).toBe(Math.round(1000 - (values[h] / plot.ticks[plot.ticks.length - 1]) * 1000));
    });
    expect([...d.matchAll(/l(-?\d+)/g)].every((m) => m[1] === "2")).toBe(true);
    expect(d.length).toBeLessThan(hours * 5);
    // A lone point is still a short stroke: a thousandth of the width, at least a unit.
    expect(linePath([0.5 / 24], [50], 100, 1.5 / 24, 48)).toBe("M1 500h1");
  });

  it("breaks the line at a missing value and at a gap in time; a lone point is a short stroke", () => {
    const hours = 10;
    const x = [0, 1, 2, 3, 4, 7, 8, 9].map((h) => (h + 0.5) / hours);
    const values = [10, 20, null, 30, 40, 50, 60, 70];
    const runs = runsOf(linePath(x, values, 100, 1.5 / hours));
    // [0, 1] | null | [3, 4] | hours 5 and 6 missing | [7, 8, 9]
    expect(runs.map((r) => r.length)).toEqual([2, 2, 3]);
    expect(runs[1][0]).toEqual([3500, 700]);

    const lone = linePath([0.25, 0.75], [50, 50], 100, 0.1);
    expect(lone).toBe("M2500 500h10M7500 500h10");
  });

  it("values above the top are drawn at the top, negative ones at zero", () => {
    expect(runsOf(linePath([0, 0.5], [250, -3], 100, 1))).toEqual([
      [
        [0, 0],
        [5000, 1000],
      ],
    ]);
  });

  it("the axis reaches past the highest value and every reference line", () => {
    const hours = 4;
    const x = [0.125, 0.375, 0.625, 0.875];
    const plot = plotLines(x, [[10, 20, null, 15], [5, null, null, 38.2]], [50, 44.8], 1.5 / hours);
    expect(plot.ticks).toEqual(niceTicks(50 * 1.05));
    expect(plot.ticks[plot.ticks.length - 1]).toBeGreaterThanOrEqual(50);
    expect(plot.paths).toHaveLength(2);
    expect(runsOf(plot.paths[1]).map((r) => r.length)).toEqual([2, 2]);
    // No value, no reference: an axis from 0 to 1.
    expect(plotLines([0.5], [[null]], [], 1).ticks).toEqual([0, 1]);
  });
});

describe("bar charts", () => {
  it("draws one bar per day with a value, 14 units wide in the middle of its 20, on an axis past the highest", () => {
    const { ticks, svg } = barChart(
      [
        { slot: 0, value: 12 },
        { slot: 1, value: 0 },
        { slot: 2, value: -1 },
        { slot: 29, value: 47.5 },
      ],
      30,
    );
    expect(ticks).toEqual(niceTicks(47.5 * 1.05));
    const top = ticks[ticks.length - 1];
    const h = (v: number) => Math.round((v / top) * 1000);
    // Nothing is drawn for a day at zero or below; the last slot ends at the plot's right edge.
    expect(svg).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 1000" preserveAspectRatio="none">` +
        `<path d="M3 1000v-${h(12)}h14v${h(12)}zM583 1000v-${h(47.5)}h14v${h(47.5)}z" fill="#0c7a7c"/></svg>`,
    );
  });

  it("a line chart's image is its paths, stretched, with strokes that do not scale", () => {
    const svg = lineChartSvg({ ticks: [0, 1], paths: ["M1 500l2 0", "M1 400h1"], width: 48 }, ["in", "out"]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 48 1000" preserveAspectRatio="none">/);
    expect([...svg.matchAll(/<path d="([^"]+)" stroke="(#[0-9a-f]{6})"[^>]*vector-effect="non-scaling-stroke"\/>/g)].map((m) => [m[1], m[2]])).toEqual([
      ["M1 500l2 0", "#0c7a7c"],
      ["M1 400h1", "#7048c6"],
    ]);
  });
});
