import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { type LiveServer, REDIS_PREFIX } from "./rooms.ts";

/**
 * With Redis: which process recomputes a club's boards and runs its background jobs
 * (its owner). Every process keeps its id in one sorted set, scored by an expiry it
 * renews; the owner of a club is the process alive whose hash of (process, club) is
 * highest (rendezvous hashing), so the clubs spread evenly over the processes and only
 * a leaving or joining process's share moves. Without owners every process recomputed every club it was
 * written to and published the result to all of them: the process taking the writes
 * did every club's boards while the others did none.
 *
 * Until its first read of the set (and while Redis cannot answer) a process knows
 * only itself and so recomputes what it is written to, as before.
 */
export interface BoardOwners {
  readonly id: string;
  /** The process that recomputes this club's boards now. */
  ownerOf(tenantId: string): string;
  stop(): Promise<void>;
}

export function boardOwners(client: Redis, keyPrefix: string, opts: { ttlMs?: number; renewMs?: number } = {}): BoardOwners {
  const id: string = randomUUID();
  const ttlMs = opts.ttlMs ?? 6_000;
  const key = `${keyPrefix}board-owners`;
  let alive = [id];
  let stopped = false;

  async function renew() {
    try {
      const now = Date.now();
      await client.zadd(key, now + ttlMs, id);
      // processes that stopped renewing (ended without saying so)
      await client.zremrangebyscore(key, "-inf", now);
      await client.pexpire(key, ttlMs);
      const ids = await client.zrangebyscore(key, now, "+inf");
      if (!stopped) alive = ids.includes(id) ? ids : [...ids, id];
    } catch {
      // Redis away: the last list stands; a hand-off that finds no owner is recomputed here
    }
  }
  void renew();
  const timer = setInterval(() => void renew(), opts.renewMs ?? 2_000);
  timer.unref();

  const score = (processId: string, tenantId: string) => createHash("sha1").update(`${processId}/${tenantId}`).digest().readUInt32BE(0);
  return {
    id,
    ownerOf(tenantId) {
      let best = id;
      let bestScore = -1;
      for (const p of alive) {
        const s = score(p, tenantId);
        if (s > bestScore || (s === bestScore && p < best)) {
          best = p;
          bestScore = s;
        }
      }
      return best;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      alive = [id];
      await client.zrem(key, id).catch(() => 0);
    },
  };
}

/**
 * A club's boards changed: recompute them here if this process owns the club, else
 * tell the owner (`boards:changed`, through the adapter). Every other process answers
 * whether it took the change; when none did (the owner ended, or did not answer
 * within the adapter's timeout), or Redis is away, the change is recomputed here, so
 * a change is never dropped; at worst two processes recompute it once, which clients
 * survive (versions are minted in Redis for the club, whoever computes).
 * Without Redis: always here.
 */
export function boardHandOff(
  io: LiveServer,
  redis: { client: Redis } | undefined,
  recompute: (tenantId: string, reps?: readonly string[] | null) => void,
) {
  const owners = redis ? boardOwners(redis.client, REDIS_PREFIX) : undefined;
  io.on("boards:changed", (tenantId, owner, reps, ack) => {
    const mine = owner === owners?.id;
    // the reps the change named (BoardChange), when they are a list of ids; else every rep
    if (mine) recompute(tenantId, Array.isArray(reps) && reps.every((r) => typeof r === "string") ? reps : null);
    if (typeof ack === "function") ack(mine);
  });
  /**
   * The process that owns the club now, or undefined when it is this one. Without Redis,
   * or while it cannot answer, every process counts as the owner of every club: work is
   * done twice rather than not at all.
   */
  const otherOwner = (tenantId: string): string | undefined => {
    if (!owners || redis?.client.status !== "ready") return undefined;
    const owner = owners.ownerOf(tenantId);
    return owner === owners.id ? undefined : owner;
  };
  return {
    /** Whether this process is the club's owner now: also who runs the club's background jobs (jobs/scheduler.ts). */
    owns: (tenantId: string): boolean => otherOwner(tenantId) === undefined,
    /** `reps`: the reps the change touched, when it names them (realtime/boards.ts `BoardChange`). */
    changed(tenantId: string, reps?: readonly string[] | null) {
      const owner = otherOwner(tenantId);
      if (owner === undefined) return recompute(tenantId, reps);
      try {
        io.serverSideEmit("boards:changed", tenantId, owner, reps ? [...reps] : null, (_err, taken) => {
          if (!taken?.includes(true)) recompute(tenantId, reps);
        });
      } catch {
        recompute(tenantId, reps);
      }
    },
    stop: () => owners?.stop(),
  };
}
