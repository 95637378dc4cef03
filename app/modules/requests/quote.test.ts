import { availableLine, quote, type PriceItem } from "./quote";

const ldc: PriceItem[] = [
  { kind: "rack_unit", unit_price_minor: 18_000, setup_fee_minor: 0 },
  { kind: "full_rack", unit_price_minor: 450_000, setup_fee_minor: 150_000 },
  { kind: "power_commit_kw", unit_price_minor: 95_000, setup_fee_minor: 0 },
  { kind: "bandwidth_commit_mbps", unit_price_minor: 7_500, setup_fee_minor: 0 },
  { kind: "cross_connect", unit_price_minor: 25_000, setup_fee_minor: 75_000 },
];
const kin: PriceItem[] = [
  { kind: "rack_unit", unit_price_minor: 3_650, setup_fee_minor: 0 }, // USD 36.50
  { kind: "power_commit_kw", unit_price_minor: 18_999, setup_fee_minor: 0 }, // USD 189.99
  { kind: "cross_connect", unit_price_minor: 4_500, setup_fee_minor: 12_345 },
];

test("10U + 2 kW + 50 Mbps at LDC (XOF, 18 %)", () => {
  const q = quote(
    [
      { kind: "rack_unit", quantity: 10 },
      { kind: "power_commit_kw", quantity: 2 },
      { kind: "bandwidth_commit_mbps", quantity: 50 },
    ],
    ldc,
    { rateBp: 1800, exempt: false },
  );
  expect(q.monthlyMinor).toBe(180_000 + 190_000 + 375_000);
  expect(q.setupMinor).toBe(0);
  expect(q.vatMinor).toBe(134_100); // 18 % of 745 000
  expect(q.totalMinor).toBe(879_100);
  expect(q.monthlyTotalMinor).toBe(879_100);
});

test("setup fees are one-time, VAT is computed once on the subtotal and rounded half-up (USD cents)", () => {
  const q = quote(
    [
      { kind: "rack_unit", quantity: 3 },
      { kind: "power_commit_kw", quantity: 1 },
      { kind: "cross_connect", quantity: 1 },
    ],
    kin,
    { rateBp: 1600, exempt: false },
  );
  // 3 × 36.50 + 189.99 + 45.00 = 344.49 monthly; setup 123.45
  expect(q.monthlyMinor).toBe(34_449);
  expect(q.setupMinor).toBe(12_345);
  expect(q.subtotalMinor).toBe(46_794);
  // 16 % of 467.94 = 74.8704 → 74.87
  expect(q.vatMinor).toBe(7_487);
  expect(q.totalMinor).toBe(54_281);
  // later months: 344.49 + 55.1184 → 55.12
  expect(q.monthlyTotalMinor).toBe(34_449 + 5_512);
});

test("0-decimal XAF at 18.9 %: half a franc rounds up", () => {
  // 18.9 % of 50 = 9.45 → 9 ; of 150 = 28.35 → 28; of 1000 = 189
  const prices: PriceItem[] = [{ kind: "rack_unit", unit_price_minor: 50, setup_fee_minor: 0 }];
  expect(quote([{ kind: "rack_unit", quantity: 1 }], prices, { rateBp: 1890, exempt: false }).vatMinor).toBe(9);
  expect(quote([{ kind: "rack_unit", quantity: 3 }], prices, { rateBp: 1890, exempt: false }).vatMinor).toBe(28);
  expect(quote([{ kind: "rack_unit", quantity: 20 }], prices, { rateBp: 1890, exempt: false }).vatMinor).toBe(189);
  // 18 % of 25 = 4.5 → 5 (half-up)
  expect(quote([{ kind: "rack_unit", quantity: 1 }], [{ kind: "rack_unit", unit_price_minor: 25, setup_fee_minor: 0 }], { rateBp: 1800, exempt: false }).vatMinor).toBe(5);
});

test("VAT-exempt organisations pay no VAT", () => {
  const q = quote([{ kind: "full_rack", quantity: 2 }], ldc, { rateBp: 1800, exempt: true });
  expect(q.subtotalMinor).toBe(1_200_000);
  expect(q.vatMinor).toBe(0);
  expect(q.totalMinor).toBe(1_200_000);
});

test("empty, zero and unpriced lines", () => {
  const q = quote(
    [
      { kind: "rack_unit", quantity: 0 },
      { kind: "cage", quantity: 1 },
    ],
    ldc,
    { rateBp: 1800, exempt: false },
  );
  expect(q.lines).toEqual([]);
  expect(q.totalMinor).toBe(0);
  expect(q.missingPrices).toEqual(["cage"]);
});

test("a cage is priced as a guide and marked as arranged case by case", () => {
  const withCage: PriceItem[] = [...ldc, { kind: "cage", unit_price_minor: 2_400_000, setup_fee_minor: 0 }];
  const q = quote(
    [
      { kind: "cage", quantity: 1 },
      { kind: "power_commit_kw", quantity: 4 },
    ],
    withCage,
    { rateBp: 1800, exempt: false },
  );
  expect(q.monthlyMinor).toBe(2_400_000 + 380_000);
  expect(q.caseByCase).toEqual(["cage"]);
  const noCage = quote([{ kind: "rack_unit", quantity: 2 }], withCage, { rateBp: 1800, exempt: false });
  expect(noCage.caseByCase).toEqual([]);
  // No price for cages at the site: missing, and not "arranged" either.
  expect(quote([{ kind: "cage", quantity: 1 }], ldc, { rateBp: 1800, exempt: false })).toMatchObject({ missingPrices: ["cage"], caseByCase: [] });
});

test("availability never says a cage is available", () => {
  expect(availableLine(["cage"])).toBeNull();
  expect(availableLine(["cage", "power_commit_kw"])).toBeNull();
  expect(availableLine(["cage", "rack_unit", "power_commit_kw"])).toBe("okRest");
  expect(availableLine(["cage", "bandwidth_commit_mbps"])).toBe("okRest");
  expect(availableLine(["rack_unit", "power_commit_kw"])).toBe("ok");
  expect(availableLine(["bandwidth_commit_mbps", "cross_connect"])).toBe("okNetwork");
});
