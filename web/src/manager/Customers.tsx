import { A } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { type Customer, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { money, shortDate } from "../format.ts";
import { t } from "../i18n/index.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";

type Filters = { tier: string; status: string; ownerId: string; flag: string; q: string };

/** Every customer of the club, filtered as the API filters (tier, status, owner, stale, overdue, name). */
export function CustomersTable() {
  const [f, setF] = createSignal<Filters>({ tier: "", status: "", ownerId: "", flag: "", q: "" });
  const [extra, setExtra] = createSignal<Customer[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const users = useData(
    () => "users",
    () => data(client.users.$get({ query: { limit: "200" } })),
  );
  const query = createMemo(() => {
    const v = f();
    const q: Record<string, string> = { limit: "100" };
    if (v.tier) q.tier = v.tier;
    if (v.status) q.status = v.status;
    if (v.ownerId) q.ownerId = v.ownerId;
    if (v.flag === "overdue") q.overdue = "true";
    if (v.flag === "stale") q.stale = "true";
    if (v.q.trim()) q.q = v.q.trim();
    return q;
  });
  const list = useData(
    () => `customers:table:${JSON.stringify(query())}`,
    async () => {
      const page = await data(client.customers.$get({ query: query() }));
      setExtra([]);
      setCursor(page.nextCursor);
      return page;
    },
    { persist: false },
  );
  async function more() {
    const c = cursor();
    if (!c) return;
    const page = await data(client.customers.$get({ query: { ...query(), cursor: c } }));
    setExtra([...extra(), ...page.items]);
    setCursor(page.nextCursor);
  }
  const owner = (id: string) => users.data()?.items.find((u) => u.id === id)?.name ?? "—";
  const set = (k: keyof Filters) => (e: Event) => setF({ ...f(), [k]: (e.currentTarget as HTMLInputElement).value });
  const rows = () => [...(list.data()?.items ?? []), ...extra()];

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("customers.title")}</h1>
        </div>
        <a class="btn secondary small" href="/api/v1/customers/export.csv" download="">
          <Icon name="upload" size={16} style={{ transform: "rotate(180deg)" }} /> {t("customers.export")}
        </a>
      </header>
      <div class="filters card">
        <label class="field">
          <span>{t("customers.search")}</span>
          <input type="search" value={f().q} onInput={set("q")} />
        </label>
        <label class="field">
          <span>{t("customer.tier")}</span>
          <select value={f().tier} onChange={set("tier")}>
            <option value="">{t("filter.all")}</option>
            <option>A</option>
            <option>B</option>
            <option>C</option>
          </select>
        </label>
        <label class="field">
          <span>{t("customers.status")}</span>
          <select value={f().status} onChange={set("status")}>
            <option value="">{t("filter.all")}</option>
            <For each={["prospect", "active", "churned", "dropped"] as const}>{(s) => <option value={s}>{t(`status.${s}`)}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span>{t("customers.owner")}</span>
          <select value={f().ownerId} onChange={set("ownerId")}>
            <option value="">{t("filter.all")}</option>
            <For each={users.data()?.items ?? []}>{(u) => <option value={u.id}>{u.name}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span>{t("customers.flag")}</span>
          <select value={f().flag} onChange={set("flag")}>
            <option value="">{t("filter.all")}</option>
            <option value="overdue">{t("customer.overdue")}</option>
            <option value="stale">{t("customer.stale")}</option>
          </select>
        </label>
      </div>
      <Ready when={list.data()} error={list.error()} retry={list.refetch}>
        <Show when={rows().length > 0} fallback={<Empty icon="user">{t("customers.empty")}</Empty>}>
          <table class="table">
            <TableHead
              columns={[
                t("customer.name"),
                t("customer.tier"),
                t("customers.status"),
                t("customers.owner"),
                { num: t("customer.lastMonth") },
                t("customer.lastContact"),
                t("customers.flag"),
              ]}
            />
            <tbody>
              <For each={rows()}>
                {(c) => (
                  <tr>
                    <td>
                      <A href={`/c/${c.id}`}>{c.name}</A>
                    </td>
                    <td>
                      <span class={`tier small tier-${c.tier ?? "none"}`}>{c.tier ?? "–"}</span>
                    </td>
                    <td>{t(`status.${c.status}`)}</td>
                    <td>{owner(c.ownerId)}</td>
                    <td class="num">{money(c.lastMonthSpend)}</td>
                    <td>{c.lastInPersonAt ? shortDate(c.lastInPersonAt) : "—"}</td>
                    <td>
                      <Show when={c.overdue}>
                        <span class="tag tag-overdue">{t("customer.overdue")}</span>
                      </Show>{" "}
                      <Show when={c.stale}>
                        <span class="tag tag-stale">{t("customer.stale")}</span>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <Show when={cursor()}>
            <button type="button" class="btn secondary" onClick={() => void more()}>
              {t("action.more")}
            </button>
          </Show>
        </Show>
      </Ready>
    </div>
  );
}
