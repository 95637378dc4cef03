import { lineAmount, roundHalfUp, vatMinor } from "./money";

test("round half-up, exactly", () => {
  expect(roundHalfUp(5n, 10n)).toBe(1n);
  expect(roundHalfUp(4n, 10n)).toBe(0n);
  expect(roundHalfUp(15n, 10n)).toBe(2n);
  expect(roundHalfUp(25n, 10n)).toBe(3n);
  expect(roundHalfUp(-15n, 10n)).toBe(-2n);
  expect(roundHalfUp(10n ** 30n + 5n, 10n)).toBe(10n ** 29n + 1n);
});

test("VAT on the subtotal, rounded half-up", () => {
  // 18 % of 1 250 000 XOF
  expect(vatMinor(1_250_000, 1800)).toBe(225_000);
  // 18.9 % of 333 XAF = 62.937 → 63
  expect(vatMinor(333, 1890)).toBe(63);
  // 16 % of USD 12.53 (1253 cents) = 200.48 → 200 cents
  expect(vatMinor(1253, 1600)).toBe(200);
  // exactly half a minor unit rounds up: 18 % of 25 = 4.5 → 5
  expect(vatMinor(25, 1800)).toBe(5);
  expect(vatMinor(1_000_000, 1800, true)).toBe(0);
});

test("line amounts stay integers and refuse to overflow silently", () => {
  expect(lineAmount(18_000, 10)).toBe(180_000);
  expect(() => lineAmount(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
});

test("decimal quantities are priced exactly", async () => {
  const { priceTimesDecimal, decimalToMicros } = await import("./money");
  expect(decimalToMicros("87.5")).toBe(87_500_000n);
  expect(decimalToMicros("15234.250000")).toBe(15_234_250_000n);
  // 12.5 Mbps over commit at 27 000 XOF/Mbps
  expect(priceTimesDecimal(27_000, "12.5")).toBe(337_500);
  // 0.3 kWh at USD 0.22 = 6.6 cents → 7
  expect(priceTimesDecimal(22, "0.3")).toBe(7);
  // 0.25 kWh at 22 cents = 5.5 → 6 (half-up)
  expect(priceTimesDecimal(22, "0.25")).toBe(6);
  expect(() => decimalToMicros("-1")).toThrow(RangeError);
});

test("micro-units back to the shortest exact decimal, and exact sums", async () => {
  const { microsToDecimal, decimalToMicros, sumMinor } = await import("./money");
  expect(microsToDecimal(87_500_000n)).toBe("87.5");
  expect(microsToDecimal(0n)).toBe("0");
  expect(microsToDecimal(1n)).toBe("0.000001");
  expect(microsToDecimal(-28_900_000n)).toBe("-28.9");
  expect(microsToDecimal(decimalToMicros("15234.250000"))).toBe("15234.25");
  expect(sumMinor([1, 2, 3])).toBe(6);
  expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
});
