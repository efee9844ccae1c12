import { createSignal, Show } from "solid-js";
import { ApiError, client, data } from "../api.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import type { Choice } from "../ui/Combobox.tsx";
import { RepPicker } from "../ui/RepPicker.tsx";
import { REASON_MAX } from "../ui/reason.ts";
import { Modal } from "./Modal.tsx";
import { FieldError, ReasonField, ReceiverField } from "./moveParts.tsx";

type Errors = Record<string, string>;
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
  fromRep?: Choice;
  onClose: () => void;
  onDone: (moved: number, to: Choice) => void;
}) {
  const all = () => props.customerIds === undefined;
  const [fromRep, setFromRep] = createSignal<Choice | null>(props.fromRep ?? null);
  const [toRep, setToRep] = createSignal<Choice | null>(null);
  const from = () => fromRep()?.id ?? "";
  const to = () => toRep()?.id ?? "";
  const [reason, setReason] = createSignal("");
  const [errors, setErrors] = createSignal<Errors>({});
  const [formError, setFormError] = createSignal("");
  const [busy, setBusy] = createSignal(false);

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
      const target = toRep();
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
          <div class="field">
            {/* A disabled rep's customers are the ones most in need of a new owner: every rep is a source. */}
            <RepPicker
              label={t("reassign.from")}
              value={fromRep()}
              onChange={setFromRep}
              invalid={Boolean(errors().fromRepId)}
              describedBy={errors().fromRepId ? "reassign-fromRepId-error" : undefined}
              testid="reassign-from"
            />
            <FieldError form="reassign" field="fromRepId" error={errors().fromRepId} />
          </div>
        </Show>
        <ReceiverField
          form="reassign"
          field="toRepId"
          label={t("reassign.to")}
          value={toRep()}
          onChange={setToRep}
          exclude={from() ? [from()] : []}
          error={errors().toRepId}
          testid="reassign-to"
        />
        <ReasonField form="reassign" value={reason()} onInput={setReason} error={errors().reason} />
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
