// Vitest's global setup (vitest.config.ts): the production build of the server, made once
// per test run into server/dist-test, for the tests that start the server (or `pnpm backup`)
// as its own process. They run what `pnpm start` runs, and each start skips compiling the
// TypeScript again (about a second per process).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const outdir = "dist-test";

/** The bundle's entry files, or undefined when no test run built them (a script outside vitest). */
export function serverBundle(): { main: string; backup: string } | undefined {
  const main = resolve(root, "server", outdir, "main.js");
  const backup = resolve(root, "server", outdir, "backup.js");
  return process.env.CLUBHOUSE_TEST_BUNDLE === "1" && existsSync(main) && existsSync(backup) ? { main, backup } : undefined;
}

export function setup() {
  execFileSync(process.execPath, [resolve(root, "server/build.mjs"), "--outdir", outdir], { cwd: root, stdio: "ignore" });
  // Test workers inherit the environment of the process that starts them.
  process.env.CLUBHOUSE_TEST_BUNDLE = "1";
}
