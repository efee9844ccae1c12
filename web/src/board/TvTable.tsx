import { Show } from "solid-js";
import { count } from "../format.ts";
import { t } from "../i18n/index.ts";
import { LevelChip } from "../ui/common.tsx";
import { TvRankTable } from "./TvRankTable.tsx";
import type { BoardRow } from "./useBoard.ts";

/** A name wider than this (in CJK characters) takes the smaller, two-line style. */
const NAME_FITS = 10;

/**
 * One page of the board for the wall: only the rows on screen are in the DOM, each
 * one line of fixed height (Tv.tsx divides the free height by it), large type.
 */
export function TvTable(props: { rows: BoardRow[]; elapsed: number | null; grow?: { grow: number; font: number } }) {
  return (
    <TvRankTable
      rows={props.rows}
      elapsed={props.elapsed}
      grow={props.grow}
      label={t("board.title")}
      nameHead={t("board.rep")}
      nameFits={NAME_FITS}
      rowData={(r) => ({ "data-testid": "board-row", "data-rep": r.repId })}
      level={(r) => r.level}
      attainmentTestid="attainment"
      revenueTestid="revenue"
      heads={
        <>
          <th scope="col">{t("boardPace.level")}</th>
          <th scope="col">{t("board.ratio")}</th>
          <th scope="col" class="num">
            {t("tv.today")}
          </th>
        </>
      }
      cells={(r) => (
        <>
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
        </>
      )}
    />
  );
}
