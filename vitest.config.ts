import { configDefaults, defineConfig } from "vitest/config";

// One run, several projects: pure rules, then the API against PGlite and against
// PostgreSQL (a fresh database per test file), then live and browser tests.
export default defineConfig({
  test: {
    // Most test files wait on PostgreSQL, a server or a browser rather than compute:
    // two files at a time even on two cores (the default there is one).
    maxWorkers: 2,
    // isolate: false (the API and live projects) — a worker keeps the server's modules loaded
    // from one test file to the next instead of loading them again for each (about a second of
    // CPU per file). Safe there: every file makes its own database and servers, and none
    // mocks a module, fakes timers or changes the environment.
    // The server's production build, once per run, for tests that start it as a process.
    globalSetup: ["test/support/server-bundle.ts"],
    projects: [
      {
        test: {
          name: "unit",
          // test/bench's pure helpers too; its smoke test needs PostgreSQL (bench-smoke below).
          include: ["server/src/**/*.test.ts", "db/src/**/*.test.ts", "web/src/**/*.test.ts", "test/bench/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/bench/smoke.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "api-pglite",
          isolate: false,
          include: ["test/api/**/*.test.ts", "test/process/**/*.test.ts"],
          env: { TEST_DB: "pglite" },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "api-postgres",
          isolate: false,
          include: ["test/api/**/*.test.ts", "test/db/**/*.test.ts"],
          env: { TEST_DB: "postgres" },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // Real socket.io clients against real servers on PostgreSQL; some files start
          // server processes and their own redis-server.
          name: "live",
          isolate: false,
          include: ["test/live/**/*.test.ts"],
          env: { TEST_DB: "postgres" },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The API and row-level security through a private PgBouncer in transaction
          // mode (Debian's package; test/support/pgbouncer.ts). In CI a missing binary fails.
          name: "pooler",
          include: ["test/pooler/**/*.test.ts"],
          env: { TEST_DB: "postgres" },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // A few API files again, their server's database served through a private
          // PgBouncer (transaction mode, DB_PREPARE=off, migrated directly): harness.ts.
          name: "pooler-api",
          isolate: false,
          include: [
            "test/api/rls.test.ts",
            "test/api/tenancy.test.ts",
            "test/api/revenue.test.ts",
            "test/api/contacts.test.ts",
            "test/api/card-sale-idempotency.test.ts",
          ],
          env: { TEST_DB: "postgres", TEST_PG_POOLER: "1" },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // DATABASE_READ_URL against a hot standby the test makes itself (pg_basebackup,
          // streaming replication; its own primary too when the local server allows no
          // replication): test/support/replica.ts.
          name: "standby",
          include: ["test/standby/**/*.test.ts"],
          env: { TEST_DB: "postgres" },
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          // `pnpm bench`'s whole pipeline at a minuscule scale (the benchmark itself is not a test).
          name: "bench-smoke",
          include: ["test/bench/smoke.test.ts"],
          env: { TEST_DB: "postgres" },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // Attacks on the running system: fuzzing, isolation properties, crashes, auth attacks.
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          env: { TEST_DB: "postgres" },
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Browser tests: playwright-core driving Debian's Chromium against a real server
          // serving the built web app (the root `test` script builds it first).
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          env: { TEST_DB: "pglite" },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two files at a time like the rest (each its own server and Chromium): run one at a
          // time, vitest puts them in a group of their own after every other file, on one worker.
        },
      },
    ],
  },
});
