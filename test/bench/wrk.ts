/**
 * The fixed-request reads' load generator when wrk is installed (Debian's `wrk`):
 * a C program that parses answers in a few µs, where autocannon spends 550–760 µs of
 * its one JavaScript thread per whole-board answer and so caps a read near 1,300–1,800/s
 * whatever the server could do. One wrk thread, the same connections, duration and
 * warm-up; wrk keeps every latency (µs buckets), so the percentiles are exact to the
 * microsecond. Its CPU is read from the shell that waited for it (cutime + cstime).
 * `BENCH_HTTP=autocannon` measures with autocannon instead.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import type { HttpRequestSpec, LoadStats } from "./load.ts";

/** wrk's path, unless autocannon is asked for or wrk is not installed. */
export function wrkPath(): string | undefined {
  if (process.env.BENCH_HTTP === "autocannon") return undefined;
  try {
    return execFileSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const TICK_S = 0.01;

/** Prints the figures the bench keeps as one JSON line after the run. */
const DONE_LUA = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d,"statuses":%s}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max, statusesJson()))
end
`;

interface WrkRun {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
  /** by status, when the script counted them (sequences) */
  statuses: Record<string, number>;
  cpuS: number;
}

function luaString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** A fixed request, set once (wrk builds it once and sends it over and over). */
function fixedScript(spec: HttpRequestSpec): string {
  const lines = [`wrk.method = ${luaString(spec.method)}`, `wrk.path = ${luaString(spec.path)}`];
  if (spec.body !== undefined) lines.push(`wrk.body = ${luaString(spec.body)}`);
  for (const [k, v] of Object.entries(spec.headers ?? {})) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  return lines.join("\n");
}

/**
 * Requests in turn from a list (the writes: rotating reps, customers and bodies). A
 * request's Idempotency-Key is made unique per pass over the list and per run, so a
 * long run never repeats one (a repeat would be answered from the stored answer, a
 * cheaper request than the write it stands for). Statuses are counted in the script.
 */
function sequenceScript(specs: HttpRequestSpec[], runTag: string): string {
  const rows = specs.map((spec) => {
    const headers = Object.entries(spec.headers ?? {})
      .filter(([k]) => k.toLowerCase() !== "idempotency-key")
      .map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`)
      .join(", ");
    const key = Object.entries(spec.headers ?? {}).find(([k]) => k.toLowerCase() === "idempotency-key")?.[1];
    return `{ m = ${luaString(spec.method)}, p = ${luaString(spec.path)}, h = { ${headers} }, b = ${spec.body === undefined ? "nil" : luaString(spec.body)}${key === undefined ? "" : `, k = ${luaString(key)}`} }`;
  });
  return `
local specs = {
${rows.join(",\n")}
}
local n = #specs
local i = 0
statuses = {}
request = function()
  local s = specs[(i % n) + 1]
  if s.k then s.h["Idempotency-Key"] = s.k .. "-${runTag}-" .. math.floor(i / n) end
  i = i + 1
  return wrk.format(s.m, s.p, s.h, s.b)
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
`;
}

/** Keeps the threads, so that `done` can read the statuses the (one) thread counted. */
const SETUP_LUA = `
local threads = {}
setup = function(thread) table.insert(threads, thread) end
local function statusesJson()
  local parts = {}
  for _, t in ipairs(threads) do
    local c = t:get("statuses")
    if c then for k, v in pairs(c) do table.insert(parts, string.format('"%d":%d', k, v)) end end
  end
  return "{" .. table.concat(parts, ",") .. "}"
end
`;

function runWrk(wrk: string, url: string, script: string, connections: number, durationS: number): Promise<WrkRun> {
  const dir = mkdtempSync(join(os.tmpdir(), "clubhouse-bench-wrk-"));
  const file = join(dir, "run.lua");
  writeFileSync(file, `${SETUP_LUA}\n${script}\n${DONE_LUA}`);
  const args = ["-t1", `-c${connections}`, `-d${Math.max(1, Math.round(durationS))}s`, "--timeout", "10s", "-s", file, url];
  // The shell waits for wrk, then its own stat holds wrk's CPU (cutime, cstime).
  const cmd = `"$0" "$@"; code=$?; echo "WRK_STAT $(cat /proc/$$/stat)"; exit $code`;
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", cmd, wrk, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      rmSync(dir, { recursive: true, force: true });
      const json = /WRK_JSON (\{.*\})/.exec(out)?.[1];
      const stat = /WRK_STAT .*\) (.*)/.exec(out)?.[1]?.split(" ");
      if (code !== 0 || !json) return reject(new Error(`wrk failed (${code}): ${err || out}`));
      // after the command name: state is field 0; cutime and cstime are 13 and 14
      const cpuS = stat ? (Number(stat[13]) + Number(stat[14])) * TICK_S : Number.NaN;
      resolve({ ...(JSON.parse(json) as Omit<WrkRun, "cpuS">), cpuS });
    });
  });
}

/**
 * One run: the same figures autocannon's runs give. A fixed request (`spec`) counts what
 * wrk calls no error (status < 400); a list (`specs`) counts by status, 2xx unless
 * `counted` says otherwise. The latencies are every answer's.
 */
export async function wrkLoad(
  wrk: string,
  o: {
    url: string;
    connections: number;
    durationS: number;
    spec?: HttpRequestSpec;
    specs?: HttpRequestSpec[];
    counted?: (status: number) => boolean;
  },
): Promise<LoadStats> {
  const script = o.specs ? sequenceScript(o.specs, randomUUID().slice(0, 8)) : o.spec ? fixedScript(o.spec) : "";
  const r = await runWrk(wrk, o.url, script, o.connections, o.durationS);
  const ms = (us: number) => Math.round(us / 10) / 100;
  const durationS = r.durationUs / 1e6;
  let ok = r.requests - r.status;
  let statuses: Record<string, number> = r.status > 0 ? { "< 400": ok, ">= 400": r.status } : { "< 400": ok };
  if (o.specs) {
    statuses = r.statuses;
    const counted = o.counted ?? ((status: number) => status >= 200 && status < 300);
    ok = Object.entries(statuses).reduce((n, [status, count]) => (counted(Number(status)) ? n + count : n), 0);
  }
  const non2xx = r.requests - ok;
  const errors = r.connect + r.read + r.write + r.timeout;
  return {
    ok,
    non2xx,
    errors,
    durationS: Math.round(durationS * 100) / 100,
    rps: Math.round((ok / durationS) * 100) / 100,
    p50: ms(r.p50),
    p90: ms(r.p90),
    p99: ms(r.p99),
    mean: ms(r.mean),
    max: ms(r.max),
    statuses,
    connections: o.connections,
    ...(r.requests > 0 && Number.isFinite(r.cpuS) ? { generatorUs: Math.round((r.cpuS * 1e6) / r.requests) } : {}),
    generator: "wrk",
  };
}
