import fc from "fast-check";
import {
  activeDaysInPeriod,
  addMonths,
  commitmentEndOn,
  daysInMonth,
  earlyTermination,
  formatDecimal,
  invoiceLinesFor,
  prorate,
  totals,
  type ContractBillingInput,
  type FrozenLine,
} from "./compute";

/** A frozen contract line (`contract_lines`) with a monthly unit price, in minor units. */
const fl = (kind: FrozenLine["kind"], quantity: number, unit: number, setup = 0, name = kind): FrozenLine => ({
  kind,
  name_fr: `${name} (fr)`,
  name_en: `${name} (en)`,
  quantity,
  unit_price_minor: unit,
  setup_fee_minor: setup,
});

const amounts = (lines: { kind: string; amountMinor: number }[]) => lines.map((l) => [l.kind, l.amountMinor]);

// Lomé (XOF, VAT 18 %): 10 U at 18 000 (setup 25 000 per U), 2 kW at 95 000, 50 Mbps at 12 000,
// energy 150 XOF/kWh, overage 15 000 XOF/Mbps. Monthly: 180 000 + 190 000 + 600 000 = 970 000.
const ldcLines = [
  fl("rack_unit", 10, 18_000, 25_000),
  fl("power_commit_kw", 2, 95_000),
  fl("bandwidth_commit_mbps", 50, 12_000),
  fl("energy_kwh", 0, 150),
  fl("bandwidth_overage_mbps", 0, 15_000),
  fl("remote_hands_hour", 0, 20_000),
];
const ldc = (over: Partial<ContractBillingInput> = {}): ContractBillingInput => ({
  contractId: "c-ldc",
  startOn: "2026-01-01",
  endOn: null,
  termMonths: 12,
  lines: ldcLines,
  commitMbps: 50,
  ...over,
});

// Douala (XAF, VAT 19.25 %): half rack 350 000, 2 cross-connects at 45 000 (setup 60 000 each),
// 3 kW at 100 000. Monthly: 350 000 + 90 000 + 300 000 = 740 000.
const dlaLines = [fl("half_rack", 1, 350_000), fl("cross_connect", 2, 45_000, 60_000), fl("power_commit_kw", 3, 100_000), fl("energy_kwh", 0, 120)];

// Kinshasa (USD cents, VAT 16 %): 4 U at $45.00 (setup $100.00 per U), 1 kW at $180.00,
// 20 Mbps at $12.50, energy $0.22/kWh, overage $18.00/Mbps, remote hands $75.00/h.
// Monthly: 18 000 + 18 000 + 25 000 = 61 000 cents ($610.00).
const kinLines = [
  fl("rack_unit", 4, 4_500, 10_000),
  fl("power_commit_kw", 1, 18_000),
  fl("bandwidth_commit_mbps", 20, 1_250),
  fl("energy_kwh", 0, 22),
  fl("bandwidth_overage_mbps", 0, 1_800),
  fl("remote_hands_hour", 0, 7_500),
];
const kin = (over: Partial<ContractBillingInput> = {}): ContractBillingInput => ({
  contractId: "c-kin",
  startOn: "2026-01-05",
  endOn: null,
  termMonths: 12,
  lines: kinLines,
  commitMbps: 20,
  ...over,
});

describe("calendar", () => {
  test("days in months of 28, 29, 30 and 31 days", () => {
    expect(daysInMonth("2026-02")).toBe(28);
    expect(daysInMonth("2028-02")).toBe(29);
    expect(daysInMonth("2026-04")).toBe(30);
    expect(daysInMonth("2026-05")).toBe(31);
    expect(daysInMonth("2100-02")).toBe(28);
    expect(() => daysInMonth("2026-13")).toThrow(RangeError);
  });

  test("active days inside a month, both ends inclusive", () => {
    expect(activeDaysInPeriod("2026-11", "2026-01-01", null)).toBe(30);
    expect(activeDaysInPeriod("2026-11", "2026-11-17", null)).toBe(14); // 17 … 30
    expect(activeDaysInPeriod("2026-10", "2024-06-01", "2026-10-14")).toBe(14); // 1 … 14
    expect(activeDaysInPeriod("2026-11", "2026-11-17", "2026-11-17")).toBe(1);
    expect(activeDaysInPeriod("2026-11", "2026-12-01", null)).toBe(0);
    expect(activeDaysInPeriod("2026-11", "2026-01-01", "2026-10-31")).toBe(0);
    expect(() => activeDaysInPeriod("2026-11", "2026-02-30", null)).toThrow(RangeError);
  });

  test("commitment: start + term months, last day inclusive", () => {
    expect(commitmentEndOn("2026-03-17", 12)).toBe("2027-03-16");
    expect(commitmentEndOn("2026-01-01", 12)).toBe("2026-12-31");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2027-02-28", 12)).toBe("2028-02-28");
    expect(commitmentEndOn("2026-01-31", 24)).toBe("2028-01-30");
  });
});

