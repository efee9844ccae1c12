/**
 * `pnpm bench:start`: how fast the server starts and how much memory it holds, run
 * from source (tsx, what `pnpm dev` does) and as the production build (`pnpm start`'s
 * bundle). Each run starts a fresh process on a fresh embedded database (no demo club),
 * times its start to the first 200 from /healthz, waits for it to settle and reads its
 * resident memory; prints the median of each.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "../..");
const RUNS = Number(process.env.RUNS ?? 5);
const SETTLE_MS = 5_000;

execFileSync(process.execPath, ["server/build.mjs"], { cwd: root, stdio: "inherit" });
const tsx = pathToFileURL(resolve(root, "server/node_modules/tsx/dist/loader.mjs")).href;
const modes: Record<string, string[]> = {
  "source (tsx)": ["--import", tsx, "server/src/main.ts"],
  "production build": ["--enable-source-maps", "server/dist/main.js"],
};

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function once(args: string[], port: number): Promise<{ ms: number; mb: number }> {
  const dir = mkdtempSync(join(tmpdir(), "clubhouse-start-"));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      DEMO_CLUB: "off",
      LOG_LEVEL: "warn",
      JOB_INTERVAL_MS: "0",
    },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return { ms, mb: rssMb(child.pid!) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, { ms: number[]; mb: number[] }> = {};
// Alternate the two, so a busy moment of the machine hits both alike.
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(modes)) {
    const r = await once(args, 39_000 + i);
    const kept = results[name] ?? { ms: [], mb: [] };
    results[name] = kept;
    kept.ms.push(r.ms);
    kept.mb.push(r.mb);
  }
}
console.log(
  `\nstart to first /healthz 200, and resident memory ${SETTLE_MS / 1000} s later (median of ${RUNS}; load average ${tmpLoad()})`,
);
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(18)} ${Math.round(median(r.ms)).toString().padStart(6)} ms ${Math.round(median(r.mb)).toString().padStart(6)} MB`,
  );
}

function tmpLoad(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
