import { loadConfig } from "./config.ts";
import { startServer } from "./server.ts";

try {
  const server = await startServer(loadConfig());
  const { logger } = server.deps;
  logger.info({ url: server.url, database: server.deps.database.kind }, "clubhouse is listening");
  let stopping = false;
  // Graceful shutdown: stop accepting, finish requests, then close the database so
  // PGlite flushes its files instead of being left half-written.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "shutting down");
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      server.close().then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
