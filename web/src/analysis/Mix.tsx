import { createSignal, For, Show } from "solid-js";
import { client, data, type MixAnalysis } from "../api.ts";
import { useData } from "../cache.ts";
import { money, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { CustomerSearch, type Picked } from "./CustomerSearch.tsx";
import { Chart, type ChartOption } from "./chart.tsx";
import { wan } from "./table.tsx";

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

export function Mix(props: { month: string }) {
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
