import { createEffect, createSignal, For, on, Show } from "solid-js";
import { ApiError, client, data } from "../api.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import type { Choice } from "../ui/Combobox.tsx";
import { TableHead } from "../ui/common.tsx";
import { REASON_MAX } from "../ui/reason.ts";
import { Modal } from "./Modal.tsx";
import { ReasonField, ReceiverField } from "./moveParts.tsx";

type Errors = Record<string, string>;
type Tiers = { A: number; B: number; C: number; none: number };
type Receiver = { repId: string; name: string; customers: number; plans: number; prospects: number; complaints: number; tiers: Tiers };
type Answer = {
  preview: boolean;
  moved: { customers: number; plans: number; prospects: number; complaints: number };
  kept: { prospects: number; complaints: number };
  receivers: Receiver[];
};

/** The server's field codes, worded (POST /reps/:id/handover). */
const ruleOf = (code: string | undefined): MessageKey | null =>
  code === "same_owner"
    ? "handover.sameRule"
    : code === "not_active_user"
      ? "handover.toRule"
      : code === "not_own"
        ? "handover.notOwn"
        : code === "too_few_items" || code === "repeated"
          ? "handover.receiversRule"
          : null;

/**
 * A rep's book handed over (POST /reps/:id/handover): all their customers, or the
 * chosen ones, with open plans, prospects in review and open complaints, to one rep
 * or spread over several by count or by tier. The manager previews the counts per
 * receiver (the same request with preview=true, nothing moved), then confirms.
 */
