import { createSignal, For, Show } from "solid-js";
import { type Customer, client, data, NetworkError } from "../api.ts";
import { useData } from "../cache.ts";
import { clubDay, dayLabel, money, monthLabel } from "../format.ts";
import { t } from "../i18n/index.ts";
import { Icon } from "../ui/icons.tsx";
import { FieldMsg, Sheet } from "./Sheet.tsx";
import { instantOnClubDay, lineName, moneyError, parseYuan } from "./sales.ts";

const CARD_LINE = "membership";

/**
 * Other revenue of one of the rep's customers: amount, business line (the club's
 * lines from settings), club day (today by default, never later). Membership money
 * from a customer without a card is a card sale (the server refuses it here), so
 * that line is not offered for a prospect.
 */
export function RevenueSheet(props: {
  customer: Customer | null;
  onClose: () => void;
  onSaved: (text: string) => void;
  onSellCard: () => void;
}) {
  const settings = useData(
    () => (props.customer ? "settings" : null),
    () => data(client.settings.$get()),
  );
  const noCard = () => props.customer?.status === "prospect" || props.customer?.status === "dropped";
  const lines = () =>
    (settings.data()?.businessLines ?? ["catering", "spa", "rooms", "golf", "fitness"]).filter((l) => !(noCard() && l === CARD_LINE));
  const [amount, setAmount] = createSignal("");
  const [line, setLine] = createSignal<string | null>(null);
  const [day, setDay] = createSignal(clubDay());
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [refusal, setRefusal] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  // One key per entry being filled in: a retry after a lost answer is answered with the first entry, not booked twice.
  let key = crypto.randomUUID();

  function close() {
    setAmount("");
    setLine(null);
    setDay(clubDay());
    setErrors({});
    setRefusal("");
    key = crypto.randomUUID();
    props.onClose();
  }

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const today = clubDay();
    const errs: Record<string, string> = {};
    const yuan = parseYuan(amount());
    if (yuan === null) errs.amount = t("repMoney.invalid");
    if (!line()) errs.line = t("repRevenue.pickLine");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day())) errs.day = t("repRevenue.noDate");
    else if (day() > today) errs.day = t("repRevenue.future");
    setErrors(errs);
    setRefusal("");
    const c = props.customer;
    const l = line();
    if (Object.keys(errs).length || !c || !l || yuan === null) return;
    setBusy(true);
    try {
      const entry = await data(
        client.revenue.$post(
          { json: { customerId: c.id, amount: yuan, businessLine: l, occurredAt: instantOnClubDay(day(), today) } },
          { headers: { "Idempotency-Key": key } },
        ),
      );
      key = crypto.randomUUID();
      props.onSaved(t("repRevenue.done", { amount: money(entry.amount), line: lineName(l), date: dayLabel(day()) }));
      close();
    } catch (err) {
      // A refusal gives the key up; only an answer lost on the way keeps it for the retry.
      if (!(err instanceof NetworkError)) key = crypto.randomUUID();
      setRefusal(moneyError(err, monthLabel(day().slice(0, 7))));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Sheet
      open={props.customer !== null}
      onClose={close}
      title={t("repRevenue.title")}
      sub={props.customer?.name ?? ""}
      testid="revenue-sheet"
    >
      <form class="form" onSubmit={submit} novalidate>
        <label class="field">
          <span>{t("repRevenue.amount")}</span>
          <input
            name="amount"
            inputmode="decimal"
            autocomplete="off"
            value={amount()}
            onInput={(e) => setAmount(e.currentTarget.value)}
            aria-invalid={errors().amount ? "true" : undefined}
            aria-describedby="rev-err-amount"
            data-testid="revenue-amount"
          />
          <FieldMsg id="rev-err-amount" msg={errors().amount} />
        </label>
        <fieldset class="field">
          <legend class="field-legend">{t("repRevenue.line")}</legend>
          <div class="chip-grid" aria-describedby="rev-err-line">
            <For each={lines()}>
              {(l) => (
                <button
                  type="button"
                  class="pick-item"
                  aria-pressed={line() === l}
                  classList={{ active: line() === l }}
                  onClick={() => setLine(l)}
                  data-testid={`revenue-line-${l}`}
                >
                  {lineName(l)}
                </button>
              )}
            </For>
          </div>
          <FieldMsg id="rev-err-line" msg={errors().line} />
          <Show when={noCard()}>
            <p class="muted small" data-testid="revenue-card-only">
              {t("repRevenue.cardOnly")}
            </p>
            <button type="button" class="btn secondary" onClick={() => props.onSellCard()} data-testid="revenue-to-sale">
              <Icon name="signed" size={18} /> {t("repSale.open")}
            </button>
          </Show>
        </fieldset>
        <label class="field">
          <span>{t("repRevenue.date")}</span>
          <input
            name="day"
            type="date"
            max={clubDay()}
            value={day()}
            onInput={(e) => {
              setDay(e.currentTarget.value);
              setErrors(({ day: _, ...rest }) => rest);
            }}
            aria-invalid={errors().day ? "true" : undefined}
            aria-describedby="rev-err-day"
            data-testid="revenue-day"
          />
          <FieldMsg id="rev-err-day" msg={errors().day} />
        </label>
        <Show when={refusal()}>
          <p class="form-error" role="alert" data-testid="revenue-refused">
            {refusal()}
          </p>
        </Show>
        <button type="submit" class="btn primary block" disabled={busy()} data-testid="revenue-submit">
          <Icon name="plus" size={20} /> {t("repRevenue.submit")}
        </button>
      </form>
    </Sheet>
  );
}
