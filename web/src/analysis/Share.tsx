import { createMemo, createSignal, For, type JSX, Show } from "solid-js";
import type { sharePage } from "../../../server/src/analysis/service.ts";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { money, pct } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { Empty, Ready } from "../ui/common.tsx";
import { amountsFirst, count, PAGE_ROWS, Pager, SortHead, useDebounced, usePagedTable } from "./table.tsx";

/** The paged form of /analysis/share. */
type SharePage = ReturnType<typeof sharePage>;

export function Share(props: { month: string }) {
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
