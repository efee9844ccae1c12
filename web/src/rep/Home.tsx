import { useNavigate } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { type Customer, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { boardMoney, clock, clubDay, clubMonth, pct } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { useLiveSoon } from "../live.ts";
import {
  createdTick,
  discard,
  discardCustomer,
  localCustomer,
  mine,
  myNewCustomers,
  sent,
  waiting,
  waitingCustomers,
} from "../offline/outbox.ts";
import { me } from "../session.ts";
import { CachedNote, Empty, ErrorBox, Loading } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { allCustomers, type Bucket, rankCustomers, seenLabel } from "./customers.ts";
import { errorText } from "./errors.ts";
import { LogSheet } from "./LogSheet.tsx";
import { NewProspectSheet } from "./NewProspectSheet.tsx";
import { PickSheet } from "./PickSheet.tsx";
import { TodayPlan } from "./PlansPage.tsx";
import { loadPinyin, nameMatches } from "./pinyin.ts";
import { MyRank, RatioMeter } from "./Standing.tsx";

const [online, setOnline] = createSignal(typeof navigator === "undefined" ? true : navigator.onLine);
if (typeof window !== "undefined") {
  window.addEventListener("online", () => setOnline(true));
  window.addEventListener("offline", () => setOnline(false));
}

export function OutboxBanner() {
  return (
    <Show when={waiting() > 0 || waitingCustomers() > 0}>
      <div class="banner pending" role="status" data-testid="outbox-banner">
        <Icon name="cloudOff" size={18} />
        <span class="banner-lines">
          <Show when={waiting() > 0}>
            <span>{online() ? t("outbox.sending", { n: waiting() }) : t("outbox.waiting", { n: waiting() })}</span>
          </Show>
          <Show when={waitingCustomers() > 0}>
            <span data-testid="outbox-customers">
              {online() ? t("outbox.sendingCustomers", { n: waitingCustomers() }) : t("outbox.waitingCustomers", { n: waitingCustomers() })}
            </span>
          </Show>
        </span>
      </div>
    </Show>
  );
}

/** The customers this phone holds: the last list the server gave, and the prospects added here that it does not have yet. */
export function withLocal(list: Customer[] | undefined): Customer[] {
  const local = myNewCustomers().map(localCustomer);
  return [...local, ...(list ?? [])];
}

export function Home() {
  const navigate = useNavigate();
  const user = () => me()?.user;
  const month = () => clubMonth();
  const today = () => clubDay();
  const customers = useData(
    () => "customers:home",
    () => allCustomers(),
  );
  const ratio = useData(
    () => (user() ? `ratio:${month()}` : null),
    () => data(client.reps[":id"].ratio.$get({ param: { id: user()?.id ?? "" }, query: { month: month() } })),
  );
  // The rep's pace as the server judges it (target, achieved, level after the grace days).
  const standing = useData(
    () => (user() ? "standing" : null),
    () => data(client.reps[":id"].standing.$get({ param: { id: user()?.id ?? "" } })),
  );
  const diary = useData(
    () => `diary:${today()}`,
    () => data(client.diary[":date"].$get({ param: { date: today() }, query: {} })),
  );

  // Live news about me (a contact reached the server, revenue credited): refresh the meters.
  createEffect(
    on(
      () => sent().length,
      () => {
        void ratio.refetch();
        void standing.refetch();
      },
      { defer: true },
    ),
  );
  // Live news about me (a rep hears only their own): the meters again, once a burst is over.
  useLiveSoon(["contact:logged", "revenue:recorded", "standing:changed", "quota:alarm"], () => {
    void ratio.refetch();
    void standing.refetch();
  });
  createEffect(
    on(
      () => [sent().length, createdTick()] as const,
      () => {
        void customers.refetch();
      },
      { defer: true },
    ),
  );

  const [query, setQuery] = createSignal("");
  const [logging, setLogging] = createSignal<Customer | null>(null);
  const [picking, setPicking] = createSignal(false);
  const [adding, setAdding] = createSignal(false);
  const [added, setAdded] = createSignal<string | null>(null);

  // "contact now" ranks by the server's figures on each row (days overdue, stale)
  const all = createMemo(() => rankCustomers(withLocal(customers.data())));
  const ranked = createMemo(() => {
    const q = query().trim();
    return q ? all().filter((r) => nameMatches(r.c.name, q)) : all();
  });
  const current = () => standing.data()?.current;
  const pendingFor = (id: string) => mine().filter((q) => q.customerId === id && q.state !== "failed").length;
  const lastSentFor = (id: string) => sent().find((s) => s.customerId === id);
  const failed = () => mine().filter((q) => q.state === "failed");
  const failedCustomers = () => myNewCustomers().filter((c) => c.state === "failed");

  return (
    <div class="page home">
      <section class="meters" aria-label={t("home.meters")}>
        <RatioMeter ratio={ratio.data()} error={ratio.error()} />
        <div class="meter" data-testid="meter-pace">
          <span class="meter-label">{t("meter.pace")}</span>
          <Show
            when={current()?.target}
            fallback={<span class="meter-value muted">{standing.data() ? t("meter.noTarget") : standing.error() ? "—" : "…"}</span>}
          >
            <span class={`meter-value level-text-${current()?.level ?? "none"}`} data-testid="pace-value">
              {pct(current()?.pace)}
            </span>
            <span class="meter-foot">
              {boardMoney(current()?.achieved)} / {boardMoney(current()?.target)}
            </span>
          </Show>
        </div>
        <a
          class="meter"
          href="/diary"
          data-testid="meter-diary"
          onClick={(e) => {
            e.preventDefault();
            navigate("/diary");
          }}
        >
          <span class="meter-label">{t("meter.diary")}</span>
          <Show when={diary.data()} fallback={<span class="meter-value muted">{diary.error() ? "—" : "…"}</span>}>
            {(d) => (
              <>
                <span class="meter-value" classList={{ good: !!d().submittedAt, warn: !d().submittedAt }}>
                  <Icon name={d().submittedAt ? "signed" : "edit"} size={26} />
                </span>
                <span class="meter-foot">{d().submittedAt ? t("diary.submitted") : d().late ? t("diary.late") : t("diary.open")}</span>
              </>
            )}
          </Show>
        </a>
      </section>
      <MyRank />

      <OutboxBanner />
      <For each={failed()}>
        {(f) => (
          <div class="banner failed" role="alert">
            <span>
              {t("outbox.failed", { name: f.customerName, reason: f.code ? errorText(f.code, {}, f.fieldCodes) : (f.error ?? "") })}
            </span>
            <button type="button" class="btn secondary small" onClick={() => discard(f.key)}>
              {t("action.dismiss")}
            </button>
          </div>
        )}
      </For>
      <For each={failedCustomers()}>
        {(f) => (
          <div class="banner failed" role="alert" data-testid="prospect-refused">
            <span>{t("prospect.refused", { name: f.name, reason: errorText(f.code ?? "", f.fields, f.fieldCodes) })}</span>
            <button type="button" class="btn secondary small" onClick={() => discardCustomer(f.key)}>
              {t("action.dismiss")}
            </button>
          </div>
        )}
      </For>
      <Show when={added()}>
        <div class="banner ok" role="status" data-testid="prospect-added">
          <Icon name="signed" size={18} />
          <span>{t("prospect.added", { name: added() ?? "" })}</span>
        </div>
      </Show>

      <TodayPlan customers={all().map((r) => r.c)} onPick={(c) => setLogging(c)} />

      <section class="contact-now" aria-labelledby="contact-now-title">
        <div class="section-head">
          <h2 id="contact-now-title">{t("home.contactNow")}</h2>
          <span class="muted small">{t("home.count", { n: ranked().length })}</span>
        </div>
        <label class="search">
          <Icon name="search" size={18} />
          <span class="sr-only">{t("home.search")}</span>
          <input
            type="search"
            placeholder={t("home.search")}
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
            onFocus={() => void loadPinyin()}
            data-testid="customer-search"
          />
        </label>
        <CachedNote at={customers.cachedAt()} error={customers.error()} />
        <Show when={!customers.data() && customers.loading()}>
          <Loading />
        </Show>
        <Show when={customers.error() && !customers.data()}>
          <ErrorBox error={customers.error()} retry={() => void customers.refetch()} />
        </Show>
        <Show when={customers.data() && ranked().length === 0}>
          <Empty icon="user">{query() ? t("home.noMatch") : t("home.noCustomers")}</Empty>
        </Show>
        <ul class="customer-list" data-testid="customer-list">
          <For each={ranked()}>
            {(r) => (
              <li class={`customer-row bucket-${r.bucket}`}>
                <button type="button" class="row-main" onClick={() => setLogging(r.c)} data-testid="customer-row" data-name={r.c.name}>
                  <span class={`tier tier-${r.c.tier ?? "none"}`} title={t("customer.tier")}>
                    {r.c.tier ?? (r.c.status === "prospect" ? t("tier.prospectShort") : "–")}
                  </span>
                  <span class="row-text">
                    <span class="row-name">{r.c.name}</span>
                    <span class="row-sub">
                      <Show when={r.c.id.startsWith("new:")}>
                        <span class="tag tag-new" data-testid="new-chip">
                          <Icon name="cloudOff" size={12} /> {t("prospect.onPhone")}
                        </span>
                      </Show>
                      <BucketTag bucket={r.bucket} late={r.late} />
                      <span>{r.c.lastInPersonAt ? seenLabel(r.c.lastInPersonAt) : t("customer.neverSeen")}</span>
                    </span>
                  </span>
                  <Show when={pendingFor(r.c.id) > 0}>
                    <span class="chip pending" data-testid="pending-chip">
                      <Icon name="clock" size={14} /> {t("outbox.pending")}
                    </span>
                  </Show>
                  <Show when={pendingFor(r.c.id) === 0 && lastSentFor(r.c.id)}>
                    {(s) => (
                      <span class={`chip sent ${s().check ? `check-chip check-${s().check?.state}` : ""}`} data-testid="sent-chip">
                        <Icon name="signed" size={14} /> {clock(s().occurredAt)}
                        {s().check ? ` · ${t(`repCheck.short.${s().check?.state}` as MessageKey)}` : ""}
                      </span>
                    )}
                  </Show>
                </button>
                <button
                  type="button"
                  class="row-card"
                  aria-label={t("customer.openCard", { name: r.c.name })}
                  onClick={() => navigate(`/c/${r.c.id}`)}
                >
                  <Icon name="chevron" size={20} />
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>

      <div class="thumb-bar">
        <button type="button" class="btn secondary big-action side-action" data-testid="add-prospect" onClick={() => setAdding(true)}>
          <Icon name="user" size={20} /> {t("prospect.add")}
        </button>
        <button type="button" class="btn primary big-action" data-testid="log-contact" onClick={() => setPicking(true)}>
          <Icon name="plus" size={24} /> {t("home.logContact")}
        </button>
      </div>

      <NewProspectSheet
        open={adding()}
        onClose={() => setAdding(false)}
        onSaved={(_id, name) => {
          setAdding(false);
          setAdded(name);
          setTimeout(() => setAdded((n) => (n === name ? null : n)), 6_000);
        }}
      />
      <PickSheet
        open={picking()}
        ranked={all()}
        onClose={() => setPicking(false)}
        onPick={(c) => {
          setPicking(false);
          setLogging(c);
        }}
      />
      <LogSheet customer={logging()} onClose={() => setLogging(null)} onOpenCard={(id) => navigate(`/c/${id}`)} />
    </div>
  );
}

export function BucketTag(props: { bucket: Bucket; late: number }) {
  return (
    <Show when={props.bucket === "overdue" || props.bucket === "stale"}>
      <span class={`tag tag-${props.bucket}`}>
        {props.bucket === "overdue" ? t("customer.overdueDays", { n: props.late }) : t("customer.stale")}
      </span>
    </Show>
  );
}
