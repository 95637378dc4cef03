import { crossConnectLinesFor, type CrossConnectBillingInput } from "./lines";

const order = (over: Partial<CrossConnectBillingInput> = {}): CrossConnectBillingInput => ({
  orderId: "o1",
  contractId: "c1",
  media: "smf",
  zName: "Orange CI",
  installedOn: "2026-03-15",
  removedOn: null,
  contractEndOn: null,
  monthlyPriceMinor: 30_000,
  setupFeeMinor: 75_000,
  ...over,
});

describe("cross-connect invoice lines", () => {
  test("installed on the 15th of a 31-day month: 17/31 of the monthly, half-up, plus the setup fee", () => {
    // 30 000 × 17 / 31 = 16 451.61… → 16 452
    const lines = crossConnectLinesFor("2026-03", [order()]);
    expect(lines).toEqual([
      {
        contractId: "c1",
        kind: "recurring",
        descriptionFr: "Cross-connect SMF vers Orange CI — du 15 mars 2026 au 31 mars 2026 (17/31 jours)",
        descriptionEn: "Cross-connect SMF to Orange CI — 15 March 2026 to 31 March 2026 (17/31 days)",
        quantity: "1",
        unitPriceMinor: 30_000,
        amountMinor: 16_452,
        details: { cross_connect_order_id: "o1", active_days: 17, days_in_month: 31 },
      },
      {
        contractId: "c1",
        kind: "setup",
        descriptionFr: "Frais de mise en service — Cross-connect SMF vers Orange CI (installé le 15 mars 2026)",
        descriptionEn: "Setup fee — Cross-connect SMF to Orange CI (installed on 15 March 2026)",
        quantity: "1",
        unitPriceMinor: 75_000,
        amountMinor: 75_000,
        details: { cross_connect_order_id: "o1", installed_on: "2026-03-15" },
      },
    ]);
  });

  test("a half exactly rounds up (USD cents): 6 033 × 16 / 30 = 3 217.6 → 3 218; 6 000 × 15 / 30 = 3 000", () => {
    expect(crossConnectLinesFor("2026-04", [order({ installedOn: "2026-04-15", monthlyPriceMinor: 6_033, setupFeeMinor: 0 })]).map((l) => l.amountMinor)).toEqual([3_218]);
    // 45 × 1 / 30 = 1.5 → 2 (half-up)
    expect(crossConnectLinesFor("2026-04", [order({ installedOn: "2026-04-30", monthlyPriceMinor: 45, setupFeeMinor: 0 })]).map((l) => l.amountMinor)).toEqual([2]);
  });

  test("a full month is the monthly price, named by the month, without a setup fee", () => {
    const [line, ...rest] = crossConnectLinesFor("2026-04", [order()]);
    expect(rest).toEqual([]);
    expect(line.amountMinor).toBe(30_000);
    expect(line.descriptionFr).toBe("Cross-connect SMF vers Orange CI — avril 2026");
    expect(line.descriptionEn).toBe("Cross-connect SMF to Orange CI — April 2026");
  });

  test("removed on the 10th: billed through the removal day inclusive (10/30), nothing the month after", () => {
    const lines = crossConnectLinesFor("2026-06", [order({ removedOn: "2026-06-10", media: "cat6", zName: "Kossi Digital" })]);
    expect(lines).toHaveLength(1);
    expect(lines[0].amountMinor).toBe(10_000);
    expect(lines[0].descriptionFr).toBe("Cross-connect Cat6 vers Kossi Digital — du 1er juin 2026 au 10 juin 2026 (10/30 jours)");
    expect(crossConnectLinesFor("2026-07", [order({ removedOn: "2026-06-10" })])).toEqual([]);
  });

  test("installed and removed in the same month; never past the A contract's last day", () => {
    const same = crossConnectLinesFor("2026-02", [order({ installedOn: "2026-02-10", removedOn: "2026-02-19" })]);
    // 30 000 × 10 / 28 = 10 714.28… → 10 714
    expect(same.map((l) => [l.kind, l.amountMinor])).toEqual([["recurring", 10_714], ["setup", 75_000]]);
    const clipped = crossConnectLinesFor("2026-03", [order({ installedOn: "2026-03-01", contractEndOn: "2026-03-20" })]);
    // 30 000 × 20 / 31 = 19 354.83… → 19 355
    expect(clipped.map((l) => l.amountMinor)).toEqual([19_355, 75_000]);
  });

  test("before installation nothing; a removal on the installation day bills that one day", () => {
    expect(crossConnectLinesFor("2026-02", [order()])).toEqual([]);
    const one = crossConnectLinesFor("2026-03", [order({ installedOn: "2026-03-31", removedOn: "2026-03-31" })]);
    expect(one.map((l) => l.amountMinor)).toEqual([968, 75_000]); // 30 000 / 31 = 967.74 → 968
  });

  test("amounts stay integers for large prices (no float drift)", () => {
    const [line] = crossConnectLinesFor("2026-03", [order({ monthlyPriceMinor: 9_007_199_254_740, setupFeeMinor: 0 })]);
    expect(Number.isSafeInteger(line.amountMinor)).toBe(true);
    // 9 007 199 254 740 × 17 / 31 = 4 939 431 849 373.548… → 4 939 431 849 374
    expect(line.amountMinor).toBe(4_939_431_849_374);
  });
});
