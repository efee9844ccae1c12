import { A } from "@solidjs/router";
import { createMemo, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { boardMoney, count, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { AttainmentBar, LevelChip } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { sumChecks, verifiedShare } from "./checks.ts";
import { ShareCell } from "./ShareCell.tsx";
import type { BoardRow } from "./useBoard.ts";

/** No in-person visit this month: neither compliant nor short, just nothing yet. */
const noVisits = (r: { existing: number; prospect: number }) => r.existing + r.prospect === 0;

/**
 * The club's totals over the board's rows: revenue against target, today's contacts, reps
 * on the 1:3 ratio. `today` is the server's count of the club's contacts today (the live
 * boards carry it); without it, the rows' own counts are added up.
 */
export function BoardSummary(props: { rows: BoardRow[]; tv?: boolean; today?: number | null; title?: string }) {
  const revenue = () => props.rows.reduce((s, r) => s + r.revenue, 0);
  const target = () => props.rows.reduce((s, r) => s + (r.target ?? 0), 0);
  const today = () => props.today ?? props.rows.reduce((s, r) => s + (r.today ?? 0), 0);
  // A rep with no in-person visits yet is not "on ratio" (3·0 ≥ 0 says nothing about their work).
  const onRatio = () => props.rows.filter((r) => r.ratio.compliant && !noVisits(r.ratio)).length;
  // this month's verified visits over the rows (managers' boards; never on the wall TV)
  const checks = () => (props.tv ? null : sumChecks(props.rows.map((r) => r.checks)));
  return (
    <dl class="board-summary" classList={{ "on-tv": props.tv }}>
      <div>
        <dt>{props.title ?? t("board.clubTotal")}</dt>
        <dd>
          {boardMoney(revenue())} <span class="muted">/ {boardMoney(target() || null)}</span>
        </dd>
      </div>
      <div>
        <dt>{t("board.attainment")}</dt>
        <dd>{target() ? pct(revenue() / target()) : "—"}</dd>
      </div>
      <div>
        <dt>{t("board.today")}</dt>
        <dd data-testid="board-today-total">{count(today())}</dd>
      </div>
      <div>
        <dt>{t("board.onRatio")}</dt>
        <dd>
          {onRatio()} <span class="muted">/ {props.rows.length}</span>
        </dd>
      </div>
      <Show when={checks()}>
        {(c) => (
          <div title={t("checks.shareHelp")}>
            <dt>{t("checks.shareMonth")}</dt>
            <dd data-testid="board-verified-total">
              {pct(verifiedShare(c()))}{" "}
              <Show when={c().offSite > 0}>
                <span class="share-away summary-away">{t("checks.offSiteN", { n: c().offSite })}</span>
              </Show>
            </dd>
          </div>
        )}
      </Show>
    </dl>
  );
}

/** Rows rendered beyond the screen's edge, above and below. */
export const OVERSCAN = 8;

/**
 * Which rows of a board of `count` rows of `rowHeight` px are on screen, plus
 * `overscan` either side, for a body whose top is `bodyTop` px from the viewport's
 * top in a viewport `viewport` px high.
 */
export function windowOf(count: number, rowHeight: number, bodyTop: number, viewport: number, overscan = OVERSCAN) {
  const h = Math.max(1, rowHeight);
  const first = Math.floor(-bodyTop / h);
  const last = Math.ceil((viewport - bodyTop) / h);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.max(start, Math.min(count, last + overscan));
  return { start, end };
}

/**
 * The leaderboard rows: rank, rep, attainment bar (100% marker, elapsed-part marker),
 * figures, level, 1:3, contacts today. Windowed: only the rows on screen (and a few
 * either side) are in the DOM, with spacers for the rest, so a board of 2,000 reps
 * costs what one screenful costs; `aria-rowcount`/`aria-rowindex` tell assistive
 * technology the whole table's size and each row's place. The page scrolls as before.
 */
export function BoardTable(props: {
  rows: BoardRow[];
  elapsed: number | null;
  flipRef: (id: string) => (el: HTMLElement) => void;
  tv?: boolean;
  /** what the pace figure means (attainment against the elapsed part of the period), as its tooltip */
  paceHelp?: string;
  /** the verified-visits column's heading; without it (the TV, a board without checks) there is no such column */
  checksHead?: string;
}) {
  let table: HTMLTableElement | undefined;
  let head: HTMLTableRowElement | undefined;
  const [rowHeight, setRowHeight] = createSignal(props.tv ? 80 : 56);
  const [range, setRange] = createSignal({ start: 0, end: 40 });
  let frame = 0;

  /** One layout read of the table's top (and, when rows are shown, of one row's height). */
  function place() {
    frame = 0;
    if (!table) return;
    const sample = table.querySelector<HTMLElement>("tr.board-row[data-rep]");
    if (sample) {
      const h = sample.getBoundingClientRect().height;
      if (h > 0 && Math.abs(h - rowHeight()) > 0.5) setRowHeight(h);
    }
    const bodyTop = table.getBoundingClientRect().top + (head?.getBoundingClientRect().height ?? 0);
    const next = windowOf(props.rows.length, rowHeight(), bodyTop, window.innerHeight);
    const now = range();
    if (next.start !== now.start || next.end !== now.end) setRange(next);
  }
  const soon = () => {
    if (!frame) frame = requestAnimationFrame(place);
  };
  onMount(() => {
    place();
    document.addEventListener("scroll", soon, { capture: true, passive: true });
    window.addEventListener("resize", soon, { passive: true });
    onCleanup(() => {
      cancelAnimationFrame(frame);
      document.removeEventListener("scroll", soon, { capture: true });
      window.removeEventListener("resize", soon);
    });
  });
  // The board grew or shrank: the window is worked out again at the next frame.
  createMemo((n: number) => {
    const len = props.rows.length;
    if (len !== n) soon();
    return len;
  }, -1);

  const win = createMemo(() => {
    const { start, end } = range();
    const n = props.rows.length;
    const s = Math.min(start, n);
    return { start: s, end: Math.min(Math.max(end, s), n) };
  });
  // The rows on screen, by rep: a row stays in the DOM while it stays on screen, and
  // re-renders only when its own figures changed (its object did, see useBoard).
  const visible = createMemo(() => props.rows.slice(win().start, win().end).map((r) => r.repId), undefined, {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const byId = createMemo(() => {
    const m = new Map<string, { row: BoardRow; index: number }>();
    const { start, end } = win();
    for (let i = start; i < end; i++) {
      const row = props.rows[i];
      if (row) m.set(row.repId, { row, index: i });
    }
    return m;
  });
  const padTop = () => win().start * rowHeight();
  const padBottom = () => (props.rows.length - win().end) * rowHeight();

  return (
    <table
      ref={table}
      class="board-table"
      classList={{ "on-tv": props.tv, "with-checks": !!props.checksHead }}
      aria-label={t("board.title")}
      aria-rowcount={props.rows.length + 1}
      data-testid="board-table"
    >
      <thead>
        <tr class="board-row head" ref={head} aria-rowindex={1}>
          <th scope="col">#</th>
          <th scope="col">{t("board.rep")}</th>
          <th scope="col">{t("board.attainment")}</th>
          <th scope="col" class="num">
            {t("board.revenue")}
          </th>
          <th scope="col">{t("boardPace.level")}</th>
          <th scope="col">{t("board.ratio")}</th>
          <Show when={props.checksHead}>
            <th scope="col" title={t("checks.shareHelp")} data-testid="board-checks-head">
              {props.checksHead}
            </th>
          </Show>
          <th scope="col" class="num">
            {t("board.today")}
          </th>
        </tr>
      </thead>
      <tbody>
        <Show when={padTop() > 0}>
          {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row standing for the rows off screen; nothing in it can take focus */}
          <tr class="board-spacer" aria-hidden="true" style={{ height: `${padTop()}px` }} />
        </Show>
        <For each={visible()}>
          {(repId) => {
            // This row's figures and place, kept as they were while the row leaves the screen.
            const r = createMemo((was: BoardRow) => byId().get(repId)?.row ?? was, byId().get(repId)!.row);
            const index = createMemo((was: number) => byId().get(repId)?.index ?? was, byId().get(repId)!.index);
            return (
              <tr class="board-row" ref={props.flipRef(repId)} data-testid="board-row" data-rep={repId} aria-rowindex={index() + 2}>
                <td class="rank">{r().rank}</td>
                <th scope="row" class="rep-name">
                  <Show when={!props.tv} fallback={r().name}>
                    <A href={`/manager/reps/${repId}`} data-testid="board-rep-link">
                      {r().name}
                    </A>
                  </Show>
                </th>
                <td class="bar-cell">
                  <AttainmentBar value={r().attainment} level={r().level} elapsed={props.elapsed} />
                  <span class="bar-figs">
                    <strong data-testid="attainment">{r().target ? pct(r().attainment) : t("board.noTarget")}</strong>
                    <Show when={r().pace !== null && r().target}>
                      <span class="muted" data-testid="pace" title={props.paceHelp}>
                        {" "}
                        · {t("boardPace.figure", { p: pct(r().pace) })}
                      </span>
                    </Show>
                  </span>
                </td>
                <td class="num money-cell">
                  <strong data-testid="revenue">{boardMoney(r().revenue)}</strong>
                  <span class="muted"> / {boardMoney(r().target)}</span>
                </td>
                <td>
                  <LevelChip level={r().level} big={props.tv} />
                </td>
                <td>
                  <Show when={r().ratio}>
                    {(x) => (
                      <Show
                        when={!noVisits(x())}
                        fallback={
                          <span class="ratio none" data-testid="ratio-none">
                            {t("board.ratioNone")}
                          </span>
                        }
                      >
                        <span
                          class={`ratio ${x().compliant ? "good" : "bad"}`}
                          title={t("board.ratioFigures", { p: x().prospect, e: x().existing })}
                        >
                          <Icon name={x().compliant ? "signed" : "alert"} size={props.tv ? 26 : 16} />
                          {x().compliant ? t("board.ratioOk") : t("board.ratioShort", { n: x().shortfall })}
                        </span>
                      </Show>
                    )}
                  </Show>
                </td>
                <Show when={props.checksHead}>
                  <td class="checks-cell" data-testid="board-checks">
                    <ShareCell checks={r().checks} />
                  </td>
                </Show>
                <td class="num today">{count(r().today)}</td>
              </tr>
            );
          }}
        </For>
        <Show when={padBottom() > 0}>
          {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row standing for the rows off screen; nothing in it can take focus */}
          <tr class="board-spacer" aria-hidden="true" style={{ height: `${padBottom()}px` }} />
        </Show>
      </tbody>
    </table>
  );
}
