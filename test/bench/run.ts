/**
 * `pnpm bench`: seed, start the server in its own process, measure every figure next
 * to a baseline from the same run, print a table and write JSON. See docs/bench.md.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import os from "node:os";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { type PrivateCluster, startPrivateCluster } from "./cluster.ts";
import { type CpuMeter, type CpuUse, fmtCpu, fmtStatements, startCpuMeter } from "./cpu.ts";
import { withDatabase, withoutPassword } from "./db-url.ts";
import { type LiveStats, measureLive } from "./live.ts";
import { directLoad, fixedLoad, type HttpRequestSpec, httpLoad, type LoadStats } from "./load.ts";
import { pgliteWrites } from "./pglite.ts";
import { killAll, onKill, type ServerProc, startBareServer, startServerProc } from "./procs.ts";
import { dropBenchDb, type SeedResult, seed } from "./seed.ts";
import { combineSlices } from "./slices.ts";

export interface BenchOptions {
  scale: number;
  /** seconds per measured load */
  durationS: number;
  warmupS: number;
  connections: number;
  /** concurrent callers for the tier analysis (one manager opening it: 1) */
  tiersConnections: number;
  /** DB_POOL_SIZE of the server processes */
  pool: number;
  /** also measure at 10% of the ledger first (cost growth) */
  growth: boolean;
  live: boolean;
  pglite: boolean;
  /** reps and customers per rep seeded through the API on PGlite */
  pgliteReps: number;
  pgliteCustomersPerRep: number;
  sockets: number;
  liveRate: number;
  liveDurationS: number;
  /** processes the live boards are spread over */
  boardProcs: number;
  /** the bench's boards opt in to deltas, as the web app does (false: full snapshots and leaderboard:update) */
  boardDeltas: boolean;
  /** seed at least this many clubs (small ones beyond the planned `100 × scale`); 0: as planned */
  clubs: number;
  /** the clubs the live boards (`sockets`) spread over, the first ones seeded; 0: the planned `100 × scale` */
  liveClubs: number;
  /** run the 1,000-board phases (one process, two with Redis); false: only the many-boards phase, if any */
  liveStandard: boolean;
  /** the many-boards phase (one process): this many boards (0: not run) over `wideClubs` clubs */
  wideSockets: number;
  wideClubs: number;
  keepDb: boolean;
  /** load pg_stat_statements in the private cluster and print the statements behind each write figure */
  statements: boolean;
  dbName: string;
  /** a superuser URL of an existing server; null: a private cluster of the bench's own (cluster.ts) */
  pgUrl: string | null;
  redisUrl: string;
  /** where the JSON goes; null: nowhere */
  resultsDir: string | null;
  log: (line: string) => void;
}

/** The clubs the live boards spread over: the ones the scale plans, unless `liveClubs` says (`--clubs` adds small ones after them). */
const plannedClubs = (o: BenchOptions) => (o.liveClubs > 0 ? o.liveClubs : Math.max(2, Math.round(100 * o.scale)));

export const defaultOptions = (): BenchOptions => ({
  scale: 1,
  durationS: 10,
  warmupS: 2,
  connections: 16,
  tiersConnections: 1,
  pool: 16,
  growth: true,
  live: true,
  pglite: true,
  pgliteReps: 4,
  pgliteCustomersPerRep: 8,
  sockets: 1000,
  liveRate: 50,
  liveDurationS: 20,
  boardProcs: 4,
  boardDeltas: true,
  clubs: 0,
  liveClubs: 0,
  liveStandard: true,
  wideSockets: 0,
  wideClubs: 1000,
  keepDb: false,
  statements: false,
  dbName: "clubhouse_bench",
  pgUrl: process.env.BENCH_PG_URL ?? null,
  redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  resultsDir: resolve(import.meta.dirname, "results"),
  log: (line) => console.log(line),
});

type Measured = LoadStats | { notMeasured: string };
const isMeasured = (m: Measured | undefined): m is LoadStats => !!m && !("notMeasured" in m);

export interface Figure {
  id: string;
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  /** null: no target, or not measured */
  met: boolean | null;
  note?: string;
}

export interface PhaseResult {
  ledger: number;
  seed: Omit<SeedResult, "clubs" | "big"> & { bigClub: { reps: number; customers: number } };
  revenue: Measured;
  revenueDirect: Measured;
  /** POST /revenue refused at validation: HTTP, session, parsing and validation, no database */
  writeFloor: Measured;
  contacts: Measured;
  contactsDirect: Measured;
  leaderboardMonth: Measured;
  leaderboardYear: Measured;
  /** the first 50 rows (a phone's first screenful), and the whole board gzipped (as browsers ask) */
  leaderboardPage: Measured;
  leaderboardGzip: Measured;
  /** the year's whole board (the biggest: 12 months of every rep), gzip accepted */
  leaderboardYearGzip?: Measured;
  tiers: Measured;
  /** the tier analysis request that computes it, each after a write moved the club's data on */
  tiersComputed?: { plain: ComputedStats; gzip: ComputedStats } | { notMeasured: string };
  customers: Measured;
  quota: Measured;
  bare?: {
    leaderboard: Measured;
    leaderboardYear?: Measured;
    leaderboardPage: Measured;
    tiers: Measured;
    customers: Measured;
    tiny: Measured;
  };
  responseBytes: Record<string, number>;
  firstMs: Record<string, number>;
  /** 1-minute load average just before each figure (≈0 on an otherwise idle machine) */
  loadBefore: Record<string, number>;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  totalS: number;
  machine: { cpus: number; cpuModel: string; memGiB: number; node: string; postgres: string; platform: string };
  options: Omit<BenchOptions, "log" | "pgUrl"> & { pgUrl: string };
  /** the private cluster's settings (null: an existing server named by --pg-url) */
  postgresSettings: Record<string, string> | null;
  phases: PhaseResult[];
  live: {
    oneProcess?: LiveStats | { notMeasured: string };
    twoProcesses?: LiveStats | { notMeasured: string };
    /** many boards over many clubs, one process (`wideSockets`) */
    wide?: LiveStats | { notMeasured: string };
  };
  pglite?: Awaited<ReturnType<typeof pgliteWrites>> | { notMeasured: string };
  figures: Figure[];
}

