import fc from "fast-check";
import {
  activeDaysInPeriod,
  commitmentEndOn,
  daysInMonth,
  earlyTermination,
  invoiceLinesFor,
  prorate,
  totals,
  type ContractBillingInput,
  type FrozenLine,
} from "./compute";
import { priceTimesDecimal, roundHalfUp, vatMinor } from "./money";

/**
 * Properties of the invoice arithmetic on random contracts, periods (2000-01 .. 2100-12) and prices,
 * each checked against an oracle written here independently of compute.ts and money.ts:
 * - rounding half-up as quotient + (2 × remainder ≥ divisor), on BigInt;
 * - calendars by walking the days one by one with Date (no day-number arithmetic);
 * - decimals by scaling the digits of the string.
 */

// ---------------------------------------------------------------------------------------------
// Oracles

/** round_half_up(n / d) for n ≥ 0, d > 0. */
const halfUp = (n: bigint, d: bigint) => n / d + (2n * (n % d) >= d ? 1n : 0n);

/** round_half_up(subtotal × rate / 10 000). */
const vatOracle = (subtotal: number, rateBp: number) => Number(halfUp(BigInt(subtotal) * BigInt(rateBp), 10_000n));

const prorateOracle = (monthly: number, days: number, dim: number) => Number(halfUp(BigInt(monthly) * BigInt(days), BigInt(dim)));

/** Every calendar day from `from` to `to` inclusive, walked one at a time. */
function* days(from: string, to: string) {
  const d = new Date(`${from}T00:00:00Z`);
  while (d.toISOString().slice(0, 10) <= to) {
    yield d.toISOString().slice(0, 10);
    d.setUTCDate(d.getUTCDate() + 1);
  }
}

const monthLength = (period: string) => [...days(`${period}-01`, `${period}-31`)].filter((d) => d.startsWith(period)).length;

const activeOracle = (period: string, start: string, end: string | null) =>
  [...days(`${period}-01`, `${period}-31`)].filter((d) => d.startsWith(period) && d >= start && (end === null || d <= end)).length;

/** price × decimal quantity ("12.345678"), rounded half-up, from the string's digits. */
const priceTimesOracle = (price: number, quantity: string) => {
  const [whole, fraction = ""] = quantity.split(".");
  const scale = 10n ** BigInt(fraction.length);
  return Number(halfUp(BigInt(price) * BigInt(whole + fraction), scale));
};

const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** The early-termination amount, day by day: months covered entirely count the monthly price, others prorated. */
function earlyTerminationOracle(monthly: number, endOn: string, commitmentEnd: string) {
  const perMonth = new Map<string, number>();
  for (const d of days(addDays(endOn, 1), commitmentEnd)) perMonth.set(d.slice(0, 7), (perMonth.get(d.slice(0, 7)) ?? 0) + 1);
  let total = 0;
  for (const [period, n] of perMonth) total += n === monthLength(period) ? monthly : prorateOracle(monthly, n, monthLength(period));
  return total;
}

// ---------------------------------------------------------------------------------------------
// Generators

const period = fc.record({ year: fc.integer({ min: 2000, max: 2100 }), month: fc.integer({ min: 1, max: 12 }) }).map(({ year, month }) => `${year}-${String(month).padStart(2, "0")}`);

const date = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** A date near a period (a few months either side), so contracts often straddle it. */
const dateNear = (p: string) => fc.integer({ min: -120, max: 150 }).map((n) => addDays(`${p}-01`, n));

const decimal = (maxWhole: number, maxDecimals: number) =>
  fc.tuple(fc.integer({ min: 0, max: maxWhole }), fc.integer({ min: 0, max: maxDecimals }), fc.integer({ min: 0, max: 999_999 })).map(([w, n, f]) =>
    n === 0 ? String(w) : `${w}.${String(f).padStart(6, "0").slice(0, n)}`,
  );

const RECURRING_KINDS = ["rack_unit", "half_rack", "full_rack", "cage", "power_commit_kw", "bandwidth_commit_mbps", "cross_connect"] as const;

const frozenLine = fc.record({
  kind: fc.constantFrom(...RECURRING_KINDS),
  quantity: fc.integer({ min: 0, max: 500 }),
  unit: fc.integer({ min: 0, max: 5_000_000 }),
  setup: fc.integer({ min: 0, max: 2_000_000 }),
});

