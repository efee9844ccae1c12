import { createEffect, createSignal, on, Show } from "solid-js";
import type { Customer } from "../api.ts";
import { ApiError } from "../api.ts";
import { pinOf } from "../board/checks.ts";
import { dateTime } from "../format.ts";
import { lang, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { isManager } from "../session.ts";
import { FieldError } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { Modal } from "./Modal.tsx";
import { clearPin, refusalCodes, setPin } from "./verifyApi.ts";
import "../board/checks.css";

const coord = (n: number) => n.toLocaleString(lang(), { minimumFractionDigits: 5, maximumFractionDigits: 6, useGrouping: false });

function pinError(err: unknown): string {
  if (refusalCodes(err).includes("forbidden") || (err instanceof ApiError && err.status === 403)) return t("custPin.error.forbidden");
  return describe(err);
}

/** What the pin screens need of a customer (a list row or the customer itself). */
export interface Pinned {
  id: string;
  name: string;
  pin?: unknown;
}

/**
 * The customers list's location cell: set or not, and (managers and admins) the button
 * that opens the location dialog, which the list holds (a row is redrawn when the list
 * is read again; the dialog stays).
 */
export function PinCell(props: { customer: Pinned; onOpen: (c: Pinned) => void }) {
  const label = () => (pinOf(props.customer) ? t("custPin.cellChange") : t("custPin.cellSet"));
  return (
    <span class="pin-cell">
      <Show when={pinOf(props.customer)} fallback={<span class="muted">{t("custPin.noneShort")}</span>}>
        <span class="tag tag-ok" data-testid="pin-set-tag">
          ✓ {t("custPin.isSet")}
        </span>
      </Show>
      <Show when={isManager()}>
        <button
          type="button"
          class="btn secondary small"
          onClick={() => props.onOpen(props.customer)}
          // the visible word first, then whose location (an accessible name holds what is seen)
          aria-label={`${label()} · ${t("custPin.dialogTitle", { name: props.customer.name })}`}
          data-testid="pin-open"
        >
          {label()}
        </button>
      </Show>
    </span>
  );
}

/** The current pin in words: the point, and who set it when. */
function PinNow(props: { customer: Pinned }) {
  return (
    <Show
      when={pinOf(props.customer)}
      fallback={
        <p class="muted" data-testid="pin-none">
          {t("custPin.none")}
        </p>
      }
    >
      {(p) => (
        <p class="pin-line" data-testid="pin-shown">
          <Icon name="target" size={16} />
          <span class="pin-coords" data-testid="pin-coords">
            {coord(p().lat)}, {coord(p().lng)}
          </span>
          <span class="muted small">
            {t(p().source === "visit" ? "custPin.byVisit" : "custPin.byManager", {
              name: p().byName ?? t("custPin.someone"),
              time: dateTime(p().at),
            })}
          </span>
        </p>
      )}
    </Show>
  );
}

/**
 * The customer's location (the point visits are checked against): who set it and when;
 * set it (typed, or filled from the manager's own position, asked once on the button)
 * or clear it. Contacts already logged keep their check either way.
 */
export function PinDialog(props: { open: boolean; customer: Pinned; onClose: () => void; onSaved: (c: Customer) => void }) {
  const [lat, setLat] = createSignal("");
  const [lng, setLng] = createSignal("");
  const [note, setNote] = createSignal("");
  const [locating, setLocating] = createSignal(false);
  const [problems, setProblems] = createSignal<{ lat?: string; lng?: string }>({});
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  const [clearing, setClearing] = createSignal(false);
  const [said, setSaid] = createSignal("");
  const reset = () => {
    const p = pinOf(props.customer);
    setLat(p ? String(p.lat) : "");
    setLng(p ? String(p.lng) : "");
    setNote("");
    setSaid("");
    setProblems({});
    setError(null);
    setClearing(false);
  };
  createEffect(
    on(
      () => props.open,
      (open) => open && reset(),
    ),
  );
  /** A refusal of the coordinates themselves is shown next to them; anything else under the form. */
  const formError = () => {
    const e = error();
    if (!e) return "";
    if (e instanceof ApiError && ["lat", "lng"].some((k) => k in e.fields || k in e.fieldCodes)) return "";
    return pinError(e);
  };
  function useMine() {
    if (!("geolocation" in navigator)) {
      setNote(t("custPin.geoUnavailable"));
      return;
    }
    setLocating(true);
    setNote(t("custPin.locating"));
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        setLat(pos.coords.latitude.toFixed(6));
        setLng(pos.coords.longitude.toFixed(6));
        setProblems({});
        setNote(t("custPin.geoFilled", { n: Math.round(pos.coords.accuracy) }));
      },
      (err) => {
        setLocating(false);
        setNote(err.code === err.PERMISSION_DENIED ? t("custPin.geoDenied") : t("custPin.geoUnavailable"));
      },
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
    );
  }
  async function run(write: () => Promise<Customer>, done: string) {
    setBusy(true);
    setError(null);
    try {
      const next = await write();
      props.onSaved(next);
      setSaid(done);
      setClearing(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  function submit(e: SubmitEvent) {
    e.preventDefault();
    const la = Number(lat().trim());
    const ln = Number(lng().trim());
    const bad: { lat?: string; lng?: string } = {};
    if (!lat().trim() || !Number.isFinite(la) || la < -90 || la > 90) bad.lat = t("custPin.latRule");
    if (!lng().trim() || !Number.isFinite(ln) || ln < -180 || ln > 180) bad.lng = t("custPin.lngRule");
    setProblems(bad);
    if (bad.lat || bad.lng) return;
    void run(() => setPin(props.customer.id, la, ln), t("custPin.saved"));
  }
  const field = (k: "lat" | "lng", value: () => string, set: (v: string) => void) => (
    <label class="field">
      <span>{t(k === "lat" ? "custPin.lat" : "custPin.lng")}</span>
      <input
        inputmode="decimal"
        autocomplete="off"
        value={value()}
        onInput={(e) => set(e.currentTarget.value)}
        aria-invalid={Boolean(problems()[k])}
        aria-describedby={`pin-${k}-help`}
        data-testid={`pin-${k}`}
      />
      <span class="muted small" id={`pin-${k}-help`}>
        {t(k === "lat" ? "custPin.latHelp" : "custPin.lngHelp")}
      </span>
      <Show when={problems()[k]}>
        <span class="field-error" role="alert">
          {problems()[k]}
        </span>
      </Show>
      <FieldError error={error()} field={k} />
    </label>
  );
  return (
    <Modal
      open={props.open}
      onClose={props.onClose}
      title={t("custPin.dialogTitle", { name: props.customer.name })}
      description={t("custPin.dialogText")}
      testid="pin-dialog"
    >
      <h3 class="small">{t("custPin.title")}</h3>
      <PinNow customer={props.customer} />
      <form class="form" onSubmit={submit} noValidate>
        <div class="pin-fields">
          {field("lat", lat, setLat)}
          {field("lng", lng, setLng)}
        </div>
        <div class="row gap wrap">
          <button type="button" class="btn secondary small" onClick={useMine} disabled={locating()} data-testid="pin-use-mine">
            <Icon name="target" size={16} /> {t("custPin.useMine")}
          </button>
          <Show when={note()}>
            <span class="muted small" role="status" data-testid="pin-note">
              {note()}
            </span>
          </Show>
        </div>
        <Show when={formError()}>
          <p class="form-error" role="alert" data-testid="pin-error">
            {formError()}
          </p>
        </Show>
        <Show when={said()}>
          <p class="status-ok" role="status" data-testid="pin-said">
            ✓ {said()}
          </p>
        </Show>
        <Show when={clearing()}>
          <div class="banner warn" role="alert" data-testid="pin-clear-confirm">
            <strong>{t("custPin.clearTitle", { name: props.customer.name })}</strong> {t("custPin.clearText")}
            <div class="row gap">
              <button type="button" class="btn secondary small" onClick={() => setClearing(false)}>
                {t("custPin.cancel")}
              </button>
              <button
                type="button"
                class="btn danger small"
                disabled={busy()}
                onClick={() => void run(() => clearPin(props.customer.id), t("custPin.cleared"))}
                data-testid="pin-clear-yes"
              >
                {t("custPin.clearYes")}
              </button>
            </div>
          </div>
        </Show>
        <div class="modal-actions">
          <Show when={pinOf(props.customer) && !clearing()}>
            <button type="button" class="btn secondary" onClick={() => setClearing(true)} data-testid="pin-clear">
              {t("custPin.clear")}
            </button>
          </Show>
          <button type="button" class="btn secondary" onClick={() => props.onClose()}>
            {t("action.close")}
          </button>
          <button type="submit" class="btn primary" disabled={busy()} data-testid="pin-save">
            {t("custPin.save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
