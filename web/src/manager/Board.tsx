import { A } from "@solidjs/router";
import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { type Alarm, client, data } from "../api.ts";
import { BoardSummary, BoardTable } from "../board/BoardTable.tsx";
import { createFlip, useBoard } from "../board/useBoard.ts";
import { boardMoney, clock, pct, periodAt, periodLabel } from "../format.ts";
import { lang, t } from "../i18n/index.ts";
import { onLive } from "../live.ts";
import type { CloseReason, Level, Period } from "../types.ts";
import { Empty, ErrorBox, FormError, LevelChip, LiveDot, Loading, Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { reasonText } from "./reasons.ts";

const periods: Period[] = ["month", "quarter", "year"];

export function Board() {
  const [period, setPeriod] = createSignal<Period>("month");
  const flip = createFlip();
  const board = useBoard(period, { before: flip.measure, after: flip.play });

  return (
    <div class="page board-page">
      <header class="page-head">
        <div>
          <h1>{t("board.title")}</h1>
          <p class="muted">{periodLabel(period(), periodAt(period()).at)}</p>
        </div>
        <div class="row gap wrap">
          <fieldset class="seg">
            <legend class="sr-only">{t("board.period")}</legend>
            <For each={periods}>
              {(p) => (
                <button type="button" aria-pressed={period() === p} classList={{ active: period() === p }} onClick={() => setPeriod(p)}>
                  {t(`period.${p}`)}
                </button>
              )}
            </For>
          </fieldset>
          <LiveDot />
          <A class="btn secondary small" href="/tv">
            <Icon name="tv" size={16} /> {t("nav.tv")}
          </A>
        </div>
      </header>
      <div class="board-layout">
        <section class="board-main card" aria-live="off">
          <Ready when={board.loaded()} error={board.error()} retry={() => void board.reload()}>
            <Show when={board.rows.length > 0} fallback={<Empty icon="board">{t("board.empty")}</Empty>}>
              <BoardSummary rows={board.rows} />
              <BoardTable rows={board.rows} elapsed={periodAt(period()).elapsed} flipRef={flip.ref} paceHelp={t("boardPace.legend")} />
            </Show>
            <p class="legend muted small">
              <span class="legend-mark full" /> {t("board.legend100")} <span class="legend-mark pace" /> {t("board.legendPace")}
            </p>
            <p class="legend muted small" data-testid="pace-legend">
              {t("boardPace.legend")}
            </p>
          </Ready>
        </section>
        <Alarms belowPace={board.loaded() ? board.rows.filter((r) => r.level && r.level !== "ok").length : null} />
      </div>
    </div>
  );
}

/** An alarm in the reader's language, from its data; the server's message when we do not know the kind. */
export function alarmText(a: Alarm): string {
  const d = (a.data ?? {}) as Record<string, unknown>;
  const num = (k: string) => (typeof d[k] === "number" ? (d[k] as number) : null);
  if (a.kind === "pace" && num("pace") !== null) {
    return t("alarm.pace", {
      pace: pct(num("pace")),
      achieved: boardMoney(num("achieved")),
      target: boardMoney(num("target")),
      elapsed: pct(num("elapsed")),
    });
  }
  if ((a.kind === "warning" || a.kind === "removal") && Array.isArray(d.reasons)) {
    return t("alarm.close", {
      month: String(d.month ?? ""),
      outcome: t(`close.outcome.${a.kind}`),
      to: a.kind === "removal" ? t("close.toGm") : t("close.toHr"),
      reasons: (d.reasons as CloseReason[]).map(reasonText).join("；"),
    });
  }
  if (a.kind === "refresh" && num("stale") !== null) {
    return t("alarm.refresh", { stale: num("stale") ?? 0, total: num("total") ?? 0, quarter: String(d.quarter ?? "") });
  }
  return a.message;
}

/**
 * Live alarms, newest first; a manager acknowledges each. With none open, the panel
 * says what the board's level chips say (`belowPace`: rows below pace, null while the
 * board loads), so it never calls everyone on pace beside a row with an alarm level.
 */
function Alarms(props: { belowPace: number | null }) {
  const [items, setItems] = createSignal<Alarm[]>([]);
  const [error, setError] = createSignal<unknown>(null);
  const [loading, setLoading] = createSignal(true);
  const [ackError, setAckError] = createSignal<unknown>(null);

  async function load() {
    try {
      const page = await data(client.alarms.$get({ query: { status: "unacknowledged", limit: "50" } }));
      setItems(page.items);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }
  onMount(() => void load());
  const off = onLive("quota:alarm", () => void load());
  const off2 = onLive("standing:changed", () => void load());
  onCleanup(() => {
    off();
    off2();
  });

  async function ack(id: string) {
    setAckError(null);
    try {
      await data(client.alarms[":id"].acknowledge.$post({ param: { id } }));
      setItems((list) => list.filter((a) => a.id !== id));
    } catch (err) {
      setAckError(err);
    }
  }

  return (
    <aside class="alarms card" aria-labelledby="alarms-title">
      <h2 id="alarms-title">
        <Icon name="alert" size={18} /> {t("alarms.title")} <span class="count">{items().length}</span>
      </h2>
      <FormError error={ackError()} />
      <Show when={!loading()} fallback={<Loading />}>
        <Show when={!error()} fallback={<ErrorBox error={error()} retry={() => void load()} />}>
          <Show
            when={items().length > 0}
            fallback={
              <Empty icon="signed">
                <span data-testid="alarms-empty">
                  {t("alarms.noneOnBoard")}
                  {lang() === "zh-CN" ? "" : " "}
                  {props.belowPace === null
                    ? ""
                    : props.belowPace > 0
                      ? t("alarms.belowPace", { n: props.belowPace })
                      : t("alarms.allOnPace")}
                </span>
              </Empty>
            }
          >
            <ul class="alarm-list" aria-live="polite">
              <For each={items()}>
                {(a) => (
                  <li class={`alarm kind-${a.kind} level-${a.level ?? "none"}`} data-testid="alarm">
                    <div class="alarm-top">
                      <Show
                        when={a.kind === "pace" && a.level}
                        fallback={<span class={`chip kind kind-${a.kind}`}>{t(`alarmKind.${a.kind}` as "alarmKind.pace")}</span>}
                      >
                        <LevelChip level={a.level as Level} />
                      </Show>
                      <span class="alarm-who">{a.repName ?? ""}</span>
                      <span class="muted small">{clock(a.raisedAt)}</span>
                    </div>
                    <p class="alarm-msg">{alarmText(a)}</p>
                    <button type="button" class="btn secondary small" onClick={() => void ack(a.id)}>
                      <Icon name="signed" size={14} /> {t("alarms.ack")}
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </Show>
    </aside>
  );
}
