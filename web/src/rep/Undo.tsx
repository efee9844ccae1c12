import { createSignal, Show } from "solid-js";
import { client, data } from "../api.ts";
import { t } from "../i18n/index.ts";
import { takeBack } from "../offline/outbox.ts";
import { Icon } from "../ui/icons.tsx";
import { REASON_MAX, reasonFits } from "../ui/reason.ts";
import { describe } from "./errors.ts";
import { FieldMsg, Sheet } from "./Sheet.tsx";

/** How long after logging a tap on "Undo" voids at once, with the default reason (误操作 / mis-tap). */
export const QUICK_UNDO_MS = 2 * 60_000;

/** Void a contact on the server (POST /contacts/:id/void), once even if the answer is lost and it is retried. */
export async function voidContact(id: string, reason: string) {
  return data(
    client.contacts[":id"].void.$post({ param: { id }, json: { reason } }, { headers: { "Idempotency-Key": crypto.randomUUID() } }),
  );
}

export type UndoResult = { removed: true } | { reason: string };

/**
 * "撤销 / Undo" on a contact: one still waiting on the phone is removed from the
 * outbox (never sent); a sent one is voided — at once with the default reason within
 * QUICK_UNDO_MS of logging, otherwise after the rep says why.
 */
export function UndoButton(props: {
  /** the outbox key, for a contact logged on this phone */
  queueKey?: string | undefined;
  /** the server id, for a contact the server has */
  id?: string | undefined;
  loggedAt: string;
  label: string;
  onDone: (r: UndoResult) => void;
}) {
  const [asking, setAsking] = createSignal(false);
  const [reason, setReason] = createSignal("");
  const [err, setErr] = createSignal("");
  const [refusal, setRefusal] = createSignal("");
  const [busy, setBusy] = createSignal(false);

  async function serverId(): Promise<string | { removed: true } | undefined> {
    if (props.queueKey) {
      const r = await takeBack(props.queueKey);
      if (r && "removed" in r) return r;
      if (r) return r.id;
    }
    return props.id;
  }

  async function tap() {
    setRefusal("");
    setBusy(true);
    try {
      const target = await serverId();
      if (target === undefined) return;
      if (typeof target !== "string") return props.onDone(target);
      if (Date.now() - new Date(props.loggedAt).getTime() <= QUICK_UNDO_MS) {
        const r = t("repUndo.defaultReason");
        await voidContact(target, r);
        return props.onDone({ reason: r });
      }
      setAsking(true);
    } catch (e) {
      setRefusal(describe(e));
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: SubmitEvent) {
    e.preventDefault();
    const r = reason().trim();
    setErr(reasonFits(r) ? "" : t("repUndo.reasonShort"));
    if (err()) return;
    setBusy(true);
    setRefusal("");
    try {
      const id = await serverId();
      if (typeof id === "string") await voidContact(id, r);
      setAsking(false);
      props.onDone({ reason: r });
    } catch (e2) {
      setRefusal(describe(e2));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        class="btn secondary small undo-btn"
        aria-label={props.label}
        disabled={busy()}
        onClick={() => void tap()}
        data-testid="undo"
      >
        <Icon name="back" size={16} /> {t("repUndo.action")}
      </button>
      <Show when={refusal() && !asking()}>
        <span class="field-error" role="alert">
          {refusal()}
        </span>
      </Show>
      <Sheet open={asking()} onClose={() => setAsking(false)} title={t("repUndo.title")} sub={t("repUndo.sub")} testid="undo-sheet">
        <form class="form" onSubmit={confirm} novalidate>
          <label class="field">
            <span>{t("repUndo.reason")}</span>
            <input
              name="reason"
              autocomplete="off"
              maxlength={REASON_MAX}
              value={reason()}
              onInput={(e) => {
                setReason(e.currentTarget.value);
                setErr("");
              }}
              aria-invalid={err() ? "true" : undefined}
              aria-describedby="undo-err-reason"
              data-testid="undo-reason"
            />
            <FieldMsg id="undo-err-reason" msg={err()} />
          </label>
          <Show when={refusal()}>
            <p class="form-error" role="alert">
              {refusal()}
            </p>
          </Show>
          <div class="undo-actions">
            <button type="button" class="btn secondary" onClick={() => setAsking(false)}>
              {t("repUndo.cancel")}
            </button>
            <button type="submit" class="btn primary" disabled={busy()} data-testid="undo-confirm">
              {t("repUndo.confirm")}
            </button>
          </div>
        </form>
      </Sheet>
    </>
  );
}