const fl = (kind: FrozenLine["kind"], quantity: number, unit: number, setup = 0): FrozenLine => ({ kind, name_fr: `${kind} fr`, name_en: `${kind} en`, quantity, unit_price_minor: unit, setup_fee_minor: setup });

/** A period and a contract around it, with usage, one-off charges and a waiver at random. */
const world = period.chain((p) =>
  fc
    .record({
      start: dateNear(p),
      length: fc.option(fc.integer({ min: 0, max: 1200 }), { nil: null }),
      term: fc.constantFrom(12, 24, 36),
      lines: fc.uniqueArray(frozenLine, { selector: (l) => l.kind, maxLength: 7 }),
      energyPrice: fc.integer({ min: 0, max: 10_000 }),
      overagePrice: fc.integer({ min: 0, max: 100_000 }),
      kwh: fc.option(decimal(2_000_000, 6), { nil: null }),
      p95: fc.option(decimal(20_000, 6), { nil: null }),
      /** Whole Mbps, or a month's day-weighted commit across versions (a decimal string, ADR 015). */
      commit: fc.oneof(fc.integer({ min: 0, max: 10_000 }), decimal(10_000, 6)),
      samples: fc.integer({ min: 0, max: 8_928 }),
      oneOffs: fc.array(fc.record({ day: fc.integer({ min: -40, max: 70 }), quantity: decimal(500, 2), unit: fc.integer({ min: 0, max: 1_000_000 }) }), { maxLength: 4 }),
      waived: fc.boolean(),
      rate: fc.integer({ min: 0, max: 10_000 }),
      exempt: fc.boolean(),
    })
    .map((r) => {
      const input: ContractBillingInput = {
        contractId: "c",
        startOn: r.start,
        endOn: r.length === null ? null : addDays(r.start, r.length),
        termMonths: r.term,
        lines: [...r.lines.map((l) => fl(l.kind, l.quantity, l.unit, l.setup)), fl("energy_kwh", 0, r.energyPrice), fl("bandwidth_overage_mbps", 0, r.overagePrice)],
        commitMbps: r.commit,
        usage: { energyKwh: r.kwh, p95Mbps: r.p95, samples: r.samples },
        oneOffs: r.oneOffs.map((o) => ({ on: addDays(`${p}-01`, o.day), descriptionFr: "note", descriptionEn: "note", quantity: o.quantity, unitPriceMinor: o.unit })),
        earlyTerminationWaived: r.waived,
      };
      return { period: p, input, rate: r.rate, exempt: r.exempt };
    }),
);

const RUNS = { numRuns: 400 };

// ---------------------------------------------------------------------------------------------

