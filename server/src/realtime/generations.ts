import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A club's data generation: a token that changes whenever a committed write changes
 * what the club's boards show (`LivePublisher.boardChanged`). Caches of derived
 * reads (the serialised leaderboard) are keyed by it, so a cached answer is served
 * only while nothing it depends on has changed — in any process.
 *
 * - `bump` happens after the write commits and before its HTTP response goes out
 *   (the write path awaits `boardChanged`), so a read that starts after a write's
 *   response sees the new generation, whichever process serves it.
 * - A read takes the generation *before* computing and stores its result under
 *   that one: a write that commits meanwhile bumps past it, and the next read
 *   recomputes. A cached answer is never newer-labelled than its data.
 * - `current` answers null when it cannot know (Redis away): callers then compute
 *   afresh and cache nothing.
 * - A generation is `<epoch>:<counter>`. The epoch is random per process (memory)
 *   or per Redis dataset (a key set once): a restarted Redis starts a new epoch,
 *   so no process can mistake a reset counter for the one it cached under.
 */
export interface BoardGenerations {
  /** Never rejects; a bump that could not be made is retried once Redis is back (until then `current` is null there). */
  bump(tenantId: string): Promise<void>;
  current(tenantId: string): Promise<string | null>;
}

/** One process alone. */
export function memoryGenerations(): BoardGenerations {
  const epoch = randomUUID();
  const counters = new Map<string, number>();
  return {
    async bump(tenantId) {
      counters.set(tenantId, (counters.get(tenantId) ?? 0) + 1);
    },
    async current(tenantId) {
      return `${epoch}:${counters.get(tenantId) ?? 0}`;
    },
  };
}

// KEYS[1] the epoch, KEYS[2] the club's counter, ARGV[1] a fresh epoch in case there is none.
const CURRENT = `
local e = redis.call('GET', KEYS[1])
if not e then
  redis.call('SET', KEYS[1], ARGV[1])
  e = ARGV[1]
end
return e .. ':' .. (redis.call('GET', KEYS[2]) or '0')`;

/** Several processes: counters in Redis, one round trip per read or bump. */
export function redisGenerations(redis: Redis, keyPrefix: string): BoardGenerations & { retryPending(): Promise<void> } {
  const epochKey = `${keyPrefix}board-gen-epoch`;
  const key = (tenantId: string) => `${keyPrefix}board-gen:${tenantId}`;
  /** Clubs whose bump failed: until it is made, this process caches nothing for them. */
  const pending = new Set<string>();
  const bump = async (tenantId: string) => {
    try {
      await redis.incr(key(tenantId));
      pending.delete(tenantId);
    } catch {
      pending.add(tenantId);
    }
  };
  return {
    bump,
    async current(tenantId) {
      if (pending.has(tenantId) || redis.status !== "ready") return null;
      try {
        return String(await redis.eval(CURRENT, 2, epochKey, key(tenantId), randomUUID()));
      } catch {
        return null;
      }
    },
    async retryPending() {
      for (const tenantId of [...pending]) await bump(tenantId);
    },
  };
}
