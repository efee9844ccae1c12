/**
 * Per-key coalescing of runs.
 *
 * Trailing (the default): `request(key)` runs `run(key)` once, `windowMs` later,
 * however many requests came in between.
 *
 * Leading (`{leading: true}`): the first request of a quiet key runs at once; the
 * window opens when that run ends, and every request that arrives during the run or
 * the window is folded into one more run at the window's end (the trailing edge),
 * which opens the next window. A window that closes with no request makes the key
 * quiet again. So a lone change goes out without waiting, and a burst still costs one
 * run per window.
 *
 * Either way a request that arrives while a run is in progress is not lost: another
 * run follows, `windowMs` after the previous one finished. A key runs at most once per
 * window and never twice at the same time (so its runs happen in the order they
 * started), and the last request is always followed by a run that started after it.
 */
type Slot = { timer?: unknown; running: boolean; again: boolean; since: number; lastRunMs: number };

/** Optional watcher (metrics): every request, and every run with how long its oldest request waited. */
export interface CoalesceObserver {
  requested(): void;
  ran(waitedMs: number, ok: boolean): void;
}

/** The timers a coalescer waits with (the global ones unless a test brings its own). */
export interface CoalesceTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** the clock runs are timed by (default `performance.now`) */
  now?(): number;
}

const globalTimers: CoalesceTimers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface CoalesceOptions {
  /** Run the first request of a quiet key at once (see above). */
  leading?: boolean;
  /**
   * Leading: the window after a run lasts at least this many times the run itself, so
   * a key whose runs are slow (a big club's boards) spends at most 1/(1 + stretch) of
   * a core on them however fast its requests come, while quick keys keep the short
   * window. 0 (the default): always `windowMs`.
   */
  stretch?: number;
  timers?: CoalesceTimers;
}

export class Coalescer {
  #state = new Map<string, Slot>();
  #closed = false;
  readonly #leading: boolean;
  readonly #stretch: number;
  readonly #timers: CoalesceTimers;

  constructor(
    private readonly windowMs: number,
    private readonly run: (key: string) => Promise<void>,
    private readonly observer?: CoalesceObserver,
    opts: CoalesceOptions = {},
  ) {
    this.#leading = opts.leading === true;
    this.#stretch = opts.stretch ?? 0;
    this.#timers = opts.timers ?? globalTimers;
  }

  request(key: string): void {
    if (this.#closed) return;
    this.observer?.requested();
    const s = this.#state.get(key);
    if (!s) {
      const fresh: Slot = { running: false, again: false, since: performance.now(), lastRunMs: 0 };
      this.#state.set(key, fresh);
      if (this.#leading) void this.#run(key, fresh);
      else this.#schedule(key, fresh);
      return;
    }
    if (this.#leading ? !s.again : s.running && !s.again) {
      // Leading: a run in progress or a window open — one more run at the window's end.
      // Trailing: a run in progress — one more after it (a scheduled one reads everything
      // committed before it starts).
      s.again = true;
      s.since = performance.now();
    }
  }

  /** Keys with a run scheduled or in progress (leading: or a window still open). */
  get pending(): number {
    return this.#state.size;
  }

  /** Whether `key` has a run scheduled or in progress (leading: or a window still open). */
  has(key: string): boolean {
    return this.#state.has(key);
  }

  close(): void {
    this.#closed = true;
    for (const s of this.#state.values()) if (s.timer !== undefined) this.#timers.clearTimeout(s.timer);
    this.#state.clear();
  }

  async #run(key: string, s: Slot) {
    s.timer = undefined;
    s.running = true;
    s.again = false;
    const since = s.since;
    const started = this.#now();
    let ok = true;
    try {
      await this.run(key);
    } catch {
      // `run` reports its own failures; a failed run must not stop later ones.
      ok = false;
    }
    const ended = this.#now();
    s.lastRunMs = ended - started;
    this.observer?.ran(ended - since, ok);
    s.running = false;
    if (this.#closed) return;
    if (this.#leading) this.#window(key, s);
    else if (s.again) this.#schedule(key, s);
    else this.#state.delete(key);
  }

  #now(): number {
    return this.#timers.now?.() ?? performance.now();
  }

  /** Trailing: the next run, a window from now. */
  #schedule(key: string, s: Slot) {
    s.timer = this.#timers.setTimeout(() => void this.#run(key, s), this.windowMs);
  }

  /** Leading: the window after a run (stretched for a slow run); at its end, one run for whatever came in, or quiet again. */
  #window(key: string, s: Slot) {
    s.timer = this.#timers.setTimeout(
      () => {
        if (this.#closed) return;
        if (s.again) void this.#run(key, s);
        else this.#state.delete(key);
      },
      Math.max(this.windowMs, Math.round(this.#stretch * s.lastRunMs)),
    );
  }
}
