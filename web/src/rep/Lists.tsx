import { A, useNavigate, useParams } from "@solidjs/router";
import { createMemo, For, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { shortDate } from "../format.ts";
import { t } from "../i18n/index.ts";
import { me } from "../session.ts";
import { CachedNote, Empty, Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { allCustomers, rankCustomers, seenLabel } from "./customers.ts";

/** Overdue (cadence) and stale (quarterly refresh due) customers, most urgent first. */
export function Lists() {
  const params = useParams<{ kind: string }>();
  const navigate = useNavigate();
  const kind = () => (params.kind === "stale" ? "stale" : "overdue");
  const list = useData(
    () => `customers:${kind()}`,
    () => allCustomers(kind() === "stale" ? { stale: "true" } : { overdue: "true" }),
  );
  const progress = useData(
    () => (kind() === "stale" ? "refresh-progress" : null),
    () => data(client.refresh.progress.$get({ query: {} })),
  );
  // the rows carry the server's days overdue
  const ranked = createMemo(() => rankCustomers(list.data() ?? []));
  const mineProgress = () => {
    const p = progress.data();
    if (!p) return null;
    const r = p.items.find((x) => x.repId === me()?.user.id) ?? p.totals;
    return r.total > 0 ? { total: r.total, done: r.refreshed } : null;
  };

  return (
    <div class="page lists">
      <nav class="seg" aria-label={t("lists.which")}>
        <A href="/lists/overdue" activeClass="active">
          <Icon name="clock" size={16} /> {t("lists.overdue")}
        </A>
        <A href="/lists/stale" activeClass="active">
          <Icon name="refresh" size={16} /> {t("lists.stale")}
        </A>
      </nav>
      <p class="muted small">{kind() === "overdue" ? t("lists.overdueHelp") : t("lists.staleHelp")}</p>
      <Show when={mineProgress()}>
        {(p) => (
          <div class="progress-line" role="status">
            <span>{t("lists.refreshProgress", { done: p().done, total: p().total })}</span>
            <progress max={p().total} value={p().done} />
          </div>
        )}
      </Show>
      <CachedNote at={list.cachedAt()} error={list.error()} />
      <Ready when={list.data()} error={list.error()} retry={list.refetch}>
        <Show
          when={ranked().length > 0}
          fallback={<Empty icon="signed">{kind() === "overdue" ? t("lists.noneOverdue") : t("lists.noneStale")}</Empty>}
        >
          <ul class="customer-list">
            <For each={ranked()}>
              {(r) => (
                <li class={`customer-row bucket-${r.bucket}`}>
                  <button type="button" class="row-main" onClick={() => navigate(`/c/${r.c.id}`)}>
                    <span class={`tier tier-${r.c.tier ?? "none"}`}>{r.c.tier ?? "–"}</span>
                    <span class="row-text">
                      <span class="row-name">{r.c.name}</span>
                      <span class="row-sub">
                        <Show
                          when={kind() === "overdue"}
                          fallback={<span>{t("lists.lastRefreshed", { date: shortDate(r.c.lastRefreshedAt) })}</span>}
                        >
                          <span class="tag tag-overdue">{t("customer.overdueDays", { n: r.late })}</span>
                          <span>{r.c.lastInPersonAt ? seenLabel(r.c.lastInPersonAt) : t("customer.neverSeen")}</span>
                        </Show>
                      </span>
                    </span>
                    <Icon name="chevron" size={20} />
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Ready>
    </div>
  );
}
