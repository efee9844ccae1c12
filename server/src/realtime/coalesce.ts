/**
 * Per-key trailing coalescing: `request(key)` runs `run(key)` once, `windowMs`
 * later, however many requests came in between. A request that arrives while a
 * run is in progress is not lost: another run follows, again `windowMs` after the
 * previous one finished. So a key runs at most once per window and never twice at
 * the same time, and the last request is always followed by a run that started
 * after it.
 */
type Slot = { timer?: NodeJS.Timeout; running: boolean; again: boolean; since: number };

/** Optional watcher (metrics): every request, and every run with how long its oldest request waited. */
export interface CoalesceObserver {
  requested(): void;
  ran(waitedMs: number, ok: boolean): void;
}

export class Coalescer {
  #state = new Map<string, Slot>();
  #closed = false;

  constructor(
    private readonly windowMs: number,
    private readonly run: (key: string) => Promise<void>,
    private readonly observer?: CoalesceObserver,
  ) {}

  request(key: string): void {
    if (this.#closed) return;
    this.observer?.requested();
    const s = this.#state.get(key);
    if (!s) {
      const fresh: Slot = { running: false, again: false, since: performance.now() };
      this.#state.set(key, fresh);
      this.#schedule(key, fresh);
      return;
    }
    if (s.running && !s.again) {
      s.again = true;
      s.since = performance.now();
    }
    // else: a run is already scheduled and will read everything committed before it starts.
  }

  /** Keys with a run scheduled or in progress. */
  get pending(): number {
    return this.#state.size;
  }

  close(): void {
    this.#closed = true;
    for (const s of this.#state.values()) clearTimeout(s.timer);
    this.#state.clear();
  }

  #schedule(key: string, s: Slot) {
    s.timer = setTimeout(async () => {
      s.running = true;
      s.again = false;
      const since = s.since;
      let ok = true;
      try {
        await this.run(key);
      } catch {
        // `run` reports its own failures; a failed run must not stop later ones.
        ok = false;
      }
      this.observer?.ran(performance.now() - since, ok);
      s.running = false;
      if (this.#closed) return;
      if (s.again) this.#schedule(key, s);
      else this.#state.delete(key);
    }, this.windowMs);
    s.timer.unref?.();
  }
}