// ---------------------------------------------------------------- requests

function writersOf(s: SeedResult) {
  const ws = s.big.writers.filter((w) => w.active.length > 0);
  if (ws.length === 0) throw new Error("the big club has no writers with active customers");
  return ws;
}

function rotation(s: SeedResult) {
  const ws = writersOf(s);
  let i = 0;
  return () => {
    const w = ws[i % ws.length]!;
    const k = Math.floor(i / ws.length);
    i++;
    return { w, k, i };
  };
}

async function probe(
  url: string,
  spec: HttpRequestSpec,
): Promise<{ ok: true; body: unknown; bytes: number; ms: number } | { ok: false; reason: string }> {
  try {
    const t0 = performance.now();
    const res = await fetch(`${url}${spec.path}`, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      const why = res.status === 404 ? "the endpoint has not landed yet (404)" : `the endpoint answered ${res.status}`;
      return { ok: false, reason: `${why}: ${text.slice(0, 160)}` };
    }
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { ok: true, body, bytes: Buffer.byteLength(text), ms: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    return { ok: false, reason: `probe failed: ${(err as Error).message}` };
  }
}

/** One GET, timed from sending to the last byte read (bytes only, nothing decoded). */
function timedGet(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; ms: number; bytes: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const req = httpRequest(`${url}${path}`, { headers, timeout: 30_000 }, (res) => {
      let bytes = 0;
      res.on("data", (d: Buffer) => {
        bytes += d.length;
      });
      res.on("end", () => done({ status: res.statusCode ?? 0, ms: performance.now() - t0, bytes }));
      res.on("error", fail);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", fail);
    req.end();
  });
}

export interface ComputedStats {
  rounds: number;
  p50: number;
  max: number;
  all: number[];
}

/** Rounds of the tier analysis's computing request, of each kind (plain, gzip). */
const TIERS_ROUNDS = 10;

const computedStats = (ms: number[]): ComputedStats => {
  const sorted = [...ms].sort((a, b) => a - b);
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    rounds: ms.length,
    p50: round1(sorted[Math.floor((sorted.length - 1) / 2)]!),
    max: round1(sorted[sorted.length - 1]!),
    all: ms.map(round1),
  };
};

// ---------------------------------------------------------------- one data set

