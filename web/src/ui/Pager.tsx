import { createSignal, For, Show } from "solid-js";
import { lang, t } from "../i18n/index.ts";

/**
 * A list read a page at a time by cursor: the cursors of the pages seen so far make
 * "previous" and "first" possible without the server jumping. `reset()` goes back to
 * the first page (the filters changed).
 */
export function createCursorPages() {
  const [stack, setStack] = createSignal<(string | undefined)[]>([undefined]);
  return {
    cursor: () => stack()[stack().length - 1],
    index: () => stack().length - 1,
    next: (cursor: string) => setStack([...stack(), cursor]),
    prev: () => setStack(stack().length > 1 ? stack().slice(0, -1) : stack()),
    reset: () => setStack([undefined]),
  };
}

/** Page numbers around the current one, with the first and last, gaps as null. */
function around(page: number, pages: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let p = 0; p < pages; p++) {
    if (p === 0 || p === pages - 1 || Math.abs(p - page) <= 2) out.push(p);
    else if (out[out.length - 1] !== null) out.push(null);
  }
  return out;
}

/**
 * Where a paged list is: "第 3 / 12 页 · 共 560 条" from the server's total, previous
 * and next, and — when `jump` is given (a list the server reads at any position) —
 * first, last and the page numbers around this one.
 */
export function PageNav(props: {
  page: number;
  size: number;
  total: number;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  jump?: (page: number) => void;
  label: string;
  testid?: string;
}) {
  const pages = () => Math.max(1, Math.ceil(props.total / props.size));
  const from = () => (props.total === 0 ? 0 : props.page * props.size + 1);
  const to = () => Math.min(props.total, (props.page + 1) * props.size);
  const n = (x: number) => x.toLocaleString(lang());
  return (
    <nav class="pager row gap wrap" aria-label={props.label} data-testid={props.testid}>
      <Show when={props.jump}>
        {(jump) => (
          <button type="button" class="btn secondary small" disabled={props.page === 0} onClick={() => jump()(0)} data-page="first">
            {t("pager.first")}
          </button>
        )}
      </Show>
      <button type="button" class="btn secondary small" disabled={props.page === 0} onClick={() => props.onPrev()} data-page="prev">
        {t("pager.prev")}
      </button>
      <Show
        when={props.jump}
        fallback={
          <span class="muted small" aria-live="polite">
            {t("pager.where", { page: n(props.page + 1), pages: n(pages()) })}
          </span>
        }
      >
        {(jump) => (
          <For each={around(props.page, pages())}>
            {(p) =>
              p === null ? (
                <span class="muted" aria-hidden="true">
                  …
                </span>
              ) : (
                <button
                  type="button"
                  class={p === props.page ? "btn primary small" : "btn secondary small"}
                  aria-current={p === props.page ? "page" : undefined}
                  aria-label={t("pager.page", { page: n(p + 1) })}
                  onClick={() => jump()(p)}
                  data-page={p + 1}
                >
                  {n(p + 1)}
                </button>
              )
            }
          </For>
        )}
      </Show>
      <button type="button" class="btn secondary small" disabled={!props.hasNext} onClick={() => props.onNext()} data-page="next">
        {t("pager.next")}
      </button>
      <Show when={props.jump}>
        {(jump) => (
          <button
            type="button"
            class="btn secondary small"
            disabled={props.page >= pages() - 1}
            onClick={() => jump()(pages() - 1)}
            data-page="last"
          >
            {t("pager.last")}
          </button>
        )}
      </Show>
      <span class="muted small" data-testid={props.testid ? `${props.testid}-range` : undefined}>
        {t("pager.range", { from: n(from()), to: n(to()), total: n(props.total) })}
      </span>
    </nav>
  );
}