describe("prorating", () => {
  test("round_half_up(monthly × active / days)", () => {
    expect(prorate(970_000, 30, 30)).toBe(970_000);
    expect(prorate(190_000, 14, 30)).toBe(88_667); // 88 666.67 → 88 667
    expect(prorate(3, 15, 30)).toBe(2); // 1.5 → 2 (half-up)
    expect(prorate(1, 15, 30)).toBe(1); // 0.5 → 1
    expect(prorate(5, 1, 31)).toBe(0); // 0.16 → 0
    expect(() => prorate(100, 31, 30)).toThrow(RangeError);
    expect(() => prorate(-1, 1, 30)).toThrow(RangeError);
  });

  test("months of 28, 29, 30, 31 days (full rack 600 000 XAF, from the 10th)", () => {
    const c = (startOn: string): ContractBillingInput => ({ contractId: "c", startOn, endOn: null, termMonths: 12, lines: [fl("full_rack", 1, 600_000)], commitMbps: 0 });
    // Feb 2026: 10 … 28 = 19 days; 600 000 × 19 / 28 = 407 142.857 → 407 143
    expect(amounts(invoiceLinesFor("2026-02", c("2026-02-10")))).toEqual([["recurring", 407_143]]);
    // Feb 2028: 10 … 29 = 20 days; 600 000 × 20 / 29 = 413 793.103 → 413 793
    expect(amounts(invoiceLinesFor("2028-02", c("2028-02-10")))).toEqual([["recurring", 413_793]]);
    // Apr 2026: 10 … 30 = 21 days; 600 000 × 21 / 30 = 420 000
    expect(amounts(invoiceLinesFor("2026-04", c("2026-04-10")))).toEqual([["recurring", 420_000]]);
    // May 2026: 10 … 31 = 22 days; 600 000 × 22 / 31 = 425 806.45 → 425 806
    expect(amounts(invoiceLinesFor("2026-05", c("2026-05-10")))).toEqual([["recurring", 425_806]]);
    // every full month is the monthly price, whatever its length
    for (const p of ["2026-02", "2028-02", "2026-04", "2026-05"]) expect(amounts(invoiceLinesFor(p, c("2026-01-01")))).toEqual([["recurring", 600_000]]);
    const partial = invoiceLinesFor("2026-02", c("2026-02-10"))[0];
    expect(partial.descriptionFr).toBe("full_rack (fr) — du 10 février 2026 au 28 février 2026 (19/28 jours)");
    expect(partial.descriptionEn).toBe("full_rack (en) — 10 February 2026 to 28 February 2026 (19/28 days)");
    expect(partial.quantity).toBe("1");
    expect(partial.unitPriceMinor).toBe(600_000);
  });
});

