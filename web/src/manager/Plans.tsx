import { createEffect, createSignal, For, on, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { clubDay, pct } from "../format.ts";
import { lang, t } from "../i18n/index.ts";
import { Empty, Ready } from "../ui/common.tsx";
import { createCursorPages, PageNav } from "../ui/Pager.tsx";
import "./desk.css";
import "./lists.css";

/** Reps per page. */
const PAGE = 50;
/** How many weeks before the chosen one the table shows. */
const EARLIER = 3;

const dayNum = (day: string) => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000;
};
const dayOfNum = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** The ISO week (YYYY-Www, Monday first) of a club day. */
export function isoWeekOf(day: string): string {
  const n = dayNum(day);
  const weekday = (new Date(n * 86_400_000).getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date((n - weekday + 3) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() / 86_400_000 - Date.UTC(year, 0, 1) / 86_400_000) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The Monday of an ISO week. */
export function mondayOf(week: string): string {
  const [y, w] = week.split("-W").map(Number) as [number, number];
  const jan4 = Date.UTC(y, 0, 4) / 86_400_000;
  const weekday = (new Date(jan4 * 86_400_000).getUTCDay() + 6) % 7;
  return dayOfNum(jan4 - weekday + (w - 1) * 7);
}

const shiftWeek = (week: string, by: number) => isoWeekOf(dayOfNum(dayNum(mondayOf(week)) + by * 7));
const short = (day: string) =>
  new Intl.DateTimeFormat(lang(), { timeZone: "UTC", month: "short", day: "numeric" }).format(
    new Date(dayNum(day) * 86_400_000 + 43_200_000),
  );

/** 制定客户访问计划: plan versus actual per rep and ISO week, the chosen week and the weeks before it. */
export function PlansPage() {
  const thisWeek = () => isoWeekOf(clubDay());
  const [week, setWeek] = createSignal(thisWeek());
  const weeks = () => Array.from({ length: EARLIER + 1 }, (_, i) => shiftWeek(week(), -i)); // chosen first, then earlier
  // the club's reps a page at a time, found by name or e-mail (a club may have hundreds)
  const [search, setSearch] = createSignal("");
  const [q, setQ] = createSignal("");
  const pages = createCursorPages();
  let typing: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(q, () => pages.reset(), { defer: true }));
  const reps = useData(
    () => `reps:plans:${JSON.stringify([q(), pages.cursor() ?? ""])}`,
    () => {
      const cursor = pages.cursor();
      return data(
        client.users.$get({ query: { role: "rep", limit: String(PAGE), ...(q() ? { q: q() } : {}), ...(cursor ? { cursor } : {}) } }),
      );
    },
    { persist: false },
  );
  const report = useData(
    () => `adherence:${week()}`,
    async (k) => {
      const w = k.slice(10);
      const from = mondayOf(shiftWeek(w, -EARLIER));
      const to = dayOfNum(dayNum(mondayOf(w)) + 6);
      const items: Awaited<ReturnType<typeof page>>["items"] = [];
      const page = (cursor?: string) =>
        data(client.plans.adherence.$get({ query: { from, to, limit: "200", ...(cursor ? { cursor } : {}) } }));
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const p = await page(cursor);
        items.push(...p.items);
        if (!p.nextCursor) break;
        cursor = p.nextCursor;
      }
      return { week: w, items };
    },
    { persist: false },
  );
  const cell = (repId: string, w: string) => report.data()?.items.find((r) => r.repId === repId && r.week === w);
  // a disabled rep stays listed only while the weeks shown have their plans
  const rows = () => (reps.data()?.items ?? []).filter((u) => !u.disabled || (report.data()?.items ?? []).some((r) => r.repId === u.id));
  const weekText = (w: string) =>
    t("plans.weekLabel", {
      n: Number(w.slice(6)),
      y: w.slice(0, 4),
      from: short(mondayOf(w)),
      to: short(dayOfNum(dayNum(mondayOf(w)) + 6)),
    });

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("plans.title")}</h1>
          <p class="muted">{t("plans.help")}</p>
        </div>
        <div class="row gap wrap">
          <button type="button" class="btn secondary small" onClick={() => setWeek(shiftWeek(week(), -1))} aria-label={t("plans.prevWeek")}>
            ‹
          </button>
          <label class="inline">
            <span class="sr-only">{t("plans.week")}</span>
            <input
              type="week"
              value={week()}
              max={thisWeek()}
              data-testid="plans-week"
              onChange={(e) => {
                const v = e.currentTarget.value;
                if (/^\d{4}-W\d{2}$/.test(v)) setWeek(v);
              }}
            />
          </label>
          <button
            type="button"
            class="btn secondary small"
            onClick={() => setWeek(shiftWeek(week(), 1))}
            aria-label={t("plans.nextWeek")}
            disabled={week() >= thisWeek()}
          >
            ›
          </button>
          <button type="button" class="btn secondary small" onClick={() => setWeek(thisWeek())} disabled={week() === thisWeek()}>
            {t("plans.thisWeek")}
          </button>
        </div>
      </header>
      <p class="muted" data-testid="plans-week-label">
        {weekText(week())}
      </p>
      <div class="toolbar card row gap wrap">
        <label class="field list-search">
          <span>{t("targets.search")}</span>
          <input
            type="search"
            value={search()}
            placeholder={t("picker.typeRep")}
            data-testid="plans-search"
            onInput={(e) => {
              const v = e.currentTarget.value;
              setSearch(v);
              clearTimeout(typing);
              typing = setTimeout(() => setQ(v.trim()), 250);
            }}
          />
        </label>
      </div>
      <Ready
        when={reps.data() && report.data()?.week === week() && report.data()}
        error={reps.error() ?? report.error()}
        retry={report.refetch}
      >
        <Show when={rows().length > 0} fallback={<Empty icon="user">{t("plans.empty")}</Empty>}>
          <table class="table plans-table" data-testid="plans-table">
            <thead>
              <tr>
                <th scope="col" rowSpan={2}>
                  {t("board.rep")}
                </th>
                <th scope="colgroup" colSpan={4} class="week-head">
                  {weekText(week())}
                </th>
                <th scope="colgroup" colSpan={EARLIER} class="week-head">
                  {t("plans.earlier")}
                </th>
              </tr>
              <tr>
                <th scope="col" class="num">
                  {t("plans.planned")}
                </th>
                <th scope="col" class="num">
                  {t("plans.kept")}
                </th>
                <th scope="col" class="num">
                  {t("plans.unplanned")}
                </th>
                <th scope="col">{t("plans.adherence")}</th>
                <For each={weeks().slice(1)}>
                  {(w) => (
                    <th scope="col" class="num" title={weekText(w)}>
                      {t("plans.weekShort", { n: Number(w.slice(6)) })}
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(r) => {
                  const now = () => cell(r.id, week());
                  return (
                    <tr data-testid="plans-row" data-rep={r.id}>
                      <th scope="row">{r.name}</th>
                      <td class="num" data-testid="planned">
                        {now()?.planned ?? 0}
                      </td>
                      <td class="num" data-testid="kept">
                        {now()?.kept ?? 0}
                        <Show when={now()?.kept}>
                          <span class="muted small">
                            {" "}
                            ({t("plans.keptOnDay")} {now()?.keptOnDay})
                          </span>
                        </Show>
                      </td>
                      <td class="num" data-testid="unplanned">
                        {now()?.unplanned ?? 0}
                      </td>
                      <td data-testid="adherence">
                        <Show when={now()?.adherence != null} fallback={<span class="muted">{t("plans.noPlans")}</span>}>
                          <span class="adh">
                            <span class="adh-bar" aria-hidden="true">
                              <span
                                class="adh-fill"
                                classList={{ low: (now()?.adherence ?? 0) < 0.6 }}
                                style={{ width: `${Math.min(100, (now()?.adherence ?? 0) * 100)}%` }}
                              />
                            </span>
                            <strong>{pct(now()?.adherence)}</strong>
                          </span>
                        </Show>
                      </td>
                      <For each={weeks().slice(1)}>
                        {(w) => (
                          <td class="num" data-testid="earlier">
                            <Show when={cell(r.id, w)?.adherence != null} fallback={<span class="muted">—</span>}>
                              <span title={t("plans.cell", { kept: cell(r.id, w)?.kept ?? 0, planned: cell(r.id, w)?.planned ?? 0 })}>
                                {pct(cell(r.id, w)?.adherence)}{" "}
                                <span class="muted small">
                                  {cell(r.id, w)?.kept}/{cell(r.id, w)?.planned}
                                </span>
                              </span>
                            </Show>
                          </td>
                        )}
                      </For>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
          <PageNav
            page={pages.index()}
            size={PAGE}
            total={reps.data()?.total ?? 0}
            hasNext={(reps.data()?.nextCursor ?? null) !== null}
            onPrev={pages.prev}
            onNext={() => {
              const c = reps.data()?.nextCursor;
              if (c) pages.next(c);
            }}
            label={t("pager.label")}
            testid="plans-pager"
          />
        </Show>
      </Ready>
    </div>
  );
}
