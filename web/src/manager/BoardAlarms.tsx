import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { type Alarm, client, data } from "../api.ts";
import type { AlarmCounts, LiveAlarm, LiveAlarms } from "../board/useBoard.ts";
import { boardMoney, clock, pct } from "../format.ts";
import { lang, t } from "../i18n/index.ts";
import { useLiveSoon } from "../live.ts";
import type { CloseReason } from "../types.ts";
import { type ChipLevel, Empty, ErrorBox, FormError, LevelChip, Loading } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { Modal } from "./Modal.tsx";
import { reasonText } from "./reasons.ts";

/** An alarm in the reader's language, from its data; the server's message when we do not know the kind. */
export function alarmText(a: { kind: string; data: unknown; message: string }): string {
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
  if (a.kind === "complaint" && typeof d.customerName === "string") {
    return t("alarm.complaint", { name: d.customerName, summary: typeof d.summary === "string" ? d.summary : "" });
  }
  if (a.kind === "channel_disabled" && typeof d.channelName === "string") {
    return t("alarm.channelDisabled", { name: d.channelName, n: num("failures") ?? 0 });
  }
  if (a.kind === "refresh" && num("stale") !== null) {
    return t("alarm.refresh", { stale: num("stale") ?? 0, total: num("total") ?? 0, quarter: String(d.quarter ?? "") });
  }
  return a.message;
}

/** What a bulk acknowledgement covers: every unacknowledged alarm of a level, or of a rep. */
type BulkAck = { level: string; n: number } | { repId: string; name: string };

/** An alarm as the panel shows it: from the live boards, or from an older page of GET /alarms. */
type PanelAlarm = LiveAlarm | Alarm;

/**
 * Live alarms, newest first; a manager acknowledges each, or all of a level or of a
 * rep at once (with a confirm). The badge is the server's count of unacknowledged
 * alarms (the live boards carry it), never the length of a page. The first page is the
 * live boards' `alarms.latest` (managers): a raise, a clear or an acknowledgement
 * anywhere reaches it by the next board delta, with no request. "More" reads older
 * pages from GET /alarms, from the cursor after the last live one. Without a live list
 * (a team lead's board, whose boards do not carry one) the first page is read from
 * GET /alarms too, again when the counts move. With none open, the panel says what the
 * board's level chips say (`belowPace`: rows below pace, null while the board loads),
 * so it never calls everyone on pace beside a row with an alarm level.
 */
