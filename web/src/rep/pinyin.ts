/**
 * Names found by pinyin on the phone: "hua" finds 华润, the initials "hr" find it
 * too. pinyin-pro is large (its dictionary), so it loads on the first search, in its
 * own chunk; until it is there, names are matched by their characters only.
 */
import { createSignal } from "solid-js";

type Match = (text: string, pinyin: string, options?: { continuous?: boolean }) => number[] | null;

const [matcher, setMatcher] = createSignal<Match | null>(null);
let loading: Promise<void> | undefined;

/** Start loading the pinyin dictionary (once); searches re-run when it arrives. */
export function loadPinyin(): Promise<void> {
  loading ??= import("pinyin-pro")
    .then((m) => {
      setMatcher(() => m.match as Match);
    })
    .catch(() => {
      // Offline before the chunk was ever fetched: characters only; try again next time.
      loading = undefined;
    });
  return loading;
}

/** Whether a name matches what the rep typed: its characters, or (Chinese names) its pinyin or pinyin initials. */
export function nameMatches(name: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  if (name.toLowerCase().includes(q)) return true;
  const m = matcher();
  if (!m || !/^[a-z' ]+$/.test(q)) return false;
  return m(name, q.replace(/[' ]/g, ""), { continuous: true }) !== null;
}
