import { createEffect, createSignal, For, on, Show } from "solid-js";
import { client, data } from "../api.ts";
import { clock } from "../format.ts";
import { t } from "../i18n/index.ts";

type Usable = { id: string; place: string; startsAt: string; endsAt: string };

/**
 * The rep's approved promotions open right now (第五条 1.2), read when `open` turns
 * true. With exactly one, it is chosen by default; the rep may choose none.
 */
export function usePromotionChoice(open: () => boolean) {
  const [usable, setUsable] = createSignal<Usable[]>([]);
  const [chosen, setChosen] = createSignal<string>("");
  createEffect(
    on(open, (o) => {
      if (!o) return;
      setUsable([]);
      setChosen("");
      data(client.promotions.$get({ query: { usableNow: "true", limit: "20" } }))
        .then((page) => {
          setUsable(page.items);
          setChosen(page.items.length === 1 ? (page.items[0]?.id ?? "") : "");
        })
        .catch(() => setUsable([]));
    }),
  );
  return { usable, chosen, setChosen };
}

/** The choice itself: shown only while an approved promotion is open. */
export function PromotionsChoice(props: { choice: ReturnType<typeof usePromotionChoice> }) {
  return (
    <Show when={props.choice.usable().length > 0}>
      <label class="field">
        <span>{t("promo.at")}</span>
        <select
          value={props.choice.chosen()}
          onChange={(e) => props.choice.setChosen(e.currentTarget.value)}
          data-testid="promotion-choice"
        >
          <option value="">{t("promo.none")}</option>
          <For each={props.choice.usable()}>
            {(p) => (
              <option value={p.id}>
                {p.place} · {clock(p.startsAt)}–{clock(p.endsAt)}
              </option>
            )}
          </For>
        </select>
      </label>
    </Show>
  );
}
