import { Tabs } from "@kobalte/core/tabs";
import { createMemo, createSignal, For, Show } from "solid-js";
import { client, data, type MixAnalysis, type TierAnalysis } from "../api.ts";
import { useData } from "../cache.ts";
import { clubMonth, money, monthLabel, pct, shiftMonth } from "../format.ts";
import { t } from "../i18n/index.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Chart, type ChartOption } from "./chart.tsx";

const TIER_COLORS = { A: "#166534", B: "#2563eb", C: "#a8a29e" } as const;

/** Tier (Pareto), business mix and share-of-total for a month; every chart has its table one click away. */
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

function paretoOption(a: TierAnalysis): ChartOption {
  const names = a.customers.map((c) => c.name);
  const bands: [{ name: string; xAxis: string; itemStyle: { color: string } }, { xAxis: string }][] = [];
  for (const tier of ["A", "B", "C"] as const) {
    const rows = a.customers.filter((c) => c.tier === tier);
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first && last)
      bands.push([{ name: tier, xAxis: first.name, itemStyle: { color: `${TIER_COLORS[tier]}14` } }, { xAxis: last.name }]);
  }
  return {
    tooltip: { trigger: "axis" },
    legend: { data: [t("analysis.spend"), t("analysis.cumulative")], top: 0 },
    grid: { left: 64, right: 56, top: 40, bottom: 72 },
    xAxis: {
      type: "category",
      data: names,
      axisLabel: { rotate: names.length > 8 ? 35 : 0, interval: 0, width: 90, overflow: "truncate" },
    },
    yAxis: [
      { type: "value", name: "¥", axisLabel: { formatter: (v: number) => (v >= 10000 ? `${v / 10000}万` : String(v)) } },
      { type: "value", min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    ],
    series: [
      {
        name: t("analysis.spend"),
        type: "bar",
        data: a.customers.map((c) => ({ value: c.spend, itemStyle: { color: TIER_COLORS[c.tier as "A" | "B" | "C"] ?? "#a8a29e" } })),
        itemStyle: { color: TIER_COLORS.A },
        markArea: { silent: true, label: { position: "insideTop", fontWeight: "bold", fontSize: 14, color: "#44403c" }, data: bands },
      },
      {
        name: t("analysis.cumulative"),
        type: "line",
        yAxisIndex: 1,
        data: a.customers.map((c) => c.cumulativeShare),
        symbolSize: 6,
        itemStyle: { color: "#b45309" },
        tooltip: { valueFormatter: (v: number) => pct(v) },
      },
    ],
  };
}

function Tiers(props: { month: string }) {
  const a = useData(
    () => `tiers:${props.month}`,
    (k) => data(client.analysis.tiers.$get({ query: { month: k.slice(6) } })),
  );
  const [table, setTable] = createSignal(false);
  return (
    <Ready when={a.data()} error={a.error()} retry={a.refetch}>
      {(x) => (
        <Show when={x().customers.length > 0} fallback={<Empty icon="chart">{t("analysis.empty")}</Empty>}>
          <div class="tier-totals">
            <For each={["A", "B", "C"] as const}>
              {(tier) => (
                <div class="card tier-total">
                  <span class={`tier tier-${tier}`}>{tier}</span>
                  <div>
                    <strong>{t("analysis.customersN", { n: x().totals[tier].count })}</strong>
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
            <p class="muted small">
              {t("analysis.thresholds", { a: money(x().thresholds.A), b: money(x().thresholds.B) })} ·{" "}
              <a href={`/api/v1/analysis/tiers.csv?month=${props.month}`} download="">
                CSV
              </a>
            </p>
            <button type="button" class="link-btn" aria-expanded={table()} onClick={() => setTable(!table())}>
              {table() ? t("analysis.hideNumbers") : t("analysis.showNumbers")}
            </button>
            <Show when={table()}>
              <table class="table compact">
                <TableHead
                  columns={[
                    "#",
                    t("customer.name"),
                    { num: t("analysis.spend") },
                    { num: t("analysis.shareCol") },
                    { num: t("analysis.cumulative") },
                    t("customer.tier"),
                  ]}
                />
                <tbody>
                  <For each={x().customers}>
                    {(c, i) => (
                      <tr>
                        <td>{i() + 1}</td>
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
            </Show>
          </div>
        </Show>
      )}
    </Ready>
  );
}

function mixOption(m: MixAnalysis): ChartOption {
  const lines = [...m.lines].sort((a, b) => a.spend - b.spend);
  return {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 96, right: 48, top: 16, bottom: 32 },
    xAxis: { type: "value", axisLabel: { formatter: (v: number) => (v >= 10000 ? `${v / 10000}万` : String(v)) } },
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
  const [customerId, setCustomerId] = createSignal("");
  const tiers = useData(
    () => `tiers:${props.month}`,
    (k) => data(client.analysis.tiers.$get({ query: { month: k.slice(6) } })),
  );
  const mix = useData(
    () => `mix:${customerId() || "club"}:${props.month}`,
    () => data(client.analysis.mix.$get({ query: { month: props.month, ...(customerId() ? { customerId: customerId() } : {}) } })),
  );
  const label = createMemo(() => tiers.data()?.customers.find((c) => c.customerId === customerId())?.name ?? t("analysis.club"));
  return (
    <div class="card">
      <label class="field inline-field">
        <span>{t("analysis.mixFor")}</span>
        <select value={customerId()} onChange={(e) => setCustomerId(e.currentTarget.value)}>
          <option value="">{t("analysis.club")}</option>
          <For each={tiers.data()?.customers ?? []}>{(c) => <option value={c.customerId}>{c.name}</option>}</For>
        </select>
      </label>
      <Ready when={mix.data()} error={mix.error()} retry={mix.refetch}>
        {(m) => (
          <Show when={m().lines.some((l) => l.spend > 0)} fallback={<Empty icon="chart">{t("analysis.empty")}</Empty>}>
            <h2>
              {label()} · {money(m().total)}
            </h2>
            <Chart option={mixOption(m())} label={t("analysis.mixLabel", { who: label() })} height={Math.max(200, m().lines.length * 40)} />
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
            <Show when={m().unused.length > 0}>
              <p class="note">
                <strong>{t("analysis.unused")}</strong> {m().unused.join(", ")}
              </p>
            </Show>
          </Show>
        )}
      </Ready>
    </div>
  );
}

function Share(props: { month: string }) {
  const s = useData(
    () => `share:${props.month}`,
    (k) => data(client.analysis.share.$get({ query: { month: k.slice(6) } })),
  );
  return (
    <Ready when={s.data()} error={s.error()} retry={s.refetch}>
      {(x) => (
        <div class="card">
          <p>
            {t("analysis.clubTotal")}: <strong>{money(x().clubTotal)}</strong> · {t("analysis.belowN", { n: x().belowExpected })}
          </p>
          <Show when={x().customers.length > 0} fallback={<Empty icon="chart">{t("analysis.empty")}</Empty>}>
            <table class="table">
              <TableHead
                columns={[
                  t("customer.name"),
                  { num: t("analysis.spend") },
                  { num: t("analysis.shareCol") },
                  { num: t("analysis.expected") },
                  t("analysis.flag"),
                ]}
              />
              <tbody>
                <For each={x().customers}>
                  {(c) => (
                    <tr classList={{ flagged: !!c.belowExpected }}>
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
          </Show>
        </div>
      )}
    </Ready>
  );
}
