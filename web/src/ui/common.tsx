import { type Accessor, createMemo, For, type JSX, Show } from "solid-js";
import { ApiError } from "../api.ts";
import { clock } from "../format.ts";
import { fieldProblem, fieldSentence } from "../i18n/fields.ts";
import { type Lang, lang, setLang, t } from "../i18n/index.ts";
import { liveState } from "../live.ts";
import { describe } from "../rep/errors.ts";
import type { Level } from "../types.ts";
import { Icon } from "./icons.tsx";

export function Loading(props: { label?: string }) {
  return (
    <div class="state" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? t("state.loading")}
    </div>
  );
}

export function Empty(props: { children: JSX.Element; icon?: Parameters<typeof Icon>[0]["name"] }) {
  return (
    <div class="state empty">
      <Icon name={props.icon ?? "list"} size={28} />
      <div>{props.children}</div>
    </div>
  );
}

/** What went wrong and what to do next; a retry button when there is something to retry. */
export function ErrorBox(props: { error: unknown; retry?: () => void }) {
  const missing = () => props.error instanceof ApiError && props.error.status === 404 && props.error.message === "No such endpoint.";
  return (
    <div class="state error" role="alert">
      <Icon name="alert" size={24} />
      <div>
        <Show when={!missing()} fallback={t("error.notYet")}>
          {describe(props.error)}
        </Show>
      </div>
      <Show when={props.retry}>
        <button type="button" class="btn secondary small" onClick={() => props.retry?.()}>
          {t("action.retry")}
        </button>
      </Show>
    </div>
  );
}

/**
 * A part of a screen that waits for its data: the children once `when` holds a value
 * (a function child gets it, as with Show); until then a spinner, or the error with a
 * retry button when `retry` is given.
 */
export function Ready<T>(props: {
  when: T | undefined | null | false;
  error: unknown;
  retry?: () => void;
  children: JSX.Element | ((value: Accessor<NonNullable<T>>) => JSX.Element);
}) {
  return (
    <Show when={props.when} fallback={props.error ? <ErrorBox error={props.error} retry={props.retry} /> : <Loading />}>
      {props.children as JSX.Element}
    </Show>
  );
}

/** A table's header row: a column's label, or `{ num: label }` for a numeric (right-aligned) column. */
export function TableHead(props: { columns: (string | { num: string })[] }) {
  return (
    <thead>
      <tr>
        <For each={props.columns}>
          {(c) =>
            typeof c === "string" ? (
              <th scope="col">{c}</th>
            ) : (
              <th scope="col" class="num">
                {c.num}
              </th>
            )
          }
        </For>
      </tr>
    </thead>
  );
}

/** Shown above data that came from the device because the server could not be reached. */
export function CachedNote(props: { at: number | null; error: unknown }) {
  return (
    <Show when={props.at && props.error}>
      <p class="note-cached" role="status">
        <Icon name="cloudOff" size={16} /> {t("state.cached", { time: clock(props.at ?? 0) })}
      </p>
    </Show>
  );
}

/** Field error from the server's `fields`, placed next to its input. */
export function FieldError(props: { error: unknown; field: string; id?: string }) {
  const msg = () => {
    const e = props.error;
    if (!(e instanceof ApiError) || !(props.field in e.fields || props.field in e.fieldCodes)) return undefined;
    return fieldProblem(e.fieldCodes[props.field]);
  };
  return (
    <Show when={msg()}>
      <span class="field-error" id={props.id} role="alert">
        {msg()}
      </span>
    </Show>
  );
}

/** The form-level part of an error (fields not shown next to an input, or no fields at all). */
export function FormError(props: { error: unknown; shown?: string[] }) {
  const text = () => {
    const e = props.error;
    if (!e) return "";
    if (e instanceof ApiError) {
      const paths = [...new Set([...Object.keys(e.fields), ...Object.keys(e.fieldCodes)])];
      const rest = paths.filter((k) => !(props.shown ?? []).includes(k));
      if (paths.length && !rest.length) return "";
      if (!paths.length) return describe(e);
      return rest.map((k) => fieldSentence(k, e.fieldCodes[k])).join(lang() === "zh-CN" ? "；" : "; ");
    }
    return describe(e);
  };
  return (
    <Show when={text()}>
      <p class="form-error" role="alert">
        {text()}
      </p>
    </Show>
  );
}

/** A pace level, or a month close's outcome as an alarm carries it (`warning`, `removal`). */
export type ChipLevel = Level | "warning" | "removal";

const levelIcon: Record<ChipLevel, string> = { ok: "✓", "80": "▲", "60": "▲▲", "20": "■", warning: "!", removal: "✕" };

/** An alarm level as colour and word (colour-blind safe): amber 80 (and a warning), orange 60, red 20 (and a removal), green ok. */
export function LevelChip(props: { level: ChipLevel | null | undefined; big?: boolean }) {
  return (
    <Show when={props.level} fallback={<span class="chip none">{t("level.none")}</span>}>
      {(l) => (
        <span class={`chip level-${l()}`} classList={{ big: props.big }}>
          <span aria-hidden="true">{levelIcon[l()]}</span> {t(`level.${l()}`)}
        </span>
      )}
    </Show>
  );
}

/** Green "live" dot; grey with the time of the last update when the channel is down. */
export function LiveDot(props: { big?: boolean }) {
  const label = createMemo(() => {
    const s = liveState.status();
    const last = liveState.lastUpdate();
    if (s === "live") return t("live.live");
    if (s === "connecting" && !last) return t("live.connecting");
    return last ? t("live.staleSince", { time: clock(last) }) : t("live.offline");
  });
  return (
    <span class="live-dot" classList={{ on: liveState.status() === "live", big: props.big }} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {label()}
    </span>
  );
}

export function LangSwitch() {
  const other = (): Lang => (lang() === "zh-CN" ? "en" : "zh-CN");
  return (
    <button
      type="button"
      class="lang-switch"
      onClick={() => setLang(other())}
      aria-label={t("lang.switchTo")}
      lang={other()}
      data-testid="lang-switch"
    >
      {other() === "en" ? "EN" : "中文"}
    </button>
  );
}

/**
 * A horizontal bar with a marker at 100% and, optionally, at the elapsed part of the
 * period. Decorative: the figures printed next to it say the same in words.
 */
export function AttainmentBar(props: { value: number | null; level?: Level | null; elapsed?: number | null }) {
  // The bar's scale runs to 125% so that the 100% marker has room on its right.
  const scale = 1.25;
  const width = () => `${Math.min(100, ((props.value ?? 0) / scale) * 100)}%`;
  // A function, so that it is set through the CSSOM: a constant style would be compiled
  // into the template as a style attribute, which the CSP (style-src 'self') refuses.
  const full = () => `${(1 / scale) * 100}%`;
  return (
    <div class="bar" aria-hidden="true">
      <div class={`fill level-${props.level ?? "none"}`} style={{ width: width() }} />
      <Show when={props.elapsed !== undefined && props.elapsed !== null}>
        <div class="pace-mark" style={{ left: `${((props.elapsed ?? 0) / scale) * 100}%` }} title={t("board.elapsed")} />
      </Show>
      <div class="full-mark" style={{ left: full() }} />
    </div>
  );
}
