import { createSignal, For, onCleanup, Show } from "solid-js";
import { type Customer, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { dateTime } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { Icon } from "../ui/icons.tsx";
import { describe } from "./errors.ts";
import { FieldMsg, Sheet } from "./Sheet.tsx";

const channels = ["phone", "visit", "letter", "email", "wechat", "other"] as const;
type ComplaintChannel = (typeof channels)[number];

/** Log a customer complaint (受理客户投诉): how it came in and what the customer says. */
export function ComplaintSheet(props: { customer: Customer | null; onClose: () => void; onSaved: () => void }) {
  const [channel, setChannel] = createSignal<ComplaintChannel>("phone");
  const [summary, setSummary] = createSignal("");
  const [error, setError] = createSignal("");
  const [refusal, setRefusal] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  function close() {
    setChannel("phone");
    setSummary("");
    setError("");
    setRefusal("");
    props.onClose();
  }
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const s = summary().trim();
    setError(!s ? t("repComplaint.summaryRequired") : s.length > 2000 ? t("repComplaint.tooLong") : "");
    setRefusal("");
    const c = props.customer;
    if (error() || !c) return;
    setBusy(true);
    try {
      await data(client.complaints.$post({ json: { customerId: c.id, channel: channel(), summary: s } }));
      props.onSaved();
      close();
    } catch (err) {
      setRefusal(describe(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Sheet
      open={props.customer !== null}
      onClose={close}
      title={t("repComplaint.title")}
      sub={props.customer?.name ?? ""}
      testid="complaint-sheet"
    >
      <form class="form" onSubmit={submit} novalidate>
        <fieldset class="field">
          <legend class="field-legend">{t("repComplaint.channel")}</legend>
          <div class="chip-grid">
            <For each={channels}>
              {(ch) => (
                <button
                  type="button"
                  class="pick-item"
                  aria-pressed={channel() === ch}
                  classList={{ active: channel() === ch }}
                  onClick={() => setChannel(ch)}
                  data-testid={`complaint-channel-${ch}`}
                >
                  {t(`repComplaint.ch.${ch}` as MessageKey)}
                </button>
              )}
            </For>
          </div>
        </fieldset>
        <label class="field">
          <span>{t("repComplaint.summary")}</span>
          <textarea
            name="summary"
            rows={3}
            value={summary()}
            onInput={(e) => setSummary(e.currentTarget.value)}
            aria-invalid={error() ? "true" : undefined}
            aria-describedby="complaint-err-summary"
            data-testid="complaint-summary"
          />
          <FieldMsg id="complaint-err-summary" msg={error()} />
        </label>
        <p class="muted small">{t("repComplaint.rule")}</p>
        <Show when={refusal()}>
          <p class="form-error" role="alert">
            {refusal()}
          </p>
        </Show>
        <button type="submit" class="btn primary block" disabled={busy()} data-testid="complaint-submit">
          <Icon name="alert" size={20} /> {t("repComplaint.submit")}
        </button>
      </form>
    </Sheet>
  );
}

const [now, setNow] = createSignal(Date.now());
let ticking = 0;
let timer: ReturnType<typeof setInterval> | undefined;
function useMinuteClock() {
  if (ticking++ === 0) timer = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => {
    if (--ticking === 0) clearInterval(timer);
  });
  return now;
}

/**
 * The customer's complaints with their 48-hour clock as the server states it
 * (`dueAt`, `overdue`): the phone only counts down to the server's `dueAt`.
 */
export function ComplaintList(props: { customerId: string; version: number }) {
  const list = useData(
    () => `complaints:${props.customerId}:${props.version}`,
    () => data(client.complaints.$get({ query: { customerId: props.customerId, limit: "20" } })),
    { persist: false },
  );
  const tick = useMinuteClock();
  const hm = (ms: number) => {
    const min = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
    return { h: Math.floor(min / 60), m: min % 60 };
  };
  return (
    <Show when={(list.data()?.items.length ?? 0) > 0}>
      <section aria-labelledby="complaints-title" data-testid="complaint-list">
        <h2 id="complaints-title">{t("repComplaint.list")}</h2>
        <ul class="timeline">
          <For each={list.data()?.items ?? []}>
            {(x) => {
              const left = () => new Date(x.dueAt).getTime() - tick();
              const overdue = () => x.status === "open" && (x.overdue || left() < 0);
              return (
                <li class="complaint" data-testid="complaint-item">
                  <Show
                    when={x.status === "open"}
                    fallback={
                      <span class="tag tag-ok">
                        <Icon name="signed" size={14} /> {t("repComplaint.resolved", { time: dateTime(x.resolvedAt ?? x.dueAt) })}
                      </span>
                    }
                  >
                    <span class={`tag ${overdue() ? "tag-overdue" : "tag-stale"}`} data-testid="complaint-clock">
                      <Icon name={overdue() ? "alert" : "clock"} size={14} />{" "}
                      {overdue() ? t("repComplaint.overdue", hm(left())) : t("repComplaint.left", hm(left()))}
                    </span>{" "}
                    <span class="muted small">{t("repComplaint.due", { time: dateTime(x.dueAt) })}</span>
                  </Show>
                  <p>
                    {t(`repComplaint.ch.${x.channel as ComplaintChannel}` as MessageKey)} · {dateTime(x.openedAt)}
                  </p>
                  <p class="muted small">{x.summary}</p>
                </li>
              );
            }}
          </For>
        </ul>
      </section>
    </Show>
  );
}