export function Alarms(props: { counts: AlarmCounts | null; belowPace: number | null; live: LiveAlarms | null; ready: boolean }) {
  /** Read over HTTP: the first page when there is no live list, else the older pages after it. */
  const [fetched, setFetched] = createSignal<Alarm[]>([]);
  const [next, setNext] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [loading, setLoading] = createSignal(false);
  const [ackError, setAckError] = createSignal<unknown>(null);
  const [asking, setAsking] = createSignal<BulkAck | null>(null);
  const [done, setDone] = createSignal<number | null>(null);
  /** Acknowledged here: gone from the list at once, before the delta that says so. */
  const [acked, setAcked] = createSignal<ReadonlySet<string>>(new Set());
  /** Whether `fetched` holds the pages after the live list (else the first pages, read without one). */
  const [older, setOlder] = createSignal(false);
  let seq = 0;
  const live = () => props.live;

  /**
   * Without a live list: the first page again (after news), or the next one (`more`).
   * With one: the next older page after it (`more`), or the older pages shown so far
   * again, from the live list's new end, when that end moved.
   */
  async function load(more = false) {
    const l = live();
    const afterLive = l !== null && older() && fetched().length > 0;
    if (l && !more && !afterLive) {
      // Nothing older shown: the live list is the whole panel, no request.
      setFetched([]);
      setNext(null);
      setOlder(true);
      return;
    }
    const mine = ++seq;
    const cursor = l ? (more && afterLive ? next() : l.next) : more ? next() : null;
    if (!l && !more && fetched().length === 0) setLoading(true);
    try {
      if (l && !cursor) {
        setFetched([]);
        setNext(null);
        return;
      }
      const limit = l && !more ? Math.min(200, fetched().length) : 50;
      const page = await data(
        client.alarms.$get({ query: { status: "unacknowledged", limit: String(limit), ...(cursor ? { cursor } : {}) } }),
      );
      if (mine !== seq) return;
      setFetched((list) => (more && (l ? afterLive : true) ? [...list, ...page.items] : page.items));
      setOlder(l !== null);
      setNext(page.nextCursor ?? null);
      setError(null);
    } catch (err) {
      if (mine === seq) setError(err);
    } finally {
      if (mine === seq) setLoading(false);
    }
  }
  // Once the board is there: without a live list (a lead's board) the first page over HTTP; with one, nothing to read.
  const mode = createMemo(() => props.ready && (live() ? "live" : "http"));
  const end = createMemo(() => live()?.next);
  createEffect(
    on(mode, (m) => {
      if (m) void load();
    }),
  );
  // The live list's end moved while older pages are shown: those pages again, from the new end.
  createEffect(
    on(
      end,
      () => {
        if (live() && older() && fetched().length > 0) void load();
      },
      { defer: true },
    ),
  );
  // After a reconnect that may have missed news: what was read over HTTP, again.
  useLiveSoon([], () => void load());
  // Without a live list, the server's counts moved (an alarm raised, cleared or acknowledged anywhere): the first page again.
  createEffect(
    on(
      () => JSON.stringify(props.counts),
      (now, was) => {
        if (!live() && was !== undefined && was !== "null" && now !== was) void load();
      },
    ),
  );
  const items = createMemo((): PanelAlarm[] => {
    const gone = acked();
    const l = live();
    if (!l) return older() ? [] : fetched().filter((a) => !gone.has(a.id));
    const ids = new Set(l.latest.map((a) => a.id));
    const after = older() ? fetched().filter((a) => !ids.has(a.id)) : [];
    return [...l.latest, ...after].filter((a) => !gone.has(a.id));
  });
  const more = () => {
    const l = live();
    if (!l) return next();
    return older() && fetched().length > 0 ? next() : l.next;
  };
  const total = () => props.counts?.total ?? null;
  const levels = () =>
    Object.entries(props.counts?.byLevel ?? {})
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => (a === "ok" ? 1 : b === "ok" ? -1 : Number(a) - Number(b)));

  async function ack(id: string) {
    setAckError(null);
    try {
      await data(client.alarms[":id"].acknowledge.$post({ param: { id } }));
      setAcked((s) => new Set(s).add(id));
    } catch (err) {
      setAckError(err);
    }
  }

  async function ackMany(what: BulkAck) {
    setAckError(null);
    setDone(null);
    try {
      const json = "level" in what ? { level: what.level } : { repId: what.repId };
      const res = await data(client.alarms.acknowledge.$post({ json }));
      setAsking(null);
      setDone(res.acknowledged);
      const gone = (a: PanelAlarm) => ("level" in what ? a.level === what.level : a.repId === what.repId);
      // Gone from the list at once; the live list follows with the next delta.
      setAcked(
        (s) =>
          new Set([
            ...s,
            ...items()
              .filter(gone)
              .map((a) => a.id),
          ]),
      );
      if (!live()) void load();
    } catch (err) {
      setAsking(null);
      setAckError(err);
    }
  }

  return (
    <aside class="alarms card" aria-labelledby="alarms-title">
      <h2 id="alarms-title">
        <Icon name="alert" size={18} /> {t("alarms.title")}{" "}
        <span class="count" data-testid="alarm-count">
          {total() ?? items().length}
        </span>
      </h2>
      <FormError error={ackError()} />
      <Show when={done() !== null}>
        <p class="muted small" role="status" data-testid="alarms-acked">
          {t("alarms.acked", { n: done() ?? 0 })}
        </p>
      </Show>
      <Show when={levels().length > 0}>
        <ul class="alarm-levels" data-testid="alarm-levels">
          <For each={levels()}>
            {([level, n]) => (
              <li>
                <LevelChip level={level as ChipLevel} /> <span class="muted small">{n}</span>
                <button
                  type="button"
                  class="btn secondary small"
                  data-testid="ack-level"
                  data-level={level}
                  onClick={() => setAsking({ level, n })}
                >
                  {t("alarms.ackLevel")}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={(live() !== null || props.ready) && !loading()} fallback={<Loading />}>
        {/* With a live list, a failed read of older pages leaves the live ones in place (the error shows below them). */}
        <Show when={!error() || live()} fallback={<ErrorBox error={error()} retry={() => void load()} />}>
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
                  <li class={`alarm kind-${a.kind} level-${a.level ?? "none"}`} data-testid="alarm" data-alarm={a.id}>
                    <div class="alarm-top">
                      <Show
                        when={a.kind === "pace" && a.level}
                        fallback={<span class={`chip kind kind-${a.kind}`}>{t(`alarmKind.${a.kind}` as "alarmKind.pace")}</span>}
                      >
                        <LevelChip level={a.level as ChipLevel} />
                      </Show>
                      <span class="alarm-who">{a.repName ?? ""}</span>
                      <span class="muted small">{clock(a.raisedAt)}</span>
                    </div>
                    <p class="alarm-msg">{alarmText(a)}</p>
                    <div class="row gap wrap">
                      <button type="button" class="btn secondary small" onClick={() => void ack(a.id)}>
                        <Icon name="signed" size={14} /> {t("alarms.ack")}
                      </button>
                      <Show when={a.repId}>
                        {(repId) => (
                          <button
                            type="button"
                            class="btn secondary small"
                            data-testid="ack-rep"
                            onClick={() => setAsking({ repId: repId(), name: a.repName ?? "" })}
                          >
                            {t("alarms.ackRep")}
                          </button>
                        )}
                      </Show>
                    </div>
                  </li>
                )}
              </For>
            </ul>
            <p class="muted small" data-testid="alarms-shown">
              {t("alarms.shown", { shown: items().length, total: total() ?? items().length })}
            </p>
            <Show when={live() && error()}>
              <ErrorBox error={error()} retry={() => void load(fetched().length === 0)} />
            </Show>
            <Show when={more()}>
              <button type="button" class="btn secondary small" data-testid="alarms-more" onClick={() => void load(true)}>
                {t("action.more")}
              </button>
            </Show>
          </Show>
        </Show>
      </Show>
      <Modal
        open={asking() !== null}
        onClose={() => setAsking(null)}
        alert
        testid="ack-confirm"
        title={t("alarms.ackTitle")}
        description={(() => {
          const w = asking();
          if (!w) return "";
          return "level" in w
            ? t("alarms.ackLevelConfirm", { n: w.n, level: t(`level.${w.level as ChipLevel}`) })
            : t("alarms.ackRepConfirm", { name: w.name });
        })()}
      >
        <div class="row gap modal-actions">
          <button type="button" class="btn secondary" onClick={() => setAsking(null)}>
            {t("alarms.ackCancel")}
          </button>
          <button
            type="button"
            class="btn"
            data-testid="ack-confirm-yes"
            onClick={() => {
              const w = asking();
              if (w) void ackMany(w);
            }}
          >
            {t("alarms.ackYes")}
          </button>
        </div>
      </Modal>
    </aside>
  );
}
