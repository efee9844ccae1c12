import { answerBackupRequests } from "./backup/schedule.ts";
import { loadConfig } from "./config.ts";
import { type RunningServer, startServer } from "./server.ts";

// Signals are taken from the first moment: a SIGTERM that arrives while the server
// is still starting (migrating, opening PGlite) waits for the start, then shuts
// down cleanly instead of killing the process mid-write.
let server: RunningServer | undefined;
let stopRequested: NodeJS.Signals | undefined;
let stopping = false;

function shutdown(signal: NodeJS.Signals) {
  if (!server) {
    stopRequested ??= signal;
    return;
  }
  if (stopping) return;
  stopping = true;
  const { logger } = server.deps;
  logger.info({ signal }, "shutting down");
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  // Graceful: stop accepting, finish requests, close sockets, then the database,
  // so PGlite flushes its files instead of being left half-written.
  server.close().then(
    () => process.exit(0),
    (err) => {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    },
  );
}

for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => shutdown(signal));

// `pnpm backup` while this server runs on the embedded database (server/src/backup/schedule.ts).
let answering: Promise<void> = Promise.resolve();
process.on("SIGUSR2", () => {
  const deps = server?.deps;
  if (!deps || stopping || deps.database.kind !== "pglite") return;
  answering = answering.then(() => answerBackupRequests(deps));
});

try {
  server = await startServer(loadConfig());
  server.deps.logger.info({ url: server.url, database: server.deps.database.kind }, "clubhouse is listening");
  if (stopRequested) shutdown(stopRequested);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
