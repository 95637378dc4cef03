import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: { "~": here("./app"), "#db": here("./db"), "#emails": here("./emails") },
  },
  test: {
    globals: true,
    include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "emails/**/*.test.{ts,tsx}", "seeds/**/*.test.ts", "test/integration/**/*.test.{ts,tsx}"],
    environment: "node",
    // Migrates the databases every test starts from once per run (test/support/db.ts).
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two workers on a 2-core machine: PGlite suites are CPU-bound and independent per file.
    maxWorkers: 2,
  },
});
