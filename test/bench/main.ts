/**
 * `pnpm bench [-- options]`. Options:
 *   --scale N            data size (1 = 100 clubs, 2,000 reps, 200,000 customers, 2M contacts, 2M revenue)
 *   --duration S         seconds per measured load (10)      --warmup S      warm-up seconds (2)
 *   --connections N      HTTP connections / direct callers (16)
 *   --pool N             DB_POOL_SIZE of the servers (16)    --tiers-connections N  (1)
 *   --sockets N          live boards (1000)   --live-rate N  writes/s (50)   --live-duration S (20)
 *   --board-procs N      processes the live boards are spread over (4)
 *   --full-boards        the bench's boards take full snapshots (default: deltas, as the web app)
 *   --boards-10k         also 10,000 boards over 1,000 clubs on one process (= --wide-sockets 10000 --wide-clubs 1000)
 *   --wide-sockets N --wide-clubs N   that phase's boards and clubs (seeds at least that many clubs)
 *   --wide-only          of the live phases, only the many-boards one
 *   --clubs N            seed at least N clubs (small ones beyond the 100 × scale planned)
 *   --live-clubs N       the clubs the live boards spread over (default: the 100 × scale planned)
 *   --no-growth          skip the 10%-ledger pass            --no-live  --no-pglite
 *   --keep-db            leave the clubhouse_bench database   --db-name NAME
 *   --statements         pg_stat_statements in the private cluster: the statements behind each write figure
 *   --pg-url URL         an existing server's superuser URL (default: a private cluster, see cluster.ts)
 *   --redis-url URL      (redis://127.0.0.1:6379)
 */

import { killAll } from "./procs.ts";
import { type BenchOptions, defaultOptions, runBench } from "./run.ts";

function parseArgs(argv: string[]): Partial<BenchOptions> {
  const o: Partial<BenchOptions> = {};
  const num = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
    return n;
  };
  const args = argv.filter((a) => a !== "--");
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? args[++i];
    switch (flag) {
      case "--scale":
        o.scale = num("scale", value());
        break;
      case "--duration":
        o.durationS = num("duration", value());
        break;
      case "--warmup":
        o.warmupS = Number(value() ?? 0);
        break;
      case "--connections":
        o.connections = Math.round(num("connections", value()));
        break;
      case "--tiers-connections":
        o.tiersConnections = Math.round(num("tiers-connections", value()));
        break;
      case "--pool":
        o.pool = Math.round(num("pool", value()));
        break;
      case "--sockets":
        o.sockets = Math.round(num("sockets", value()));
        break;
      case "--live-rate":
        o.liveRate = num("live-rate", value());
        break;
      case "--live-duration":
        o.liveDurationS = num("live-duration", value());
        break;
      case "--board-procs":
        o.boardProcs = Math.max(1, Math.round(num("board-procs", value())));
        break;
      case "--full-boards":
        o.boardDeltas = false;
        break;
      case "--boards-10k":
        o.wideSockets = 10_000;
        o.wideClubs = 1_000;
        break;
      case "--wide-only":
        o.liveStandard = false;
        break;
      case "--wide-sockets":
        o.wideSockets = Math.round(num("wide-sockets", value()));
        break;
      case "--wide-clubs":
        o.wideClubs = Math.round(num("wide-clubs", value()));
        break;
      case "--live-clubs":
        o.liveClubs = Math.round(num("live-clubs", value()));
        break;
      case "--clubs":
        o.clubs = Math.round(num("clubs", value()));
        break;
      case "--no-growth":
        o.growth = false;
        break;
      case "--no-live":
        o.live = false;
        break;
      case "--no-pglite":
        o.pglite = false;
        break;
      case "--keep-db":
        o.keepDb = true;
        break;
      case "--statements":
        o.statements = true;
        break;
      case "--db-name": {
        const v = value() ?? "";
        if (!/^[a-z_][a-z0-9_]*$/.test(v)) throw new Error("--db-name must be a plain lower-case identifier");
        o.dbName = v;
        break;
      }
      case "--pg-url":
        o.pgUrl = value() ?? null;
        break;
      case "--redis-url":
        o.redisUrl = value() ?? defaultOptions().redisUrl;
        break;
      case "--help":
      case "-h":
        console.log("see the header of test/bench/main.ts or docs/bench.md");
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a} (see docs/bench.md)`);
    }
  }
  return o;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

try {
  await runBench(parseArgs(process.argv.slice(2)));
  process.exit(0);
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  killAll();
  process.exit(1);
}
