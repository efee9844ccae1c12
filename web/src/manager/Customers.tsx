import { A } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { dateTime, money } from "../format.ts";
import { lang, type MessageKey, t } from "../i18n/index.ts";
import type { Choice } from "../ui/Combobox.tsx";
import { Empty, Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { PageNav } from "../ui/Pager.tsx";
import { RepPicker } from "../ui/RepPicker.tsx";
import { PinCell, PinDialog, type Pinned } from "./CustomerPin.tsx";
import { ReassignDialog } from "./Reassign.tsx";

type Filters = { tier: string; status: string; owner: Choice | null; flag: string; q: string };
const SIZES = [25, 50, 100, 200] as const;
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

/**
 * Every customer of the club, filtered and sorted by the server (tier, status, owner,
 * stale, overdue, name), a page at a time: the server counts the matches and reads any
 * page by its position, so the manager jumps to page N of 50,000 customers and the
 * screen holds one page's rows.
 */
export function CustomersTable() {
  const [f, setF] = createSignal<Filters>({ tier: "", status: "", owner: null, flag: "", q: "" });
  const [order, setOrder] = createSignal<Order>({ sort: "name", dir: "asc" });
  // a header sorts by its column; clicked again, the other way (spend and last contact start with the largest)
  const sortBy = (sort: Sort) =>
    setOrder((o) => (o.sort === sort ? { sort, dir: o.dir === "asc" ? "desc" : "asc" } : { sort, dir: sort === "spend" ? "desc" : "asc" }));
  const [pageNo, setPageNo] = createSignal(0);
  const [size, setSize] = createSignal<number>(50);
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [reassigning, setReassigning] = createSignal<"selected" | "all" | null>(null);
  const [done, setDone] = createSignal("");
  // the customer whose location dialog is open (kept here: a row is redrawn when the list is read again)
  const [pinning, setPinning] = createSignal<Pinned | null>(null);
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
    if (v.owner) q.ownerId = v.owner.id;
    if (v.flag === "overdue") q.overdue = "true";
    if (v.flag === "stale") q.stale = "true";
    if (v.q.trim()) q.q = v.q.trim();
    return q;
  });
  // new filters, order or page size: back to the first page
  createEffect(on([filters, size], () => setPageNo(0), { defer: true }));
  const query = createMemo(() => ({ ...filters(), limit: String(size()), offset: String(pageNo() * size()) }));
  // the export: every row matching the filters (not one page), in the table's order and the language on screen
  const exportHref = () => `/api/v1/customers/export.csv?${new URLSearchParams({ ...filters(), lang: lang() })}`;
  const list = useData(
    () => `customers:table:${JSON.stringify(query())}`,
    () => data(client.customers.$get({ query: query() })),
    { persist: false },
  );
  const set = (k: Exclude<keyof Filters, "owner">) => (e: Event) => setF({ ...f(), [k]: (e.currentTarget as HTMLInputElement).value });
  const rows = () => list.data()?.items ?? [];
  const goTo = (p: number) => {
    setPageNo(p);
    document.querySelector("main")?.scrollTo?.({ top: 0 });
  };
  const nav = (testid: string) => (
    <Show when={list.data()}>
      {(page) => (
        <PageNav
          page={pageNo()}
          size={size()}
          total={page().total}
          hasNext={(pageNo() + 1) * size() < page().total}
          onPrev={() => goTo(Math.max(0, pageNo() - 1))}
          onNext={() => goTo(pageNo() + 1)}
          jump={goTo}
          label={t("pager.label")}
          testid={testid}
        />
      )}
    </Show>
  );

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
        <div class="field">
          <RepPicker
            label={t("customers.owner")}
            value={f().owner}
            onChange={(owner) => setF({ ...f(), owner })}
            clearLabel={t("customers.ownerAll")}
            placeholder={t("customers.ownerAll")}
            testid="owner-filter"
          />
        </div>
        <label class="field">
          <span>{t("customers.flag")}</span>
          <select value={f().flag} onChange={set("flag")}>
            <option value="">{t("filter.all")}</option>
            <option value="overdue">{t("customer.overdue")}</option>
            <option value="stale">{t("customer.stale")}</option>
          </select>
        </label>
        <label class="field">
          <span>{t("pager.size")}</span>
          <select value={String(size())} onChange={(e) => setSize(Number(e.currentTarget.value))} data-testid="page-size">
            <For each={SIZES}>{(n) => <option value={String(n)}>{n}</option>}</For>
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
      <Show when={reassigning()}>
        <ReassignDialog
          {...(reassigning() === "selected" ? { customerIds: [...selected()] } : {})}
          onClose={() => setReassigning(null)}
          onDone={(moved, to) => {
            setReassigning(null);
            setSelected(new Set<string>());
            setDone(t("reassign.done", { n: moved, name: to.label }));
            void list.refetch();
          }}
        />
      </Show>
      <PinDialog
        open={pinning() !== null}
        customer={pinning() ?? { id: "", name: "" }}
        onClose={() => setPinning(null)}
        onSaved={(next) => {
          setPinning(next);
          void list.refetch();
        }}
      />
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
          <div class="check-table-scroll">
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
                  <SortHead label="custPin.column" order={order()} onSort={sortBy} />
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
                      <td data-testid="customer-owner">{c.ownerName || "—"}</td>
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
                      <td data-testid="customer-pin-cell">
                        <PinCell customer={c} onOpen={setPinning} />
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          {nav("customers-pager")}
        </Show>
      </Ready>
    </div>
  );
}
