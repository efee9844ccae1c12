/**
 * Last-known answers of GET calls, kept on the device so a rep's screens open
 * without a network (stale-while-revalidate). Scoped to the signed-in user and
 * wiped at sign-out.
 */
import { type Accessor, createEffect, createSignal, on, onCleanup } from "solid-js";

const PREFIX = "clubhouse.cache.";
let scope = "";

export function readCache<T>(key: string, s = scope): { data: T; at: number } | null {
  try {
    const raw = localStorage.getItem(`${PREFIX}${s}:${key}`);
    return raw ? (JSON.parse(raw) as { data: T; at: number }) : null;
  } catch {
    return null;
  }
}
export function writeCache(key: string, data: unknown, s = scope) {
  // Nobody signed in (or signing out): an answer still arriving is not kept on the device.
  if (!s) return;
  try {
    localStorage.setItem(`${PREFIX}${s}:${key}`, JSON.stringify({ data, at: Date.now() }));
  } catch {
    // Storage full: the cache is an optimisation, the app works without it.
  }
}
export function setCacheScope(s: string) {
  scope = s;
}
export function clearCache() {
  // Keys first, then removals: the order of localStorage.key(i) is not stable while
  // items are removed (Chromium reorders), so removing by index can skip a key.
  const keys = Object.keys(localStorage).filter((k) => k.startsWith(PREFIX));
  for (const k of keys) localStorage.removeItem(k);
}

export interface Loaded<T> {
  data: Accessor<T | undefined>;
  error: Accessor<unknown>;
  loading: Accessor<boolean>;
  /** when the shown data was fetched, if it came from the device cache */
  cachedAt: Accessor<number | null>;
  refetch: () => Promise<void>;
  mutate: (fn: (d: T | undefined) => T | undefined) => void;
}

/**
 * Load `fetcher()` for `key()` (null = nothing to load). Shows the cached answer
 * at once when there is one and replaces it with the fresh one; with `persist`
 * off it only keeps it in memory.
 */
export function useData<T>(
  key: Accessor<string | null>,
  fetcher: (key: string) => Promise<T>,
  opts: { persist?: boolean } = {},
): Loaded<T> {
  const persist = opts.persist ?? true;
  const [value, setValue] = createSignal<T | undefined>(undefined);
  const [error, setError] = createSignal<unknown>(undefined);
  const [loading, setLoading] = createSignal(true);
  const [cachedAt, setCachedAt] = createSignal<number | null>(null);
  let seq = 0;
  let alive = true;
  onCleanup(() => {
    alive = false;
  });

  async function run(k: string) {
    const mine = ++seq;
    setLoading(true);
    try {
      const d = await fetcher(k);
      if (!alive || mine !== seq) return;
      setValue(() => d);
      setError(undefined);
      setCachedAt(null);
      if (persist) writeCache(k, d);
    } catch (err) {
      if (!alive || mine !== seq) return;
      setError(err);
    } finally {
      if (alive && mine === seq) setLoading(false);
    }
  }

  createEffect(
    on(key, (k) => {
      if (k === null) return;
      const c = persist ? readCache<T>(k) : null;
      if (c) {
        setValue(() => c.data);
        setCachedAt(c.at);
      } else setValue(undefined);
      void run(k);
    }),
  );

  return {
    data: value,
    error,
    loading,
    cachedAt,
    refetch: async () => {
      const k = key();
      if (k !== null) await run(k);
    },
    mutate: (fn) => setValue(() => fn(value())),
  };
}
