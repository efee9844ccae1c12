import { Redis } from "ioredis";
import { freshDatabase, type TestDatabase } from "./harness.ts";
import { freePort, type ServerProcess, spawnServer, TestRedis } from "./live.ts";

export interface TwoProcesses {
  db: TestDatabase;
  redisServer: TestRedis;
  /** a client of that Redis, for the test's own reads */
  redis: Redis;
  a: ServerProcess;
  b: ServerProcess;
  /** Stops what is still running (a process the test killed is skipped), Redis, and drops the database. */
  stop(): Promise<void>;
}

/**
 * Two `pnpm start` processes on one fresh database and a private redis-server: a test
 * that kills a process needs a Redis of its own, as other processes on a shared one would
 * keep counting the dead one for seconds. `env` is added to the processes' environment.
 */
export async function twoProcesses(env: Record<string, string>): Promise<TwoProcesses> {
  const db = await freshDatabase();
  const redisServer = new TestRedis(await freePort());
  let redis: Redis | undefined;
  const started: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((p) => p.stop()));
    redis?.disconnect();
    await redisServer.stop();
    await db.drop();
  };
  try {
    await redisServer.start();
    redis = new Redis(redisServer.url);
    const all = { DATABASE_URL: db.url!, REDIS_URL: redisServer.url, ...env };
    const spawned = await Promise.allSettled([spawnServer(all), spawnServer(all)]);
    for (const s of spawned) if (s.status === "fulfilled") started.push(s.value);
    const [a, b] = spawned;
    if (a.status === "rejected") throw a.reason;
    if (b.status === "rejected") throw b.reason;
    return { db, redisServer, redis, a: a.value, b: b.value, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
