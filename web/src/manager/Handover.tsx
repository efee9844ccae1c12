import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { lang, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import type { Choice } from "../ui/Combobox.tsx";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { PageNav } from "../ui/Pager.tsx";
import "./manager.css";
import { HandoverDialog } from "./HandoverDialog.tsx";

const PAGE = 50;

/**
 * Customers to hand over (GET /customers?unowned=true): every customer whose rep is
 * disabled, a page at a time, with the total; hand over one rep's whole book, or the
 * customers chosen here (of one rep). `?rep=<id>` opens the handover of that rep's
 * book at once (from the users list or a month close's removal).
 */
export function HandoverPage() {
  const [params, setParams] = useSearchParams<{ rep?: string }>();
  const [pageNo, setPageNo] = createSignal(0);
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [open, setOpen] = createSignal<{ from: Choice; customerIds?: string[] } | null>(null);
  const [notice, setNotice] = createSignal("");
  const query = createMemo(() => ({ unowned: "true", sort: "owner", limit: String(PAGE), offset: String(pageNo() * PAGE) }) as const);
  const list = useData(
    () => `customers:unowned:${JSON.stringify(query())}`,
    () => data(client.customers.$get({ query: query() })),
    { persist: false },
  );
  const rows = () => list.data()?.items ?? [];
  const owners = createMemo(() => {
    const seen = new Map<string, string>();
    for (const r of rows()) if (!seen.has(r.ownerId)) seen.set(r.ownerId, r.ownerName ?? "");
    return [...seen].map(([id, label]) => ({ id, label }));
  });
  const chosen = () => rows().filter((r) => selected().has(r.id));
  const oneOwner = () => new Set(chosen().map((r) => r.ownerId)).size === 1;
  // from the users list or a removal: the rep named in the address
  createEffect(
    on(
      () => params.rep,
      async (id) => {
        if (!id) return;
        try {
          const u = await data(client.users[":id"].$get({ param: { id } }));
          setOpen({ from: { id: u.id, label: u.name } });
        } catch (err) {
          setNotice(describe(err));
        }
      },
    ),
  );
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected());
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("unowned.title")}</h1>
          <p class="muted">{t("unowned.intro")}</p>
          <Show when={list.data()}>
            {(page) => (
              <p class="muted" data-testid="unowned-total" aria-live="polite">
                {t("unowned.total", { n: page().total.toLocaleString(lang()) })}
              </p>
            )}
          </Show>
        </div>
      </header>
      <Show when={notice()}>
        <p class="banner ok" role="status" data-testid="handover-notice">
          {notice()}
        </p>
      </Show>
      <Ready when={list.data()} error={list.error()} retry={list.refetch}>
        <Show when={rows().length > 0} fallback={<Empty icon="user">{t("unowned.empty")}</Empty>}>
          <div class="row gap wrap">
            <For each={owners()}>
              {(o) => (
                <button
                  type="button"
                  class="btn secondary small"
                  onClick={() => setOpen({ from: o })}
                  data-testid="unowned-handover"
                  data-rep={o.id}
                >
                  {t("unowned.handOver", { name: o.label })}
                </button>
              )}
            </For>
            <Show when={chosen().length > 0}>
              <button
                type="button"
                class="btn primary small"
                disabled={!oneOwner()}
                title={oneOwner() ? undefined : t("unowned.oneOwner")}
                onClick={() => {
                  const first = chosen()[0]!;
                  setOpen({ from: { id: first.ownerId, label: first.ownerName ?? "" }, customerIds: chosen().map((r) => r.id) });
                }}
                data-testid="unowned-handover-selected"
              >
                {t("unowned.handOverSelected")}
              </button>
            </Show>
          </div>
          <table class="table" data-testid="unowned-table">
            <TableHead columns={["", t("unowned.colName"), t("unowned.colOwner"), t("unowned.colTier")]} />
            <tbody>
              <For each={rows()}>
                {(r) => (
                  <tr data-testid="unowned-row" data-customer={r.id}>
                    <td class="check">
                      <input
                        type="checkbox"
                        checked={selected().has(r.id)}
                        onChange={(e) => toggle(r.id, e.currentTarget.checked)}
                        aria-label={t("unowned.select", { name: r.name })}
                      />
                    </td>
                    <td>{r.name}</td>
                    <td>{r.ownerName}</td>
                    <td>{r.tier ?? "—"}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <PageNav
            page={pageNo()}
            size={PAGE}
            total={list.data()?.total ?? 0}
            hasNext={(pageNo() + 1) * PAGE < (list.data()?.total ?? 0)}
            onPrev={() => setPageNo(Math.max(0, pageNo() - 1))}
            onNext={() => setPageNo(pageNo() + 1)}
            label={t("pager.label")}
            testid="unowned-pager"
          />
        </Show>
      </Ready>
      <Show when={open()}>
        {(o) => (
          <HandoverDialog
            from={o().from}
            {...(o().customerIds ? { customerIds: o().customerIds } : {})}
            onClose={() => {
              setOpen(null);
              if (params.rep) setParams({ rep: undefined });
            }}
            onDone={(n) => {
              setSelected(new Set<string>());
              setNotice(t("handover.done", { n }));
              void list.refetch();
            }}
          />
        )}
      </Show>
    </div>
  );
}
