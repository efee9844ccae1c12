import { createMemo, createSignal, For, Show } from "solid-js";
import type { tiersPage } from "../../../server/src/analysis/service.ts";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { money, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { Empty, Ready } from "../ui/common.tsx";
import { Chart, type ChartOption } from "./chart.tsx";
import { amountsFirst, count, PAGE_ROWS, Pager, SortHead, TIER_COLORS, type Tier, useDebounced, usePagedTable, wan } from "./table.tsx";

// The analysis answers are read paged (a page of the table, 100 buckets of the curve);
// this is the paged form of /analysis/tiers (Share.tsx has /analysis/share's).
type TierPage = ReturnType<typeof tiersPage>;
type Pareto = Awaited<ReturnType<typeof loadPareto>>;
const loadPareto = (month: string) => data(client.analysis.tiers.pareto.$get({ query: { month } }));

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

export function Tiers(props: { month: string }) {
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