export function HandoverDialog(props: { from: Choice; customerIds?: string[]; onClose: () => void; onDone: (moved: number) => void }) {
  const [mode, setMode] = createSignal<"one" | "spread">("one");
  const [one, setOne] = createSignal<Choice | null>(null);
  const [many, setMany] = createSignal<Choice[]>([]);
  const [adding, setAdding] = createSignal<Choice | null>(null);
  const [by, setBy] = createSignal<"count" | "tier">("tier");
  const [plans, setPlans] = createSignal(true);
  const [prospects, setProspects] = createSignal(true);
  const [complaints, setComplaints] = createSignal(true);
  const [reason, setReason] = createSignal("");
  const [errors, setErrors] = createSignal<Errors>({});
  const [formError, setFormError] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [preview, setPreview] = createSignal<Answer | null>(null);
  const [done, setDone] = createSignal<Answer | null>(null);
  // any change to what was asked makes the preview stale
  createEffect(on([mode, one, many, by, plans, prospects, complaints], () => setPreview(null), { defer: true }));

  const receivers = () => (mode() === "one" ? (one() ? [one()!] : []) : many());
  function check(): boolean {
    const e: Errors = {};
    if (receivers().length === 0) e.to = t(mode() === "one" ? "handover.toRule" : "handover.receiversRule");
    const r = reason().trim();
    if (r.length < 1 || r.length > REASON_MAX) e.reason = t("reassign.reasonRule");
    setErrors(e);
    setFormError("");
    return Object.keys(e).length === 0;
  }
  async function send(asPreview: boolean) {
    if (!check()) return;
    setBusy(true);
    try {
      const to = mode() === "one" ? { repId: one()!.id } : { spread: { repIds: many().map((r) => r.id), by: by() } };
      const json = {
        ...(props.customerIds ? { customerIds: props.customerIds } : {}),
        to,
        reason: reason().trim(),
        plans: plans(),
        prospects: prospects(),
        complaints: complaints(),
        preview: asPreview,
      };
      const out = (await data(client.reps[":id"].handover.$post({ param: { id: props.from.id }, json }))) as Answer;
      if (asPreview) setPreview(out);
      else {
        setDone(out);
        props.onDone(out.moved.customers);
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setFormError(t("reassign.gone"));
      else if (err instanceof ApiError && Object.keys(err.fields).length > 0) {
        const e: Errors = {};
        for (const [k, v] of Object.entries(err.fields)) {
          const key = ruleOf(err.fieldCodes?.[k]?.code);
          if (k === "reason") e.reason = t("reassign.reasonRule");
          else if (k === "customerIds") setFormError(t(key ?? "handover.notOwn"));
          else e.to = key ? t(key) : String(v);
        }
        setErrors(e);
      } else setFormError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  const counts = (a: Answer) => (
    <table class="table" data-testid="handover-counts">
      <TableHead
        columns={[
          t("handover.colRep"),
          { num: t("handover.colCustomers") },
          { num: t("handover.colTiers") },
          { num: t("handover.colPlans") },
          { num: t("handover.colProspects") },
          { num: t("handover.colComplaints") },
        ]}
      />
      <tbody>
        <For each={a.receivers}>
          {(r) => (
            <tr data-testid="handover-receiver" data-rep={r.repId}>
              <td>{r.name}</td>
              <td class="num" data-testid="handover-receiver-customers">
                {r.customers}
              </td>
              <td class="num" data-testid="handover-receiver-tiers">
                {r.tiers.A} / {r.tiers.B} / {r.tiers.C}
              </td>
              <td class="num">{r.plans}</td>
              <td class="num">{r.prospects}</td>
              <td class="num">{r.complaints}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
  const kept = (a: Answer) => (
    <Show when={a.kept.prospects + a.kept.complaints > 0}>
      <p class="muted small">{t("handover.kept", { prospects: a.kept.prospects, complaints: a.kept.complaints })}</p>
    </Show>
  );
  const check2 = (label: MessageKey, value: () => boolean, set: (v: boolean) => void, testid: string) => (
    <label class="choice">
      <input type="checkbox" checked={value()} onChange={(e) => set(e.currentTarget.checked)} data-testid={testid} />
      <span>{t(label)}</span>
    </label>
  );

  return (
    <Modal
      open
      wide
      onClose={props.onClose}
      title={t("handover.titleOf", { name: props.from.label })}
      description={
        props.customerIds
          ? t("handover.whatChosen", { n: props.customerIds.length, name: props.from.label })
          : t("handover.what", { name: props.from.label })
      }
      testid="handover-dialog"
    >
      <Show
        when={done()}
        fallback={
          <form
            class="form"
            noValidate
            onSubmit={(ev) => {
              ev.preventDefault();
              void send(preview() === null);
            }}
          >
            <fieldset class="field">
              <legend>{t("handover.toWhom")}</legend>
              <label class="choice">
                <input
                  type="radio"
                  name="handover-mode"
                  checked={mode() === "one"}
                  onChange={() => setMode("one")}
                  data-testid="handover-one"
                />
                <span>{t("handover.toOne")}</span>
              </label>
              <label class="choice">
                <input
                  type="radio"
                  name="handover-mode"
                  checked={mode() === "spread"}
                  onChange={() => setMode("spread")}
                  data-testid="handover-spread"
                />
                <span>{t("handover.toSpread")}</span>
              </label>
            </fieldset>
            <Show
              when={mode() === "spread"}
              fallback={
                <ReceiverField
                  form="handover"
                  field="to"
                  label={t("handover.receiver")}
                  value={one()}
                  onChange={setOne}
                  exclude={[props.from.id]}
                  error={errors().to}
                  testid="handover-to"
                />
              }
            >
              <ReceiverField
                form="handover"
                field="to"
                label={t("handover.addReceiver")}
                value={adding()}
                onChange={(r) => {
                  if (r && !many().some((x) => x.id === r.id)) setMany([...many(), r]);
                  setAdding(null);
                }}
                exclude={[props.from.id, ...many().map((r) => r.id)]}
                error={errors().to}
                testid="handover-add"
              >
                <ul class="plain" data-testid="handover-receivers">
                  <For each={many()}>
                    {(r) => (
                      <li class="row gap" style={{ "align-items": "center" }}>
                        <span>{r.label}</span>
                        <button
                          type="button"
                          class="btn secondary small"
                          aria-label={t("handover.remove", { name: r.label })}
                          onClick={() => setMany(many().filter((x) => x.id !== r.id))}
                        >
                          ×
                        </button>
                      </li>
                    )}
                  </For>
                </ul>
              </ReceiverField>
              <fieldset class="field">
                <legend>{t("handover.by")}</legend>
                <label class="choice">
                  <input
                    type="radio"
                    name="handover-by"
                    checked={by() === "tier"}
                    onChange={() => setBy("tier")}
                    data-testid="handover-by-tier"
                  />
                  <span>{t("handover.byTier")}</span>
                </label>
                <label class="choice">
                  <input
                    type="radio"
                    name="handover-by"
                    checked={by() === "count"}
                    onChange={() => setBy("count")}
                    data-testid="handover-by-count"
                  />
                  <span>{t("handover.byCount")}</span>
                </label>
              </fieldset>
            </Show>
            <fieldset class="field">
              <legend>{t("handover.include")}</legend>
              {check2("handover.plans", plans, setPlans, "handover-plans")}
              {check2("handover.prospects", prospects, setProspects, "handover-prospects")}
              {check2("handover.complaints", complaints, setComplaints, "handover-complaints")}
            </fieldset>
            <ReasonField form="handover" value={reason()} onInput={setReason} error={errors().reason} />
            <Show when={preview()}>
              {(p) => (
                <section aria-live="polite" data-testid="handover-preview">
                  <h3>{t("handover.previewTitle")}</h3>
                  <Show when={p().moved.customers > 0} fallback={<p class="muted">{t("handover.nothing")}</p>}>
                    {counts(p())}
                  </Show>
                  {kept(p())}
                </section>
              )}
            </Show>
            <Show when={formError()}>
              <p class="form-error" role="alert" data-testid="handover-error">
                {formError()}
              </p>
            </Show>
            <div class="modal-actions">
              <button type="button" class="btn secondary" onClick={props.onClose}>
                {t("users.cancel")}
              </button>
              <Show
                when={preview()}
                fallback={
                  <button type="submit" class="btn primary" disabled={busy()} data-testid="handover-preview-button">
                    {t("handover.preview")}
                  </button>
                }
              >
                <button
                  type="submit"
                  class="btn primary"
                  disabled={busy() || (preview()?.moved.customers ?? 0) === 0}
                  data-testid="handover-confirm"
                >
                  {t("handover.confirm")}
                </button>
              </Show>
            </div>
          </form>
        }
      >
        {(a) => (
          <div data-testid="handover-done">
            <p class="banner ok" role="status">
              {t("handover.done", { n: a().moved.customers })}
            </p>
            {counts(a())}
            {kept(a())}
            <div class="modal-actions">
              <button type="button" class="btn primary" onClick={props.onClose} data-testid="handover-close">
                {t("action.done")}
              </button>
            </div>
          </div>
        )}
      </Show>
    </Modal>
  );
}
