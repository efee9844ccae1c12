import type { AuthContext } from "./context.ts";

/**
 * Validated sessions kept for a moment, so that a burst of requests (a board
 * polling, a phone replaying its queue) does not pay a database round trip each.
 * An entry lives at most `ttlMs` and never past the session's own expiry. Ending
 * sessions (logout, disable, password reset) and changing a user's role evict them
 * here at once and, through the live channel, in every other process; if that
 * message cannot travel (Redis away), another process may still accept the token
 * (or the old role) for at most `ttlMs`.
 *
 * After an eviction the user's sessions are not cached again for `ttlMs`: a look-up
 * that read the database before the change but finishes after the eviction would
 * otherwise put the old answer back for a whole `ttlMs`.
 */
export class SessionCache {
  // `until` is on the app's clock (sessions expire on it); `realUntil` on the process's
  // own, so that an entry also runs out when the app's clock stands still (tests).
  readonly #entries = new Map<string, { auth: AuthContext; until: number; realUntil: number }>();
  /** Users evicted lately (`tenant user` → until when, on the process's clock): not cached meanwhile. */
  readonly #quiet = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries = 10_000,
  ) {}

  get(token: string, now: Date): AuthContext | undefined {
    const e = this.#entries.get(token);
    if (!e) return undefined;
    if (e.until <= now.getTime() || e.realUntil <= performance.now()) {
      this.#entries.delete(token);
      return undefined;
    }
    return e.auth;
  }

  set(token: string, auth: AuthContext, now: Date, expiresAt: number) {
    if (this.ttlMs <= 0) return;
    if (this.#quiet.size > 0) {
      const quietUntil = this.#quiet.get(`${auth.tenant.id} ${auth.user.id}`);
      if (quietUntil !== undefined && quietUntil > performance.now()) return;
    }
    if (this.#entries.size >= this.maxEntries) {
      // Oldest first: a Map iterates in insertion order.
      const first = this.#entries.keys().next();
      if (!first.done) this.#entries.delete(first.value);
    }
    this.#entries.set(token, { auth, until: Math.min(now.getTime() + this.ttlMs, expiresAt), realUntil: performance.now() + this.ttlMs });
  }

  /** Forget one session, or every session of a user (and cache none of theirs for `ttlMs`). */
  evict(tenantId: string, userId: string, sessionId?: string) {
    if (this.ttlMs > 0) {
      const realNow = performance.now();
      for (const [k, until] of this.#quiet) if (until <= realNow) this.#quiet.delete(k);
      this.#quiet.set(`${tenantId} ${userId}`, realNow + this.ttlMs);
    }
    for (const [token, e] of this.#entries) {
      if (e.auth.tenant.id !== tenantId || e.auth.user.id !== userId) continue;
      if (sessionId && e.auth.sessionId !== sessionId) continue;
      this.#entries.delete(token);
    }
  }
}
