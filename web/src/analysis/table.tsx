import { createSignal, onCleanup, Show } from "solid-js";
import { lang, t } from "../i18n/index.ts";

/** The analysis tables' parts: sortable heads, the pager, paging state, a debounced filter. */

export const TIER_COLORS = { A: "#166534", B: "#2563eb", C: "#a8a29e" } as const;
export type Tier = keyof typeof TIER_COLORS;
/** Rows a table page holds: a screenful, never the club. */
export const PAGE_ROWS = 50;

export const count = (n: number) => n.toLocaleString(lang());

/** A money axis's figures: 万 in Chinese (¥10万), the reader's compact notation otherwise (10K, 1.5M). */
export const wan = (v: number) => {
  if (lang() === "zh-CN") return Math.abs(v) >= 10000 ? `${v / 10000}万` : String(v);
  return new Intl.NumberFormat(lang(), { notation: "compact", maximumFractionDigits: 1 }).format(v);
};

type Dir = "asc" | "desc";

/** A column header that sorts the server's table by its column; again, the other way. */
export function SortHead<S extends string>(props: {
  label: string;
  sort?: S;
  num?: boolean;
  current: { sort: S; dir: Dir };
  onSort: (s: S) => void;
}) {
  const active = () => props.sort !== undefined && props.current.sort === props.sort;
  return (
    <th
      scope="col"
      classList={{ num: !!props.num }}
      aria-sort={active() ? (props.current.dir === "asc" ? "ascending" : "descending") : props.sort ? "none" : undefined}
    >
      <Show when={props.sort} fallback={props.label}>
        {(sort) => (
          <button type="button" class="sort-head" onClick={() => props.onSort(sort())} data-sort={sort()}>
            {props.label}
            <span aria-hidden="true">{active() ? (props.current.dir === "asc" ? " ▲" : " ▼") : ""}</span>
          </button>
        )}
      </Show>
    </th>
  );
}

/** First, previous, "page 3 of 120", next, last: the server counts the pages. */
export function Pager(props: { page: number; pages: number; total: number; onPage: (n: number) => void }) {
  return (
    <nav class="pager" aria-label={t("pager.label")}>
      <span class="muted small" data-testid="table-total">
        {t("analysis.matching", { n: props.total, count: count(props.total) })}
      </span>
      <div class="row gap">
        <button type="button" class="btn secondary small" disabled={props.page <= 1} onClick={() => props.onPage(1)}>
          {t("pager.first")}
        </button>
        <button type="button" class="btn secondary small" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
          {t("pager.prev")}
        </button>
        <span aria-live="polite" data-testid="page-of">
          {t("pager.of", { page: count(props.page), pages: count(props.pages) })}
        </span>
        <button type="button" class="btn secondary small" disabled={props.page >= props.pages} onClick={() => props.onPage(props.page + 1)}>
          {t("pager.next")}
        </button>
        <button type="button" class="btn secondary small" disabled={props.page >= props.pages} onClick={() => props.onPage(props.pages)}>
          {t("pager.last")}
        </button>
      </div>
    </nav>
  );
}

/** A text filter that waits for typing to pause before it filters. */
export function useDebounced(ms: number) {
  const [value, setValue] = createSignal("");
  const [settled, setSettled] = createSignal("");
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const set = (v: string) => {
    setValue(v);
    clearTimeout(timer);
    timer = setTimeout(() => setSettled(v.trim()), ms);
  };
  return { value, settled, set };
}

/** A table read a page at a time, with its order, filters and page number in one query. */
export function usePagedTable<S extends string>(initial: { sort: S; dir: Dir }, firstDir: (s: S) => Dir) {
  const [order, setOrder] = createSignal(initial);
  const [page, setPage] = createSignal(1);
  const sortBy = (sort: S) => {
    setOrder((o) => (o.sort === sort ? { sort, dir: o.dir === "asc" ? "desc" : "asc" } : { sort, dir: firstDir(sort) }));
    setPage(1);
  };
  return { order, page, setPage, sortBy };
}

export const amountsFirst = (s: string): Dir => (s === "name" || s === "rank" || s === "tier" ? "asc" : "desc");
