import { Dialog } from "@kobalte/core/dialog";
import { createSignal, For, Match, Show, Switch } from "solid-js";
import type { Customer } from "../api.ts";
import { clock, isoWithOffset } from "../format.ts";
import { t } from "../i18n/index.ts";
import { holdWhileEditing, logContact, release } from "../offline/outbox.ts";
import type { Channel, Outcome } from "../types.ts";
import { Icon } from "../ui/icons.tsx";
import { PromotionsChoice, usePromotionChoice } from "./PromotionsChoice.tsx";
import { UndoButton } from "./Undo.tsx";
import { CheckResult, PinHereBox, PositionNote } from "./VisitCheck.tsx";
import { useVisitCheck } from "./visit-preview.ts";

const channels: Channel[] = ["visit", "demo", "phone", "letter"];
const outcomes: Outcome[] = ["none", "interested", "signed", "declined"];

/**
 * Log a contact in two more taps after choosing the customer: channel, then
 * outcome, which saves (on the device at once, to the server as soon as it can).
 * The note comes after saving and is optional.
 */
export function LogSheet(props: { customer: Customer | null; onClose: () => void; onOpenCard: (id: string) => void }) {
  const [channel, setChannel] = createSignal<Channel | null>(null);
  const [savedKey, setSavedKey] = createSignal<string | null>(null);
  const [note, setNote] = createSignal("");
  const [savedAt, setSavedAt] = createSignal("");
  const [undone, setUndone] = createSignal("");
  // 第五条 1.2: a contact made at an approved promotion open now names it (the only one is chosen by default)
  const promotion = usePromotionChoice(() => props.customer !== null);
  // 第六条: a visit or demo carries the position read once, now (verified visits)
  const visit = useVisitCheck(() => props.customer, savedKey);
  const inPerson = () => channel() === "visit" || channel() === "demo";

  function reset() {
    setChannel(null);
    setSavedKey(null);
    setNote("");
    setUndone("");
    visit.reset();
  }

  function close() {
    const key = savedKey();
    if (key) release(key, note());
    reset();
    props.onClose();
  }

  function save(outcome: Outcome) {
    const c = props.customer;
    const ch = channel();
    if (!c || !ch) return;
    setSavedAt(new Date().toISOString());
    const promotionId = promotion.chosen();
    const occurredAt = isoWithOffset();
    const key = logContact({
      customerId: c.id,
      customerName: c.name,
      channel: ch,
      outcome,
      occurredAt,
      ...(promotionId ? { promotionId } : {}),
      ...(inPerson() ? visit.fields() : {}),
    });
    setSavedKey(key);
    if (inPerson()) visit.read(key, occurredAt);
  }

  return (
    <Dialog open={props.customer !== null} onOpenChange={(open) => !open && close()}>
      <Dialog.Portal>
        <Dialog.Overlay class="sheet-overlay" />
        <div class="sheet-position">
          <Dialog.Content class="sheet" data-testid="log-sheet">
            <div class="sheet-head">
              <div>
                <Dialog.Title class="sheet-title">{props.customer?.name}</Dialog.Title>
                <Dialog.Description class="sheet-sub">
                  <Switch>
                    <Match when={undone()}>{undone()}</Match>
                    <Match when={savedKey()}>{t("log.savedSub")}</Match>
                    <Match when={channel()}>{t("log.pickOutcome")}</Match>
                    <Match when={true}>{t("log.pickChannel")}</Match>
                  </Switch>
                </Dialog.Description>
              </div>
              <Dialog.CloseButton class="icon-btn" aria-label={t("action.close")}>
                <Icon name="declined" />
              </Dialog.CloseButton>
            </div>
            <Switch>
              <Match when={undone()}>
                <div class="saved" data-testid="log-undone">
                  <p class="saved-title">
                    <Icon name="back" size={22} /> {undone()}
                  </p>
                  <button type="button" class="btn primary block" onClick={close} data-testid="log-done">
                    {t("action.done")}
                  </button>
                </div>
              </Match>
              <Match when={savedKey()}>
                <div class="saved" data-testid="log-saved">
                  <p class="saved-title">
                    <Icon name="signed" size={22} /> {t("log.saved")}
                  </p>
                  <Show when={visit.reading()}>
                    {(r) => (
                      <CheckResult
                        reading={r()}
                        preview={visit.preview()}
                        confirmed={visit.confirmed()}
                        pinned={visit.asked()}
                        pinDropped={visit.pinDropped()}
                      />
                    )}
                  </Show>
                  <label class="field">
                    <span>{t("log.noteLabel")}</span>
                    <textarea
                      rows={3}
                      value={note()}
                      placeholder={t("log.notePlaceholder")}
                      onInput={(e) => setNote(e.currentTarget.value)}
                      onFocus={() => holdWhileEditing(savedKey() ?? "", true)}
                      onBlur={() => holdWhileEditing(savedKey() ?? "", false)}
                    />
                  </label>
                  <div class="saved-actions">
                    <UndoButton
                      queueKey={savedKey() ?? undefined}
                      loggedAt={savedAt()}
                      label={t("repUndo.label", { what: t(`channel.${channel() as Channel}`), time: clock(savedAt() || Date.now()) })}
                      onDone={(r) => {
                        setSavedKey(null);
                        setUndone("removed" in r ? t("repUndo.removed") : t("repUndo.done", { reason: r.reason }));
                      }}
                    />
                    <button type="button" class="btn primary grow" onClick={close} data-testid="log-done">
                      {note().trim() ? t("log.saveNote") : t("action.done")}
                    </button>
                  </div>
                </div>
              </Match>
              <Match when={channel()}>
                <Show when={inPerson() && visit.canPin()}>
                  <PinHereBox checked={visit.pinHere()} onChange={visit.setPinHere} />
                </Show>
                <fieldset class="big-grid">
                  <legend class="sr-only">{t("log.outcome")}</legend>
                  <For each={outcomes}>
                    {(o) => (
                      <button type="button" class={`big-target outcome-${o}`} onClick={() => save(o)} data-testid={`outcome-${o}`}>
                        <Icon name={o} size={28} />
                        <span>{t(`outcome.${o}`)}</span>
                      </button>
                    )}
                  </For>
                </fieldset>
                <PromotionsChoice choice={promotion} />
                <button type="button" class="link-btn" onClick={() => setChannel(null)}>
                  <Icon name="back" size={16} /> {t(`channel.${channel() as Channel}`)} · {t("log.changeChannel")}
                </button>
              </Match>
              <Match when={true}>
                <fieldset class="big-grid">
                  <legend class="sr-only">{t("log.channel")}</legend>
                  <For each={channels}>
                    {(ch) => (
                      <button type="button" class="big-target" onClick={() => setChannel(ch)} data-testid={`channel-${ch}`}>
                        <Icon name={ch} size={28} />
                        <span>{t(`channel.${ch}`)}</span>
                        <small>{ch === "visit" || ch === "demo" ? t("log.inPerson") : t("log.remote")}</small>
                      </button>
                    )}
                  </For>
                </fieldset>
                {/* before a visit or demo is chosen: what its one reading of the position is for (first time only) */}
                <Show when={!visit.noteSeen()}>
                  <PositionNote days={visit.retentionDays()} onOk={visit.seeNote} />
                </Show>
                <PromotionsChoice choice={promotion} />
                <Show when={props.customer}>
                  {(c) => (
                    <button type="button" class="link-btn" onClick={() => props.onOpenCard(c().id)}>
                      {t("log.openCard")} <Icon name="chevron" size={16} />
                    </button>
                  )}
                </Show>
              </Match>
            </Switch>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}
