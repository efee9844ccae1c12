import { Match, Show, Switch } from "solid-js";
import { shortDate } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import type { PositionResult, VisitFields } from "../offline/contact-body.ts";
import { Icon } from "../ui/icons.tsx";
import { distanceText } from "./position.ts";
import "./visit-check.css";

/** The verification of a visit or demo (第六条), as the server states it and the phone previews it. */
export type CheckState = "on_site" | "off_site" | "no_position" | "no_pin";
export interface CheckView {
  state: CheckState;
  distanceM: number | null;
  accepted?: { byName: string; reason: string } | null;
}
/** What the sheet shows: still reading, or the reading (a position, or why there is none). */
export type Reading = "locating" | PositionResult;

const dist = (m: number) => distanceText(m, { m: t("repCheck.m"), km: t("repCheck.km") });

/** "已核实在客户处（35 米）", "不在客户附近（2.1 公里）", "未取得位置", "客户尚无位置". */
export function checkText(c: CheckView): string {
  return t(`repCheck.state.${c.state}` as MessageKey, { distance: c.distanceM === null ? "—" : dist(c.distanceM) });
}

const icons = { on_site: "signed", off_site: "alert", no_position: "cloudOff", no_pin: "pin" } as const;

/** First time only: what the phone reads, when, who sees it and for how long (the rep's consent comes from knowing). */
export function PositionNote(props: { days: number; onOk: () => void }) {
  return (
    <aside class="position-note" aria-labelledby="position-note-title" data-testid="position-note">
      <p class="position-note-title" id="position-note-title">
        <Icon name="pin" size={18} /> {t("repCheck.noteTitle")}
      </p>
      <p>{t("repCheck.noteText", { days: props.days })}</p>
      <p class="muted">{t("repCheck.noteRefuse")}</p>
      <button type="button" class="btn secondary small" onClick={() => props.onOk()} data-testid="position-note-ok">
        {t("repCheck.noteOk")}
      </button>
    </aside>
  );
}

/** "我在客户这里 · 标记客户位置", offered while the customer has no pin. */
export function PinHereBox(props: { checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label class="pin-here">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.currentTarget.checked)} data-testid="pin-here" />
      <span>
        <span class="pin-here-label">{t("repCheck.pinHere")}</span>
        <span class="muted small">{t("repCheck.pinHereHelp")}</span>
      </span>
    </label>
  );
}

/**
 * The result after logging: reading the position, then the verdict — the server's
 * once it has the contact, the phone's own preview (the same rule) until then.
 */
export function CheckResult(props: {
  reading: Reading;
  preview: CheckView | null;
  confirmed: CheckView | null | undefined;
  pinned: boolean;
  pinDropped?: boolean;
}) {
  const shown = () => props.confirmed ?? props.preview;
  const reading = () => (props.reading === "locating" ? null : props.reading);
  const accuracy = () => {
    const r = reading();
    return r && "position" in r ? r.position.accuracy : null;
  };
  const why = () => {
    const r = reading();
    return r && "positionError" in r ? r.positionError : null;
  };
  const pinnedHere = () => props.pinned && shown()?.state === "no_pin" && accuracy() !== null;
  const state = () => (props.reading === "locating" ? "locating" : pinnedHere() ? "pinned" : (shown()?.state ?? "no_position"));
  return (
    <div class={`visit-check check-${state()}`} role="status" data-testid="log-check" data-state={state()}>
      <Switch>
        <Match when={props.reading === "locating"}>
          <p class="visit-check-line">
            <Icon name="pin" size={20} class="locating" /> {t("repCheck.locating")}
          </p>
        </Match>
        <Match when={shown()}>
          {(c) => (
            <>
              <p class="visit-check-line" data-testid="log-check-text">
                <Icon name={pinnedHere() ? "pin" : icons[c().state]} size={20} />{" "}
                {pinnedHere() ? t("repCheck.state.pinned") : checkText(c())}
              </p>
              <Show when={accuracy() !== null}>
                <p class="small muted">{t("repCheck.accuracy", { n: Math.round(accuracy() ?? 0) })}</p>
              </Show>
              <Show when={why()}>{(w) => <p class="small">{t(`repCheck.why.${w()}` as MessageKey)}</p>}</Show>
              <Show when={props.pinDropped}>
                <p class="small">{t("repCheck.pinDropped")}</p>
              </Show>
              <Switch>
                <Match when={pinnedHere()}>
                  <p class="small">{t("repCheck.pinnedHelp")}</p>
                </Match>
                <Match when={c().state === "off_site"}>
                  <p class="small">{t("repCheck.offSiteHelp")}</p>
                </Match>
                <Match when={c().state === "no_pin"}>
                  <p class="small">{t("repCheck.noPinHelp")}</p>
                </Match>
              </Switch>
              <p class="small muted" data-testid="log-check-source">
                {props.confirmed ? t("repCheck.confirmed") : t("repCheck.preview")}
              </p>
            </>
          )}
        </Match>
      </Switch>
    </div>
  );
}

