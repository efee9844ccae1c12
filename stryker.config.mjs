// Mutation testing of the pure rules: `pnpm test:mutation` (docs/regulation.md,
// "Mutation testing"). Not part of `pnpm test`.
// pnpm keeps each package's dependencies apart, so the runner is named by its path
// (the default, a scan of @stryker-mutator/* beside the core, finds nothing).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: [import.meta.resolve("@stryker-mutator/vitest-runner")],
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: [
    "server/src/regulation/**/*.ts",
    "!server/src/regulation/**/*.test.ts",
    "server/src/money.ts",
    // club time's day, month, quarter and year patterns and parsers
    "server/src/time/club-time.ts:29-106",
  ],
  coverageAnalysis: "perTest",
  // The machine is shared: one test process at a time.
  concurrency: 1,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 95, low: 90, break: null },
};
