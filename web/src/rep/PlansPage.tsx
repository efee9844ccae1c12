import { A } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { ApiError, type Customer, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { clubDay, dayLabel, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { CachedNote, Empty, ErrorBox, Loading } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { allCustomers, nameCollator } from "./customers.ts";
import { describe } from "./errors.ts";
import { loadPinyin, nameMatches } from "./pinyin.ts";
import { addDays, plansBetween, useContactedToday, weekOf } from "./plans.ts";

/**
 * 第四条 2③ 制定客户访问计划: plan this week's visits (choose a day and customers),
 * see the week's plans with what is kept, and plan versus actual as the server
 * counts it (GET /plans/adherence for this week).
 */
export function PlansPage() {
  const today = () => clubDay();
  const week = createMemo(() => weekOf(today()));
  // This week's remaining days and next week's, so a plan can be made on a Sunday too.
  const days = createMemo(() => [...week(), ...weekOf(addDays(week()[0] ?? today(), 7))]);
  const open = () => days().filter((d) => d >= today());
  const customers = useData(
    () => "customers:home",
    () => allCustomers(),
  );
  const [version, setVersion] = createSignal(0);
  const plans = useData(
    () => `plans:${week()[0]}:${version()}`,
    () => plansBetween(days()[0] ?? today(), days()[13] ?? today()),
    { persist: false },
  );
  const adherence = useData(
    () => `adherence:${week()[0]}:${version()}`,
    () => data(client.plans.adherence.$get({ query: {} })),
    { persist: false },
  );
  const mineRow = () => adherence.data()?.items[0];
  const byId = createMemo(() => new Map((customers.data() ?? []).map((c) => [c.id, c])));
  const choosable = createMemo(() =>
    (customers.data() ?? []).filter((c) => c.status !== "dropped").sort((a, b) => nameCollator().compare(a.name, b.name)),
  );

  const [day, setDay] = createSignal(today());
  const [query, setQuery] = createSignal("");
  const [chosen, setChosen] = createSignal<Set<string>>(new Set());
  const [error, setError] = createSignal("");
  const [refusals, setRefusals] = createSignal<string[]>([]);
  const [done, setDone] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const shown = () => {
    const q = query().trim();
    return q ? choosable().filter((c) => nameMatches(c.name, q)) : choosable();
  };
  const toggle = (id: string) =>
    setChosen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setDone("");
    setRefusals([]);
    const ids = [...chosen()];
    setError(ids.length ? "" : t("repPlan.pickSome"));
    if (!ids.length) return;
    setBusy(true);
    let ok = 0;
    const bad: string[] = [];
    for (const id of ids) {
      const name = byId().get(id)?.name ?? "";
      try {
        await data(client.plans.$post({ json: { customerId: id, day: day() } }));
        ok++;
      } catch (err) {
        bad.push(
          err instanceof ApiError && err.code === "conflict"
            ? t("repPlan.already", { name })
            : t("repPlan.refused", { name, reason: describe(err) }),
        );
      }
    }
    setBusy(false);
    setChosen(new Set<string>());
    setRefusals(bad);
    if (ok) setDone(t("repPlan.added", { n: ok }));
    setVersion((v) => v + 1);
  }

  async function remove(id: string) {
    try {
      await data(client.plans[":id"].$delete({ param: { id } }));
      setVersion((v) => v + 1);
    } catch (err) {
      setRefusals([describe(err)]);
    }
  }

  const missed = () => new Set(mineRow()?.missed ?? []);
  const planName = (id: string) => byId().get(id)?.name ?? "…";

  return (
    <div class="page plans-page">
      <h1>{t("repPlan.title")}</h1>
      <p class="muted">{t("repPlan.week", { from: dayLabel(week()[0] ?? today()), to: dayLabel(week()[6] ?? today()) })}</p>

      <section class="card adherence" aria-labelledby="adherence-title" data-testid="plan-adherence">
        <h2 id="adherence-title">{t("repPlan.vs")}</h2>
        <Show
          when={adherence.data()}
          fallback={adherence.error() ? <ErrorBox error={adherence.error()} retry={() => void adherence.refetch()} /> : <Loading />}
        >
          <dl class="facts">
            <div>
              <dt>{t("repPlan.planned")}</dt>
              <dd data-testid="adh-planned">{mineRow()?.planned ?? 0}</dd>
            </div>
            <div>
              <dt>{t("repPlan.kept")}</dt>
              <dd data-testid="adh-kept">
                {mineRow()?.kept ?? 0}
                <Show when={mineRow()?.adherence !== null && mineRow()?.adherence !== undefined}>
                  <span class="muted small"> · {pct(mineRow()?.adherence)}</span>
                </Show>
              </dd>
            </div>
            <div>
              <dt>{t("repPlan.keptOnDay")}</dt>
              <dd>{mineRow()?.keptOnDay ?? 0}</dd>
            </div>
            <div>
              <dt>{t("repPlan.unplanned")}</dt>
              <dd>{mineRow()?.unplanned ?? 0}</dd>
            </div>
          </dl>
          <p class="muted small">{t("repPlan.rule")}</p>
        </Show>
      </section>

      <section aria-labelledby="week-title">
        <h2 id="week-title">{t("repPlan.list")}</h2>
        <Show
          when={plans.data()}
          fallback={plans.error() ? <ErrorBox error={plans.error()} retry={() => void plans.refetch()} /> : <Loading />}
        >
          {(list) => (
            <Show when={list().length > 0} fallback={<Empty icon="calendar">{t("repPlan.empty")}</Empty>}>
              <For each={days().filter((d) => list().some((p) => p.day === d))}>
                {(d) => (
                  <div class="plan-day">
                    <h3 classList={{ today: d === today() }}>{dayLabel(d)}</h3>
                    <ul class="timeline">
                      <For each={list().filter((p) => p.day === d)}>
                        {(p) => {
                          // Adherence covers this week; next week's plans are only planned so far.
                          const thisWeek = () => week().includes(p.day);
                          const kept = () => adherence.data() !== undefined && !missed().has(p.id);
                          return (
                            <li data-testid="plan-item" data-name={planName(p.customerId)}>
                              <Show when={thisWeek()}>
                                <span class={`tag ${kept() ? "tag-ok" : "tag-stale"}`}>
                                  <Icon name={kept() ? "signed" : "clock"} size={14} />{" "}
                                  {kept() ? t("repPlan.keptMark") : t("repPlan.missedMark")}
                                </span>
                              </Show>
                              <span class="grow">{planName(p.customerId)}</span>
                              <Show when={p.day >= today()}>
                                <button
                                  type="button"
                                  class="icon-btn"
                                  aria-label={t("repPlan.remove", { name: planName(p.customerId) })}
                                  onClick={() => void remove(p.id)}
                                >
                                  <Icon name="declined" size={18} />
                                </button>
                              </Show>
                            </li>
                          );
                        }}
                      </For>
                    </ul>
                  </div>
                )}
              </For>
            </Show>
          )}
        </Show>
      </section>

      <form class="card form plan-form" onSubmit={submit} novalidate aria-labelledby="plan-form-title">
        <h2 id="plan-form-title">{t("repPlan.planLink")}</h2>
        <fieldset class="field">
          <legend class="field-legend">{t("repPlan.day")}</legend>
          <div class="chip-grid days">
            <For each={open()}>
              {(d) => (
                <button
                  type="button"
                  class="pick-item"
                  aria-pressed={day() === d}
                  classList={{ active: day() === d }}
                  onClick={() => setDay(d)}
                  data-testid={`plan-day-${d}`}
                >
                  {dayLabel(d)}
                </button>
              )}
            </For>
          </div>
        </fieldset>
        <fieldset class="field">
          <legend class="field-legend">{t("repPlan.customers")}</legend>
          <label class="search">
            <Icon name="search" size={18} />
            <span class="sr-only">{t("repPlan.search")}</span>
            <input
              type="search"
              placeholder={t("repPlan.search")}
              value={query()}
              onInput={(e) => setQuery(e.currentTarget.value)}
              onFocus={() => void loadPinyin()}
              data-testid="plan-search"
            />
          </label>
          <CachedNote at={customers.cachedAt()} error={customers.error()} />
          <ul class="pick-list plan-pick" aria-describedby="plan-err">
            <For each={shown()}>
              {(c: Customer) => (
                <li>
                  <label class="check-row">
                    <input
                      type="checkbox"
                      checked={chosen().has(c.id)}
                      onChange={() => toggle(c.id)}
                      data-testid="plan-customer"
                      data-name={c.name}
                    />
                    <span class="row-name">{c.name}</span>
                    <span class="muted small">{t(`status.${c.status}`)}</span>
                  </label>
                </li>
              )}
            </For>
          </ul>
          <span class="field-error" id="plan-err" role={error() ? "alert" : undefined} hidden={!error()}>
            {error()}
          </span>
        </fieldset>
        <For each={refusals()}>
          {(r) => (
            <p class="form-error" role="alert" data-testid="plan-refused">
              {r}
            </p>
          )}
        </For>
        <Show when={done()}>
          <p class="banner ok" role="status" data-testid="plan-done">
            <Icon name="signed" size={18} /> {done()}
          </p>
        </Show>
        <button type="submit" class="btn primary block" disabled={busy()} data-testid="plan-submit">
          <Icon name="calendar" size={20} /> {t("repPlan.submit", { n: chosen().size })}
        </button>
      </form>
    </div>
  );
}

/** Home: today's planned customers, ticked once a contact with them is logged today. */
export function TodayPlan(props: { onPick: (c: Customer) => void; customers: Customer[] }) {
  const today = () => clubDay();
  const plans = useData(
    () => `plans:today:${today()}`,
    () => plansBetween(today(), today()),
  );
  const contacted = useContactedToday();
  const byId = createMemo(() => new Map(props.customers.map((c) => [c.id, c])));
  return (
    <section class="today-plan" aria-labelledby="today-plan-title" data-testid="today-plan">
      <div class="section-head">
        <h2 id="today-plan-title">{t("repPlan.today")}</h2>
        <A class="link-btn" href="/week" data-testid="plan-link">
          <Icon name="calendar" size={16} /> {t("repPlan.planLink")}
        </A>
      </div>
      <Show when={plans.data()} fallback={plans.error() ? <p class="muted small">{describe(plans.error())}</p> : <Loading />}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p class="muted small">{t("repPlan.todayEmpty")}</p>}>
            <ul class="plan-today-list">
              <For each={list()}>
                {(p) => {
                  const c = () => byId().get(p.customerId);
                  const done = () => contacted().has(p.customerId);
                  return (
                    <li data-testid="today-plan-item" data-name={c()?.name ?? ""} data-done={done() ? "yes" : "no"}>
                      <button
                        type="button"
                        class="plan-row"
                        classList={{ done: done() }}
                        onClick={() => c() && props.onPick(c() as Customer)}
                      >
                        <span class={`plan-tick ${done() ? "done" : ""}`} aria-hidden="true">
                          <Icon name={done() ? "signed" : "clock"} size={18} />
                        </span>
                        <span class="row-name">{c()?.name ?? "…"}</span>
                        <span class="small">{done() ? t("repPlan.contacted") : t("repPlan.notYet")}</span>
                      </button>
                    </li>
                  );
                }}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </section>
  );
}
