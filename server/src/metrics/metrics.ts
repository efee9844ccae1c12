import { type Database, poolStats, readStats } from "@clubhouse/db";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * What an operator watches (docs/metrics.md): one registry per server, so two servers
 * in one process (tests, a bench) never mix their counts. The process's own figures
 * (event-loop delay, memory, CPU, handles) are facts of the process and are kept once,
 * in `processRegistry`, merged in at every scrape.
 */
const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: "clubhouse_" });

/** Seconds: from a fast API answer to a slow export; live lag from a few ms to seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface CoalescerObserver {
  /** A change was announced for `key` (a club): counted, whether or not a run is already due. */
  requested(): void;
  /** A run finished: `waitedMs` since the first request it answers, and whether it succeeded. */
  ran(waitedMs: number, ok: boolean): void;
}

export class Metrics {
  readonly registry = new Registry();
  readonly #httpRequests = new Counter({
    name: "clubhouse_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly #httpDuration = new Histogram({
    name: "clubhouse_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route pattern.",
    labelNames: ["method", "route"] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly #boardRequests = new Counter({
    name: "clubhouse_live_board_changes_total",
    help: "Writes that changed a club's boards (each asks for a recompute; a burst is coalesced into one).",
    registers: [this.registry],
  });
  readonly #boardRuns = new Counter({
    name: "clubhouse_live_board_recomputes_total",
    help: "Coalesced recomputes of a club's boards, by result.",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly #boardReads = new Counter({
    name: "clubhouse_live_board_reads_total",
    help: "Reads behind recomputed boards: full (every rep) or partial (only the reps the writes since the version before touched).",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly #pushLag = new Histogram({
    name: "clubhouse_live_push_lag_seconds",
    help: "From the first write a recompute answers to its boards sent to every socket.",
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  readonly #jobClubs = new Gauge({
    name: "clubhouse_job_clubs",
    help: "Clubs in this process's last pass of the background jobs: those it ran (here) and those left to the process that owns them (elsewhere).",
    labelNames: ["where"] as const,
    registers: [this.registry],
  });
  readonly #liveMismatches = new Counter({
    name: "clubhouse_live_event_mismatches_total",
    help: "Live events whose payload did not match the table of events (checked with LIVE_CHECK_EVENTS=on), by event.",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  readonly #jobRuns = new Counter({
    name: "clubhouse_job_runs_total",
    help: "Background job runs per club, by job and result.",
    labelNames: ["job", "result"] as const,
    registers: [this.registry],
  });

  /** Gauges read at scrape time from the parts that hold the figures. */
  constructor(sources: { database: Database; sockets?: () => { sockets: number; clubs: number }; redis?: () => boolean | null }) {
    const stats = () => poolStats(sources.database);
    new Gauge({
      name: "clubhouse_db_pool_size",
      help: "Connections the database pool may open (1 for the embedded database).",
      registers: [this.registry],
      collect() {
        this.set(stats().size);
      },
    });
    new Gauge({
      name: "clubhouse_db_pool_in_use",
      help: "Transactions holding a connection now.",
      registers: [this.registry],
      collect() {
        this.set(stats().inUse);
      },
    });
    new Gauge({
      name: "clubhouse_db_pool_waiting",
      help: "Transactions waiting for a connection now.",
      registers: [this.registry],
      collect() {
        this.set(stats().waiting);
      },
    });
    new Counter({
      name: "clubhouse_db_transactions_total",
      help: "Transactions that got a connection.",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stats().acquired);
      },
    });
    new Counter({
      name: "clubhouse_db_pool_wait_seconds_total",
      help: "Time transactions spent waiting for a connection, in all.",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stats().waitMs / 1000);
      },
    });
    const database = sources.database;
    if (database.standby) {
      const reads = () => readStats(database);
      new Counter({
        name: "clubhouse_db_reads_total",
        help: "Heavy reads (boards, analysis, exports) with a standby configured, by where they ran: standby, or primary and why (behind, unavailable).",
        labelNames: ["served_by"] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          const r = reads();
          this.inc({ served_by: "standby" }, r.standby);
          this.inc({ served_by: "primary_behind" }, r.behind);
          this.inc({ served_by: "primary_unavailable" }, r.unavailable);
        },
      });
    }
    const sockets = sources.sockets;
    if (sockets) {
      new Gauge({
        name: "clubhouse_live_sockets",
        help: "Open live sockets on this process.",
        registers: [this.registry],
        collect() {
          this.set(sockets().sockets);
        },
      });
      new Gauge({
        name: "clubhouse_live_clubs",
        help: "Clubs with at least one open live socket on this process.",
        registers: [this.registry],
        collect() {
          this.set(sockets().clubs);
        },
      });
    }
    const redis = sources.redis;
    if (redis) {
      new Gauge({
        name: "clubhouse_redis_up",
        help: "1 while the live channel reaches Redis (absent without REDIS_URL).",
        registers: [this.registry],
        collect() {
          const up = redis();
          if (up !== null) this.set(up ? 1 : 0);
        },
      });
    }
  }

  /** One answered request; `route` is the matched pattern (`/api/v1/customers/:id`), never the raw path. */
  request(method: string, route: string, status: number, seconds: number) {
    this.#httpRequests.inc({ method, route, status: String(status) });
    this.#httpDuration.observe({ method, route }, seconds);
  }

  job(name: string, ok: boolean) {
    this.#jobRuns.inc({ job: name, result: ok ? "ok" : "failed" });
  }

  /** A pass of the background jobs ended: how many clubs it ran here and left to their owners. */
  jobPass(here: number, elsewhere: number) {
    this.#jobClubs.set({ where: "here" }, here);
    this.#jobClubs.set({ where: "elsewhere" }, elsewhere);
  }

  /** A live event's payload did not match its schema (realtime/outbox.ts). */
  liveEventMismatch(event: string) {
    this.#liveMismatches.inc({ event });
  }

  /** A recompute's read (leaderboard/boards.ts): of every rep, or only of the reps writes touched. */
  boardRead(kind: "full" | "partial") {
    this.#boardReads.inc({ kind });
  }

  /** What the live channel's board coalescer reports. */
  readonly boards: CoalescerObserver = {
    requested: () => this.#boardRequests.inc(),
    ran: (waitedMs, ok) => {
      this.#boardRuns.inc({ result: ok ? "ok" : "failed" });
      if (ok) this.#pushLag.observe(waitedMs / 1000);
    },
  };

  /** The text a Prometheus server scrapes. */
  async text(): Promise<{ body: string; contentType: string }> {
    const merged = Registry.merge([processRegistry, this.registry]);
    return { body: await merged.metrics(), contentType: merged.contentType };
  }
}