/** A contact's check in a list: a short word and the distance ("已核实 · 35 米"), the manager's acceptance when there is one. */
export function CheckChip(props: { check: CheckView | null | undefined }) {
  return (
    <Show when={props.check}>
      {(c) => (
        <span
          class={`chip check-chip check-${c().accepted ? "accepted" : c().state}`}
          data-testid="check-chip"
          data-state={c().state}
          title={
            c().accepted ? t("repCheck.accepted", { name: c().accepted?.byName ?? "", reason: c().accepted?.reason ?? "" }) : checkText(c())
          }
        >
          <Icon name={icons[c().state]} size={13} />
          {t(`repCheck.short.${c().state}` as MessageKey)}
          {c().distanceM !== null && c().state !== "no_pin" ? ` · ${dist(c().distanceM ?? 0)}` : ""}
          {c().accepted ? ` · ${t("repCheck.accepted", { name: c().accepted?.byName ?? "", reason: c().accepted?.reason ?? "" })}` : ""}
        </span>
      )}
    </Show>
  );
}

export interface PinView {
  source: "visit" | "manager";
  byName: string | null;
  at: string;
}

/** The customer card's line: is this customer's location marked, by whom and when. */
export function PinFact(props: { pin: PinView | null | undefined }) {
  return (
    <div class="pin-fact" data-testid="card-pin" data-pinned={props.pin ? "yes" : "no"}>
      <dt>{t("repCheck.pinTitle")}</dt>
      <dd>
        <Show
          when={props.pin}
          fallback={
            <>
              <span class="tag tag-stale">
                <Icon name="pin" size={12} /> {t("repCheck.noPinTag")}
              </span>
              <span class="small muted pin-none">{t("repCheck.pinNone")}</span>
            </>
          }
        >
          {(p) => (
            <>
              <span class="tag tag-ok">
                <Icon name="pin" size={12} /> {t("repCheck.pinTag")}
              </span>
              <span class="small muted pin-none">
                {t(p().source === "visit" ? "repCheck.pinByVisit" : "repCheck.pinByManager", {
                  name: p().byName ?? "—",
                  date: shortDate(p().at),
                })}
              </span>
            </>
          )}
        </Show>
      </dd>
    </div>
  );
}

/** A contact still on the phone: its position is being read, was taken (checked once sent), or could not be. */
export function PendingCheck(props: { queued: VisitFields }) {
  const q = () => props.queued;
  return (
    <Show when={q().locating || q().position || q().positionError}>
      <span class="small muted pending-check" data-testid="pending-check">
        {q().locating
          ? t("repCheck.locating")
          : q().position
            ? t("repCheck.pendingPosition", { n: Math.round(q().position?.accuracy ?? 0) })
            : t("repCheck.state.no_position")}
      </span>
    </Show>
  );
}
