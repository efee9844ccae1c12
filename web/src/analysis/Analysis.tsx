import { Tabs } from "@kobalte/core/tabs";
import { createMemo, createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import type { sharePage, tiersPage } from "../../../server/src/analysis/service.ts";
import { client, data, type MixAnalysis } from "../api.ts";
import { useData } from "../cache.ts";
import { clubMonth, money, monthLabel, pct, shiftMonth } from "../format.ts";
import { lang, type MessageKey, t } from "../i18n/index.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import "./analysis.css";
import { CustomerSearch, type Picked } from "./CustomerSearch.tsx";
import { Chart, type ChartOption } from "./chart.tsx";

const TIER_COLORS = { A: "#166534", B: "#2563eb", C: "#a8a29e" } as const;
type Tier = keyof typeof TIER_COLORS;
/** Rows a table page holds: a screenful, never the club. */
const PAGE_ROWS = 50;

// The analysis answers are read paged (a page of the table, 100 buckets of the curve);
// these are the paged forms of /analysis/tiers and /analysis/share.
type TierPage = ReturnType<typeof tiersPage>;
type SharePage = ReturnType<typeof sharePage>;
type Pareto = Awaited<ReturnType<typeof loadPareto>>;
const loadPareto = (month: string) => data(client.analysis.tiers.pareto.$get({ query: { month } }));

const count = (n: number) => n.toLocaleString(lang());

/**
 * Tier (Pareto), business mix and share-of-total for a month; every chart has its
 * table one click away. Nothing here is kept on the device (cache.ts): the answers are
 * big at a big club, and the screen is a manager's desktop with a network.
 */
export function Analysis() {
  // A customer's tier is its last complete month's: that is the month to look at first.
  const [month, setMonth] = createSignal(shiftMonth(clubMonth(), -1));
  return (
    <div class="page analysis">
      <header class="page-head">
        <h1>{t("analysis.title")}</h1>
        <div class="row gap">
          <button type="button" class="btn secondary small" onClick={() => setMonth(shiftMonth(month(), -1))} aria-label={t("month.prev")}>
            ‹
          </button>
          <strong>{monthLabel(month())}</strong>
          <button
            type="button"
            class="btn secondary small"
            disabled={month() >= clubMonth()}
            onClick={() => setMonth(shiftMonth(month(), 1))}
            aria-label={t("month.next")}
          >
            ›
          </button>
        </div>
      </header>
      <Tabs defaultValue="tiers" class="tabs">
        <Tabs.List class="tab-list" aria-label={t("analysis.title")}>
          <Tabs.Trigger class="tab" value="tiers">
            {t("analysis.tiers")}
          </Tabs.Trigger>
          <Tabs.Trigger class="tab" value="mix">
            {t("analysis.mix")}
          </Tabs.Trigger>
          <Tabs.Trigger class="tab" value="share">
            {t("analysis.share")}
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="tiers">
          <Tiers month={month()} />
        </Tabs.Content>
        <Tabs.Content value="mix">
          <Mix month={month()} />
        </Tabs.Content>
        <Tabs.Content value="share">
          <Share month={month()} />
        </Tabs.Content>
      </Tabs>
    </div>
  );
}

/** A money axis's figures: 万 in Chinese (¥10万), the reader's compact notation otherwise (10K, 1.5M). */
const wan = (v: number) => {
  if (lang() === "zh-CN") return Math.abs(v) >= 10000 ? `${v / 10000}万` : String(v);
  return new Intl.NumberFormat(lang(), { notation: "compact", maximumFractionDigits: 1 }).format(v);
};

/** The bucket label of the percentile holding a rank: the chart's x axis is the 100 buckets. */
const bucketLabel = (p: number) => `${p}%`;

function paretoOption(p: Pareto): ChartOption {
  // every percentile on the axis, so the bars, bands and marks sit on one even grid at any
  // size (a club of 6 customers has 6 bars among the 100 places)
  const cats = Array.from({ length: 100 }, (_, i) => bucketLabel(i + 1));
  const byPercentile = new Map(p.buckets.map((b) => [b.percentile, b]));
  const first = cats[0];
  const last = cats[cats.length - 1];
  const at = (percentile: number | null) => (percentile === null ? null : bucketLabel(percentile));
  const cutA = at(p.cutoffs.A.percentile);
  const cutB = at(p.cutoffs.B.percentile);
  // the A, B and C bands: from the first bucket to the one holding the last A, and so on
  const bands: [{ name: string; xAxis: string; itemStyle: { color: string } }, { xAxis: string }][] = [];
  const band = (tier: Tier, from: string | undefined, to: string | undefined) => {
    if (from && to) bands.push([{ name: tier, xAxis: from, itemStyle: { color: `${TIER_COLORS[tier]}14` } }, { xAxis: to }]);
  };
  const nextOf = (label: string | null) => (label === null ? first : cats[Math.min(cats.indexOf(label) + 1, cats.length - 1)]);
  if (p.cutoffs.A.count > 0) band("A", first, cutA ?? undefined);
  if (p.cutoffs.B.count > 0) band("B", nextOf(cutA), cutB ?? undefined);
  if (p.cutoffs.B.lastRank < p.customers) band("C", nextOf(cutB ?? cutA), last);
  const marks = (["A", "B"] as const)
    .filter((tier) => p.cutoffs[tier].count > 0 && p.cutoffs[tier].percentile !== null)
    .map((tier) => ({
      xAxis: at(p.cutoffs[tier].percentile) as string,
      lineStyle: { color: TIER_COLORS[tier], width: 2, type: "solid" as const },
      label: {
        formatter: t("analysis.cutoffMark", { tier, rank: count(p.cutoffs[tier].lastRank), threshold: money(p.cutoffs[tier].threshold) }),
        position: "insideEndTop" as const,
        color: TIER_COLORS[tier],
        fontWeight: "bold" as const,
        fontSize: 12,
      },
    }));
  return {
    tooltip: { trigger: "axis" },
    legend: { data: [t("analysis.spend"), t("analysis.cumulative")], top: 0 },
    grid: { left: 64, right: 56, top: 40, bottom: 56 },
    xAxis: {
      type: "category",
      data: cats,
      name: t("analysis.paretoAxis"),
      nameLocation: "middle",
      nameGap: 32,
      axisLabel: { interval: 9 },
    },
    yAxis: [
      { type: "value", name: "¥", axisLabel: { formatter: wan } },
      { type: "value", min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    ],
    series: [
      {
        name: t("analysis.spend"),
        type: "bar",
        barCategoryGap: "10%",
        itemStyle: { color: TIER_COLORS.A },
        data: cats.map((_, i) => {
          const b = byPercentile.get(i + 1);
          return b ? { value: b.spend, itemStyle: { color: TIER_COLORS[(b.tiers[0] ?? "C") as Tier] } } : null;
        }),
        markArea: { silent: true, label: { position: "insideTop", fontWeight: "bold", fontSize: 14, color: "#44403c" }, data: bands },
        markLine: { silent: true, symbol: "none", data: marks },
      },
      {
        name: t("analysis.cumulative"),
        type: "line",
        yAxisIndex: 1,
        data: cats.map((_, i) => byPercentile.get(i + 1)?.cumulativeShare ?? null),
        connectNulls: true,
        showSymbol: false,
        itemStyle: { color: "#b45309" },
        tooltip: { valueFormatter: (v: number) => pct(v) },
      },
    ],
  };
}

/** The A/B/C cut-offs in words, beside the chart: which ranks, from what spend, how many. */
function Cutoffs(props: { p: Pareto }) {
  const rows = () => {
    const p = props.p;
    const a = p.cutoffs.A;
    const b = p.cutoffs.B;
    const line = (tier: Tier, from: number, to: number, n: number): { tier: Tier; text: string; rank: number } => {
      if (n === 0) return { tier, text: t("analysis.cutoffNone", { tier }), rank: from - 1 };
      // n picks the plural form, count is n as the reader writes numbers (31,000)
      const range = { range: from === to ? count(from) : `${count(from)}–${count(to)}`, n, count: count(n) };
      if (tier === "C") return { tier, text: t("analysis.cutoffC", { ...range, threshold: money(p.thresholds.B) }), rank: to };
      const c = tier === "A" ? a : b;
      return { tier, text: t("analysis.cutoff", { ...range, threshold: money(c.threshold), share: pct(c.cumulativeShare) }), rank: to };
    };
    return [
      line("A", 1, a.lastRank, a.count),
      line("B", a.lastRank + 1, b.lastRank, b.count),
      line("C", b.lastRank + 1, p.customers, p.customers - b.lastRank),
    ];
  };
  return (
    <ul class="cutoffs" aria-label={t("analysis.cutoffsLabel")}>
      <For each={rows()}>
        {(r) => (
          <li data-testid={`cutoff-${r.tier}`} data-rank={r.rank}>
            <span class={`tier small tier-${r.tier}`}>{r.tier}</span> {r.text}
          </li>
        )}
      </For>
    </ul>
  );
}

function Tiers(props: { month: string }) {
  const p = useData(
    () => `analysis:pareto:${props.month}`,
    () => loadPareto(props.month),
    { persist: false },
  );
  return (
    <Ready when={p.data()} error={p.error()} retry={p.refetch}>
      {(x) => (
        <Show when={x().customers > 0} fallback={<Empty icon="chart">{t("analysis.empty")}</Empty>}>
          <div class="tier-totals">
            <For each={["A", "B", "C"] as const}>
              {(tier) => (
                <div class="card tier-total">
                  <span class={`tier tier-${tier}`}>{tier}</span>
                  <div>
                    <strong>{t("analysis.customersN", { n: x().totals[tier].count, count: count(x().totals[tier].count) })}</strong>
                    <p class="muted small">
                      {money(x().totals[tier].spend)} · {pct(x().totals[tier].share)}
                    </p>
                  </div>
                </div>
              )}
            </For>
          </div>
          <div class="card">
            <Chart option={paretoOption(x())} label={t("analysis.paretoLabel")} height={380} />
            <Cutoffs p={x()} />
            <p class="muted small">
              {t("analysis.paretoNote", { n: count(x().customers), total: money(x().total) })} ·{" "}
              <a href={`/api/v1/analysis/tiers.csv?month=${props.month}`} download="">
                CSV
              </a>
            </p>
          </div>
          <div class="card">
            <h2>{t("analysis.numbers")}</h2>
            <TierTable month={props.month} />
          </div>
        </Show>
      )}
    </Ready>
  );
}

type Dir = "asc" | "desc";

/** A column header that sorts the server's table by its column; again, the other way. */
function SortHead<S extends string>(props: {
  label: string;
  sort?: S;
  num?: boolean;
  current: { sort: S; dir: Dir };
  onSort: (s: S) => void;
}) {
  const active = () => props.sort !== undefined && props.current.sort === props.sort;
  return (
    <th
      scope="col"
      classList={{ num: !!props.num }}
      aria-sort={active() ? (props.current.dir === "asc" ? "ascending" : "descending") : props.sort ? "none" : undefined}
    >
      <Show when={props.sort} fallback={props.label}>
        {(sort) => (
          <button type="button" class="sort-head" onClick={() => props.onSort(sort())} data-sort={sort()}>
            {props.label}
            <span aria-hidden="true">{active() ? (props.current.dir === "asc" ? " ▲" : " ▼") : ""}</span>
          </button>
        )}
      </Show>
    </th>
  );
}

/** First, previous, "page 3 of 120", next, last: the server counts the pages. */
function Pager(props: { page: number; pages: number; total: number; onPage: (n: number) => void }) {
  return (
    <nav class="pager" aria-label={t("pager.label")}>
      <span class="muted small" data-testid="table-total">
        {t("analysis.matching", { n: props.total, count: count(props.total) })}
      </span>
      <div class="row gap">
        <button type="button" class="btn secondary small" disabled={props.page <= 1} onClick={() => props.onPage(1)}>
          {t("pager.first")}
        </button>
        <button type="button" class="btn secondary small" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
          {t("pager.prev")}
        </button>
        <span aria-live="polite" data-testid="page-of">
          {t("pager.of", { page: count(props.page), pages: count(props.pages) })}
        </span>
        <button type="button" class="btn secondary small" disabled={props.page >= props.pages} onClick={() => props.onPage(props.page + 1)}>
          {t("pager.next")}
        </button>
        <button type="button" class="btn secondary small" disabled={props.page >= props.pages} onClick={() => props.onPage(props.pages)}>
          {t("pager.last")}
        </button>
      </div>
    </nav>
  );
}

/** A text filter that waits for typing to pause before it filters. */
function useDebounced(ms: number) {
  const [value, setValue] = createSignal("");
  const [settled, setSettled] = createSignal("");
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const set = (v: string) => {
    setValue(v);
    clearTimeout(timer);
    timer = setTimeout(() => setSettled(v.trim()), ms);
  };
  return { value, settled, set };
}

/** A table read a page at a time, with its order, filters and page number in one query. */
function usePagedTable<S extends string>(initial: { sort: S; dir: Dir }, firstDir: (s: S) => Dir) {
  const [order, setOrder] = createSignal(initial);
  const [page, setPage] = createSignal(1);
  const sortBy = (sort: S) => {
    setOrder((o) => (o.sort === sort ? { sort, dir: o.dir === "asc" ? "desc" : "asc" } : { sort, dir: firstDir(sort) }));
    setPage(1);
  };
  return { order, page, setPage, sortBy };
}

const amountsFirst = (s: string): Dir => (s === "name" || s === "rank" || s === "tier" ? "asc" : "desc");

function TierTable(props: { month: string }) {
  type Sort = "rank" | "name" | "spend" | "share" | "tier";
  const table = usePagedTable<Sort>({ sort: "rank", dir: "asc" }, amountsFirst);
  const [tier, setTier] = createSignal("");
  const q = useDebounced(300);
  const query = createMemo(() => {
    const v: Record<string, string> = {
      month: props.month,
      sort: table.order().sort,
      dir: table.order().dir,
      limit: String(PAGE_ROWS),
      page: String(table.page()),
    };
    if (tier()) v.tier = tier();
    if (q.settled()) v.q = q.settled();
    return v;
  });
  const rows = useData(
    () => `analysis:tiers:${JSON.stringify(query())}`,
    async () => (await data(client.analysis.tiers.$get({ query: query() as { month: string } }))) as TierPage,
    { persist: false },
  );
  return (
    <>
      <div class="analysis-filters">
        <label class="field inline-field">
          <span>{t("customer.tier")}</span>
          <select
            value={tier()}
            onChange={(e) => {
              setTier(e.currentTarget.value);
              table.setPage(1);
            }}
            data-testid="tier-filter"
          >
            <option value="">{t("analysis.allTiers")}</option>
            <For each={["A", "B", "C"]}>{(x) => <option value={x}>{x}</option>}</For>
          </select>
        </label>
        <label class="field inline-field">
          <span>{t("analysis.nameContains")}</span>
          <input
            type="search"
            value={q.value()}
            onInput={(e) => {
              q.set(e.currentTarget.value);
              table.setPage(1);
            }}
          />
        </label>
      </div>
      <Ready when={rows.data()} error={rows.error()} retry={rows.refetch}>
        {(x) => (
          <>
            <table class="table compact" data-testid="tier-table">
              <thead>
                <tr>
                  <SortHead label={t("analysis.rank")} sort="rank" num current={table.order()} onSort={table.sortBy} />
                  <SortHead label={t("customer.name")} sort="name" current={table.order()} onSort={table.sortBy} />
                  <SortHead label={t("analysis.spend")} sort="spend" num current={table.order()} onSort={table.sortBy} />
                  <SortHead label={t("analysis.shareCol")} sort="share" num current={table.order()} onSort={table.sortBy} />
                  <SortHead label={t("analysis.cumulative")} num current={table.order()} onSort={table.sortBy} />
                  <SortHead label={t("customer.tier")} sort="tier" current={table.order()} onSort={table.sortBy} />
                </tr>
              </thead>
              <tbody>
                <For each={x().customers}>
                  {(c) => (
                    <tr data-customer={c.customerId}>
                      <td class="num">{count(c.rank)}</td>
                      <td>{c.name}</td>
                      <td class="num">{money(c.spend)}</td>
                      <td class="num">{pct(c.share)}</td>
                      <td class="num">{pct(c.cumulativeShare)}</td>
                      <td>
                        <span class={`tier small tier-${c.tier}`}>{c.tier}</span>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={x().customers.length === 0}>
              <Empty icon="chart">{t("analysis.noMatch")}</Empty>
            </Show>
            <Pager page={x().page.page ?? table.page()} pages={x().page.pages} total={x().page.total} onPage={table.setPage} />
          </>
        )}
      </Ready>
    </>
  );
}

function mixOption(m: MixAnalysis): ChartOption {
  const lines = [...m.lines].sort((a, b) => a.spend - b.spend);
  return {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 96, right: 48, top: 16, bottom: 32 },
    xAxis: { type: "value", axisLabel: { formatter: wan } },
    yAxis: { type: "category", data: lines.map((l) => l.line) },
    series: [
      {
        type: "bar",
        data: lines.map((l) => l.spend),
        itemStyle: { color: "#166534" },
        label: { show: true, position: "right", formatter: (p: { dataIndex: number }) => pct(lines[p.dataIndex]?.share) },
      },
    ],
  };
}

function Mix(props: { month: string }) {
  const [who, setWho] = createSignal<Picked | null>(null);
  const mix = useData(
    () => `analysis:mix:${who()?.id ?? "club"}:${props.month}`,
    () => {
      const c = who();
      return data(client.analysis.mix.$get({ query: { month: props.month, ...(c ? { customerId: c.id } : {}) } }));
    },
    { persist: false },
  );
  const label = () => who()?.name ?? t("analysis.club");
  return (
    <div class="card">
      <div class="row gap mix-for">
        <CustomerSearch label={t("analysis.mixFor")} onPick={setWho} testId="mix-customer-search" />
        <Show when={who()}>
          <button type="button" class="btn secondary small" onClick={() => setWho(null)}>
            {t("analysis.showClub")}
          </button>
        </Show>
      </div>
      <Ready when={mix.data()} error={mix.error()} retry={mix.refetch}>
        {(m) => (
          <>
            <h2 data-testid="mix-title">
              {label()} · {money(m().total)}
            </h2>
            <Show when={m().lines.some((l) => l.spend > 0)} fallback={<Empty icon="chart">{t("analysis.empty")}</Empty>}>
              <Chart
                option={mixOption(m())}
                label={t("analysis.mixLabel", { who: label() })}
                height={Math.max(200, m().lines.length * 40)}
              />
              <table class="table compact">
                <TableHead columns={[t("analysis.line"), { num: t("analysis.spend") }, { num: t("analysis.shareCol") }]} />
                <tbody>
                  <For each={m().lines}>
                    {(l) => (
                      <tr>
                        <td>{l.line}</td>
                        <td class="num">{money(l.spend)}</td>
                        <td class="num">{pct(l.share)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
            <Show when={m().unused.length > 0}>
              <p class="note">
                <strong>{t("analysis.unused")}</strong> {m().unused.join(", ")}
              </p>
            </Show>
          </>
        )}
      </Ready>
    </div>
  );
}

function Share(props: { month: string }) {
  type Sort = "rank" | "name" | "spend" | "share" | "expected" | "gap";
  const table = usePagedTable<Sort>({ sort: "rank", dir: "asc" }, amountsFirst);
  const [below, setBelow] = createSignal(false);
  const q = useDebounced(300);
  const query = createMemo(() => {
    const v: Record<string, string> = {
      month: props.month,
      sort: table.order().sort,
      dir: table.order().dir,
      limit: String(PAGE_ROWS),
      page: String(table.page()),
    };
    if (below()) v.below = "true";
    if (q.settled()) v.q = q.settled();
    return v;
  });
  const s = useData(
    () => `analysis:share:${JSON.stringify(query())}`,
    async () => (await data(client.analysis.share.$get({ query: query() as { month: string } }))) as SharePage,
    { persist: false },
  );
  const head = (label: MessageKey, sort?: Sort, num?: boolean): JSX.Element => (
    <SortHead label={t(label)} sort={sort} num={num} current={table.order()} onSort={table.sortBy} />
  );
  return (
    <div class="card">
      <div class="analysis-filters">
        <label class="row gap small">
          <input
            type="checkbox"
            checked={below()}
            onChange={(e) => {
              setBelow(e.currentTarget.checked);
              table.setPage(1);
            }}
          />
          {t("analysis.belowOnly")}
        </label>
        <label class="field inline-field">
          <span>{t("analysis.nameContains")}</span>
          <input
            type="search"
            value={q.value()}
            onInput={(e) => {
              q.set(e.currentTarget.value);
              table.setPage(1);
            }}
          />
        </label>
      </div>
      <Ready when={s.data()} error={s.error()} retry={s.refetch}>
        {(x) => (
          <>
            <p>
              {t("analysis.clubTotal")}: <strong>{money(x().clubTotal)}</strong> · {t("analysis.belowN", { n: count(x().belowExpected) })}
            </p>
            <Show when={x().count > 0} fallback={<Empty icon="chart">{t("analysis.empty")}</Empty>}>
              <table class="table" data-testid="share-table">
                <thead>
                  <tr>
                    {head("analysis.rank", "rank", true)}
                    {head("customer.name", "name")}
                    {head("analysis.spend", "spend", true)}
                    {head("analysis.shareCol", "share", true)}
                    {head("analysis.expected", "expected", true)}
                    {head("analysis.flag", "gap")}
                  </tr>
                </thead>
                <tbody>
                  <For each={x().customers}>
                    {(c) => (
                      <tr classList={{ flagged: !!c.belowExpected }}>
                        <td class="num">{count(c.rank)}</td>
                        <td>{c.name}</td>
                        <td class="num">{money(c.spend)}</td>
                        <td class="num">{pct(c.share)}</td>
                        <td class="num">{money(c.expectedMonthlySpend)}</td>
                        <td>
                          <Show when={c.belowExpected} fallback={<span class="muted">—</span>}>
                            <span class="tag tag-overdue">▼ {t("analysis.below", { gap: money(c.gap) })}</span>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <Show when={x().customers.length === 0}>
                <Empty icon="chart">{t("analysis.noMatch")}</Empty>
              </Show>
              <Pager page={x().page.page ?? table.page()} pages={x().page.pages} total={x().page.total} onPage={table.setPage} />
            </Show>
          </>
        )}
      </Ready>
    </div>
  );
}
