import { createSignal, For, Show } from "solid-js";
import { ApiError, client, data, type User } from "../api.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { activeReps } from "../users.ts";
import { Modal } from "./Modal.tsx";

type Errors = Record<string, string>;
const REASON_MAX = 500;
const ruleOf: Record<string, MessageKey> = {
  toRepId: "reassign.toRule",
  fromRepId: "reassign.fromRule",
  reason: "reassign.reasonRule",
};

/**
 * Reassign customers to another rep with a reason (POST /customers/reassign): the
 * selected ones (`customerIds`), or every customer of a rep chosen here (`all`).
 */
export function ReassignDialog(props: {
  customerIds?: string[];
  /** With no customerIds: the rep whose customers move, chosen already (a rep's page). */
  fromRepId?: string;
  users: readonly User[];
  onClose: () => void;
  onDone: (moved: number, to: User) => void;
}) {
  const all = () => props.customerIds === undefined;
  const [from, setFrom] = createSignal(props.fromRepId ?? "");
  const [to, setTo] = createSignal("");
  const [reason, setReason] = createSignal("");
  const [errors, setErrors] = createSignal<Errors>({});
  const [formError, setFormError] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  // A disabled rep's customers are the ones most in need of a new owner: every rep is a source.
  const sources = () => props.users.filter((u) => u.role === "rep").sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
  const targets = () => activeReps(props.users).filter((u) => u.id !== from());

  function check(): boolean {
    const e: Errors = {};
    if (all() && !from()) e.fromRepId = t("reassign.fromRule");
    if (!to()) e.toRepId = t("reassign.toRule");
    else if (all() && to() === from()) e.toRepId = t("reassign.sameRep");
    const r = reason().trim();
    if (r.length < 1 || r.length > REASON_MAX) e.reason = t("reassign.reasonRule");
    setErrors(e);
    setFormError("");
    return Object.keys(e).length === 0;
  }
  async function submit(ev: SubmitEvent) {
    ev.preventDefault();
    if (!check()) return;
    setBusy(true);
    try {
      const json = all()
        ? { fromRepId: from(), toRepId: to(), reason: reason().trim() }
        : { customerIds: props.customerIds ?? [], toRepId: to(), reason: reason().trim() };
      const out = await data(client.customers.reassign.$post({ json }));
      const target = props.users.find((u) => u.id === to());
      if (target) props.onDone(out.moved, target);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setFormError(t("reassign.gone"));
      else if (err instanceof ApiError && Object.keys(err.fields).some((k) => ruleOf[k])) {
        const e: Errors = {};
        for (const k of Object.keys(err.fields)) if (ruleOf[k]) e[k] = t(ruleOf[k]);
        setErrors(e);
      } else setFormError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  const msg = (field: string) => (
    <Show when={errors()[field]}>
      <span class="field-error" id={`reassign-${field}-error`} role="alert">
        {errors()[field]}
      </span>
    </Show>
  );
  return (
    <Modal
      open
      onClose={props.onClose}
      title={t("reassign.title")}
      description={all() ? t("reassign.whatAll") : t("reassign.what", { n: props.customerIds?.length ?? 0 })}
      testid="reassign-dialog"
    >
      <form class="form" onSubmit={submit} noValidate>
        <Show when={all()}>
          <label class="field">
            <span>{t("reassign.from")}</span>
            <select
              value={from()}
              onChange={(e) => setFrom(e.currentTarget.value)}
              aria-invalid={Boolean(errors().fromRepId)}
              aria-describedby={errors().fromRepId ? "reassign-fromRepId-error" : undefined}
              data-testid="reassign-from"
            >
              <option value="">{t("reassign.choose")}</option>
              <For each={sources()}>
                {(u) => (
                  <option value={u.id}>
                    {u.name}
                    {u.disabled ? ` (${t("settings.disabled")})` : ""}
                  </option>
                )}
              </For>
            </select>
            {msg("fromRepId")}
          </label>
        </Show>
        <label class="field">
          <span>{t("reassign.to")}</span>
          <select
            value={to()}
            onChange={(e) => setTo(e.currentTarget.value)}
            aria-invalid={Boolean(errors().toRepId)}
            aria-describedby={errors().toRepId ? "reassign-toRepId-error" : undefined}
            data-testid="reassign-to"
          >
            <option value="">{t("reassign.choose")}</option>
            <For each={targets()}>{(u) => <option value={u.id}>{u.name}</option>}</For>
          </select>
          {msg("toRepId")}
        </label>
        <label class="field">
          <span>{t("reassign.reason")}</span>
          <textarea
            rows={3}
            value={reason()}
            onInput={(e) => setReason(e.currentTarget.value)}
            aria-invalid={Boolean(errors().reason)}
            aria-describedby={errors().reason ? "reassign-reason-error" : "reassign-reason-hint"}
            data-testid="reassign-reason"
          />
          <span class="muted small" id="reassign-reason-hint">
            {t("reassign.reasonHint")}
          </span>
          {msg("reason")}
        </label>
        <Show when={formError()}>
          <p class="form-error" role="alert" data-testid="reassign-error">
            {formError()}
          </p>
        </Show>
        <div class="modal-actions">
          <button type="button" class="btn secondary" onClick={props.onClose}>
            {t("users.cancel")}
          </button>
          <button type="submit" class="btn primary" disabled={busy()} data-testid="reassign-confirm">
            {t("reassign.confirm")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
