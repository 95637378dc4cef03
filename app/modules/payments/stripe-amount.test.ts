import { fromStripeAmount, STRIPE_MAX_AMOUNT, toStripeAmount } from "./stripe-amount";

describe("amounts sent to Stripe", () => {
  it("XOF and XAF are zero-decimal there: francs as they are", () => {
    // LDC: subtotal 1 140 000 + VAT 18 % 205 200 = 1 345 200 F CFA.
    expect(toStripeAmount("XOF", 1_345_200)).toEqual({ currency: "xof", amount: 1_345_200 });
    // BZV: 500 000 + VAT 18.9 % 94 500 = 594 500 F CFA (BEAC).
    expect(toStripeAmount("XAF", 594_500)).toEqual({ currency: "xaf", amount: 594_500 });
  });

  it("USD has cents there as here: USD 1,213.57 is 121357", () => {
    expect(toStripeAmount("USD", 121_357)).toEqual({ currency: "usd", amount: 121_357 });
  });

  it("refuses what Stripe cannot charge: other currencies, zero, fractions, beyond eight digits", () => {
    expect(toStripeAmount("CDF", 1000)).toBeNull();
    expect(toStripeAmount("EUR", 1000)).toBeNull();
    expect(toStripeAmount("XOF", 0)).toBeNull();
    expect(toStripeAmount("XOF", -5)).toBeNull();
    expect(toStripeAmount("USD", 12.5)).toBeNull();
    expect(toStripeAmount("XOF", STRIPE_MAX_AMOUNT)).toEqual({ currency: "xof", amount: 99_999_999 });
    expect(toStripeAmount("XOF", STRIPE_MAX_AMOUNT + 1)).toBeNull();
  });

  it("reads Stripe's amounts back into ours, one to one", () => {
    expect(fromStripeAmount("xof", 1_345_200)).toEqual({ currency: "XOF", amountMinor: 1_345_200 });
    expect(fromStripeAmount("XAF", 594_500)).toEqual({ currency: "XAF", amountMinor: 594_500 });
    expect(fromStripeAmount("usd", 121_357)).toEqual({ currency: "USD", amountMinor: 121_357 });
    for (const [c, a] of [["eur", 1], ["usd", 1.5], ["usd", -1], [null, 1], ["usd", "100"], ["__proto__", 1], ["constructor", 1]] as const) {
      expect(fromStripeAmount(c, a)).toBeNull();
    }
  });
});
