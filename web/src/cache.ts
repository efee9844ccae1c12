/**
 * Last-known answers of GET calls, kept on the device so a rep's screens open
 * without a network (stale-while-revalidate). Scoped to the signed-in user and
 * wiped at sign-out.
 *
 * Only small answers are kept: localStorage is a few MB for the whole origin and is
 * read synchronously on the main thread, so one big answer (a big club's whole tier
 * analysis is megabytes) would slow every screen and crowd out the rep's offline
 * data (their customers, today's list, the outbox). An answer above MAX_ENTRY_CHARS
 * is kept in memory only; older entries above it, or of screens that no longer
 * persist (the analysis), are removed when the app starts.
 */
import { type Accessor, createEffect, createSignal, on, onCleanup } from "solid-js";

const PREFIX = "clubhouse.cache.";
let scope = "";

/** The largest answer kept on the device: 256 K characters of JSON (about 256 KB; 512 KB as the browser stores it). */
export const MAX_ENTRY_CHARS = 256 * 1024;
/**
 * The rep's own lists, which the phone works from offline (Home, the overdue and stale
 * lists, a card opened from them): kept up to four times larger, so a rep with many
 * customers still opens them without a network.
 */
const OFFLINE_LISTS = /^customers:(home|overdue|stale)$/;
const MAX_OFFLINE_LIST_CHARS = 4 * MAX_ENTRY_CHARS;
/**
 * Keys of screens whose answers are never kept on the device: the manager's analysis
 * (`analysis:…` now; `tiers:`, `share:` and the club's `mix:club:` before it), big and
 * for a desktop with a network.
 */
const NEVER_PERSISTED = /^(analysis[:|]|tiers:|share:|mix:club:)/;

/** Whether an answer under `key`, serialised as `json`, may be kept on the device. */
export function persistable(key: string, json: string): boolean {
  if (NEVER_PERSISTED.test(key)) return false;
  return json.length <= (OFFLINE_LISTS.test(key) ? MAX_OFFLINE_LIST_CHARS : MAX_ENTRY_CHARS);
}

/** Removes entries the cache would no longer write: too big, or of a never-persisted screen. */
export function pruneCache() {
  try {
    // keys first, then removals (see clearCache: key(i) reorders as items go)
    for (const k of Object.keys(localStorage)) {
      if (!k.startsWith(PREFIX)) continue;
      const value = localStorage.getItem(k) ?? "";
      // the key is `${PREFIX}${scope}:${key}`; the scope (a user id) holds no colon
      const key = k.slice(PREFIX.length).replace(/^[^:]*:/, "");
      if (!persistable(key, value)) localStorage.removeItem(k);
    }
  } catch {
    // no storage (private mode, disabled): nothing kept, nothing to prune
  }
}
if (typeof localStorage !== "undefined") pruneCache();

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
    const json = JSON.stringify({ data, at: Date.now() });
    // too big to keep: drop any older copy too, so a stale answer is not shown offline
    if (!persistable(key, json)) localStorage.removeItem(`${PREFIX}${s}:${key}`);
    else localStorage.setItem(`${PREFIX}${s}:${key}`, json);
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