async function measurePhase(o: BenchOptions, s: SeedResult, server: ServerProc, withBare: boolean): Promise<PhaseResult> {
  const log = o.log;
  const load = { url: server.url, connections: o.connections, durationS: o.durationS, warmupS: o.warmupS };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const mgr = bearer(s.big.managerToken);
  const responseBytes: Record<string, number> = {};
  // Other work on the machine skews every figure: note the 1-minute load average before each one.
  const loadBefore: Record<string, number> = {};
  const noteLoad = (name: string) => {
    const l = Math.round(os.loadavg()[0]! * 100) / 100;
    loadBefore[name] = l;
    return l > 1.5 ? ` [load average ${l} before this figure: other work on the machine?]` : "";
  };
  const payloads: Record<string, unknown> = {};
  /** the first request of each read (for the leaderboard: the one that computes the board; later ones may be cached) */
  const firstMs: Record<string, number> = {};

  const measureGet = async (
    name: string,
    path: string,
    connections = o.connections,
    extra: Record<string, string> = {},
  ): Promise<Measured> => {
    const spec = { method: "GET", path: `/api/v1${path}`, headers: { ...mgr, ...extra } };
    const p = await probe(server.url, spec);
    if (!p.ok) {
      log(`  ${name}: not measured — ${p.reason}`);
      return { notMeasured: p.reason };
    }
    payloads[name] = p.body;
    responseBytes[name] = p.bytes;
    firstMs[name] = p.ms;
    const busy = noteLoad(`${name} API`);
    const r = await fixedLoad({ ...load, connections, spec });
    log(
      `  ${name}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms (${r.non2xx} non-2xx, ${r.errors} errors; ${p.bytes} bytes; first request ${p.ms} ms)${busy}`,
    );
    return r;
  };

  // Reads first, on the data as seeded.
  const leaderboardMonth = await measureGet("leaderboardMonth", `/leaderboard?period=month&at=${s.month}`);
  const leaderboardYear = await measureGet("leaderboardYear", `/leaderboard?period=year&at=${s.month}`);
  const leaderboardPage = await measureGet("leaderboardPage", `/leaderboard?period=month&at=${s.month}&limit=50`);
  const leaderboardGzip = await measureGet("leaderboardGzip", `/leaderboard?period=month&at=${s.month}`, o.connections, {
    "accept-encoding": "gzip",
  });
  const leaderboardYearGzip = await measureGet("leaderboardYearGzip", `/leaderboard?period=year&at=${s.month}`, o.connections, {
    "accept-encoding": "gzip",
  });
  const tiers = await measureGet("tiers", `/analysis/tiers?month=${s.lastMonth}`, o.tiersConnections);
  const customers = await measureGet("customers", `/customers?status=active&q=${encodeURIComponent(s.commonQ)}&limit=50`);
  const quota = await measureGet("quota", `/quota?month=${s.month}`);

  let bare: PhaseResult["bare"];
  if (withBare) {
    const dir = mkdtempSync(join(os.tmpdir(), "clubhouse-bench-bare-"));
    const file = join(dir, "payloads.json");
    writeFileSync(file, JSON.stringify(payloads));
    const bareServer = await startBareServer(file);
    try {
      const bareLoad = async (name: string, connections = o.connections): Promise<Measured> => {
        if (!(name in payloads) && name !== "tiny") return { notMeasured: `no ${name} response to serve` };
        const spec = { method: "GET", path: name === "tiny" ? "/bare" : `/payload/${name}` };
        noteLoad(`bare-${name}`);
        const r = await fixedLoad({
          url: bareServer.url,
          connections,
          durationS: Math.max(0.25, o.durationS / 2),
          warmupS: o.warmupS,
          spec,
        });
        log(`  bare ${name}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
        return r;
      };
      bare = {
        tiny: await bareLoad("tiny"),
        leaderboard: await bareLoad("leaderboardMonth"),
        leaderboardYear: await bareLoad("leaderboardYear"),
        leaderboardPage: await bareLoad("leaderboardPage"),
        tiers: await bareLoad("tiers", o.tiersConnections),
        customers: await bareLoad("customers"),
      };
    } finally {
      await bareServer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // Writes: the big club's reps, each on their own active customers (and some prospects).
  const run = randomUUID().slice(0, 8);
  const nextRevenue = rotation(s);
  const revenueReq = (): HttpRequestSpec => {
    const { w, k, i } = nextRevenue();
    return {
      method: "POST",
      path: "/api/v1/revenue",
      headers: { ...bearer(w.token), "content-type": "application/json" },
      body: JSON.stringify({
        customerId: w.active[k % w.active.length],
        amount: 88 + (i % 500),
        businessLine: "catering",
        occurredAt: new Date().toISOString(),
      }),
    };
  };
  const nextContact = rotation(s);
  const contactReq = (): HttpRequestSpec => {
    const { w, k, i } = nextContact();
    const prospect = i % 4 === 0 && w.prospects.length > 0;
    return {
      method: "POST",
      path: "/api/v1/contacts",
      headers: { ...bearer(w.token), "content-type": "application/json", "idempotency-key": `bench-${run}-${i}` },
      body: JSON.stringify({
        customerId: prospect ? w.prospects[k % w.prospects.length] : w.active[k % w.active.length],
        channel: i % 3 === 0 ? "phone" : "visit",
        outcome: "interested",
      }),
    };
  };
  // CPU per write (cpu.ts): the server's and PostgreSQL's; for the direct baselines, their client's.
  const meterSql = postgres(s.url, { max: 1, onnotice: () => {}, connection: { application_name: "clubhouse-bench-meter" } });
  if (o.statements) await meterSql`create extension if not exists pg_stat_statements`;
  const serverCpu = () =>
    startCpuMeter({ sql: meterSql, statements: o.statements, ...(server.proc.pid ? { serverPid: server.proc.pid } : {}) });
  const clientCpu = () => startCpuMeter({ sql: meterSql, client: true, statements: o.statements });
  // Baselines: the same single-row INSERT straight into PostgreSQL (superuser, autocommit).
  // Each write figure and its baseline are measured in alternating slices of the duration
  // (API, INSERT, API, INSERT, …; a warm-up before the first of each): the development
  // machines' speed swings by half within minutes, even within one figure (docs/bench.md,
  // 22), and a ratio should measure the code, not when each half ran.
  const direct = postgres(s.url, { max: o.connections, onnotice: () => {}, connection: { application_name: "clubhouse-bench-direct" } });
  const tenantId = s.big.tenantId;
  const slices = Math.min(5, Math.max(1, Math.round(o.durationS / 2)));
  const sliceS = o.durationS / slices;
  type Insert = (n: ReturnType<ReturnType<typeof rotation>>, now: Date) => Promise<unknown>;
  const writeFigure = async (name: string, next: () => HttpRequestSpec, insert: Insert): Promise<[Measured, Measured]> => {
    const p = await probe(server.url, next());
    const rows = rotation(s);
    const api: LoadStats[] = [];
    const base: LoadStats[] = [];
    const busy = noteLoad(`${name} API`);
    noteLoad(`${name}Direct`);
    for (let i = 0; i < slices; i++) {
      const warmupS = i === 0 ? o.warmupS : 0;
      if (p.ok) api.push(await httpLoad({ ...load, durationS: sliceS, warmupS, next, cpu: serverCpu }));
      base.push(
        await directLoad({
          connections: o.connections,
          durationS: sliceS,
          warmupS,
          maxOps: 2_000_000,
          cpu: clientCpu,
          op: async () => {
            await insert(rows(), new Date());
          },
        }),
      );
    }
    const b = combineSlices(base);
    const rates = (list: LoadStats[]) => (slices > 1 ? ` (slices: ${list.map((x) => Math.round(x.rps)).join(", ")}/s)` : "");
    let a: Measured;
    if (!p.ok) {
      log(`  ${name} API: not measured — ${p.reason}`);
      a = { notMeasured: p.reason };
    } else {
      const r = combineSlices(api);
      log(
        `  ${name} API: ${r.rps} req/s${rates(api)}, p50 ${r.p50} ms, p99 ${r.p99} ms (${r.non2xx} non-2xx, ${r.errors} errors) ${JSON.stringify(r.statuses)}; CPU per request: ${fmtCpu(r.cpu)}${busy}`,
      );
      for (const line of fmtStatements(r.cpu?.statements)) log(line);
      a = r;
    }
    log(`  ${name} direct INSERT: ${b.rps} rows/s${rates(base)}, p50 ${b.p50} ms, p99 ${b.p99} ms; CPU per row: ${fmtCpu(b.cpu)}`);
    for (const line of fmtStatements(b.cpu?.statements)) log(line);
    return [a, b];
  };
  const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  let revenue: Measured;
  let revenueDirect: Measured;
  let contacts: Measured;
  let contactsDirect: Measured;
  try {
    [revenue, revenueDirect] = await writeFigure(
      "revenue",
      revenueReq,
      ({ w, k, i }, now) =>
        direct`insert into revenue_entries (tenant_id, id, customer_id, rep_id, amount_fen, business_line, occurred_at, month, source, created_by, created_at)
          values (${tenantId}, ${randomUUID()}, ${w.active[k % w.active.length]!}, ${w.repId}, ${(88 + (i % 500)) * 100}, 'catering', ${now}, ${s.month}, 'bench-direct', ${w.repId}, ${now})`,
    );
    [contacts, contactsDirect] = await writeFigure(
      "contacts",
      contactReq,
      ({ w, k, i }, now) =>
        direct`insert into contacts (tenant_id, id, rep_id, customer_id, channel, in_person, target, outcome, notes, occurred_at, day, month, created_at)
          values (${tenantId}, ${randomUUID()}, ${w.repId}, ${w.active[k % w.active.length]!}, ${i % 3 === 0 ? "phone" : "visit"}, ${i % 3 !== 0}, 'existing', 'interested', 'bench-direct', ${now}, ${day}, ${s.month}, ${now})`,
    );
  } finally {
    // The baseline rows bypassed the maintained totals: take them out again so the ledger and its totals agree.
    await direct`delete from revenue_entries where source = 'bench-direct'`;
    await direct`delete from contacts where notes = 'bench-direct'`;
    await direct.end();
  }
  // The floor under any write: the same POST /revenue with a bad amount, refused (400)
  // by validation after HTTP, the session and body parsing, before any database work.
  noteLoad("writeFloor");
  const writeFloor = await httpLoad({
    ...load,
    cpu: serverCpu,
    counted: (status) => status === 400,
    next: () => {
      const spec = revenueReq();
      return { ...spec, body: (spec.body as string).replace(/"amount":[0-9.]+/, '"amount":"bad"') };
    },
  });
  log(
    `  write floor (400 at validation): ${writeFloor.rps} req/s, p50 ${writeFloor.p50} ms, p99 ${writeFloor.p99} ms ${JSON.stringify(writeFloor.statuses)}; CPU per request: ${fmtCpu(writeFloor.cpu)}`,
  );

  // The tier analysis as a manager meets it on a running server: the request after a
  // write, which computes it afresh (the cache follows the club's data generation).
  // Each round: one POST /revenue, then the timed GET, plain and as browsers ask (gzip).
  let tiersComputed: PhaseResult["tiersComputed"];
  {
    const path = `/api/v1/analysis/tiers?month=${s.lastMonth}`;
    const runs = { plain: [] as number[], gzip: [] as number[] };
    try {
      for (let i = 0; i < 2 * TIERS_ROUNDS; i++) {
        const w = revenueReq();
        const wrote = await fetch(`${server.url}${w.path}`, { method: "POST", headers: w.headers, body: w.body as string });
        await wrote.arrayBuffer();
        if (wrote.status !== 201) throw new Error(`the write before it answered ${wrote.status}`);
        const gzip = i % 2 === 1;
        const r = await timedGet(server.url, path, { ...mgr, ...(gzip ? { "accept-encoding": "gzip, deflate, br" } : {}) });
        if (r.status !== 200) throw new Error(`it answered ${r.status}`);
        (gzip ? runs.gzip : runs.plain).push(r.ms);
      }
      tiersComputed = { plain: computedStats(runs.plain), gzip: computedStats(runs.gzip) };
      log(
        `  tiers computed after a write: p50 ${tiersComputed.plain.p50} ms, max ${tiersComputed.plain.max} ms; gzip accepted p50 ${tiersComputed.gzip.p50} ms, max ${tiersComputed.gzip.max} ms`,
      );
    } catch (err) {
      tiersComputed = { notMeasured: (err as Error).message };
      log(`  tiers computed: not measured — ${(err as Error).message}`);
    }
  }

  await meterSql.end();

  const { clubs: _clubs, big, ...seedInfo } = s;
  return {
    ledger: s.ledger,
    seed: { ...seedInfo, bigClub: { reps: big.reps, customers: big.customers } },
    revenue,
    revenueDirect,
    writeFloor,
    contacts,
    contactsDirect,
    leaderboardMonth,
    leaderboardYear,
    leaderboardPage,
    leaderboardGzip,
    leaderboardYearGzip,
    tiers,
    ...(tiersComputed ? { tiersComputed } : {}),
    customers,
    quota,
    ...(bare ? { bare } : {}),
    responseBytes,
    firstMs,
    loadBefore,
  };
}

// ---------------------------------------------------------------- figures

const fmtN = (x: number) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : String(Math.round(x * 10) / 10));
const fmtLoad = (m: Measured | undefined) =>
  isMeasured(m) ? `${fmtN(m.rps)}/s · p50 ${fmtN(m.p50)} · p99 ${fmtN(m.p99)} ms` : "not measured";
const pct = (a: number, b: number) => `${Math.round((a / b) * 100)}%`;

function buildFigures(o: BenchOptions, report: BenchReport): Figure[] {
  const figures: Figure[] = [];
  const full = report.phases[report.phases.length - 1]!;
  const small = report.phases.length > 1 ? report.phases[0]! : undefined;
  const notMeasured = (id: string, figure: string, m: Measured | undefined, target: string): Figure => ({
    id,
    figure,
    value: "not measured",
    baseline: "",
    ratio: "",
    target,
    met: null,
    note: m && "notMeasured" in m ? m.notMeasured : "not run",
  });

  figures.push({
    id: "seed",
    figure: `Seed load (scale ${o.scale})`,
    value: `${(full.seed.loadMs / 1000).toFixed(0)} s`,
    baseline: `${fmtN(full.seed.counts.revenue_entries ?? 0)} revenue, ${fmtN(full.seed.counts.contacts ?? 0)} contacts, ${fmtN(full.seed.counts.customers ?? 0)} customers`,
    ratio: "",
    target: "minutes, not hours (< 10 min)",
    met: full.seed.loadMs < 600_000,
  });

  /** `share`: the part of the direct rate the API must reach (PostgreSQL 40%; the embedded PGlite, in the server's own thread, 25%) */
  const write = (id: string, figure: string, api: Measured, direct: Measured, share = 0.4) => {
    const target = `≥ ${Math.round(share * 100)}% of direct, p99 < 100 ms`;
    if (!isMeasured(api)) return figures.push(notMeasured(id, figure, api, target));
    const base = isMeasured(direct) ? direct : undefined;
    figures.push({
      id,
      figure,
      value: fmtLoad(api),
      baseline: base ? `direct INSERT ${fmtLoad(base)}` : "not measured",
      ratio: base ? pct(api.rps, base.rps) : "",
      target,
      met: base ? api.rps >= share * base.rps && api.p99 < 100 && api.non2xx === 0 : null,
      ...(api.non2xx > 0 ? { note: `${api.non2xx} non-2xx: ${JSON.stringify(api.statuses)}` } : {}),
    });
    if (api.cpu?.serverUs !== undefined) {
      const cost = (c: CpuUse | undefined) => (c ? (c.serverUs ?? 0) + (c.clientUs ?? 0) + (c.databaseUs ?? 0) : 0);
      figures.push({
        id: `${id}-cpu`,
        figure: `${figure}: CPU per request`,
        value: fmtCpu(api.cpu),
        baseline: base ? `direct INSERT: ${fmtCpu(base.cpu)} per row` : "not measured",
        ratio: base && cost(base.cpu) > 0 ? `${(cost(api.cpu) / cost(base.cpu)).toFixed(1)}×` : "",
        target: "— (what the rate costs)",
        met: null,
      });
    }
  };
  write("revenue", `POST /revenue (${o.connections} conns)`, full.revenue, full.revenueDirect);
  write("contacts", `POST /contacts (${o.connections} conns)`, full.contacts, full.contactsDirect);
  if (isMeasured(full.writeFloor) && isMeasured(full.revenueDirect)) {
    const f = full.writeFloor;
    figures.push({
      id: "write-floor",
      figure: `POST /revenue refused at validation, no database (${o.connections} conns)`,
      value: fmtLoad(f),
      baseline: `direct INSERT ${fmtLoad(full.revenueDirect)}`,
      ratio: pct(f.rps, full.revenueDirect.rps),
      target: "— (the floor: HTTP, session, validation)",
      met: null,
      ...(f.cpu ? { note: `CPU per request: ${fmtCpu(f.cpu)}` } : {}),
    });
  }

  const read = (
    id: string,
    figure: string,
    m: Measured,
    bare: Measured | undefined,
    target: string,
    met: (r: LoadStats) => boolean | null,
    first?: number,
  ) => {
    if (!isMeasured(m)) return figures.push(notMeasured(id, figure, m, target));
    const notes = [
      ...(m.non2xx > 0 ? [`${m.non2xx} non-2xx: ${JSON.stringify(m.statuses)}`] : []),
      ...(first !== undefined ? [`first request (computes it; later ones are served from the cache until a write) ${first} ms`] : []),
      ...(m.generatorUs !== undefined
        ? [
            `the load generator's (${m.generator ?? "autocannon"}) own CPU ${fmtN(m.generatorUs)} µs per answer, on one thread: it cannot ask for more than ${fmtN(Math.floor(1_000_000 / Math.max(1, m.generatorUs)))}/s${m.rps * m.generatorUs >= 850_000 ? " (it was the bottleneck here)" : ""}`,
          ]
        : []),
    ];
    figures.push({
      id,
      figure,
      value: fmtLoad(m),
      baseline: isMeasured(bare) ? `bare Hono ${fmtLoad(bare)}` : "",
      ratio: isMeasured(bare) ? pct(m.rps, bare.rps) : "",
      target,
      met: met(m),
      ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
    });
  };
  const lbTarget = "p99 < 20 ms, ≥ 2,000/s";
  const lbMet = (r: LoadStats) => r.p99 < 20 && r.rps >= 2000 && r.non2xx === 0;
  read(
    "leaderboard-month",
    `GET /leaderboard month, big club (${o.connections} conns)`,
    full.leaderboardMonth,
    full.bare?.leaderboard,
    lbTarget,
    lbMet,
    full.firstMs?.leaderboardMonth,
  );
  read(
    "leaderboard-year",
    `GET /leaderboard year, big club (${o.connections} conns)`,
    full.leaderboardYear,
    full.bare?.leaderboardYear ?? full.bare?.leaderboard,
    lbTarget,
    lbMet,
    full.firstMs?.leaderboardYear,
  );
  read(
    "leaderboard-page",
    `GET /leaderboard month, first 50 rows (${o.connections} conns)`,
    full.leaderboardPage,
    full.bare?.leaderboardPage,
    lbTarget,
    lbMet,
  );
  read(
    "leaderboard-gzip",
    `GET /leaderboard month, whole board, gzip accepted (${o.connections} conns)`,
    full.leaderboardGzip,
    full.bare?.leaderboard,
    lbTarget,
    lbMet,
  );
  read(
    "leaderboard-year-gzip",
    `GET /leaderboard year, whole board, gzip accepted (${o.connections} conns)`,
    full.leaderboardYearGzip ?? { notMeasured: "not run" },
    full.bare?.leaderboardYear,
    lbTarget,
    lbMet,
  );
  read(
    "tiers",
    `GET /analysis/tiers, ${fmtN(full.seed.bigClub.customers)} customers (${o.tiersConnections} conn)`,
    full.tiers,
    full.bare?.tiers,
    "p99 < 300 ms",
    (r) => r.p99 < 300 && r.non2xx === 0,
    full.firstMs?.tiers,
  );
  {
    const id = "tiers-computed";
    const figure = `GET /analysis/tiers, ${fmtN(full.seed.bigClub.customers)} customers: the request that computes it (after a write)`;
    const target = "< 300 ms (median of the rounds)";
    const m = full.tiersComputed;
    if (!m || "notMeasured" in m) figures.push({ ...notMeasured(id, figure, undefined, target), note: m?.notMeasured ?? "not run" });
    else
      figures.push({
        id,
        figure,
        value: `p50 ${fmtN(m.plain.p50)} · max ${fmtN(m.plain.max)} ms (${m.plain.rounds} rounds)`,
        baseline: `gzip accepted: p50 ${fmtN(m.gzip.p50)} · max ${fmtN(m.gzip.max)} ms`,
        ratio: "",
        target,
        met: m.plain.p50 < 300 && m.gzip.p50 < 300,
      });
  }
  read(
    "customers",
    `GET /customers status+q, big club (${o.connections} conns)`,
    full.customers,
    full.bare?.customers,
    "p99 < 100 ms (bench's own bar)",
    (r) => r.p99 < 100 && r.non2xx === 0,
  );
  read("quota", `GET /quota, big club (${o.connections} conns)`, full.quota, full.bare?.tiny, "— (informational)", () => null);

  type LiveM = LiveStats | { notMeasured: string } | undefined;
  const liveOk = (m: LiveM): m is LiveStats => !!m && !("notMeasured" in m);
  const pushValue = (m: LiveStats) =>
    `event p50 ${fmtN(m.p50)} · p99 ${fmtN(m.p99)} ms; board p50 ${fmtN(m.boardP50)} · p99 ${fmtN(m.boardP99)} ms`;
  const delivered = (m: LiveStats) => m.expected > 0 && m.delivered >= m.expected && m.boardDelivered >= m.expected;
  const liveNote = (m: LiveStats) =>
    `boards in ${m.clientProcs} processes (their own event-loop delay p99 ${m.clientLoopP99}, max ${m.clientLoopMax} ms), ${m.deltas ? "taking deltas as the web app does" : "taking full snapshots"}; event = revenue:recorded, board = the first board event after it at each board (max ${m.boardMax} ms; by the club written to: the big club ${m.boardBigClub.writes} writes, board p50 ${m.boardBigClub.p50} · p99 ${m.boardBigClub.p99} ms, the other clubs ${m.boardOtherClubs.writes} writes, board p50 ${m.boardOtherClubs.p50} · p99 ${m.boardOtherClubs.p99} ms; board p99 by quarter of the run ${m.boardP99ByQuarter.join(" / ")} ms; ${m.boardDelivered}/${m.expected} boards updated; ${m.boardEvents} board events); request start→event p50 ${m.fromSendP50}, p99 ${m.fromSendP99} ms${m.cpu ? `; CPU per write, its pushes included: ${fmtCpu(m.cpu)}` : ""}${m.serverRssMB ? `; server RSS ${m.serverRssMB.before} → ${m.serverRssMB.connected} MB with the boards (${m.serverRssMB.per1000Sockets} MB per 1,000 sockets), ${m.serverRssMB.after} MB after the writes` : ""}${m.socketsFailed ? `; ${m.socketsFailed} sockets failed: ${m.firstError}` : ""}${m.snapshotted < m.sockets ? `; only ${m.snapshotted} of ${m.sockets} boards had their first snapshot when the writes began` : ""}`;
  const liveFig = (id: string, figure: string, m: LiveM) => {
    const target = "p99 < 50 ms (event and board), every event delivered";
    if (!liveOk(m)) return figures.push(notMeasured(id, figure, m, target));
    figures.push({
      id,
      figure: `${figure}: ${m.sockets} boards, ${m.clubs} clubs, ${o.liveRate} writes/s`,
      value: pushValue(m),
      baseline: `write itself p50 ${fmtN(m.writeP50)} · p99 ${fmtN(m.writeP99)} ms`,
      ratio: `${m.delivered}/${m.expected} delivered`,
      target,
      met: m.p99 < 50 && m.boardP99 < 50 && delivered(m),
      note: liveNote(m),
    });
    const kinds = Object.entries(m.boardBytes)
      .map(([event, b]) => `${b.n} ${event} of ${fmtN(b.n ? b.bytes / b.n : 0)} B`)
      .join(", ");
    figures.push({
      id: `${id}-bytes`,
      figure: `${figure}: board bytes pushed per write per board`,
      value: `${fmtN(m.bytesPerWriteBoard)} B`,
      baseline: kinds || "no board event",
      ratio: "",
      target: "— (what a board receives)",
      met: null,
    });
  };
  if (o.live) {
    if (o.liveStandard) {
      liveFig("live-one", "Live push, one process", report.live.oneProcess);
      liveFig("live-two", "Live push, two processes + Redis", report.live.twoProcesses);
    }
    if (o.wideSockets > 0) {
      const id = "live-many";
      const figure = `Live push, one process, ${fmtN(o.wideSockets)} boards over ${fmtN(o.wideClubs)} clubs`;
      const target = "p99 < 250 ms (event and board), every event delivered";
      const m = report.live.wide;
      const one = report.live.oneProcess;
      if (!liveOk(m)) figures.push(notMeasured(id, figure, m, target));
      else {
        figures.push({
          id,
          figure: `${figure}: ${m.sockets} boards, ${m.clubs} clubs, ${o.liveRate} writes/s`,
          value: pushValue(m),
          baseline: liveOk(one) ? `${one.sockets} boards (same run): ${pushValue(one)}` : "not measured",
          ratio: `${m.delivered}/${m.expected} delivered`,
          target,
          met: m.p99 < 250 && m.boardP99 < 250 && delivered(m),
          note: liveNote(m),
        });
        figures.push({
          id: `${id}-rss`,
          figure: `${figure}: server memory`,
          value: m.serverRssMB
            ? `${fmtN(m.serverRssMB.per1000Sockets)} MB per 1,000 sockets (${m.serverRssMB.before} → ${m.serverRssMB.connected} MB)`
            : "not measured",
          baseline:
            liveOk(one) && one.serverRssMB
              ? `${one.sockets} boards: ${fmtN(one.serverRssMB.per1000Sockets)} MB per 1,000 (${one.serverRssMB.before} → ${one.serverRssMB.connected} MB)`
              : "",
          ratio: "",
          target: "— (reported)",
          met: null,
        });
        figures.push({
          id: `${id}-bytes`,
          figure: `${figure}: board bytes pushed per write per board`,
          value: `${fmtN(m.bytesPerWriteBoard)} B`,
          baseline: Object.entries(m.boardBytes)
            .map(([event, b]) => `${b.n} ${event} of ${fmtN(b.n ? b.bytes / b.n : 0)} B`)
            .join(", "),
          ratio: "",
          target: "— (what a board receives)",
          met: null,
        });
      }
    }
  }

  if (small) {
    const grow = (id: string, figure: string, a: Measured, b: Measured) => {
      const target = "100% ≥ 80% of the 10% throughput";
      if (!isMeasured(a) || !isMeasured(b)) return figures.push(notMeasured(id, figure, isMeasured(a) ? b : a, target));
      figures.push({
        id,
        figure,
        value: `100%: ${fmtLoad(b)}`,
        baseline: `10%: ${fmtLoad(a)}`,
        ratio: pct(b.rps, a.rps),
        target,
        met: b.rps >= 0.8 * a.rps,
      });
    };
    grow("growth-revenue", "Growth ×10 ledger: POST /revenue", small.revenue, full.revenue);
    grow("growth-contacts", "Growth ×10 ledger: POST /contacts", small.contacts, full.contacts);
    grow("growth-leaderboard-month", "Growth ×10 ledger: leaderboard month", small.leaderboardMonth, full.leaderboardMonth);
    grow("growth-leaderboard-year", "Growth ×10 ledger: leaderboard year", small.leaderboardYear, full.leaderboardYear);
    grow("growth-tiers", "Growth ×10 ledger: tier analysis", small.tiers, full.tiers);
    grow("growth-customers", "Growth ×10 ledger: customers status+q", small.customers, full.customers);
  }

  if (report.pglite) {
    const p = report.pglite;
    if ("notMeasured" in p) {
      figures.push(notMeasured("pglite-revenue", "PGlite: POST /revenue", p, "≥ 25% of direct, p99 < 100 ms"));
    } else {
      write("pglite-revenue", `PGlite: POST /revenue (${o.connections} conns)`, p.revenue, p.revenueDirect, 0.25);
      write("pglite-contacts", `PGlite: POST /contacts (${o.connections} conns)`, p.contacts, p.contactsDirect, 0.25);
    }
  }
  return figures;
}

