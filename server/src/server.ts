import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDb, type Database, rowsOf, sql } from "@clubhouse/db";
import { getRequestListener } from "@hono/node-server";
import pino from "pino";
import { createApp } from "./app.ts";
import { SessionCache } from "./auth/session-cache.ts";
import { startBackupSchedule } from "./backup/schedule.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Deps } from "./deps.ts";
import { securityHeaderSets, withSecurityHeaders } from "./http/headers.ts";
import { startScheduler } from "./jobs/scheduler.ts";
import { quotaBoardSource } from "./leaderboard/boards.ts";
import { Metrics } from "./metrics/metrics.ts";
import { startNotifier } from "./notify/deliver.ts";
import type { CoalesceTimers } from "./realtime/coalesce.ts";
import { noLive } from "./realtime/events.ts";
import { type LiveChannel, startLive } from "./realtime/live.ts";
import { assertSafeRole, UnsafeDatabaseRole } from "./safe-role.ts";
import { seedDemoClub } from "./seed/demo.ts";

/**
 * DATABASE_READ_URL: its transactions run as the same app role (refused like the
 * primary's if it could bypass RLS). Not a standby (it answers no replay position),
 * every read goes to the primary: said once here. Away at start, reads go to the
 * primary until it answers (db/src/read.ts).
 */
async function checkStandby(standby: Database, logger: pino.Logger) {
  try {
    await assertSafeRole(standby);
    const [row] = rowsOf<{ replay: string | null }>(await standby.db.execute(sql`select pg_last_wal_replay_lsn()::text as replay`));
    if (!row?.replay) logger.warn("DATABASE_READ_URL is not a standby in recovery: every read goes to DATABASE_URL");
  } catch (err) {
    if (err instanceof UnsafeDatabaseRole) throw err;
    logger.warn({ err: (err as Error).message }, "DATABASE_READ_URL does not answer now: reads go to DATABASE_URL until it does");
  }
}

/** Open sockets on this process, and how many clubs they belong to (a club's room per club with any). */
function liveSockets(live: LiveChannel | undefined): { sockets: number; clubs: number } {
  if (!live) return { sockets: 0, clubs: 0 };
  const ns = live.io.of("/");
  let clubs = 0;
  for (const room of ns.adapter.rooms.keys()) if (/^club:[0-9a-f-]{36}$/.test(room)) clubs++;
  return { sockets: ns.sockets.size, clubs };
}

export interface RunningServer {
  url: string;
  port: number;
  deps: Deps;
  http: Server;
  /** The socket.io server on the same port (tests reach into it). */
  live: LiveChannel;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  opts: { clock?: Clock; database?: Database; boardTimers?: CoalesceTimers } = {},
): Promise<RunningServer> {
  const logger = pino({ level: config.LOG_LEVEL });
  const database =
    opts.database ??
    (await createDb({
      databaseUrl: config.DATABASE_URL,
      migrateUrl: config.DATABASE_MIGRATE_URL,
      dataDir: config.DATA_DIR,
      appRole: config.DB_APP_ROLE,
      poolSize: config.DB_POOL_SIZE,
      prepare: config.DB_PREPARE === "on",
      readUrl: config.DATABASE_READ_URL,
      readWaitMs: config.DATABASE_READ_WAIT_MS,
    }));
  try {
    await database.migrate();
    await assertSafeRole(database);
    if (database.standby) await checkStandby(database.standby, logger);
  } catch (err) {
    if (!opts.database) await database.close();
    throw err;
  }
  const deps: Deps = {
    config,
    database,
    clock: opts.clock ?? systemClock,
    logger,
    live: noLive,
    sessionCache: new SessionCache(config.SESSION_CACHE_MS),
    ...(opts.boardTimers ? { boardTimers: opts.boardTimers } : {}),
  };
  // What boards show: the leaderboards for the club, the quota board for managers.
  deps.boards = quotaBoardSource(deps);
  // Read at each scrape; the live channel's figures once it exists.
  let liveNow: LiveChannel | undefined;
  deps.metrics = new Metrics({
    database,
    sockets: () => liveSockets(liveNow),
    ...(config.REDIS_URL ? { redis: () => (liveNow ? liveNow.fanningOut() : null) } : {}),
  });
  deps.health = { redis: () => (config.REDIS_URL ? (liveNow?.fanningOut() ?? false) : null) };
  if (config.DEMO_CLUB === "on") await seedDemoClub(deps);
  // The live channel exists before the port opens, so no request ever sees noLive.
  let live: LiveChannel;
  try {
    live = await startLive(deps);
  } catch (err) {
    if (!opts.database) await database.close();
    throw err;
  }
  deps.live = live.publisher;
  liveNow = live;
  const app = createApp(deps);
  const headerSets = await securityHeaderSets();
  const http = await new Promise<Server>((resolveServer) => {
    const s = createServer(withSecurityHeaders(getRequestListener(app.fetch, { hostname: config.HOST }), headerSets, config.TRUST_PROXY));
    s.listen(config.PORT, config.HOST, () => resolveServer(s));
  });
  live.attach(http);
  // Background jobs (alarm sweeps, tier freeze, automatic month close): with Redis each
  // club's on the process that owns the club (realtime/owners.ts); idempotent, so a
  // hand-over that runs a club's jobs on two processes at once does nothing twice.
  const stopJobs = config.JOB_INTERVAL_MS > 0 ? startScheduler(deps, config.JOB_INTERVAL_MS, (id) => live.ownsClub(id)) : async () => {};
  // BACKUP_DIR / BACKUP_EVERY: the embedded database's scheduled backups (docs/backup.md).
  const stopBackups = startBackupSchedule(deps);
  // NOTIFY_POLL_MS: the outbox's deliverer (docs/notify.md); every process may run it.
  const stopNotifier = startNotifier(deps);
  const port = (http.address() as AddressInfo).port;
  const host = config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    deps,
    http,
    live,
    close() {
      closing ??= (async () => {
        await stopJobs();
        await stopBackups();
        await stopNotifier();
        // Sockets first: an open WebSocket would keep http.close() waiting.
        await live.close();
        await new Promise<void>((r) => {
          http.close(() => r());
          http.closeAllConnections?.();
        });
        if (!opts.database) await database.close();
      })();
      return closing;
    },
  };
}
