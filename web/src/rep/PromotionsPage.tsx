import { createSignal, For, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { count, dateTime, isoWithOffset, money } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { useLiveSoon } from "../live.ts";
import { describe } from "./errors.ts";
import { FieldMsg } from "./Sheet.tsx";

/** A `datetime-local` value (this device's time) as the API's instant with an offset. */
const instantOf = (local: string) => (local ? isoWithOffset(new Date(local)) : "");

/**
 * 第五条 1.2 on the rep's phone: their public promotions with each one's status (and a
 * refusal's reason), and the form to ask for one — where, when, which cards, how many
 * contacts they expect. Only an approved one can be named on a contact or a sale.
 */
export function PromotionsPage() {
  const list = useData(
    () => "promotions:mine",
    () => data(client.promotions.$get({ query: { limit: "50" } })),
    { persist: false },
  );
  const types = useData(
    () => "card-types",
    () => data(client["card-types"].$get()),
  );
  const active = () => (types.data()?.items ?? []).filter((x) => x.active);
  // a manager's decision shows at once
  useLiveSoon(["promotion:changed"], () => void list.refetch());

  const [place, setPlace] = createSignal("");
  const [starts, setStarts] = createSignal("");
  const [ends, setEnds] = createSignal("");
  const [cards, setCards] = createSignal<string[]>([]);
  const [expected, setExpected] = createSignal("20");
  const [note, setNote] = createSignal("");
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [refusal, setRefusal] = createSignal("");
  const [sent, setSent] = createSignal(false);
  const [busy, setBusy] = createSignal(false);

  function toggle(id: string) {
    setCards(cards().includes(id) ? cards().filter((x) => x !== id) : [...cards(), id]);
  }

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!place().trim()) errs.place = t("promo.placeRequired");
    if (!starts() || !ends()) errs.time = t("promo.timeRequired");
    if (cards().length === 0) errs.cards = t("promo.pickCards");
    const n = Number(expected());
    if (!/^\d+$/.test(expected().trim()) || !Number.isSafeInteger(n)) errs.expected = t("promo.expectedInvalid");
    setErrors(errs);
    setRefusal("");
    setSent(false);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      await data(
        client.promotions.$post({
          json: {
            place: place().trim(),
            startsAt: instantOf(starts()),
            endsAt: instantOf(ends()),
            cardTypeIds: cards(),
            expectedContacts: n,
            ...(note().trim() ? { note: note().trim() } : {}),
          },
        }),
      );
      setPlace("");
      setStarts("");
      setEnds("");
      setCards([]);
      setNote("");
      setSent(true);
      void list.refetch();
    } catch (err) {
      setRefusal(describe(err));
    } finally {
      setBusy(false);
    }
  }

  async function cancel(id: string) {
    try {
      await data(client.promotions[":id"].cancel.$post({ param: { id } }));
      void list.refetch();
    } catch (err) {
      setRefusal(describe(err));
    }
  }

  return (
    <div class="page promotions-page">
      <h1>{t("promo.title")}</h1>
      <p class="muted small">{t("promo.repHelp")}</p>
      <Show when={list.data()} fallback={<p class="muted">{list.error() ? describe(list.error()) : ""}</p>}>
        <Show when={(list.data()?.items.length ?? 0) > 0} fallback={<p class="muted">{t("promo.empty")}</p>}>
          <ul class="timeline" data-testid="my-promotions">
            <For each={list.data()?.items ?? []}>
              {(p) => (
                <li class="card" data-testid="my-promotion" data-status={p.status}>
                  <div>
                    <strong>{p.place}</strong> ·{" "}
                    <span data-testid="my-promotion-status">{t(`promo.status.${p.status}` as MessageKey)}</span>
                  </div>
                  <div class="muted small">
                    {dateTime(p.startsAt)} – {dateTime(p.endsAt)} · {t("promo.expectedN", { n: p.expectedContacts })}
                  </div>
                  <Show when={p.reason}>
                    <div class="small">{t("promo.reasonWas", { reason: p.reason ?? "" })}</div>
                  </Show>
                  <Show when={p.status === "approved"}>
                    <div class="small">
                      {t("promo.contacts", { n: count(p.contacts) })} · {t("promo.sales", { n: count(p.cardSales) })} · {money(p.revenue)}
                    </div>
                  </Show>
                  <Show when={(p.status === "requested" || p.status === "approved") && new Date(p.startsAt).getTime() > Date.now()}>
                    <button type="button" class="btn secondary small" onClick={() => void cancel(p.id)}>
                      {t("promo.cancel")}
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>

      <form class="card form" onSubmit={submit} novalidate aria-labelledby="promo-form-title" data-testid="promotion-form">
        <h2 id="promo-form-title">{t("promo.ask")}</h2>
        <label class="field">
          <span>{t("promo.place")}</span>
          <input
            name="place"
            maxLength={200}
            value={place()}
            onInput={(e) => setPlace(e.currentTarget.value)}
            aria-invalid={errors().place ? "true" : undefined}
            aria-describedby="promo-err-place"
            data-testid="promotion-place"
          />
          <FieldMsg id="promo-err-place" msg={errors().place} />
        </label>
        <label class="field">
          <span>{t("promo.starts")}</span>
          <input
            type="datetime-local"
            name="startsAt"
            value={starts()}
            onInput={(e) => setStarts(e.currentTarget.value)}
            aria-describedby="promo-err-time"
            data-testid="promotion-starts"
          />
        </label>
        <label class="field">
          <span>{t("promo.ends")}</span>
          <input
            type="datetime-local"
            name="endsAt"
            value={ends()}
            onInput={(e) => setEnds(e.currentTarget.value)}
            aria-describedby="promo-err-time"
            data-testid="promotion-ends"
          />
          <FieldMsg id="promo-err-time" msg={errors().time} />
        </label>
        <fieldset class="field">
          <legend class="field-legend">{t("promo.cards")}</legend>
          <div class="pick-list" aria-describedby="promo-err-cards">
            <For each={active()}>
              {(x) => (
                <button
                  type="button"
                  class="pick-item"
                  aria-pressed={cards().includes(x.id)}
                  classList={{ active: cards().includes(x.id) }}
                  onClick={() => toggle(x.id)}
                  data-testid="promotion-card"
                  data-name={x.name}
                >
                  <span>{x.name}</span>
                  <span class="muted">{money(x.listPrice)}</span>
                </button>
              )}
            </For>
          </div>
          <FieldMsg id="promo-err-cards" msg={errors().cards} />
        </fieldset>
        <label class="field">
          <span>{t("promo.expected")}</span>
          <input
            name="expectedContacts"
            inputmode="numeric"
            value={expected()}
            onInput={(e) => setExpected(e.currentTarget.value)}
            aria-invalid={errors().expected ? "true" : undefined}
            aria-describedby="promo-err-expected"
            data-testid="promotion-expected"
          />
          <FieldMsg id="promo-err-expected" msg={errors().expected} />
        </label>
        <label class="field">
          <span>{t("promo.note")}</span>
          <textarea rows={2} maxLength={1000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        <Show when={refusal()}>
          <p class="form-error" role="alert" data-testid="promotion-refused">
            {refusal()}
          </p>
        </Show>
        <Show when={sent()}>
          <p class="banner ok" role="status" data-testid="promotion-sent">
            {t("promo.sent")}
          </p>
        </Show>
        <button type="submit" class="btn primary block" disabled={busy()} data-testid="promotion-submit">
          {t("promo.submit")}
        </button>
      </form>
    </div>
  );
}
