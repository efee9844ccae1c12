import { Dialog } from "@kobalte/core/dialog";
import { createMemo, createSignal, For, Show } from "solid-js";
import type { Customer } from "../api.ts";
import { t } from "../i18n/index.ts";
import { Empty } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import type { Ranked } from "./customers.ts";
import { loadPinyin, nameMatches } from "./pinyin.ts";

/** The big "Log contact" button: find a customer by name (overdue ones first), one tap picks. */
export function PickSheet(props: { open: boolean; ranked: Ranked[]; onPick: (c: Customer) => void; onClose: () => void }) {
  const [q, setQ] = createSignal("");
  const list = createMemo(() => {
    const s = q().trim();
    return (s ? props.ranked.filter((r) => nameMatches(r.c.name, s)) : props.ranked).slice(0, 50);
  });
  return (
    <Dialog
      open={props.open}
      onOpenChange={(o) => {
        if (!o) {
          setQ("");
          props.onClose();
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay class="sheet-overlay" />
        <div class="sheet-position">
          <Dialog.Content class="sheet tall" data-testid="pick-sheet">
            <div class="sheet-head">
              <Dialog.Title class="sheet-title">{t("pick.title")}</Dialog.Title>
              <Dialog.CloseButton class="icon-btn" aria-label={t("action.close")}>
                <Icon name="declined" />
              </Dialog.CloseButton>
            </div>
            <label class="search">
              <Icon name="search" size={18} />
              <span class="sr-only">{t("home.search")}</span>
              <input
                type="search"
                placeholder={t("home.search")}
                value={q()}
                onInput={(e) => setQ(e.currentTarget.value)}
                onFocus={() => void loadPinyin()}
              />
            </label>
            <Show when={list().length === 0}>
              <Empty icon="user">{t("home.noMatch")}</Empty>
            </Show>
            <ul class="pick-list">
              <For each={list()}>
                {(r) => (
                  <li>
                    <button
                      type="button"
                      class="pick-row"
                      onClick={() => {
                        setQ("");
                        props.onPick(r.c);
                      }}
                    >
                      <span class={`tier tier-${r.c.tier ?? "none"}`}>{r.c.tier ?? "–"}</span>
                      <span class="row-name">{r.c.name}</span>
                      <Show when={r.bucket === "overdue"}>
                        <span class="tag tag-overdue">{t("customer.overdueDays", { n: r.late })}</span>
                      </Show>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}