describe("hand-computed invoices", () => {
  test("XOF, a full month with energy and p95 above the commit", () => {
    const lines = invoiceLinesFor("2026-11", ldc({ usage: { energyKwh: "1234.500000", p95Mbps: "78.900000", samples: 8928 } }));
    // recurring: 10 × 18 000 = 180 000; 2 × 95 000 = 190 000; 50 × 12 000 = 600 000
    // energy: 1 234.5 kWh × 150 = 185 175
    // overage: (78.9 − 50) = 28.9 Mbps × 15 000 = 433 500
    expect(amounts(lines)).toEqual([
      ["recurring", 180_000],
      ["recurring", 190_000],
      ["recurring", 600_000],
      ["energy", 185_175],
      ["bandwidth_overage", 433_500],
    ]);
    const bw = lines.find((l) => l.kind === "bandwidth_overage")!;
    expect(bw.quantity).toBe("28.9");
    expect(bw.unitPriceMinor).toBe(15_000);
    expect(bw.descriptionFr).toBe("bandwidth_overage_mbps (fr) — p95 = 78,9 Mbps, engagement 50 Mbps, 8\u00a0928 mesures");
    expect(bw.descriptionEn).toBe("bandwidth_overage_mbps (en) — p95 = 78.9 Mbps, commit 50 Mbps, 8,928 samples");
    expect(lines.find((l) => l.kind === "energy")!.quantity).toBe("1234.5");
    expect(lines[0].descriptionFr).toBe("rack_unit (fr) — novembre 2026");
    expect(lines.every((l) => l.contractId === "c-ldc")).toBe(true);
    // subtotal 970 000 + 185 175 + 433 500 = 1 588 675; VAT 18 % = 285 961.5 → 285 962; total 1 874 637
    expect(totals(lines, 1800, false)).toEqual({ subtotalMinor: 1_588_675, vatMinor: 285_962, totalMinor: 1_874_637 });
    // VAT-exempt agency: no VAT, total = subtotal
    expect(totals(lines, 1800, true)).toEqual({ subtotalMinor: 1_588_675, vatMinor: 0, totalMinor: 1_588_675 });
  });

  test("XOF, a contract starting on the 17th: prorated from the 17th, with its setup fees", () => {
    const lines = invoiceLinesFor("2026-11", ldc({ startOn: "2026-11-17" }));
    // 17 … 30 November = 14 of 30 days
    // 180 000 × 14/30 = 84 000; 190 000 × 14/30 = 88 666.67 → 88 667; 600 000 × 14/30 = 280 000
    // setup: 10 U × 25 000 = 250 000
    expect(amounts(lines)).toEqual([
      ["recurring", 84_000],
      ["recurring", 88_667],
      ["recurring", 280_000],
      ["setup", 250_000],
    ]);
    expect(lines[0].descriptionFr).toBe("rack_unit (fr) — du 17 novembre 2026 au 30 novembre 2026 (14/30 jours)");
    expect(lines[3]).toMatchObject({ quantity: "10", unitPriceMinor: 25_000, descriptionFr: "Frais de mise en service — rack_unit (fr)" });
    // subtotal 702 667; VAT 18 % = 126 480.06 → 126 480; total 829 147
    expect(totals(lines, 1800, false)).toEqual({ subtotalMinor: 702_667, vatMinor: 126_480, totalMinor: 829_147 });
    // setup fees only in the month the contract starts
    expect(invoiceLinesFor("2026-12", ldc({ startOn: "2026-11-17" })).some((l) => l.kind === "setup")).toBe(false);
  });

  test("XAF, a contract ending mid-month after its commitment (no early-termination charge)", () => {
    // commitment 2024-06-01 + 24 months → 2026-05-31; ends 14 October 2026: 14 of 31 days
    const c: ContractBillingInput = { contractId: "c-dla", startOn: "2024-06-01", endOn: "2026-10-14", termMonths: 24, lines: dlaLines, commitMbps: 0 };
    const lines = invoiceLinesFor("2026-10", c);
    // 350 000 × 14/31 = 158 064.52 → 158 065; 90 000 × 14/31 = 40 645.16 → 40 645; 300 000 × 14/31 = 135 483.87 → 135 484
    expect(amounts(lines)).toEqual([
      ["recurring", 158_065],
      ["recurring", 40_645],
      ["recurring", 135_484],
    ]);
    // subtotal 334 194; VAT 19.25 % = 64 332.345 → 64 332; total 398 526
    expect(totals(lines, 1925, false)).toEqual({ subtotalMinor: 334_194, vatMinor: 64_332, totalMinor: 398_526 });
    expect(invoiceLinesFor("2026-11", c)).toEqual([]);
  });

  test("XAF, first month with setup of two cross-connects and a counter-reset energy figure", () => {
    // start 1 March 2026 (31 days, full month); energy 2 045.75 kWh (as computed across a reset) × 120 = 245 490
    const lines = invoiceLinesFor("2026-03", { contractId: "c", startOn: "2026-03-01", endOn: null, termMonths: 36, lines: dlaLines, commitMbps: 0, usage: { energyKwh: "2045.75", p95Mbps: null, samples: 0 } });
    // 350 000 + 90 000 + 300 000 = 740 000; setup 2 × 60 000 = 120 000
    expect(amounts(lines)).toEqual([
      ["recurring", 350_000],
      ["recurring", 90_000],
      ["recurring", 300_000],
      ["setup", 120_000],
      ["energy", 245_490],
    ]);
    // subtotal 1 105 490; VAT 19.25 % = 212 806.825 → 212 807; total 1 318 297
    expect(totals(lines, 1925, false)).toEqual({ subtotalMinor: 1_105_490, vatMinor: 212_807, totalMinor: 1_318_297 });
  });

  test("USD, a full month with p95 below the commit and a one-off charge", () => {
    const lines = invoiceLinesFor(
      "2026-09",
      kin({
        usage: { energyKwh: "812.345", p95Mbps: "17.3", samples: 8640 },
        oneOffs: [
          { on: "2026-09-12", descriptionFr: "Intervention sur site", descriptionEn: "Remote hands", quantity: "1.5", unitPriceMinor: 7_500 },
          { on: "2026-10-01", descriptionFr: "Le mois suivant", descriptionEn: "Next month", quantity: "1", unitPriceMinor: 100 },
        ],
      }),
    );
    // recurring: 4 × 4 500 = 18 000; 1 × 18 000 = 18 000; 20 × 1 250 = 25 000 (cents)
    // energy: 812.345 kWh × 22 = 17 871.59 → 17 872
    // p95 17.3 < commit 20: no overage line
    // remote hands: 1.5 h × 7 500 = 11 250; the October charge waits for October
    expect(amounts(lines)).toEqual([
      ["recurring", 18_000],
      ["recurring", 18_000],
      ["recurring", 25_000],
      ["energy", 17_872],
      ["one_off", 11_250],
    ]);
    expect(lines[4]).toMatchObject({ quantity: "1.5", unitPriceMinor: 7_500, descriptionFr: "Intervention sur site (12 septembre 2026)", descriptionEn: "Remote hands (12 September 2026)" });
    // subtotal 90 122 ($901.22); VAT 16 % = 14 419.52 → 14 420; total 104 542 ($1,045.42)
    expect(totals(lines, 1600, false)).toEqual({ subtotalMinor: 90_122, vatMinor: 14_420, totalMinor: 104_542 });
  });

  test("USD, p95 exactly at the commit bills nothing; 0.000001 above bills a rounded amount", () => {
    expect(invoiceLinesFor("2026-09", kin({ usage: { energyKwh: null, p95Mbps: "20", samples: 10 } })).some((l) => l.kind === "bandwidth_overage")).toBe(false);
    // 0.000001 Mbps × 1 800 = 0.0018 cent → 0
    const l = invoiceLinesFor("2026-09", kin({ usage: { energyKwh: null, p95Mbps: "20.000001", samples: 10 } })).find((x) => x.kind === "bandwidth_overage")!;
    expect(l).toMatchObject({ quantity: "0.000001", amountMinor: 0 });
  });

  test("USD, early termination: the rest of the commitment, unless waived", () => {
    // start 17 March 2026, 12 months: commitment until 16 March 2027; ended 15 September 2026
    const c = kin({ startOn: "2026-03-17", endOn: "2026-09-15" });
    // September: 1 … 15 = 15/30: 18 000 × 15/30 = 9 000; 9 000; 25 000 × 15/30 = 12 500
    // still due from 16 September 2026 to 16 March 2027, monthly 61 000:
    //   16 … 30 September = 15/30 → 61 000 × 15/30 = 30 500
    //   October … February = 5 full months → 305 000
    //   1 … 16 March 2027 = 16/31 → 61 000 × 16/31 = 31 483.87 → 31 484
    //   = 366 984
    expect(earlyTermination(c)).toEqual({
      fromOn: "2026-09-16",
      toOn: "2027-03-16",
      fullMonths: 5,
      partials: [
        { period: "2026-09", days: 15, daysInMonth: 30, amountMinor: 30_500 },
        { period: "2027-03", days: 16, daysInMonth: 31, amountMinor: 31_484 },
      ],
      amountMinor: 366_984,
    });
    const lines = invoiceLinesFor("2026-09", c);
    expect(amounts(lines)).toEqual([
      ["recurring", 9_000],
      ["recurring", 9_000],
      ["recurring", 12_500],
      ["early_termination", 366_984],
    ]);
    expect(lines[3].descriptionFr).toBe(
      "Résiliation anticipée — redevances dues du 16 septembre 2026 au 16 mars 2027, fin de l'engagement (5 mois complets + 15/30 jours de septembre 2026 + 16/31 jours de mars 2027)",
    );
    expect(lines[3].descriptionEn).toBe(
      "Early termination — recurring charges due from 16 September 2026 to 16 March 2027, end of commitment (5 full months + 15/30 days of September 2026 + 16/31 days of March 2027)",
    );
    // subtotal 30 500 + 366 984 = 397 484; VAT 16 % = 63 597.44 → 63 597; total 461 081
    expect(totals(lines, 1600, false)).toEqual({ subtotalMinor: 397_484, vatMinor: 63_597, totalMinor: 461_081 });

    // waived: only September's 30 500; VAT 4 880; total 35 380
    const waived = invoiceLinesFor("2026-09", { ...c, earlyTerminationWaived: true });
    expect(waived.some((l) => l.kind === "early_termination")).toBe(false);
    expect(totals(waived, 1600, false)).toEqual({ subtotalMinor: 30_500, vatMinor: 4_880, totalMinor: 35_380 });
  });

  test("early termination inside one month, on a month end, and none at the commitment's end", () => {
    // start 2026-01-01, 12 months → until 2026-12-31; ended 2026-12-20: 21 … 31 December = 11/31
    // 61 000 × 11/31 = 21 645.16 → 21 645
    expect(earlyTermination(kin({ startOn: "2026-01-01", endOn: "2026-12-20" }))?.amountMinor).toBe(21_645);
    // ended 2026-10-31: November and December in full = 122 000
    expect(earlyTermination(kin({ startOn: "2026-01-01", endOn: "2026-10-31" }))).toMatchObject({ fullMonths: 2, partials: [], amountMinor: 122_000 });
    expect(earlyTermination(kin({ startOn: "2026-01-01", endOn: "2026-12-31" }))).toBeNull();
    expect(earlyTermination(kin({ startOn: "2026-01-01", endOn: null }))).toBeNull();
    // the charge is on the invoice of the month the contract ends, not the next one
    expect(invoiceLinesFor("2026-11", kin({ startOn: "2026-01-01", endOn: "2026-10-31" }))).toEqual([]);
  });

  test("XOF, a VAT-exempt invoice is the subtotal alone", () => {
    const lines = invoiceLinesFor("2026-11", ldc({ startOn: "2026-11-17" }));
    expect(totals(lines, 1800, true)).toEqual({ subtotalMinor: 702_667, vatMinor: 0, totalMinor: 702_667 });
  });
});

