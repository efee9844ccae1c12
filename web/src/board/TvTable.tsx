import { For, Show } from "solid-js";
import { boardMoney, count, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { AttainmentBar, LevelChip } from "../ui/common.tsx";
import { growStyle, nameWidth } from "./TvRotation.ts";
import type { BoardRow } from "./useBoard.ts";

/** A name wider than this (in CJK characters) takes the smaller, two-line style. */
const NAME_FITS = 10;

/**
 * One page of the board for the wall: only the rows on screen are in the DOM, each
 * one line of fixed height (Tv.tsx divides the free height by it), large type.
 */
export function TvTable(props: { rows: BoardRow[]; elapsed: number | null; grow?: { grow: number; font: number } }) {
  return (
    <table class="tv-table" style={growStyle(props.grow)} aria-label={t("board.title")}>
      <thead>
        <tr class="tv-row head">
          <th scope="col" class="rank">
            #
          </th>
          <th scope="col">{t("board.rep")}</th>
          <th scope="col">{t("board.attainment")}</th>
          <th scope="col" class="num">
            {t("board.revenue")}
          </th>
          <th scope="col">{t("boardPace.level")}</th>
          <th scope="col">{t("board.ratio")}</th>
          <th scope="col" class="num">
            {t("tv.today")}
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>
          {(r) => (
            <tr class="tv-row" classList={{ podium: r.rank <= 3 }} data-testid="board-row" data-rep={r.repId} data-rank={r.rank}>
              <td class="rank">{r.rank}</td>
              <th scope="row" class="name" classList={{ long: nameWidth(r.name) > NAME_FITS }} title={r.name}>
                {r.name}
              </th>
              <td class="att">
                <AttainmentBar value={r.attainment} level={r.level} elapsed={props.elapsed} />
                <strong data-testid="attainment">{r.target ? pct(r.attainment) : "—"}</strong>
              </td>
              <td class="num money">
                <strong data-testid="revenue">{boardMoney(r.revenue)}</strong>
                <Show when={r.target !== null}>
                  <span class="of"> / {boardMoney(r.target)}</span>
                </Show>
              </td>
              <td class="level">
                <LevelChip level={r.level} />
              </td>
              <td class="ratio-cell">
                <Show
                  when={r.ratio.existing + r.ratio.prospect > 0}
                  fallback={
                    <span class="ratio none" data-testid="ratio-none">
                      {t("tv.ratioNone")}
                    </span>
                  }
                >
                  <span class={`ratio ${r.ratio.compliant ? "good" : "bad"}`}>
                    {r.ratio.compliant ? `✓ ${t("board.ratioOk")}` : `▲ ${t("tv.ratioShort", { n: r.ratio.shortfall })}`}
                  </span>
                </Show>
              </td>
              <td class="num today">{count(r.today)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
