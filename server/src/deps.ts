import type { Database } from "@clubhouse/db";
import type { Logger } from "pino";
import type { Actor } from "./access/actor.ts";
import type { SessionCache } from "./auth/session-cache.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Metrics } from "./metrics/metrics.ts";
import type { BoardSource } from "./realtime/boards.ts";
import type { CoalesceTimers } from "./realtime/coalesce.ts";
import type { LivePublisher } from "./realtime/events.ts";

/** Everything the app needs, built once in main.ts (or a test) and passed in: no singletons. */
export interface Deps {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** Recently validated sessions (auth/session-cache.ts); absent means none. */
  sessionCache?: SessionCache;
  /** The live channel: events go out only after their transaction commits. */
  live: LivePublisher;
  /** What the live boards show; read at each recompute. Absent: empty boards (still versioned). */
  boards?: BoardSource;
  /** What /metrics reports (metrics/metrics.ts); absent: nothing counted. */
  metrics?: Metrics;
  /** How the live channel waits out a club's board coalescing window; absent: the global timers (a test brings its own to end a window when it says). */
  boardTimers?: CoalesceTimers;
  /** Whether the live channel reaches Redis now (null: no Redis configured), for /readyz. */
  health?: { redis(): boolean | null };
}

/** Who is calling: access/actor.ts. */
export type { Actor };

/** What a service verb runs as: one club, one actor. */
export interface ServiceContext {
  deps: Deps;
  tenantId: string;
  actor: Actor;
}
