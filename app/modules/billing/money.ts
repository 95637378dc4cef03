/**
 * Money rules, in integer minor units only (no floating point anywhere):
 * each line is rounded half-up to the minor unit; VAT is computed once on the subtotal, rounded
 * half-up; total = subtotal + VAT. VAT rates are basis points (1890 = 18.9 %).
 */

/** round(numerator / denominator), halves away from zero, exact for any size. */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (n * 2n + denominator) / (denominator * 2n);
  return negative ? -q : q;
}

export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount ${value} exceeds the safe integer range`);
  }
  return Number(value);
}

/** VAT on a subtotal at `rateBp` basis points, rounded half-up; 0 when exempt. */
export function vatMinor(subtotalMinor: number, rateBp: number, exempt = false): number {
  if (exempt) return 0;
  return toSafeNumber(roundHalfUp(BigInt(subtotalMinor) * BigInt(rateBp), 10_000n));
}

/** price × quantity for an integer quantity. */
export function lineAmount(unitPriceMinor: number, quantity: number): number {
  return toSafeNumber(BigInt(unitPriceMinor) * BigInt(quantity));
}

const SCALE = 1_000_000n;

/** A non-negative decimal string ("87.5", "0.000001") as an integer count of millionths. */
export function decimalToMicros(value: string): bigint {
  const m = value.trim().match(/^(\d+)(?:\.(\d{0,6})\d*)?$/);
  if (!m) throw new RangeError(`not a non-negative decimal: ${value}`);
  return BigInt(m[1]) * SCALE + BigInt((m[2] ?? "").padEnd(6, "0"));
}

/** price per unit (minor units) × a decimal quantity ("12.345678"), rounded half-up to the minor unit. */
export function priceTimesDecimal(unitPriceMinor: number, quantity: string): number {
  return toSafeNumber(roundHalfUp(BigInt(unitPriceMinor) * decimalToMicros(quantity), SCALE));
}

/** An integer count of millionths as the shortest exact decimal string (87_500_000n → "87.5", 0n → "0"). */
export function microsToDecimal(micros: bigint): string {
  const negative = micros < 0n;
  const n = negative ? -micros : micros;
  const whole = (n / SCALE).toString();
  const fraction = (n % SCALE).toString().padStart(6, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Σ of integer minor amounts, exact (BigInt), refused beyond the safe integer range. */
export function sumMinor(amounts: readonly number[]): number {
  return toSafeNumber(amounts.reduce((s, a) => s + BigInt(a), 0n));
}
