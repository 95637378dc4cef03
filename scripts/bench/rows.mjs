// The benchmark's rows, shared by the HTTP client and the COPY baseline so both load the same data:
// sample n goes to meter n mod M at the (n div M)-th 5-minute instant after `start`.
export const PER_BATCH = 10_000;

export function sampleAt(n, meters, start) {
  return {
    meter: meters[n % meters.length],
    metric: "bw_in_mbps",
    at: new Date(start + Math.floor(n / meters.length) * 300_000).toISOString(),
    value: Math.round((50 + (n % 97)) * 1000) / 1000,
  };
}
