import { createEffect, createSignal, on, Show } from "solid-js";
import { ApiError } from "../api.ts";
import { type ContactCheck, checkOf, checkText } from "../board/checks.ts";
import { dateTime } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { Icon } from "../ui/icons.tsx";
import { REASON_MAX, reasonFits } from "../ui/reason.ts";
import { Modal } from "./Modal.tsx";
import { acceptContact, refusalCodes } from "./verifyApi.ts";

/** What the dialog needs of the contact it accepts. */
export interface AcceptTarget {
  id: string;
  channel: string;
  occurredAt: string;
  customer: string;
  check: ContactCheck;
}

/** The refusals this action can meet, in the reader's words (the server sends codes). */
const known: Record<string, MessageKey> = {
  already_accepted: "checks.error.already_accepted",
  on_site: "checks.error.on_site",
  not_in_person: "checks.error.not_in_person",
  voided: "checks.error.voided",
  already_voided: "checks.error.voided",
};

export function acceptErrorText(err: unknown): string {
  const word = refusalCodes(err)
    .map((c) => known[c])
    .find(Boolean);
  if (word) return t(word);
  if (err instanceof ApiError && err.status === 403) return t("checks.error.forbidden");
  if (err instanceof ApiError && err.status === 404) return t("checks.error.not_found");
  return describe(err);
}

/**
 * Accept an off-site or unverified visit with a reason (POST /contacts/:id/accept).
 * `onDone` gets the contact's new check; `onStale` is told when the server says the
 * list is out of date (already accepted, voided), so the screen reads it again.
 */
export function AcceptDialog(props: {
  target: AcceptTarget | null;
  onClose: () => void;
  onDone: (id: string, check: ContactCheck | null) => void;
  onStale: () => void;
}) {
  const [reason, setReason] = createSignal("");
  const [error, setError] = createSignal("");
  const [fieldError, setFieldError] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  createEffect(
    on(
      () => props.target?.id,
      () => {
        setReason("");
        setError("");
        setFieldError("");
      },
    ),
  );
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const target = props.target;
    if (!target) return;
    const text = reason().trim();
    if (!reasonFits(text)) {
      setFieldError(t("checks.reasonRule"));
      return;
    }
    setFieldError("");
    setError("");
    setBusy(true);
    try {
      const contact = await acceptContact(target.id, text);
      props.onDone(target.id, checkOf(contact));
    } catch (err) {
      if (err instanceof ApiError && (err.fields.reason || err.fieldCodes.reason)) setFieldError(t("checks.reasonRule"));
      else setError(acceptErrorText(err));
      const codes = refusalCodes(err);
      if (codes.some((c) => c in known) || (err instanceof ApiError && err.status === 404)) props.onStale();
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={props.target !== null}
      onClose={props.onClose}
      title={t("checks.acceptTitle")}
      description={t("checks.acceptText")}
      testid="accept-dialog"
    >
      <Show when={props.target}>
        {(x) => (
          <form class="form" onSubmit={submit} noValidate>
            <p class="strong" data-testid="accept-what">
              {t("checks.acceptWhat", {
                channel: t(`channel.${x().channel}` as MessageKey),
                customer: x().customer,
                time: dateTime(x().occurredAt),
                state: checkText(x().check),
              })}
            </p>
            <label class="field">
              <span>{t("checks.reason")}</span>
              <textarea
                rows={3}
                maxLength={REASON_MAX}
                value={reason()}
                onInput={(e) => {
                  setReason(e.currentTarget.value);
                  setFieldError("");
                }}
                aria-invalid={Boolean(fieldError())}
                aria-describedby={fieldError() ? "accept-reason-error accept-reason-help" : "accept-reason-help"}
                data-testid="accept-reason"
              />
              <span class="muted small" id="accept-reason-help">
                {t("checks.reasonHelp")}
              </span>
              <Show when={fieldError()}>
                <span class="field-error" id="accept-reason-error" role="alert">
                  {fieldError()}
                </span>
              </Show>
            </label>
            <Show when={error()}>
              <p class="form-error" role="alert" data-testid="accept-error">
                {error()}
              </p>
            </Show>
            <div class="modal-actions">
              <button type="button" class="btn secondary" onClick={() => props.onClose()}>
                {t("checks.cancel")}
              </button>
              <button type="submit" class="btn primary" disabled={busy()} data-testid="accept-confirm">
                <Icon name="signed" size={16} /> {t("checks.acceptYes")}
              </button>
            </div>
          </form>
        )}
      </Show>
    </Modal>
  );
}