describe("invoice totals", () => {
  test("the lines sum to the subtotal; subtotal + VAT = total; VAT = round_half_up(subtotal × rate), 0 when exempt", () => {
    fc.assert(
      fc.property(world, ({ period: p, input, rate, exempt }) => {
        const lines = invoiceLinesFor(p, input);
        const t = totals(lines, rate, exempt);
        const sum = lines.reduce((s, l) => s + BigInt(l.amountMinor), 0n);
        expect(BigInt(t.subtotalMinor)).toBe(sum);
        expect(BigInt(t.totalMinor)).toBe(BigInt(t.subtotalMinor) + BigInt(t.vatMinor));
        expect(t.vatMinor).toBe(exempt ? 0 : vatOracle(t.subtotalMinor, rate));
        for (const l of lines) expect(Number.isSafeInteger(l.amountMinor) && l.amountMinor >= 0).toBe(true);
      }),
      RUNS,
    );
  });

  test("VAT on any subtotal and rate is round_half_up(subtotal × rate / 10 000), a half rounding up", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 10_000 }), (subtotal, rate) => {
        expect(vatMinor(subtotal, rate)).toBe(vatOracle(subtotal, rate));
        expect(vatMinor(subtotal, rate, true)).toBe(0);
      }),
      { numRuns: 2_000 },
    );
    // The halves, by hand: 50 × 1 % = 0.5 → 1; 150 × 1 % = 1.5 → 2; 250 × 18 % = 45; 25 × 18 % = 4.5 → 5.
    expect([vatMinor(50, 100), vatMinor(150, 100), vatMinor(250, 1800), vatMinor(25, 1800), vatMinor(49, 100)]).toEqual([1, 2, 45, 5, 0]);
  });

  test("roundHalfUp is within half a unit, and a half goes away from zero", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (n, d) => {
        const r = roundHalfUp(n, d);
        const twice = 2n * (n - r * d); // 2 × the error, in units of 1/d
        expect(twice <= d && twice >= -d).toBe(true);
        // A tie rounds away from zero: |r × d| > |n|.
        if (twice === d || twice === -d) expect(n > 0n ? r * d > n : r * d < n).toBe(true);
        if (n >= 0n) expect(r).toBe(halfUp(n, d));
        else expect(r).toBe(-halfUp(-n, d));
      }),
      { numRuns: 2_000 },
    );
  });

  test("price × decimal quantity equals the oracle on the string's digits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), decimal(10_000_000, 6), (price, quantity) => {
        expect(priceTimesDecimal(price, quantity)).toBe(priceTimesOracle(price, quantity));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("proration and calendars", () => {
  test("days in month and active days match a day-by-day walk; active days are within 0..days in month", () => {
    fc.assert(
      fc.property(
        period.chain((p) => fc.tuple(fc.constant(p), dateNear(p), fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }))),
        ([p, start, length]) => {
          const end = length === null ? null : addDays(start, length);
          const dim = daysInMonth(p);
          expect(dim).toBe(monthLength(p));
          const active = activeDaysInPeriod(p, start, end);
          expect(active).toBeGreaterThanOrEqual(0);
          expect(active).toBeLessThanOrEqual(dim);
          expect(active).toBe(activeOracle(p, start, end));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("prorating a full month is the monthly price; any other span is round_half_up(monthly × days / days in month)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), period, fc.integer({ min: 0, max: 31 }), (monthly, p, d) => {
        const dim = daysInMonth(p);
        expect(prorate(monthly, dim, dim)).toBe(monthly);
        const activeDays = Math.min(d, dim);
        expect(prorate(monthly, activeDays, dim)).toBe(prorateOracle(monthly, activeDays, dim));
      }),
      { numRuns: 2_000 },
    );
  });

  test("each recurring line is the prorated monthly amount and says its days; a full month is the monthly price", () => {
    fc.assert(
      fc.property(world, ({ period: p, input }) => {
        const dim = monthLength(p);
        const active = activeOracle(p, input.startOn, input.endOn);
        const recurring = invoiceLinesFor(p, input).filter((l) => l.kind === "recurring");
        // A recurring line for each line with a quantity and a price: a zero-priced commitment is not a charge.
        const expected = input.lines.filter((l) => l.quantity > 0 && l.unit_price_minor > 0 && !["energy_kwh", "bandwidth_overage_mbps", "remote_hands_hour"].includes(l.kind));
        if (active === 0) {
          expect(recurring).toEqual([]);
          return;
        }
        expect(recurring.map((l) => [l.quantity, l.unitPriceMinor, l.amountMinor])).toEqual(
          expected.map((l) => [String(l.quantity), l.unit_price_minor, active === dim ? l.unit_price_minor * l.quantity : prorateOracle(l.unit_price_minor * l.quantity, active, dim)]),
        );
        for (const l of recurring) {
          if (active < dim) {
            expect(l.descriptionFr).toContain(`(${active}/${dim} jours)`);
            expect(l.descriptionEn).toContain(`(${active}/${dim} days)`);
          }
        }
      }),
      RUNS,
    );
  });

  test("a line priced 0 writes no recurring line, whatever its quantity; the other lines are unchanged", () => {
    fc.assert(
      fc.property(
        world.filter(({ period: p, input }) => activeOracle(p, input.startOn, input.endOn) > 0),
        fc.constantFrom(...RECURRING_KINDS),
        fc.integer({ min: 1, max: 500 }),
        ({ period: p, input }, kind, quantity) => {
          const priced = input.lines.filter((l) => l.kind !== kind);
          const free = { ...input, lines: [...priced, fl(kind, quantity, 0)] };
          const recurring = (i: ContractBillingInput) => invoiceLinesFor(p, i).filter((l) => l.kind === "recurring");
          expect(recurring(free).filter((l) => l.unitPriceMinor === 0 || l.descriptionEn.startsWith(`${kind} en`))).toEqual([]);
          expect(recurring(free)).toEqual(recurring({ ...input, lines: priced }));
        },
      ),
      RUNS,
    );
    // By hand: 100 Mbps committed at price 0 beside a rack at 250 000, a full month.
    const lines = invoiceLinesFor("2027-01", { contractId: "c", startOn: "2026-01-01", endOn: null, termMonths: 12, lines: [fl("bandwidth_commit_mbps", 100, 0), fl("full_rack", 1, 250_000)], commitMbps: 100 });
    expect(lines.map((l) => [l.kind, l.descriptionEn.split(" — ")[0], l.amountMinor])).toEqual([["recurring", "full_rack en", 250_000]]);
  });

  test("setup fees only in the month the contract starts; one-off charges only in their month", () => {
    fc.assert(
      fc.property(world, ({ period: p, input }) => {
        const lines = invoiceLinesFor(p, input);
        const setup = lines.filter((l) => l.kind === "setup");
        const expectedSetup = input.startOn.startsWith(p) ? input.lines.filter((l) => l.quantity > 0 && l.setup_fee_minor > 0) : [];
        expect(setup.map((l) => l.amountMinor)).toEqual(expectedSetup.map((l) => l.setup_fee_minor * l.quantity));
        const oneOffs = lines.filter((l) => l.kind === "one_off");
        const inMonth = (input.oneOffs ?? []).filter((o) => o.on.startsWith(p));
        expect(oneOffs.map((l) => l.amountMinor)).toEqual(inMonth.map((o) => priceTimesOracle(o.unitPriceMinor, o.quantity)));
      }),
      RUNS,
    );
  });

  test("energy and overage lines: kWh × price, max(0, p95 − commit) × price, absent at zero", () => {
    fc.assert(
      fc.property(world, ({ period: p, input }) => {
        const lines = invoiceLinesFor(p, input);
        const energyPrice = input.lines.find((l) => l.kind === "energy_kwh")!.unit_price_minor;
        const overagePrice = input.lines.find((l) => l.kind === "bandwidth_overage_mbps")!.unit_price_minor;
        const kwh = input.usage?.energyKwh ?? null;
        const energy = lines.filter((l) => l.kind === "energy");
        const kwhPositive = kwh !== null && /[1-9]/.test(kwh);
        expect(energy.map((l) => l.amountMinor)).toEqual(kwhPositive ? [priceTimesOracle(energyPrice, kwh)] : []);
        const p95 = input.usage?.p95Mbps ?? null;
        const overage = lines.filter((l) => l.kind === "bandwidth_overage");
        if (p95 === null) {
          expect(overage).toEqual([]);
          return;
        }
        // (p95 − commit) in millionths, from the strings' digits.
        const micros = (d: string) => {
          const [w, f = ""] = d.split(".");
          return BigInt(w) * 1_000_000n + BigInt(f.padEnd(6, "0"));
        };
        const overMicros = micros(p95) - micros(String(input.commitMbps));
        expect(overage.map((l) => l.amountMinor)).toEqual(overMicros > 0n ? [Number(halfUp(BigInt(overagePrice) * overMicros, 1_000_000n))] : []);
      }),
      RUNS,
    );
  });

  test("early termination: on the last month's invoice only, the remaining commitment counted month by month, none when waived", () => {
    fc.assert(
      fc.property(world, ({ period: p, input }) => {
        const et = invoiceLinesFor(p, input).filter((l) => l.kind === "early_termination");
        const monthly = input.lines.filter((l) => l.quantity > 0 && !["energy_kwh", "bandwidth_overage_mbps", "remote_hands_hour"].includes(l.kind)).reduce((s, l) => s + l.unit_price_minor * l.quantity, 0);
        const commitmentEnd = commitmentEndOn(input.startOn, input.termMonths);
        const due = input.endOn !== null && input.endOn < commitmentEnd ? earlyTerminationOracle(monthly, input.endOn, commitmentEnd) : 0;
        if (input.endOn !== null && input.endOn < commitmentEnd) expect(earlyTermination(input)?.amountMinor).toBe(due);
        const billedHere = input.endOn !== null && input.endOn.startsWith(p) && !input.earlyTerminationWaived && due > 0;
        expect(et.map((l) => [l.quantity, l.unitPriceMinor, l.amountMinor])).toEqual(billedHere ? [["1", due, due]] : []);
      }),
      RUNS,
    );
  });

  test("the commitment's last day is the day before start + term months (the day clamped to the month's length)", () => {
    fc.assert(
      fc.property(date, fc.constantFrom(12, 24, 36), (start, term) => {
        const [y, m, d] = start.split("-").map(Number);
        const total = y * 12 + (m - 1) + term;
        const target = `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
        const anniversary = `${target}-${String(Math.min(d, monthLength(target))).padStart(2, "0")}`;
        expect(commitmentEndOn(start, term)).toBe(addDays(anniversary, -1));
      }),
      { numRuns: 500 },
    );
  });
});
