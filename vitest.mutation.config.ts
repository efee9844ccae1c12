import { defineConfig } from "vitest/config";

// The unit tests that cover what `pnpm test:mutation` mutates (stryker.config.mjs):
// the regulation's rules, money and club time. Pure and fast; no database.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["server/src/regulation/*.test.ts", "server/src/money.test.ts", "server/src/time/club-time.test.ts"],
          environment: "node",
        },
      },
    ],
  },
});
