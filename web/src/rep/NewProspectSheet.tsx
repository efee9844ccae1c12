import { Dialog } from "@kobalte/core/dialog";
import { createSignal, For, Show } from "solid-js";
import { t } from "../i18n/index.ts";
import { addCustomer } from "../offline/outbox.ts";
import { Icon } from "../ui/icons.tsx";

type Kind = "group" | "individual";
const kinds: Kind[] = ["group", "individual"];

/** What the server accepts (customers/schemas.ts), checked before the phone saves it. */
export function checkProspect(v: { name: string; phone: string; notes: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  const name = v.name.trim();
  if (!name) errors.name = t("prospect.nameRequired");
  else if (name.length > 200) errors.name = t("prospect.tooLong", { n: 200 });
  const phone = v.phone.trim();
  if (phone && !/^\+?[0-9][0-9 ()-]{4,38}$/.test(phone)) errors.phone = t("prospect.phoneInvalid");
  if (v.notes.trim().length > 2000) errors.notes = t("prospect.tooLong", { n: 2000 });
  return errors;
}

/**
 * A new prospect in a few taps: name, group or individual, phone, a note. Saved on
 * the phone at once (it works offline) and sent once when the network allows.
 */
export function NewProspectSheet(props: { open: boolean; onClose: () => void; onSaved: (id: string, name: string) => void }) {
  const [name, setName] = createSignal("");
  const [kind, setKind] = createSignal<Kind>("group");
  const [phone, setPhone] = createSignal("");
  const [notes, setNotes] = createSignal("");
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  let nameInput: HTMLInputElement | undefined;

  function reset() {
    setName("");
    setKind("group");
    setPhone("");
    setNotes("");
    setErrors({});
  }

  function submit(e: SubmitEvent) {
    e.preventDefault();
    const errs = checkProspect({ name: name(), phone: phone(), notes: notes() });
    setErrors(errs);
    if (Object.keys(errs).length) {
      if (errs.name) nameInput?.focus();
      return;
    }
    const id = addCustomer({ name: name(), kind: kind(), phone: phone(), notes: notes() });
    const saved = name().trim();
    reset();
    props.onSaved(id, saved);
  }

  const invalid = (f: string) => (errors()[f] ? "true" : undefined);

  return (
    <Dialog
      open={props.open}
      onOpenChange={(o) => {
        if (!o) {
          reset();
          props.onClose();
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay class="sheet-overlay" />
        <div class="sheet-position">
          <Dialog.Content class="sheet" data-testid="prospect-sheet">
            <div class="sheet-head">
              <div>
                <Dialog.Title class="sheet-title">{t("prospect.title")}</Dialog.Title>
                <Dialog.Description class="sheet-sub">{t("prospect.sub")}</Dialog.Description>
              </div>
              <Dialog.CloseButton class="icon-btn" aria-label={t("action.close")}>
                <Icon name="declined" />
              </Dialog.CloseButton>
            </div>
            <form class="form" onSubmit={submit} novalidate>
              <label class="field">
                <span>{t("prospect.name")}</span>
                <input
                  ref={nameInput}
                  name="name"
                  autocomplete="off"
                  maxlength={200}
                  value={name()}
                  onInput={(e) => setName(e.currentTarget.value)}
                  aria-invalid={invalid("name")}
                  aria-describedby="prospect-err-name"
                  data-testid="prospect-name"
                />
                <Show when={errors().name}>
                  <span class="field-error" id="prospect-err-name" role="alert">
                    {errors().name}
                  </span>
                </Show>
              </label>
              <fieldset class="field">
                <legend class="field-legend">{t("prospect.kind")}</legend>
                <div class="seg block-seg">
                  <For each={kinds}>
                    {(k) => (
                      <button
                        type="button"
                        aria-pressed={kind() === k}
                        classList={{ active: kind() === k }}
                        onClick={() => setKind(k)}
                        data-testid={`prospect-kind-${k}`}
                      >
                        <Icon name={k === "group" ? "board" : "user"} size={16} /> {t(`kind.${k}`)}
                      </button>
                    )}
                  </For>
                </div>
              </fieldset>
              <label class="field">
                <span>
                  {t("prospect.phone")} <span class="muted small">{t("prospect.optional")}</span>
                </span>
                <input
                  name="phone"
                  type="tel"
                  inputmode="tel"
                  autocomplete="off"
                  maxlength={40}
                  value={phone()}
                  onInput={(e) => setPhone(e.currentTarget.value)}
                  aria-invalid={invalid("phone")}
                  aria-describedby="prospect-err-phone"
                  data-testid="prospect-phone"
                />
                <Show when={errors().phone}>
                  <span class="field-error" id="prospect-err-phone" role="alert">
                    {errors().phone}
                  </span>
                </Show>
              </label>
              <label class="field">
                <span>
                  {t("prospect.note")} <span class="muted small">{t("prospect.optional")}</span>
                </span>
                <textarea
                  name="notes"
                  rows={2}
                  value={notes()}
                  placeholder={t("prospect.notePlaceholder")}
                  onInput={(e) => setNotes(e.currentTarget.value)}
                  aria-invalid={invalid("notes")}
                  aria-describedby="prospect-err-notes"
                  data-testid="prospect-note"
                />
                <Show when={errors().notes}>
                  <span class="field-error" id="prospect-err-notes" role="alert">
                    {errors().notes}
                  </span>
                </Show>
              </label>
              <button type="submit" class="btn primary block" data-testid="prospect-save">
                <Icon name="plus" size={20} /> {t("prospect.save")}
              </button>
            </form>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}
