import { For, type JSX, Show } from "solid-js";
import { boardMoney, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import type { Level } from "../types.ts";
import { AttainmentBar } from "../ui/common.tsx";
import { growStyle, nameWidth } from "./TvRotation.ts";

/** What every ranked row of the wall has: the board's reps and the race's teams alike. */
export interface TvRanked {
  rank: number;
  name: string;
  attainment: number | null;
  target: number | null;
  revenue: number;
}

/**
 * The wall's ranked table (TvTable, TvTeamRace): rank, name, attainment bar and
 * figure, revenue of target, then the table's own columns. One line of fixed height
 * a row (Tv.tsx divides the free height by it), large type, the podium marked.
 */
export function TvRankTable<R extends TvRanked>(props: {
  rows: R[];
  elapsed: number | null;
  grow?: { grow: number; font: number } | undefined;
  /** the table's and each row's extra classes, beside `tv-table` and `tv-row` */
  tableClass?: string;
  rowClass?: string;
  label: string;
  testid?: string;
  nameHead: string;
  /** a name wider than this (in CJK characters) takes the smaller, two-line style */
  nameFits: number;
  /** each row's data attributes (its test id and key) */
  rowData: (r: R) => Record<string, string | number | null>;
  level?: (r: R) => Level | null;
  attainmentTestid?: string;
  revenueTestid: string;
  heads: JSX.Element;
  cells: (r: R) => JSX.Element;
}) {
  const extra = (c: string | undefined) => (c ? ` ${c}` : "");
  return (
    <table class={`tv-table${extra(props.tableClass)}`} style={growStyle(props.grow)} aria-label={props.label} data-testid={props.testid}>
      <thead>
        <tr class={`tv-row${extra(props.rowClass)} head`}>
          <th scope="col" class="rank">
            #
          </th>
          <th scope="col">{props.nameHead}</th>
          <th scope="col">{t("board.attainment")}</th>
          <th scope="col" class="num">
            {t("board.revenue")}
          </th>
          {props.heads}
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>
          {(r) => (
            <tr class={`tv-row${extra(props.rowClass)}`} classList={{ podium: r.rank <= 3 }} {...props.rowData(r)} data-rank={r.rank}>
              <td class="rank">{r.rank}</td>
              <th scope="row" class="name" classList={{ long: nameWidth(r.name) > props.nameFits }} title={r.name}>
                {r.name}
              </th>
              <td class="att">
                <AttainmentBar value={r.attainment} level={props.level?.(r)} elapsed={props.elapsed} />
                <strong data-testid={props.attainmentTestid}>{r.target ? pct(r.attainment) : "—"}</strong>
              </td>
              <td class="num money">
                <strong data-testid={props.revenueTestid}>{boardMoney(r.revenue)}</strong>
                <Show when={r.target !== null}>
                  <span class="of"> / {boardMoney(r.target)}</span>
                </Show>
              </td>
              {props.cells(r)}
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