export function renderTable(figures: Figure[]): string {
  const head = ["figure", "value", "baseline (same run)", "ratio", "target", "met"];
  const rows = figures.map((f) => [
    f.figure,
    f.value,
    f.baseline,
    f.ratio,
    f.target,
    f.met === null ? (f.value === "not measured" ? "not measured" : "—") : f.met ? "met" : "NOT MET",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const out = [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)];
  const notes = figures.filter((f) => f.note).map((f) => `- ${f.figure}: ${f.note}`);
  return [...out, ...(notes.length ? ["", "Notes:", ...notes] : [])].join("\n");
}

// ---------------------------------------------------------------- the run

export async function runBench(partial: Partial<BenchOptions> = {}): Promise<BenchReport> {
  const o = { ...defaultOptions(), ...partial };
  const log = o.log;
  const started = new Date();
  const t0 = performance.now();
  let cluster: PrivateCluster | undefined;
  let keepCluster = () => {};
  if (o.pgUrl === null) {
    cluster = await startPrivateCluster({ statements: o.statements });
    const c = cluster;
    keepCluster = onKill(() => c.drop());
    log(
      `PostgreSQL: a private cluster (${Object.entries(c.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")})`,
    );
  }
  const pgUrl = cluster?.url ?? o.pgUrl!;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  const [{ version }] = (await admin`select current_setting('server_version') as version`) as unknown as [{ version: string }];
  await admin.end();
  const report: BenchReport = {
    startedAt: started.toISOString(),
    finishedAt: "",
    totalS: 0,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "",
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: version,
      platform: `${os.platform()} ${os.release()}`,
    },
    options: { ...o, pgUrl: cluster ? "private cluster" : pgUrl.replace(/\/\/[^@]*@/, "//…@") },
    postgresSettings: cluster?.settings ?? null,
    phases: [],
    live: {},
    figures: [],
  };
  delete (report.options as Partial<BenchOptions>).log;
  log(
    `clubhouse bench: scale ${o.scale}, ${o.connections} connections, ${o.durationS} s per figure, on ${report.machine.cpus} cores / ${report.machine.memGiB} GiB, PostgreSQL ${version}`,
  );

  const servers: ServerProc[] = [];
  const stopServers = async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  };
  try {
    const ledgers = o.growth ? [0.1, 1] : [1];
    let last: SeedResult | undefined;
    for (const ledger of ledgers) {
      log(`\n== data: scale ${o.scale}, ${ledger * 100}% of the ledger`);
      const s = await seed({
        adminUrl: pgUrl,
        dbName: o.dbName,
        scale: o.scale,
        ledger,
        log,
        clubs: Math.max(o.clubs, o.liveClubs, o.wideSockets > 0 ? o.wideClubs : 0),
        boardSessionsPerClub: Math.max(
          1,
          Math.ceil(o.sockets / plannedClubs(o)),
          o.wideSockets > 0 ? Math.ceil(o.wideSockets / o.wideClubs) : 0,
        ),
      });
      log(`  loaded in ${(s.loadMs / 1000).toFixed(1)} s: ${JSON.stringify(s.counts)}`);
      const server = await startServerProc({ DATABASE_URL: s.url, DB_POOL_SIZE: o.pool });
      servers.push(server);
      report.phases.push(await measurePhase(o, s, server, ledger === 1));
      last = s;
      if (ledger !== 1) await stopServers();
    }

    if (o.live && last) {
      log("\n== live push");
      const s = last;
      const one = servers[0]!;
      const meterSql = postgres(s.url, { max: 1, onnotice: () => {}, connection: { application_name: "clubhouse-bench-meter" } });
      /** CPU of the given servers (their process trees) and of PostgreSQL's client backends, per write */
      const cpuOf = (pids: (number | undefined)[]) => async (): Promise<CpuMeter> => {
        const meters = await Promise.all(
          pids.map((pid, i) => startCpuMeter({ sql: meterSql, ...(pid ? { serverPid: pid } : {}) }).then((m) => ({ m, i }))),
        );
        return {
          async stop(ops) {
            const uses = await Promise.all(meters.map(({ m }) => m.stop(ops)));
            const serverUs = uses.reduce((n, u) => n + (u.serverUs ?? 0), 0);
            return { serverUs, ...(uses[0]?.databaseUs !== undefined ? { databaseUs: uses[0].databaseUs } : {}) };
          },
        };
      };
      if (o.liveStandard) {
        try {
          report.live.oneProcess = await measureLive({
            writeUrl: one.url,
            boardUrl: one.url,
            clubs: s.clubs.slice(0, plannedClubs(o)),
            sockets: o.sockets,
            ratePerS: o.liveRate,
            durationS: o.liveDurationS,
            clientProcs: o.boardProcs,
            deltas: o.boardDeltas,
            ...(one.proc.pid ? { boardServerPid: one.proc.pid } : {}),
            cpu: cpuOf([one.proc.pid]),
            log,
          });
          log(`  one process: ${JSON.stringify(report.live.oneProcess)}`);
        } catch (err) {
          report.live.oneProcess = { notMeasured: (err as Error).message.slice(0, 300) };
          log(`  one process: not measured — ${(err as Error).message}`);
        }
        await stopServers();
        try {
          const a = await startServerProc({ DATABASE_URL: s.url, DB_POOL_SIZE: o.pool, REDIS_URL: o.redisUrl });
          servers.push(a);
          const b = await startServerProc({ DATABASE_URL: s.url, DB_POOL_SIZE: o.pool, REDIS_URL: o.redisUrl });
          servers.push(b);
          report.live.twoProcesses = await measureLive({
            writeUrl: a.url,
            boardUrl: b.url,
            clubs: s.clubs.slice(0, plannedClubs(o)),
            sockets: o.sockets,
            ratePerS: o.liveRate,
            durationS: o.liveDurationS,
            clientProcs: o.boardProcs,
            deltas: o.boardDeltas,
            ...(b.proc.pid ? { boardServerPid: b.proc.pid } : {}),
            cpu: cpuOf([a.proc.pid, b.proc.pid]),
            log,
          });
          log(`  two processes: ${JSON.stringify(report.live.twoProcesses)}`);
        } catch (err) {
          report.live.twoProcesses = { notMeasured: (err as Error).message.slice(0, 300) };
          log(`  two processes: not measured — ${(err as Error).message}`);
        }
      }
      await stopServers();
      if (o.wideSockets > 0) {
        log(`\n== live push: ${o.wideSockets} boards over ${o.wideClubs} clubs, one process`);
        try {
          const w = await startServerProc({ DATABASE_URL: s.url, DB_POOL_SIZE: o.pool });
          servers.push(w);
          report.live.wide = await measureLive({
            writeUrl: w.url,
            boardUrl: w.url,
            clubs: s.clubs.slice(0, o.wideClubs),
            sockets: o.wideSockets,
            ratePerS: o.liveRate,
            durationS: o.liveDurationS,
            clientProcs: o.boardProcs,
            deltas: o.boardDeltas,
            connectConcurrency: 50,
            ...(w.proc.pid ? { boardServerPid: w.proc.pid } : {}),
            cpu: cpuOf([w.proc.pid]),
            log,
          });
          log(`  many boards: ${JSON.stringify(report.live.wide)}`);
        } catch (err) {
          report.live.wide = { notMeasured: (err as Error).message.slice(0, 300) };
          log(`  many boards: not measured — ${(err as Error).message}`);
        }
      }
      await meterSql.end().catch(() => {});
    }
    await stopServers();

    if (o.pglite) {
      log("\n== PGlite writes");
      try {
        report.pglite = await pgliteWrites({
          connections: o.connections,
          durationS: o.durationS,
          warmupS: o.warmupS,
          reps: o.pgliteReps,
          customersPerRep: o.pgliteCustomersPerRep,
          log,
        });
        const p = report.pglite;
        for (const [k, v] of Object.entries(p)) if (typeof v === "object") log(`  ${k}: ${JSON.stringify(v)}`);
      } catch (err) {
        report.pglite = { notMeasured: (err as Error).message.slice(0, 300) };
        log(`  not measured — ${(err as Error).message}`);
      }
    }
  } finally {
    await stopServers().catch(() => {});
    if (o.keepDb) keepCluster();
    killAll();
    if (cluster && !o.keepDb) cluster.drop();
    else if (cluster)
      log(`kept: the private cluster at ${withDatabase(cluster.url, o.dbName)} (pg_lsclusters; pg_dropcluster to remove it)`);
    else if (!o.keepDb) await dropBenchDb(pgUrl, o.dbName).catch((err) => log(`could not drop ${o.dbName}: ${(err as Error).message}`));
    else log(`kept: ${withoutPassword(withDatabase(pgUrl, o.dbName))}`);
  }

  report.figures = buildFigures(o, report);
  report.finishedAt = new Date().toISOString();
  report.totalS = Math.round((performance.now() - t0) / 1000);
  log(`\n${renderTable(report.figures)}`);
  const loads = report.phases.flatMap((p) => Object.values(p.loadBefore));
  const maxLoad = loads.length ? Math.max(...loads) : 0;
  if (maxLoad > 1.5)
    log(
      `\nwarning: the 1-minute load average reached ${maxLoad} before a figure (an idle machine shows < 1): other work competed for the CPUs`,
    );
  log(
    `\nmachine: ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.machine.memGiB} GiB, Node ${report.machine.node}, PostgreSQL ${version}; total ${report.totalS} s`,
  );
  if (o.resultsDir) {
    mkdirSync(o.resultsDir, { recursive: true });
    const file = join(o.resultsDir, `${report.startedAt.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    log(`results: ${file}`);
  }
  return report;
}
