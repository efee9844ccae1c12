import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import { boardMoney, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { AttainmentBar, LevelChip } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import type { BoardRow } from "./useBoard.ts";

/** No in-person visit this month: neither compliant nor short, just nothing yet. */
const noVisits = (r: { existing: number; prospect: number }) => r.existing + r.prospect === 0;

/** The club's totals over the board's rows: revenue against target, today's contacts, reps on the 1:3 ratio. */
export function BoardSummary(props: { rows: BoardRow[]; tv?: boolean }) {
  const revenue = () => props.rows.reduce((s, r) => s + r.revenue, 0);
  const target = () => props.rows.reduce((s, r) => s + (r.target ?? 0), 0);
  const today = () => props.rows.reduce((s, r) => s + (r.today ?? 0), 0);
  // A rep with no in-person visits yet is not "on ratio" (3·0 ≥ 0 says nothing about their work).
  const onRatio = () => props.rows.filter((r) => r.ratio.compliant && !noVisits(r.ratio)).length;
  return (
    <dl class="board-summary" classList={{ "on-tv": props.tv }}>
      <div>
        <dt>{t("board.clubTotal")}</dt>
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
        <dd>{today()}</dd>
      </div>
      <div>
        <dt>{t("board.onRatio")}</dt>
        <dd>
          {onRatio()} <span class="muted">/ {props.rows.length}</span>
        </dd>
      </div>
    </dl>
  );
}

/** The leaderboard rows: rank, rep, attainment bar (100% marker, elapsed-part marker), figures, level, 1:3, contacts today. */
export function BoardTable(props: {
  rows: BoardRow[];
  elapsed: number;
  flipRef: (id: string) => (el: HTMLElement) => void;
  tv?: boolean;
  /** what the pace figure means (attainment against the elapsed part of the period), as its tooltip */
  paceHelp?: string;
}) {
  return (
    <table class="board-table" classList={{ "on-tv": props.tv }} aria-label={t("board.title")}>
      <thead>
        <tr class="board-row head">
          <th scope="col">#</th>
          <th scope="col">{t("board.rep")}</th>
          <th scope="col">{t("board.attainment")}</th>
          <th scope="col" class="num">
            {t("board.revenue")}
          </th>
          <th scope="col">{t("boardPace.level")}</th>
          <th scope="col">{t("board.ratio")}</th>
          <th scope="col" class="num">
            {t("board.today")}
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>
          {(r) => (
            <tr class="board-row" ref={props.flipRef(r.repId)} data-testid="board-row" data-rep={r.repId}>
              <td class="rank">{r.rank}</td>
              <th scope="row" class="rep-name">
                <Show when={!props.tv} fallback={r.name}>
                  <A href={`/manager/reps/${r.repId}`} data-testid="board-rep-link">
                    {r.name}
                  </A>
                </Show>
              </th>
              <td class="bar-cell">
                <AttainmentBar value={r.attainment} level={r.level} elapsed={props.elapsed} />
                <span class="bar-figs">
                  <strong data-testid="attainment">{r.target ? pct(r.attainment) : t("board.noTarget")}</strong>
                  <Show when={r.pace !== null && r.target}>
                    <span class="muted" data-testid="pace" title={props.paceHelp}>
                      {" "}
                      · {t("boardPace.figure", { p: pct(r.pace) })}
                    </span>
                  </Show>
                </span>
              </td>
              <td class="num money-cell">
                <strong data-testid="revenue">{boardMoney(r.revenue)}</strong>
                <span class="muted"> / {boardMoney(r.target)}</span>
              </td>
              <td>
                <LevelChip level={r.level} big={props.tv} />
              </td>
              <td>
                <Show when={r.ratio}>
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
              <td class="num today">{r.today ?? "—"}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
