import type { CpuUse } from "./cpu.ts";
import type { LoadStats } from "./load.ts";

/**
 * A write figure and its direct baseline are measured in alternating slices (run.ts), so
 * that both see the same minutes of a machine whose speed swings (docs/bench.md, 22).
 * This is one figure made of a figure's slices: counts and durations add up, the rate
 * is their quotient, p50, p90 and the mean are the slices' weighted by what they
 * counted, and p99 and max are the worst slice's (a target "p99 under" is judged on the
 * worst). CPU per operation is weighted the same way; the statements are the last
 * slice's (pg_stat_statements is reset at each slice's start).
 */
export function combineSlices(slices: LoadStats[]): LoadStats {
  const [first] = slices;
  if (!first) throw new Error("no slices to combine");
  if (slices.length === 1) return first;
  const sum = (f: (s: LoadStats) => number) => slices.reduce((n, s) => n + f(s), 0);
  const ok = sum((s) => s.ok);
  const durationS = sum((s) => s.durationS);
  const weighted = (f: (s: LoadStats) => number) => (ok > 0 ? sum((s) => f(s) * s.ok) / ok : f(first));
  const round2 = (n: number) => Math.round(n * 100) / 100;
  const statuses: Record<string, number> = {};
  for (const s of slices) for (const [k, v] of Object.entries(s.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  const generatorUs = slices.every((s) => s.generatorUs !== undefined) ? Math.round(weighted((s) => s.generatorUs!)) : undefined;
  const cpu = combineCpu(slices);
  return {
    ok,
    non2xx: sum((s) => s.non2xx),
    errors: sum((s) => s.errors),
    durationS: round2(durationS),
    rps: durationS > 0 ? round2(ok / durationS) : 0,
    p50: round2(weighted((s) => s.p50)),
    p90: round2(weighted((s) => s.p90)),
    p99: Math.max(...slices.map((s) => s.p99)),
    mean: round2(weighted((s) => s.mean)),
    max: Math.max(...slices.map((s) => s.max)),
    statuses,
    connections: first.connections,
    ...(generatorUs !== undefined ? { generatorUs } : {}),
    ...(first.generator ? { generator: first.generator } : {}),
    ...(cpu ? { cpu } : {}),
  };
}

function combineCpu(slices: LoadStats[]): CpuUse | undefined {
  const metered = slices.filter((s) => s.cpu && s.ok > 0);
  if (metered.length === 0) return undefined;
  const ops = metered.reduce((n, s) => n + s.ok, 0);
  const per = (f: (c: CpuUse) => number | undefined): number | undefined => {
    if (metered.some((s) => f(s.cpu!) === undefined)) return undefined;
    return metered.reduce((n, s) => n + f(s.cpu!)! * s.ok, 0) / ops;
  };
  const out: CpuUse = {};
  const serverUs = per((c) => c.serverUs);
  const databaseUs = per((c) => c.databaseUs);
  const clientUs = per((c) => c.clientUs);
  if (serverUs !== undefined) out.serverUs = Math.round(serverUs);
  if (databaseUs !== undefined) out.databaseUs = Math.round(databaseUs);
  if (clientUs !== undefined) out.clientUs = Math.round(clientUs);
  const bytes = per((c) => c.wal?.bytes);
  const fpi = per((c) => c.wal?.fpi);
  const records = per((c) => c.wal?.records);
  if (bytes !== undefined && fpi !== undefined && records !== undefined)
    out.wal = { bytes: Math.round(bytes), fpi: Math.round(fpi * 100) / 100, records: Math.round(records * 10) / 10 };
  const statements = metered.at(-1)?.cpu?.statements;
  if (statements) out.statements = statements;
  return out;
}
