// Mutation testing of the pure rules: `pnpm test:mutation` (docs/regulation.md,
// "Mutation testing"). Not part of `pnpm test`. The report (html and json) goes to
// reports/mutation/, which git ignores.
//
// Equivalent mutants (no test can kill them: the behaviour is identical), each
// marked at its spot with `// Stryker disable next-line <mutator>: reason`:
// - tiers.ts, tierAnalysis: `new Array(spends.length)` → `new Array()`; the array
//   grows to the same contents, the length only spares re-allocations.
// - tiers.ts, tierAnalysis: the placeholder tier "C" → ""; every row's tier is
//   overwritten once the ranking is known.
// - money.ts, yuan: the `not_finite` code and line → ""; z.number() refuses
//   Infinity and NaN before that refinement runs.
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
