import { useNavigate, useParams } from "@solidjs/router";
import { createEffect, createSignal, For, on, Show } from "solid-js";
import { type Customer, client, data, NetworkError } from "../api.ts";
import { readCache, useData } from "../cache.ts";
import { clubMonth, dateTime, daysSince, money, shortDate } from "../format.ts";
import { t } from "../i18n/index.ts";
import { LOCAL_PREFIX, localCustomer, mine, myNewCustomers, resolveId, sent } from "../offline/outbox.ts";
import { isLead, me } from "../session.ts";
import type { Channel, Outcome } from "../types.ts";
import { CachedNote, Empty, ErrorBox, FormError, Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { CardSaleSheet } from "./CardSaleSheet.tsx";
import { ComplaintList, ComplaintSheet } from "./ComplaintSheet.tsx";
import { EditCustomer, History, ReachOut } from "./CustomerParts.tsx";
import { LogSheet } from "./LogSheet.tsx";
import { RevenueSheet } from "./RevenueSheet.tsx";
import { UndoButton } from "./Undo.tsx";
import { CheckChip, PendingCheck, PinFact } from "./VisitCheck.tsx";

/** The lists this phone keeps (Home, Lists): a card opens from them when it was never opened online. */
const LIST_KEYS = ["customers:home", "customers:overdue", "customers:stale"];

/** A customer as this phone last saw it in a list, or a prospect added here and not yet sent. */
function fromPhone(id: string): { c: Customer; at: number | null } | undefined {
  if (id.startsWith(LOCAL_PREFIX)) {
    const q = myNewCustomers().find((x) => `${LOCAL_PREFIX}${x.key}` === id);
    return q ? { c: localCustomer(q), at: null } : undefined;
  }
  for (const k of LIST_KEYS) {
    const hit = readCache<Customer[]>(k);
    const c = hit?.data.find((x) => x.id === id);
    if (c && hit) return { c, at: hit.at };
  }
  return undefined;
}

export function CustomerCard() {
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  // A prospect added on the phone that has since reached the server opens under its server id.
  const id = () => resolveId(params.id);
  const local = () => id().startsWith(LOCAL_PREFIX);
  const customer = useData(
    () => (local() ? null : `customer:${id()}`),
    (k) => data(client.customers[":id"].$get({ param: { id: k.slice("customer:".length) } })),
  );
  const thisMonth = useData(
    () => (local() ? null : `mix:${id()}:${clubMonth()}`),
    () => data(client.analysis.mix.$get({ query: { month: clubMonth(), customerId: id() } })),
  );
  const contacts = useData(
    () => (local() ? null : `contacts:${id()}`),
    () => data(client.contacts.$get({ query: { customerId: id(), limit: "10" } })),
  );
  const saved = () => (customer.data() ? undefined : fromPhone(id()));
  const shown = () => customer.data() ?? saved()?.c;
  const cachedAt = () => customer.cachedAt() ?? saved()?.at ?? null;
  const [editing, setEditing] = createSignal(false);
  const [logging, setLogging] = createSignal<Customer | null>(null);
  const [refreshState, setRefreshState] = createSignal<"idle" | "busy" | "done" | unknown>("idle");
  const [selling, setSelling] = createSignal<Customer | null>(null);
  const [earning, setEarning] = createSignal<Customer | null>(null);
  const [complaining, setComplaining] = createSignal<Customer | null>(null);
  const [complaintsVersion, setComplaintsVersion] = createSignal(0);
  const [done, setDone] = createSignal("");
  const said = (text: string) => {
    setDone(text);
    setTimeout(() => setDone((d) => (d === text ? "" : d)), 8_000);
  };
  const myId = () => me()?.user.id;
  // A contact logged here reached the server: show it from there (with its undo, its check, a pin it set).
  createEffect(
    on(
      () => sent().length,
      () => {
        void contacts.refetch();
        if (sent()[0]?.pinned) void customer.refetch();
      },
      { defer: true },
    ),
  );

  async function reviewed() {
    setRefreshState("busy");
    try {
      const c = await data(client.customers[":id"].refresh.$post({ param: { id: id() } }));
      customer.mutate(() => c);
      setRefreshState("done");
    } catch (err) {
      setRefreshState(err);
    }
  }

  const pending = () => mine().filter((q) => q.customerId === id() || q.customerId === params.id);

  return (
    <div class="page card-page">
      <button type="button" class="link-btn back" onClick={() => (history.length > 1 ? history.back() : navigate("/"))}>
        <Icon name="back" size={18} /> {t("action.back")}
      </button>
      <Show when={local()}>
        <p class="banner pending" role="status" data-testid="card-on-phone">
          <Icon name="cloudOff" size={18} /> {t("customer.onPhoneOnly")}
        </p>
      </Show>
      <CachedNote at={cachedAt()} error={customer.error()} />
      <Ready when={shown()} error={local() ? new NetworkError("not on the server yet") : customer.error()} retry={customer.refetch}>
        {(c) => (
          <>
            <header class="card-head">
              <span class={`tier big tier-${c().tier ?? "none"}`} title={t("customer.tier")}>
                <span class="sr-only">{t("customer.tier")} </span>
                {c().tier ?? "–"}
              </span>
              <div>
                <h1 data-testid="customer-name">{c().name}</h1>
                <p class="muted">
                  {t(`kind.${c().kind}`)} · {t(`status.${c().status}`)}
                </p>
              </div>
            </header>
            <div class="flags">
              <Show when={c().overdue}>
                <span class="tag tag-overdue">
                  <Icon name="clock" size={14} /> {t("customer.overdue")}
                </span>
              </Show>
              <Show when={c().stale}>
                <span class="tag tag-stale">
                  <Icon name="refresh" size={14} /> {t("customer.stale")}
                </span>
              </Show>
              <Show when={!c().overdue && !c().stale}>
                <span class="tag tag-ok">
                  <Icon name="signed" size={14} /> {t("customer.upToDate")}
                </span>
              </Show>
            </div>
            <ReachOut customer={c()} />
            <dl class="facts">
              <div>
                <dt>{t("customer.thisMonth")}</dt>
                <dd>{thisMonth.data() ? money(thisMonth.data()?.total) : "…"}</dd>
              </div>
              <div>
                <dt>{t("customer.lastMonth")}</dt>
                <dd>{money(c().lastMonthSpend)}</dd>
              </div>
              <div>
                <dt>
                  {t("customer.lastContact")}
                  <Show when={c().lastInPersonAt}>
                    <span class="muted"> · {t("customer.daysAgo", { n: daysSince(c().lastInPersonAt ?? "") })}</span>
                  </Show>
                </dt>
                <dd>{c().lastInPersonAt ? shortDate(c().lastInPersonAt ?? "") : t("customer.neverSeen")}</dd>
              </div>
              <div>
                <dt>{t("customer.refreshed")}</dt>
                <dd>{shortDate(c().lastRefreshedAt)}</dd>
              </div>
              <PinFact pin={c().pin} />
            </dl>
            <div class="card-actions">
              {/* a team lead has no customers of their own: no contacts, sales or revenue of theirs to record */}
              <Show when={!isLead()}>
                <button type="button" class="btn primary" onClick={() => setLogging(c())} data-testid="card-log">
                  <Icon name="plus" size={18} /> {t("home.logContact")}
                </button>
              </Show>
              <button
                type="button"
                class="btn secondary"
                onClick={() => void reviewed()}
                disabled={refreshState() === "busy" || local()}
                data-testid="card-reviewed"
              >
                <Icon name="refresh" size={18} /> {refreshState() === "done" ? t("customer.reviewedDone") : t("customer.reviewed")}
              </button>
              <button
                type="button"
                class="btn secondary"
                onClick={() => setEditing(!editing())}
                aria-expanded={editing()}
                disabled={local()}
              >
                <Icon name="edit" size={18} /> {t("action.edit")}
              </button>
            </div>
            <Show when={!local()}>
              <div class="card-actions money-actions">
                <Show when={!isLead()}>
                  <button type="button" class="btn secondary" onClick={() => setSelling(c())} data-testid="card-sell">
                    <Icon name="signed" size={18} /> {t("repSale.open")}
                  </button>
                  <button type="button" class="btn secondary" onClick={() => setEarning(c())} data-testid="card-revenue">
                    <Icon name="plus" size={18} /> {t("repRevenue.open")}
                  </button>
                </Show>
                <button type="button" class="btn secondary" onClick={() => setComplaining(c())} data-testid="card-complaint">
                  <Icon name="alert" size={18} /> {t("repComplaint.open")}
                </button>
              </div>
            </Show>
            <Show when={done()}>
              <p class="banner ok" role="status" data-testid="card-done">
                <Icon name="signed" size={18} /> {done()}
              </p>
            </Show>
            <Show when={refreshState() instanceof Error}>
              <FormError error={refreshState()} />
            </Show>
            <Show when={editing()}>
              <EditCustomer
                customer={c()}
                onSaved={(next) => {
                  customer.mutate(() => next);
                  setEditing(false);
                }}
              />
            </Show>

            <section aria-labelledby="contacts-title">
              <h2 id="contacts-title">{t("customer.contacts")}</h2>
              <ul class="timeline">
                <For each={pending()}>
                  {(p) => (
                    <li class="pending" data-testid="contact-pending">
                      <span class="chip pending">
                        <Icon name="clock" size={14} /> {t("outbox.pending")}
                      </span>
                      {t(`channel.${p.channel}`)} · {t(`outcome.${p.outcome}`)} · {dateTime(p.occurredAt)}
                      <PendingCheck queued={p} />
                      <Show when={p.state !== "holding"}>
                        <div class="row-undo">
                          <UndoButton
                            queueKey={p.key}
                            loggedAt={p.occurredAt}
                            label={t("repUndo.label", { what: t(`channel.${p.channel}`), time: dateTime(p.occurredAt) })}
                            onDone={(r) => {
                              said("removed" in r ? t("repUndo.removed") : t("repUndo.done", { reason: r.reason }));
                              void contacts.refetch();
                            }}
                          />
                        </div>
                      </Show>
                    </li>
                  )}
                </For>
                <For each={contacts.data()?.items ?? []}>
                  {(x) => (
                    <li classList={{ voided: x.voided }} data-testid="contact-item">
                      <span class="contact-line">
                        <Icon name={x.channel as Channel} size={16} /> {t(`channel.${x.channel as Channel}`)}
                        {x.outcome ? ` · ${t(`outcome.${x.outcome as Outcome}`)}` : ""} · {dateTime(x.occurredAt)}
                      </span>
                      <CheckChip check={x.check} />
                      <Show when={x.notes}>
                        <p class="muted small">{x.notes}</p>
                      </Show>
                      <Show when={x.voided}>
                        <p class="void-reason small" data-testid="void-reason">
                          {t("repUndo.voided", { reason: "voidReason" in x ? String(x.voidReason ?? "") : "" })}
                        </p>
                      </Show>
                      <Show when={!x.voided && x.repId === myId()}>
                        <div class="row-undo">
                          <UndoButton
                            id={x.id}
                            loggedAt={x.createdAt}
                            label={t("repUndo.label", { what: t(`channel.${x.channel as Channel}`), time: dateTime(x.occurredAt) })}
                            onDone={(r) => {
                              said("removed" in r ? t("repUndo.removed") : t("repUndo.done", { reason: r.reason }));
                              void contacts.refetch();
                              void customer.refetch();
                            }}
                          />
                        </div>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
              <Show when={contacts.error() && !contacts.data()}>
                <ErrorBox error={contacts.error()} retry={contacts.refetch} />
              </Show>
              <Show when={contacts.data()?.items.length === 0 && pending().length === 0}>
                <Empty icon="clock">{t("customer.noContacts")}</Empty>
              </Show>
            </section>
            <Show when={!local()}>
              <ComplaintList customerId={id()} version={complaintsVersion()} />
              <History id={id()} />
            </Show>
          </>
        )}
      </Ready>
      <LogSheet
        customer={logging()}
        onClose={() => {
          setLogging(null);
          void contacts.refetch();
        }}
        onOpenCard={() => setLogging(null)}
      />
      <CardSaleSheet
        customer={selling()}
        onClose={() => setSelling(null)}
        onSold={(text) => {
          said(text);
          void customer.refetch();
          void thisMonth.refetch();
        }}
      />
      <RevenueSheet
        customer={earning()}
        onClose={() => setEarning(null)}
        onSaved={(text) => {
          said(text);
          void thisMonth.refetch();
        }}
        onSellCard={() => {
          const c = earning();
          setEarning(null);
          setSelling(c);
        }}
      />
      <ComplaintSheet
        customer={complaining()}
        onClose={() => setComplaining(null)}
        onSaved={() => {
          said(t("repComplaint.logged"));
          setComplaintsVersion((v) => v + 1);
        }}
      />
    </div>
  );
}
