import { createSignal, For, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { count, dateTime, money } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { useLiveSoon } from "../live.ts";
import { describe } from "../rep/errors.ts";
import { isLead } from "../session.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { StatusFilter, TextDecision } from "./listParts.tsx";
import "./desk.css";
import { REASON_MAX, reasonFits } from "../ui/reason.ts";

type Status = "requested" | "approved" | "refused" | "cancelled";
type Page = Awaited<ReturnType<typeof load>>;
export type Promotion = Page["items"][number];

const filters: (Status | "all")[] = ["requested", "approved", "refused", "all"];

function load(status: Status | "all", cursor?: string) {
  return data(client.promotions.$get({ query: { limit: "100", ...(status === "all" ? {} : { status }), ...(cursor ? { cursor } : {}) } }));
}

/**
 * 第五条 1.2: the requests to show, promote or sell cards at a public place; a manager
 * approves or refuses each once (with a reason), and sees each one's contacts, card
 * sales and revenue as the ledger counts them. A team lead sees their team's.
 */
export function PromotionsDesk() {
  const [status, setStatus] = createSignal<Status | "all">("requested");
  const list = useData(
    () => `promotions:${status()}`,
    (k) => load(k.slice(11) as Status | "all"),
    { persist: false },
  );
  const [more, setMore] = createSignal<Promotion[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const items = () => [...(list.data()?.items ?? []), ...more()];
  const next = () => (cursor() === undefined ? list.data()?.nextCursor : cursor());
  const [actionError, setActionError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  // a new request, a decision, or a contact or sale that may name one: read the first page again
  useLiveSoon(["promotion:changed", "contact:logged", "revenue:recorded"], () => {
    if (more().length === 0) void list.refetch();
  });

  function show(s: Status | "all") {
    setMore([]);
    setCursor(undefined);
    setActionError(null);
    setStatus(s);
  }
  async function loadMore() {
    const c = next();
    if (!c) return;
    try {
      const page = await load(status(), c);
      setMore([...more(), ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      setActionError(err);
    }
  }
  function replaced(p: Promotion) {
    setMore(more().map((x) => (x.id === p.id ? p : x)));
    list.mutate((pg) => (pg ? { ...pg, items: pg.items.map((x) => (x.id === p.id ? p : x)) } : pg));
    void list.refetch();
  }

  async function approve(p: Promotion) {
    setBusy(true);
    setActionError(null);
    try {
      replaced(await data(client.promotions[":id"].approve.$post({ param: { id: p.id } })));
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  }

  const [refusing, setRefusing] = createSignal<Promotion | null>(null);
  const [reason, setReason] = createSignal("");
  const [localError, setLocalError] = createSignal("");
  const [saveError, setSaveError] = createSignal<unknown>(null);
  function openRefuse(p: Promotion) {
    setReason("");
    setLocalError("");
    setSaveError(null);
    setRefusing(p);
  }
  async function refuse(e: SubmitEvent) {
    e.preventDefault();
    const p = refusing();
    if (!p) return;
    const v = reason().trim();
    if (!reasonFits(v)) {
      setLocalError(t("promo.reasonRequired"));
      return;
    }
    setBusy(true);
    setSaveError(null);
    try {
      replaced(await data(client.promotions[":id"].refuse.$post({ param: { id: p.id }, json: { reason: v } })));
      setRefusing(null);
    } catch (err) {
      setSaveError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("promo.title")}</h1>
          <p class="muted">{t("promo.help")}</p>
        </div>
        <StatusFilter
          legend={t("promo.show")}
          options={filters}
          value={status()}
          onChange={show}
          label={(s) => (s === "all" ? t("promo.all") : t(`promo.status.${s}` as MessageKey))}
          testid={(s) => `promotions-${s}`}
        />
      </header>
      <Show when={actionError()}>
        <p class="form-error" role="alert">
          {describe(actionError())}
        </p>
      </Show>
      <Ready when={list.data()} error={list.error()} retry={list.refetch}>
        <Show when={items().length > 0} fallback={<Empty icon="calendar">{t("promo.empty")}</Empty>}>
          <table class="table" data-testid="promotions-table">
            <TableHead
              columns={[
                t("promo.rep"),
                t("promo.place"),
                t("promo.when"),
                t("promo.expected"),
                t("promo.status"),
                t("promo.figures"),
                ...(isLead() ? [] : [t("promo.actions")]),
              ]}
            />
            <tbody>
              <For each={items()}>
                {(p) => (
                  <tr data-testid="promotion-row" data-id={p.id} data-status={p.status}>
                    <td>{p.repName ?? ""}</td>
                    <td>
                      {p.place}
                      <Show when={p.note}>
                        <br />
                        <span class="muted small">{p.note}</span>
                      </Show>
                    </td>
                    <td class="nowrap">
                      {dateTime(p.startsAt)}
                      <br />
                      <span class="muted small">– {dateTime(p.endsAt)}</span>
                    </td>
                    <td class="num">{count(p.expectedContacts)}</td>
                    <td>
                      {t(`promo.status.${p.status}` as MessageKey)}
                      <Show when={p.reason}>
                        <br />
                        <span class="muted small">{t("promo.reasonWas", { reason: p.reason ?? "" })}</span>
                      </Show>
                    </td>
                    <td class="nowrap" data-testid="promotion-figures">
                      <span data-testid="promotion-contacts">{count(p.contacts)}</span> / <span>{count(p.cardSales)}</span> /{" "}
                      <span>{money(p.revenue)}</span>
                    </td>
                    <Show when={!isLead()}>
                      <td class="nowrap">
                        <Show when={p.status === "requested"}>
                          <button
                            type="button"
                            class="btn primary small"
                            disabled={busy()}
                            onClick={() => void approve(p)}
                            data-testid="promotion-approve"
                          >
                            {t("promo.approve")}
                          </button>{" "}
                          <button
                            type="button"
                            class="btn secondary small"
                            disabled={busy()}
                            onClick={() => openRefuse(p)}
                            data-testid="promotion-refuse"
                          >
                            {t("promo.refuse")}
                          </button>
                        </Show>
                      </td>
                    </Show>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <Show when={next()}>
            <button type="button" class="btn secondary small" onClick={() => void loadMore()}>
              {t("action.more")}
            </button>
          </Show>
        </Show>
      </Ready>
      <TextDecision
        open={refusing() !== null}
        onClose={() => setRefusing(null)}
        title={t("promo.refuseFor", { place: refusing()?.place ?? "" })}
        description={t("promo.refuseHelp")}
        testid="refuse-dialog"
        label={t("promo.reason")}
        rows={3}
        maxLength={REASON_MAX}
        value={reason()}
        onInput={(v) => {
          setReason(v);
          setLocalError("");
        }}
        error={localError()}
        errorId="refuse-error"
        inputTestid="refuse-reason"
        saveError={saveError()}
        busy={busy()}
        cancel={t("promo.back")}
        submit={t("promo.refuse")}
        submitTestid="refuse-save"
        onSubmit={(e) => void refuse(e)}
      />
    </div>
  );
}
