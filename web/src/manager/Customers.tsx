import { A } from "@solidjs/router";
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { type Customer, client, data, type User } from "../api.ts";
import { useData } from "../cache.ts";
import { dateTime, money } from "../format.ts";
import { lang, type MessageKey, t } from "../i18n/index.ts";
import { Empty, Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { allUsers } from "../users.ts";
import { ReassignDialog } from "./Reassign.tsx";

type Filters = { tier: string; status: string; ownerId: string; flag: string; q: string };
type Sort = "name" | "lastContact" | "spend" | "tier" | "owner";
type Order = { sort: Sort; dir: "asc" | "desc" };

/** A header's sort button reads as the header it is. */
const HEAD_BUTTON = { padding: "0", color: "inherit", "font-weight": "inherit", "text-transform": "inherit", "letter-spacing": "inherit" };

/** A column header; a sortable one is a button that sorts by it (again: the other way), with aria-sort. */
function SortHead(props: { label: MessageKey; sort?: Sort; num?: boolean; order: Order; onSort: (s: Sort) => void }) {
  const active = () => props.sort !== undefined && props.order.sort === props.sort;
  return (
    <th
      scope="col"
      class={props.num ? "num" : undefined}
      aria-sort={active() ? (props.order.dir === "asc" ? "ascending" : "descending") : props.sort ? "none" : undefined}
    >
      <Show when={props.sort} fallback={t(props.label)}>
        {(sort) => (
          <button type="button" class="link-btn" style={HEAD_BUTTON} onClick={() => props.onSort(sort())} data-sort={sort()}>
            {t(props.label)}
            <span aria-hidden="true">{active() ? (props.order.dir === "asc" ? " ▲" : " ▼") : ""}</span>
          </button>
        )}
      </Show>
    </th>
  );
}

/** Every customer of the club, filtered as the API filters (tier, status, owner, stale, overdue, name). */
export function CustomersTable() {
  const [f, setF] = createSignal<Filters>({ tier: "", status: "", ownerId: "", flag: "", q: "" });
  const [order, setOrder] = createSignal<Order>({ sort: "name", dir: "asc" });
  // a header sorts by its column; clicked again, the other way (spend and last contact start with the largest)
  const sortBy = (sort: Sort) =>
    setOrder((o) => (o.sort === sort ? { sort, dir: o.dir === "asc" ? "desc" : "asc" } : { sort, dir: sort === "spend" ? "desc" : "asc" }));
  const [extra, setExtra] = createSignal<Customer[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  // every user (a club may have more than one page of them): owner names and the reassign choices
  const [everyone, { refetch: refetchUsers }] = createResource(() => allUsers());
  const users = { data: () => (everyone() ? { items: everyone() as User[] } : undefined) };
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [reassigning, setReassigning] = createSignal<"selected" | "all" | null>(null);
  const [done, setDone] = createSignal("");
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected());
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  /** The filters and order, as the list and its export take them. */
  const filters = createMemo(() => {
    const v = f();
    const q: Record<string, string> = { sort: order().sort, dir: order().dir };
    if (v.tier) q.tier = v.tier;
    if (v.status) q.status = v.status;
    if (v.ownerId) q.ownerId = v.ownerId;
    if (v.flag === "overdue") q.overdue = "true";
    if (v.flag === "stale") q.stale = "true";
    if (v.q.trim()) q.q = v.q.trim();
    return q;
  });
  const query = createMemo(() => ({ ...filters(), limit: "100" }));
  // the export: the same rows as the table, in the language on screen
  const exportHref = () => `/api/v1/customers/export.csv?${new URLSearchParams({ ...filters(), lang: lang() })}`;
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
          <Show when={list.data()}>
            {(page) => (
              <p class="muted" data-testid="customers-total" aria-live="polite">
                {t("customers.total", { n: page().total.toLocaleString(lang()) })}
              </p>
            )}
          </Show>
        </div>
        <div class="row gap">
          <button type="button" class="btn secondary small" onClick={() => setReassigning("all")} data-testid="reassign-all">
            {t("reassign.allOf")}
          </button>
          <a class="btn secondary small" href={exportHref()} download="" data-testid="customers-export">
            <Icon name="upload" size={16} style={{ transform: "rotate(180deg)" }} /> {t("customers.export")}
          </a>
        </div>
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
      <Show when={done()}>
        <p class="banner ok" role="status" data-testid="reassign-done">
          {done()}
        </p>
      </Show>
      <Show when={selected().size > 0}>
        <div class="selbar" data-testid="selection-bar">
          <strong aria-live="polite">{t("reassign.selected", { n: selected().size })}</strong>
          <button type="button" class="btn primary small" onClick={() => setReassigning("selected")} data-testid="reassign-selected">
            {t("reassign.button")}
          </button>
          <button type="button" class="btn secondary small" onClick={() => setSelected(new Set<string>())}>
            {t("reassign.clear")}
          </button>
        </div>
      </Show>
      <Show when={reassigning() && everyone()}>
        <ReassignDialog
          {...(reassigning() === "selected" ? { customerIds: [...selected()] } : {})}
          users={everyone() ?? []}
          onClose={() => setReassigning(null)}
          onDone={(moved, to) => {
            setReassigning(null);
            setSelected(new Set<string>());
            setDone(t("reassign.done", { n: moved, name: to.name }));
            void list.refetch();
            void refetchUsers();
          }}
        />
      </Show>
      <Ready when={list.data()} error={list.error()} retry={list.refetch}>
        <Show when={rows().length > 0} fallback={<Empty icon="user">{t("customers.empty")}</Empty>}>
          <label class="row gap small select-all">
            <input
              type="checkbox"
              checked={rows().every((c) => selected().has(c.id))}
              onChange={(e) =>
                setSelected(e.currentTarget.checked ? new Set([...selected(), ...rows().map((c) => c.id)]) : new Set<string>())
              }
              data-testid="select-all"
            />
            {t("reassign.selectAll")}
          </label>
          <table class="table">
            <thead>
              <tr>
                <th scope="col" />
                <SortHead label="customer.name" sort="name" order={order()} onSort={sortBy} />
                <SortHead label="customer.tier" sort="tier" order={order()} onSort={sortBy} />
                <SortHead label="customers.status" order={order()} onSort={sortBy} />
                <SortHead label="customers.owner" sort="owner" order={order()} onSort={sortBy} />
                <SortHead label="customer.lastMonth" sort="spend" num order={order()} onSort={sortBy} />
                <SortHead label="customer.lastContact" sort="lastContact" order={order()} onSort={sortBy} />
                <SortHead label="customers.flag" order={order()} onSort={sortBy} />
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(c) => (
                  <tr data-testid="customer-row" data-customer={c.id}>
                    <td class="check">
                      <input
                        type="checkbox"
                        checked={selected().has(c.id)}
                        onChange={(e) => toggle(c.id, e.currentTarget.checked)}
                        aria-label={t("reassign.select", { name: c.name })}
                        data-testid="customer-select"
                      />
                    </td>
                    <td>
                      <A href={`/c/${c.id}`}>{c.name}</A>
                    </td>
                    <td>
                      <span class={`tier small tier-${c.tier ?? "none"}`}>{c.tier ?? "–"}</span>
                    </td>
                    <td>{t(`status.${c.status}`)}</td>
                    <td>{owner(c.ownerId)}</td>
                    <td class="num">{money(c.lastMonthSpend)}</td>
                    <td>{c.lastInPersonAt ? dateTime(c.lastInPersonAt) : "—"}</td>
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
