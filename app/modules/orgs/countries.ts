/** Countries offered at sign-up: the region first, then the usual partners. */
export const COUNTRIES = [
  "TG", "CD", "CG", "BJ", "BF", "BI", "CM", "CF", "CI", "GA", "GN", "GQ", "MG", "ML", "NE", "RW", "SN", "TD",
  "GH", "NG", "MA", "TN", "DZ", "FR", "BE", "CH", "CA", "US", "GB", "CN",
] as const;
