import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * With Redis: whether any process has a socket of a club that takes full board
 * snapshots (the club's `…:full` form room: docs/realtime.md's `board:snapshot` at every
 * change and `leaderboard:update`). A recompute publishes the full forms through Redis
 * only when one does: the web app takes deltas, and a big club's full forms are a
 * megabyte per change to encode, publish and decode on every process, for nobody.
 *
 * Each process keeps its id, per club with such a socket here, in a sorted set scored by
 * an expiry it renews; a process that dies stops renewing and falls out. A socket is
 * registered before its first snapshot is read (`joined`), so a recompute whose version
 * was minted after that read finds it, and one minted before is in the snapshot it gets
 * (versions.ts). When Redis cannot answer, the full forms are sent.
 */
export interface FullForms {
  /** A socket here takes full snapshots of this club: registered before its first snapshot is read. */
  joined(tenantId: string): Promise<void>;
  /** Whether some socket of the club, on any process, takes full snapshots (true when unsure). */
  anywhere(tenantId: string): Promise<boolean>;
  stop(): Promise<void>;
}

export function fullFormPresence(
  client: Redis,
  keyPrefix: string,
  /** whether this process has such a socket of the club now */
  hasHere: (tenantId: string) => boolean,
  opts: { ttlMs?: number; renewMs?: number } = {},
): FullForms {
  const id = randomUUID();
  const ttlMs = opts.ttlMs ?? 30_000;
  const key = (tenantId: string) => `${keyPrefix}board-full:${tenantId}`;
  /** Clubs registered by this process. */
  const mine = new Set<string>();

  async function renew() {
    const until = Date.now() + ttlMs;
    for (const tenantId of [...mine]) {
      try {
        if (!hasHere(tenantId)) {
          mine.delete(tenantId);
          await client.zrem(key(tenantId), id);
          continue;
        }
        await client.zadd(key(tenantId), until, id);
        // processes that stopped renewing (ended without saying so)
        await client.zremrangebyscore(key(tenantId), "-inf", Date.now());
        await client.pexpire(key(tenantId), ttlMs);
      } catch {
        // Redis away: renewed at the next turn; meanwhile `anywhere` says true
      }
    }
  }
  const timer = setInterval(() => void renew(), opts.renewMs ?? 10_000);
  timer.unref();

  return {
    async joined(tenantId) {
      mine.add(tenantId);
      try {
        await client.zadd(key(tenantId), Date.now() + ttlMs, id);
        await client.pexpire(key(tenantId), ttlMs);
      } catch {
        // every process sends the full forms while Redis cannot answer
      }
    },
    async anywhere(tenantId) {
      if (hasHere(tenantId)) return true;
      try {
        return (await client.zcount(key(tenantId), Date.now(), "+inf")) > 0;
      } catch {
        return true;
      }
    },
    async stop() {
      clearInterval(timer);
      await Promise.all([...mine].map((tenantId) => client.zrem(key(tenantId), id).catch(() => 0)));
      mine.clear();
    },
  };
}
