import { MAX_TOUCHED_REPS } from "./rooms.ts";

/**
 * Per club, what changed since its boards' last recompute began (realtime/boards.ts
 * `BoardChange`): the reps the writes named, or "all" when any write named none, when
 * the names grew past MAX_TOUCHED_REPS, or when a recompute did not happen (skipped or
 * failed: what it was for must not be forgotten). `take` is called when a recompute
 * starts, before its version is minted: a write committed after the recompute's read
 * began is announced after that, so it lands in the next recompute's set.
 */
export class TouchedReps {
  readonly #clubs = new Map<string, Set<string> | "all">();

  /** A change of the club: `reps` it touched, or anything (absent or null). */
  add(tenantId: string, reps?: readonly string[] | null): void {
    const now = this.#clubs.get(tenantId);
    if (!reps || now === "all" || (now?.size ?? 0) + reps.length > MAX_TOUCHED_REPS) this.#clubs.set(tenantId, "all");
    else if (now) for (const r of reps) now.add(r);
    else this.#clubs.set(tenantId, new Set(reps));
  }

  /** What changed since the last take (undefined: anything), forgotten here. */
  take(tenantId: string): ReadonlySet<string> | undefined {
    const now = this.#clubs.get(tenantId);
    this.#clubs.delete(tenantId);
    return now === "all" ? undefined : now;
  }

  /** The next recompute reads every rep (this one was skipped or failed). */
  all(tenantId: string): void {
    this.#clubs.set(tenantId, "all");
  }
}
