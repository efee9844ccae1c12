import { useNavigate } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { type Customer, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { boardMoney, clock, clubDay, clubMonth, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { liveState } from "../live.ts";
import { discard, mine, sent, waiting } from "../offline/outbox.ts";
import { me } from "../session.ts";
import { CachedNote, Empty, ErrorBox, Loading } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { allCustomers, type Bucket, rankCustomers, seenLabel } from "./customers.ts";
import { LogSheet } from "./LogSheet.tsx";
import { PickSheet } from "./PickSheet.tsx";

const [online, setOnline] = createSignal(typeof navigator === "undefined" ? true : navigator.onLine);
if (typeof window !== "undefined") {
  window.addEventListener("online", () => setOnline(true));
  window.addEventListener("offline", () => setOnline(false));
}

export function OutboxBanner() {
  return (
    <Show when={waiting() > 0}>
      <div class="banner pending" role="status" data-testid="outbox-banner">
        <Icon name="cloudOff" size={18} />
        <span>{online() ? t("outbox.sending", { n: waiting() }) : t("outbox.waiting", { n: waiting() })}</span>
      </div>
    </Show>
  );
}

export function Home() {
  const navigate = useNavigate();
  const user = () => me()?.user;
  const month = () => clubMonth();
  const today = () => clubDay();
  const settings = useData(
    () => "settings",
    () => data(client.settings.$get()),
  );
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
      () => [liveState.tick(), sent().length] as const,
      () => {
        void ratio.refetch();
        void standing.refetch();
      },
      { defer: true },
    ),
  );
  createEffect(
    on(
      () => sent().length,
      () => void customers.refetch(),
      { defer: true },
    ),
  );

  const [query, setQuery] = createSignal("");
  const [logging, setLogging] = createSignal<Customer | null>(null);
  const [picking, setPicking] = createSignal(false);

  const ranked = createMemo(() => {
    const q = query().trim().toLowerCase();
    const list = rankCustomers(customers.data() ?? [], settings.data());
    return q ? list.filter((r) => r.c.name.toLowerCase().includes(q)) : list;
  });
  const current = () => standing.data()?.current;
  const pendingFor = (id: string) => mine().filter((q) => q.customerId === id && q.state !== "failed").length;
  const lastSentFor = (id: string) => sent().find((s) => s.customerId === id);
  const failed = () => mine().filter((q) => q.state === "failed");

  return (
    <div class="page home">
      <section class="meters" aria-label={t("home.meters")}>
        <a class="meter" href="/my/ratio" data-testid="meter-ratio" onClick={(e) => e.preventDefault()}>
          <span class="meter-label">{t("meter.ratio")}</span>
          <Show when={ratio.data()} fallback={<span class="meter-value muted">{ratio.error() ? "—" : "…"}</span>}>
            {(r) => (
              <>
                <span class="meter-value" classList={{ warn: r().shortfall > 0, good: r().shortfall === 0 }}>
                  {r().shortfall > 0 ? r().shortfall : "✓"}
                </span>
                <span class="meter-foot">{r().shortfall > 0 ? t("meter.ratioShort", { n: r().shortfall }) : t("meter.ratioOk")}</span>
              </>
            )}
          </Show>
        </a>
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

      <OutboxBanner />
      <For each={failed()}>
        {(f) => (
          <div class="banner failed" role="alert">
            <span>{t("outbox.failed", { name: f.customerName, reason: f.error ?? "" })}</span>
            <button type="button" class="btn secondary small" onClick={() => discard(f.key)}>
              {t("action.dismiss")}
            </button>
          </div>
        )}
      </For>

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
                      <span class="chip sent" data-testid="sent-chip">
                        <Icon name="signed" size={14} /> {clock(s().occurredAt)}
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
        <button type="button" class="btn primary big-action" data-testid="log-contact" onClick={() => setPicking(true)}>
          <Icon name="plus" size={24} /> {t("home.logContact")}
        </button>
      </div>

      <PickSheet
        open={picking()}
        ranked={rankCustomers(customers.data() ?? [], settings.data())}
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
