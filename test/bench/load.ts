/**
 * Load generators: for HTTP, wrk in a process of its own when it is installed (wrk.ts),
 * else autocannon in the bench's process (never in the server's); a closed loop of
 * concurrent workers for the direct-database baselines. All keep every latency, so
 * percentiles are exact, and all stop on time.
 */

import autocannon, { type AutocannonRequest } from "autocannon";
import type { CpuMeter, CpuUse } from "./cpu.ts";
import { wrkLoad, wrkPath } from "./wrk.ts";

export interface LoadStats {
  /** responses counted in the figure (2xx) */
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  /** 2xx responses per second */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
  statuses: Record<string, number>;
  connections: number;
  /** CPU per counted operation during the measured run (cpu.ts), when a meter was given */
  cpu?: CpuUse;
  /**
   * HTTP only: the load generator's own CPU per answer (µs), all of it on one thread
   * (wrk's one thread, or autocannon in the bench's process): at 1,000,000 / this many
   * answers per second it is the bottleneck, whatever the server could do.
   */
  generatorUs?: number;
  /** which program made the load (autocannon unless said) */
  generator?: "wrk" | "autocannon";
}

export function percentile(sorted: number[] | Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function summarise(
  lat: number[],
  ok: number,
  non2xx: number,
  errors: number,
  durationS: number,
  statuses: Record<string, number>,
  connections: number,
): LoadStats {
  const s = Float64Array.from(lat).sort();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    ok,
    non2xx,
    errors,
    durationS: round(durationS),
    rps: round(ok / durationS),
    p50: round(percentile(s, 50)),
    p90: round(percentile(s, 90)),
    p99: round(percentile(s, 99)),
    mean: round(s.length ? s.reduce((a, b) => a + b, 0) / s.length : Number.NaN),
    max: round(s.length ? s[s.length - 1]! : Number.NaN),
    statuses,
    connections,
  };
}

export interface HttpRequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpLoadOptions {
  url: string;
  connections: number;
  durationS: number;
  warmupS?: number;
  /** Called for every request: rotate users, bodies, idempotency keys. */
  next: () => HttpRequestSpec;
  /** The answers the figure counts (default 2xx); the others are `non2xx`. */
  counted?: (status: number) => boolean;
  /** Counts CPU over the measured run (not the warm-up). */
  cpu?: () => Promise<CpuMeter>;
}

function runOnce(o: HttpLoadOptions, durationS: number, record: boolean) {
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  return new Promise<LoadStats>((resolveStats, reject) => {
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const setupRequest = (req: AutocannonRequest): AutocannonRequest => {
      const spec = o.next();
      return {
        ...req,
        method: spec.method,
        path: spec.path,
        headers: spec.headers ?? {},
        ...(spec.body === undefined ? {} : { body: spec.body }),
      };
    };
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        duration: durationS,
        timeout: 10,
        requests: [{ setupRequest }],
      },
      (err, result) => {
        if (err) return reject(err);
        const elapsed = Math.min((performance.now() - started) / 1000, Math.max(result.duration, durationS));
        const cpu = process.cpuUsage(cpu0);
        const answers = ok + non2xx;
        resolveStats({
          ...summarise(lat, ok, non2xx, result.errors, elapsed, statuses, o.connections),
          ...(answers > 0 ? { generatorUs: Math.round((cpu.user + cpu.system) / answers) } : {}),
          generator: "autocannon",
        });
      },
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (!record) return;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (o.counted ? o.counted(status) : status >= 200 && status < 300) {
        ok++;
        lat.push(ms);
      } else non2xx++;
    });
  });
}

/**
 * One request over and over (the reads): wrk when it is installed (wrk.ts), whose C
 * parser is not the ceiling of a whole-board read; autocannon otherwise.
 */
export async function fixedLoad(o: Omit<HttpLoadOptions, "next" | "counted"> & { spec: HttpRequestSpec }): Promise<LoadStats> {
  const wrk = wrkPath();
  if (!wrk) return httpLoad({ ...o, next: () => o.spec });
  return warmThenMeasure(o, (durationS) => wrkLoad(wrk, { ...o, durationS }));
}

/** Requests the writes' list holds for wrk (wrk.ts): it goes round it, keys kept unique. */
const SEQUENCE = 4096;

/**
 * A warm-up run (discarded), then the measured run: wrk when it is installed (the
 * requests of `next` taken in advance, wrk.ts), else autocannon.
 */
export async function httpLoad(o: HttpLoadOptions): Promise<LoadStats> {
  const wrk = wrkPath();
  if (!wrk) return warmThenMeasure(o, (durationS, measured) => runOnce(o, durationS, measured));
  const specs = Array.from({ length: SEQUENCE }, () => o.next());
  return warmThenMeasure(o, (durationS) =>
    wrkLoad(wrk, { url: o.url, connections: o.connections, durationS, specs, ...(o.counted ? { counted: o.counted } : {}) }),
  );
}

/** `run` for the warm-up (its figures dropped), then for the measured duration, CPU counted over that one only. */
async function warmThenMeasure(
  o: { durationS: number; warmupS?: number; cpu?: () => Promise<CpuMeter> },
  run: (durationS: number, measured: boolean) => Promise<LoadStats>,
): Promise<LoadStats> {
  if (o.warmupS && o.warmupS > 0) await run(o.warmupS, false);
  return withCpu(o.cpu, () => run(o.durationS, true));
}

async function withCpu(meter: (() => Promise<CpuMeter>) | undefined, run: () => Promise<LoadStats>): Promise<LoadStats> {
  const m = await meter?.();
  const stats = await run();
  return m ? { ...stats, cpu: await m.stop(stats.ok) } : stats;
}

export interface DirectLoadOptions {
  connections: number;
  durationS: number;
  warmupS?: number;
  /** Hard cap on operations, whatever the duration. */
  maxOps?: number;
  op: (n: number) => Promise<void>;
  /** Counts CPU over the measured run (not the warm-up). */
  cpu?: () => Promise<CpuMeter>;
}

/** `connections` workers each run `op` back to back until the time or the count is up. */
export async function directLoad(o: DirectLoadOptions): Promise<LoadStats> {
  const maxOps = o.maxOps ?? 2_000_000;
  let n = 0;
  const loop = async (durationS: number, record: boolean) => {
    const lat: number[] = [];
    let errors = 0;
    let firstError: unknown;
    const until = performance.now() + durationS * 1000;
    const started = performance.now();
    let ops = 0;
    const worker = async () => {
      while (performance.now() < until && ops < maxOps) {
        ops++;
        const t = performance.now();
        try {
          await o.op(n++);
          if (record) lat.push(performance.now() - t);
        } catch (err) {
          errors++;
          firstError ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: o.connections }, worker));
    if (errors > 0 && lat.length === 0 && record) throw firstError;
    const elapsed = (performance.now() - started) / 1000;
    return summarise(lat, lat.length, 0, errors, elapsed, { ok: lat.length }, o.connections);
  };
  if (o.warmupS && o.warmupS > 0) await loop(o.warmupS, false);
  return withCpu(o.cpu, () => loop(o.durationS, true));
}
