import type { ProductKind } from "#db/schema";

/** Every product kind of a price list, in price-list order (the `products.kind` check). */
export const PRODUCT_KINDS = [
  "rack_unit",
  "half_rack",
  "full_rack",
  "cage",
  "power_commit_kw",
  "energy_kwh",
  "bandwidth_commit_mbps",
  "bandwidth_overage_mbps",
  "cross_connect",
  "remote_hands_hour",
  "remote_hands_urgent_hour",
] as const satisfies readonly ProductKind[];

/** Products a contract freezes even with no quantity: they are metered or billed on use. */
export const METERED_KINDS = ["energy_kwh", "bandwidth_overage_mbps", "remote_hands_hour", "remote_hands_urgent_hour"] as const satisfies readonly ProductKind[];
