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
 * - In memory a generation is `<epoch>:<counter>` (a random epoch per process); in
 *   Redis a random token per club that every bump replaces: a token that was lost
 *   (Redis restarted or flushed, the key evicted) comes back as a new random one,
 *   never as a value some process cached under.
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

// KEYS[1] the club's token, ARGV[1] a fresh token in case there is none.
const CURRENT = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1])
  v = ARGV[1]
end
return v`;

/**
 * Several processes: one random token per club in Redis, replaced by every bump
 * (one round trip per read or bump). A token lost in any way (a restarted or
 * flushed Redis, an evicted key) is replaced by a fresh random one at the next
 * read, which no process has cached anything under.
 */
export function redisGenerations(redis: Redis, keyPrefix: string): BoardGenerations & { retryPending(): Promise<void> } {
  const key = (tenantId: string) => `${keyPrefix}board-gen:${tenantId}`;
  /** Clubs whose bump failed: until it is made, this process caches nothing for them. */
  const pending = new Set<string>();
  const bump = async (tenantId: string) => {
    try {
      await redis.set(key(tenantId), randomUUID());
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
        return String(await redis.eval(CURRENT, 1, key(tenantId), randomUUID()));
      } catch {
        return null;
      }
    },
    async retryPending() {
      for (const tenantId of [...pending]) await bump(tenantId);
    },
  };
}
