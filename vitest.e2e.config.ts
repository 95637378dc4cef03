import { defineConfig } from "vitest/config";

/**
 * End-to-end tests: a real Chromium against a running portal (`npm run test:e2e`, which
 * starts the server and sets E2E_BASE_URL). One worker, one file at a time, steps in order.
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { concurrent: false, shuffle: false },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    retry: 0,
    bail: 1,
  },
});