test("decimals read exactly in both languages", () => {
  expect(formatDecimal("1234567.890000", "fr")).toBe("1\u00a0234\u00a0567,89");
  expect(formatDecimal("1234567.890000", "en")).toBe("1,234,567.89");
  expect(formatDecimal("0.5", "fr")).toBe("0,5");
  expect(formatDecimal("100", "en")).toBe("100");
});

describe("properties", () => {
  const period = fc.constantFrom("2026-02", "2028-02", "2026-04", "2026-05", "2026-11");
  const day = fc.date({ min: new Date("2024-01-01T00:00:00Z"), max: new Date("2029-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const line = fc.record({
    kind: fc.constantFrom<FrozenLine["kind"]>("rack_unit", "half_rack", "full_rack", "cage", "power_commit_kw", "bandwidth_commit_mbps", "cross_connect"),
    quantity: fc.integer({ min: 0, max: 1000 }),
    unit: fc.integer({ min: 0, max: 10_000_000 }),
    setup: fc.integer({ min: 0, max: 1_000_000 }),
  });
  const contract = fc
    .record({
      start: day,
      length: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: null }),
      term: fc.constantFrom(12, 24, 36),
      lines: fc.uniqueArray(line, { selector: (l) => l.kind, maxLength: 7 }),
      kwh: fc.option(fc.integer({ min: 0, max: 10 ** 9 }).map((n) => `${Math.floor(n / 1000)}.${String(n % 1000).padStart(3, "0")}`), { nil: null }),
      p95: fc.option(fc.integer({ min: 0, max: 10 ** 7 }).map((n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")}`), { nil: null }),
      commit: fc.integer({ min: 0, max: 10_000 }),
      waived: fc.boolean(),
    })
    .map(
      (r): ContractBillingInput => ({
        contractId: "c",
        startOn: r.start,
        endOn: r.length === null ? null : addDays(r.start, r.length),
        termMonths: r.term,
        lines: [...r.lines.map((l) => fl(l.kind, l.quantity, l.unit, l.setup)), fl("energy_kwh", 0, 150), fl("bandwidth_overage_mbps", 0, 15_000)],
        commitMbps: r.commit,
        usage: { energyKwh: r.kwh, p95Mbps: r.p95, samples: 8640 },
        earlyTerminationWaived: r.waived,
      }),
    );

  test("lines sum to the subtotal and subtotal + VAT = total, VAT within half a minor unit", () => {
    fc.assert(
      fc.property(period, contract, fc.integer({ min: 0, max: 3000 }), fc.boolean(), (p, c, rate, exempt) => {
        const lines = invoiceLinesFor(p, c);
        const t = totals(lines, rate, exempt);
        expect(t.subtotalMinor).toBe(lines.reduce((s, l) => s + l.amountMinor, 0));
        expect(t.totalMinor).toBe(t.subtotalMinor + t.vatMinor);
        if (exempt) expect(t.vatMinor).toBe(0);
        else expect(Math.abs(t.vatMinor * 10_000 - t.subtotalMinor * rate)).toBeLessThanOrEqual(5_000);
        for (const l of lines) expect(Number.isSafeInteger(l.amountMinor) && l.amountMinor >= 0).toBe(true);
      }),
    );
  });

  test("prorating is monotonic in days and in price, and a full month is the monthly price", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 10 ** 6 }), fc.constantFrom(28, 29, 30, 31), fc.integer({ min: 0, max: 30 }), (monthly, extra, dim, a) => {
        const days = Math.min(a, dim - 1);
        expect(prorate(monthly, days, dim)).toBeLessThanOrEqual(prorate(monthly, days + 1, dim));
        expect(prorate(monthly, days, dim)).toBeLessThanOrEqual(prorate(monthly + extra, days, dim));
        expect(prorate(monthly, dim, dim)).toBe(monthly);
        expect(prorate(monthly, 0, dim)).toBe(0);
      }),
    );
  });

  test("a month's recurring lines never exceed the monthly price, and equal it when active all month", () => {
    fc.assert(
      fc.property(period, contract, (p, c) => {
        const recurring = invoiceLinesFor(p, c).filter((l) => l.kind === "recurring");
        const monthly = c.lines.filter((l) => !["energy_kwh", "bandwidth_overage_mbps"].includes(l.kind) && l.quantity > 0).map((l) => l.unit_price_minor * l.quantity);
        const sum = recurring.reduce((s, l) => s + l.amountMinor, 0);
        expect(sum).toBeLessThanOrEqual(monthly.reduce((s, m) => s + m, 0));
        if (activeDaysInPeriod(p, c.startOn, c.endOn) === daysInMonth(p)) expect(sum).toBe(monthly.reduce((s, m) => s + m, 0));
      }),
    );
  });
});

function addDays(date: string, days: number) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
