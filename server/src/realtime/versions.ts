import type { Redis } from "ioredis";

/**
 * A club's board version: one counter per club, shared by every server process.
 *
 * - It only grows. A new counter starts at the current time in milliseconds, not
 *   at 1, so when the counter is lost (a restart of the one process without
 *   Redis, or Redis losing its data) the next one still starts above every
 *   version handed out before: a club never mints more than one version per
 *   millisecond (recomputes are coalesced, see `BOARD_COALESCE_MS`).
 * - It counts up by one per recompute, so a client that sees a step of more
 *   than one knows it missed something. After a Redis outage we step by two on
 *   purpose: every client then sees a gap and re-syncs what it keeps.
 * - The clock is the wall clock (Redis's own, with Redis), never `deps.clock`:
 *   a version is an id, not business time.
 */
export interface BoardVersions {
  /** Mint the next version. Rejects when it cannot be minted consistently (Redis away). */
  next(tenantId: string, opts?: { gap?: boolean }): Promise<number>;
  /** The current version, minting the first one when the club has none yet. */
  current(tenantId: string): Promise<number>;
}

/** One process alone: an in-memory counter per club. */
export function memoryVersions(now: () => number = Date.now): BoardVersions {
  const counters = new Map<string, number>();
  const next = async (tenantId: string, opts?: { gap?: boolean }) => {
    const last = counters.get(tenantId);
    const v = last === undefined ? now() : last + (opts?.gap ? 2 : 1);
    counters.set(tenantId, v);
    return v;
  };
  return {
    next,
    async current(tenantId) {
      return counters.get(tenantId) ?? next(tenantId);
    },
  };
}

// KEYS[1] the club's counter, ARGV[1] the step. Atomic: two processes minting at
// once get two different versions. A counter that did not exist starts at Redis's
// clock in ms (TIME is allowed in scripts since Redis 5's effect replication).
const NEXT_VERSION = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v <= tonumber(ARGV[1]) then
  local t = redis.call('TIME')
  v = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('SET', KEYS[1], string.format('%d', v))
end
return v`;

// KEYS[1] the club's counter. The current version, or the first one when there is none:
// atomic, so two processes reading a new club's boards at once get one version, not
// two (two INCRs would hand the first readers different versions of the same boards).
const CURRENT_VERSION = `
local v = redis.call('GET', KEYS[1])
if v then return v end
local t = redis.call('TIME')
v = string.format('%d', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
redis.call('SET', KEYS[1], v)
return v`;

/** Several processes: the counter lives in Redis. */
export function redisVersions(redis: Redis, keyPrefix: string): BoardVersions {
  const key = (tenantId: string) => `${keyPrefix}board-version:${tenantId}`;
  const next = async (tenantId: string, opts?: { gap?: boolean }) => {
    const v = await redis.eval(NEXT_VERSION, 1, key(tenantId), opts?.gap ? 2 : 1);
    return Number(v);
  };
  return {
    next,
    async current(tenantId) {
      return Number(await redis.eval(CURRENT_VERSION, 1, key(tenantId)));
    },
  };
}
