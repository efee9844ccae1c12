import { createEffect, createSignal, For, on, Show } from "solid-js";
import { type Customer, client, data, NetworkError } from "../api.ts";
import { useData } from "../cache.ts";
import { clubMonth, money } from "../format.ts";
import { t } from "../i18n/index.ts";
import { Icon } from "../ui/icons.tsx";
import { PromotionsChoice, usePromotionChoice } from "./PromotionsChoice.tsx";
import { FieldMsg, Sheet } from "./Sheet.tsx";
import { moneyError, parseYuan } from "./sales.ts";

/**
 * 第五条 一 1.1: a card is sold at its list price. Picking a card type fills its list
 * price in; another price needs a manager's approval, and the server refuses a rep's
 * sale at any other price (422, no pending approval), so the screen says so and does
 * not send it. The sale makes a prospect a card customer (the server does it).
 */
export function CardSaleSheet(props: { customer: Customer | null; onClose: () => void; onSold: (text: string) => void }) {
  const types = useData(
    () => (props.customer ? "card-types" : null),
    () => data(client["card-types"].$get()),
  );
  const active = () => (types.data()?.items ?? []).filter((x) => x.active);
  const [typeId, setTypeId] = createSignal<string | null>(null);
  const [price, setPrice] = createSignal("");
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [refusal, setRefusal] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  // 第五条 1.2: a card sold at an approved promotion open now names it
  const promotion = usePromotionChoice(() => props.customer !== null);
  const chosen = () => active().find((x) => x.id === typeId());
  const parsed = () => parseYuan(price());
  // One key per sale being made: a retry after a lost answer is answered with the first sale, not sold twice.
  let key = crypto.randomUUID();
  const offList = () => chosen() !== undefined && parsed() !== null && parsed() !== chosen()?.listPrice;

  // A reloaded list (the list price changed) fills the new list price in.
  createEffect(
    on(
      () => chosen()?.listPrice,
      (p) => p !== undefined && setPrice(String(p)),
    ),
  );

  function pick(id: string) {
    setTypeId(id);
    const c = active().find((x) => x.id === id);
    if (c) setPrice(String(c.listPrice));
    setErrors({});
    setRefusal("");
  }

  function close() {
    setTypeId(null);
    setPrice("");
    setErrors({});
    setRefusal("");
    props.onClose();
  }

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!chosen()) errs.type = t("repSale.pickType");
    if (parsed() === null) errs.price = t("repMoney.invalid");
    setErrors(errs);
    setRefusal("");
    const c = props.customer;
    const type = chosen();
    if (Object.keys(errs).length || !c || !type || offList()) return;
    setBusy(true);
    try {
      const sale = await data(
        client["card-sales"].$post(
          {
            json: {
              customerId: c.id,
              cardTypeId: type.id,
              price: type.listPrice,
              ...(promotion.chosen() ? { promotionId: promotion.chosen() } : {}),
            },
          },
          { headers: { "Idempotency-Key": key } },
        ),
      );
      key = crypto.randomUUID();
      props.onSold(t("repSale.done", { card: type.name, price: money(sale.price) }));
      close();
    } catch (err) {
      // A refusal gives the key up; only an answer lost on the way keeps it for the retry.
      if (!(err instanceof NetworkError)) key = crypto.randomUUID();
      setRefusal(moneyError(err, clubMonth()));
      void types.refetch();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Sheet open={props.customer !== null} onClose={close} title={t("repSale.title")} sub={props.customer?.name ?? ""} testid="sale-sheet">
      <form class="form" onSubmit={submit} novalidate>
        <fieldset class="field">
          <legend class="field-legend">{t("repSale.type")}</legend>
          <Show when={types.data()} fallback={<p class="muted">{types.error() ? moneyError(types.error()) : t("repSale.loadingTypes")}</p>}>
            <Show when={active().length > 0} fallback={<p class="muted">{t("repSale.noTypes")}</p>}>
              <div class="pick-list" aria-describedby="sale-err-type">
                <For each={active()}>
                  {(x) => (
                    <button
                      type="button"
                      class="pick-item"
                      aria-pressed={typeId() === x.id}
                      classList={{ active: typeId() === x.id }}
                      onClick={() => pick(x.id)}
                      data-testid="sale-type"
                      data-name={x.name}
                    >
                      <span>{x.name}</span>
                      <span class="muted">{money(x.listPrice)}</span>
                    </button>
                  )}
                </For>
              </div>
            </Show>
          </Show>
          <FieldMsg id="sale-err-type" msg={errors().type} />
        </fieldset>
        <label class="field">
          <span>
            {t("repSale.price")}
            <Show when={chosen()}>
              {(c) => <span class="muted small"> · {t("repSale.listPrice", { price: money(c().listPrice) })}</span>}
            </Show>
          </span>
          <input
            name="price"
            inputmode="decimal"
            autocomplete="off"
            value={price()}
            onInput={(e) => setPrice(e.currentTarget.value)}
            aria-invalid={errors().price || offList() ? "true" : undefined}
            aria-describedby="sale-err-price sale-offlist"
            data-testid="sale-price"
          />
          <FieldMsg id="sale-err-price" msg={errors().price} />
        </label>
        <div id="sale-offlist" role="status">
          <Show when={offList()}>
            <div class="banner failed sale-offlist" data-testid="sale-offlist">
              <Icon name="lock" size={18} />
              <span>{t("repSale.offList")}</span>
            </div>
            <button type="button" class="btn secondary block" onClick={() => setPrice(String(chosen()?.listPrice ?? ""))}>
              {t("repSale.useList")}
            </button>
          </Show>
        </div>
        <PromotionsChoice choice={promotion} />
        <Show when={props.customer?.status !== "active"}>
          <p class="muted small">{t("repSale.becomesActive")}</p>
        </Show>
        <Show when={refusal()}>
          <p class="form-error" role="alert" data-testid="sale-refused">
            {refusal()}
          </p>
        </Show>
        <button type="submit" class="btn primary block" disabled={busy() || offList()} data-testid="sale-submit">
          <Icon name="signed" size={20} /> {t("repSale.submit")}
        </button>
      </form>
    </Sheet>
  );
}
