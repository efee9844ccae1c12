import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

/**
 * The Redis connections of one server process's live channel.
 *
 * `client` carries the small commands a request may wait for (board versions, data
 * generations, session-cache evictions); the adapter publishes on a connection of its
 * own (XADD of whole boards, session SETs), so a write's generation bump never
 * queues behind a big club's boards. Both fail fast while Redis is away (no offline
 * queue), so an emit reaches this process's sockets at once instead of waiting for
 * Redis, and nothing here can make the API wait: the live channel degrades to "this
 * process only".
 *
 * The adapter's own duplicates (its blocking XREAD loop and its subscriber) are
 * the opposite: they queue and wait for Redis to come back. A failing XREAD is
 * retried by the adapter immediately, so a fail-fast reader would spin the CPU.
 */
export interface LiveRedis {
  client: Redis;
  /** The client as the streams adapter should see it (see `adapterView`). */
  forAdapter: unknown;
  /** Resolves once connected, or after `ms` (Redis being away at start is not fatal). */
  ready(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

const baseOptions: RedisOptions = {
  // RESP2: the streams adapter parses XREAD/XRANGE replies in their RESP2 shapes.
  protocol: 2,
  connectTimeout: 2_000,
  // Reconnect quickly, but never more often than every second once it keeps failing.
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
};

export function connectLiveRedis(url: string, logger: Logger): LiveRedis {
  const client = new Redis(url, { ...baseOptions, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const publisher = new Redis(url, { ...baseOptions, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  publisher.on("error", () => {}); // reported once by the main client
  const duplicates: Redis[] = [];
  let down = false;
  client.on("error", (err: Error) => {
    if (!down) logger.warn({ err: err.message }, "live: Redis is unavailable; live events reach this process's sockets only");
    down = true;
  });
  client.on("ready", () => {
    if (down) logger.warn("live: Redis is back");
    down = false;
  });

  return {
    client,
    forAdapter: adapterView(publisher, duplicates, logger),
    ready(ms) {
      if (client.status === "ready") return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          client.off("ready", onReady);
          resolve(false);
        }, ms);
        const onReady = () => {
          clearTimeout(timer);
          resolve(true);
        };
        client.once("ready", onReady);
      });
    },
    async close() {
      // quit() waits for replies already asked for (a session saved at shutdown); disconnect() does not.
      await Promise.allSettled([client.quit(), publisher.quit(), ...duplicates.map(async (d) => d.disconnect())]);
      for (const c of [client, publisher]) if (c.status !== "end") c.disconnect();
    },
  };
}

/**
 * The adapter takes any client and calls it loosely; two of its calls need a guard:
 * - `duplicate()` must give a queueing, patient client (see above), and we keep it
 *   to close it ourselves: the adapter only stops its reader after the next XREAD
 *   returns, up to 5 s later.
 * - `set()` is how it saves a disconnected socket's session, and `publish()` how it
 *   sends a server-side event (sessions ended), both without a `.catch`: with Redis
 *   away the rejection would be unhandled and end the process.
 */
function adapterView(client: Redis, duplicates: Redis[], logger: Logger): unknown {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "duplicate") {
        return () => {
          const d = new Redis({ ...target.options, enableOfflineQueue: true, maxRetriesPerRequest: null });
          d.on("error", () => {}); // reported once by the main client
          duplicates.push(d);
          return d;
        };
      }
      if (prop === "set") {
        return (...args: Parameters<Redis["set"]>) =>
          (target.set as (...a: Parameters<Redis["set"]>) => Promise<unknown>)(...args).catch((err: Error) => {
            logger.warn({ err: err.message }, "live: could not save a disconnected socket's session; it will get a fresh snapshot instead");
            return null;
          });
      }
      if (prop === "publish") {
        return (...args: Parameters<Redis["publish"]>) =>
          (target.publish as (...a: Parameters<Redis["publish"]>) => Promise<unknown>)(...args).catch((err: Error) => {
            logger.warn({ err: err.message }, "live: could not reach the other processes; their session caches expire on their own");
            return 0;
          });
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
