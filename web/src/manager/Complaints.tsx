import { createSignal, For, onCleanup, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { dateTime } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { StatusFilter, TextDecision } from "./listParts.tsx";
import "./desk.css";

type Status = "open" | "resolved";
type Page = Awaited<ReturnType<typeof load>>;
export type Complaint = Page["items"][number];

const HOUR = 3_600_000;
const statuses: Status[] = ["open", "resolved"];

/** Open complaints oldest first (the longest-waiting on top); resolved ones newest first. */
function load(status: Status, cursor?: string) {
  return data(
    client.complaints.$get({
      query: { status, limit: "100", ...(status === "open" ? { order: "oldest" as const } : {}), ...(cursor ? { cursor } : {}) },
    }),
  );
}

/** The 48-hour clock in words, from the server's figures (the rule lives there). */
export function clockText(c: Pick<Complaint, "overdue" | "msLeft">): string {
  const ms = c.msLeft ?? 0;
  if (c.overdue) {
    const n = Math.floor(-ms / HOUR);
    return n < 1 ? t("complaints.overdueUnderHour") : t("complaints.overdue", { n });
  }
  const n = Math.floor(ms / HOUR);
  return n < 1 ? t("complaints.leftUnderHour") : t("complaints.left", { n });
}

/** 受理客户投诉: every complaint of the club with its 48-hour clock; a manager resolves each. */
export function ComplaintsPage() {
  const [status, setStatus] = createSignal<Status>("open");
  const list = useData(
    () => `complaints:${status()}`,
    (k) => load(k.slice(11) as Status),
    { persist: false },
  );
  const [more, setMore] = createSignal<Complaint[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const [moreError, setMoreError] = createSignal<unknown>(null);
  const items = () => [...(list.data()?.items ?? []), ...more()];
  const next = () => (cursor() === undefined ? list.data()?.nextCursor : cursor());

  // the clock moves: re-read the open list every minute
  const timer = setInterval(() => {
    if (status() === "open" && more().length === 0) void list.refetch();
  }, 60_000);
  onCleanup(() => clearInterval(timer));

  function show(s: Status) {
    setMore([]);
    setCursor(undefined);
    setMoreError(null);
    setStatus(s);
  }
  async function loadMore() {
    const c = next();
    if (!c) return;
    try {
      const page = await load(status(), c);
      setMore([...more(), ...page.items]);
      setCursor(page.nextCursor);
      setMoreError(null);
    } catch (err) {
      setMoreError(err);
    }
  }

  const [resolving, setResolving] = createSignal<Complaint | null>(null);
  const [text, setText] = createSignal("");
  const [localError, setLocalError] = createSignal("");
  const [saveError, setSaveError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);

  function open(c: Complaint) {
    setText("");
    setLocalError("");
    setSaveError(null);
    setResolving(c);
  }
  async function resolve(e: SubmitEvent) {
    e.preventDefault();
    const c = resolving();
    if (!c) return;
    const v = text().trim();
    if (!v || v.length > 2000) {
      setLocalError(t("complaints.resolutionRequired"));
      return;
    }
    setBusy(true);
    setSaveError(null);
    try {
      await data(client.complaints[":id"].resolve.$post({ param: { id: c.id }, json: { resolution: v } }));
      setResolving(null);
      setMore(more().filter((x) => x.id !== c.id));
      list.mutate((p) => (p ? { ...p, items: p.items.filter((x) => x.id !== c.id) } : p));
      void list.refetch();
    } catch (err) {
      setSaveError(err);
    } finally {
      setBusy(false);
    }
  }

  const overdue = () => items().filter((c) => c.overdue).length;

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("complaints.title")}</h1>
          <p class="muted">{t("complaints.help")}</p>
        </div>
        <StatusFilter
          legend={t("complaints.show")}
          options={statuses}
          value={status()}
          onChange={show}
          label={(s) => t(`complaints.${s}`)}
          testid={(s) => `complaints-${s}`}
        />
      </header>
      <Ready when={list.data()} error={list.error()} retry={list.refetch}>
        <Show
          when={items().length > 0}
          fallback={<Empty icon="signed">{status() === "open" ? t("complaints.emptyOpen") : t("complaints.emptyResolved")}</Empty>}
        >
          <Show when={status() === "open"}>
            <p class="muted" data-testid="complaints-summary" role="status">
              {t("complaints.summaryOpen", { n: items().length, o: overdue() })}
            </p>
          </Show>
          <table class="table" data-testid="complaints-table">
            <TableHead
              columns={[
                t("complaints.received"),
                t("complaints.customer"),
                t("complaints.rep"),
                t("complaints.channel"),
                t("complaints.summary"),
                status() === "open" ? t("complaints.clock") : t("complaints.resolution"),
                ...(status() === "open" ? [t("complaints.resolve")] : []),
              ]}
            />
            <tbody>
              <For each={items()}>
                {(c) => (
                  <tr data-testid="complaint-row" data-id={c.id} classList={{ overdue: c.overdue }}>
                    <td class="nowrap">{dateTime(c.openedAt)}</td>
                    <td>
                      <a href={`/c/${c.customerId}`}>{c.customerName}</a>
                    </td>
                    <td>{c.ownerName ?? <span class="muted">{t("complaints.noRep")}</span>}</td>
                    <td>{t(`complaintChannel.${c.channel}` as MessageKey)}</td>
                    <td class="complaint-summary">{c.summary}</td>
                    <Show
                      when={c.status === "open"}
                      fallback={
                        <td>
                          <span class="muted small">{t("complaints.resolvedAt", { time: dateTime(c.resolvedAt ?? "") })}</span>
                          <br />
                          {c.resolution}
                        </td>
                      }
                    >
                      <td data-testid="complaint-clock">
                        <span class={c.overdue ? "status-late" : "status-open"}>
                          <span aria-hidden="true">{c.overdue ? "■ " : "○ "}</span>
                          {clockText(c)}
                        </span>
                      </td>
                      <td>
                        <button
                          type="button"
                          class="btn secondary small"
                          onClick={() => open(c)}
                          aria-label={t("complaints.resolveFor", { name: c.customerName })}
                          data-testid="complaint-resolve"
                        >
                          <Icon name="signed" size={14} /> {t("complaints.resolve")}
                        </button>
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
          <Show when={moreError()}>
            <p class="form-error" role="alert">
              {describe(moreError())}
            </p>
          </Show>
        </Show>
      </Ready>
      <TextDecision
        open={resolving() !== null}
        onClose={() => setResolving(null)}
        title={t("complaints.resolveFor", { name: resolving()?.customerName ?? "" })}
        description={t("complaints.resolveHelp")}
        testid="resolve-dialog"
        quote={resolving()?.summary ?? ""}
        label={t("complaints.resolution")}
        rows={4}
        maxLength={2000}
        value={text()}
        onInput={(v) => {
          setText(v);
          setLocalError("");
        }}
        error={localError()}
        errorId="resolution-error"
        inputTestid="resolution"
        saveError={saveError()}
        busy={busy()}
        cancel={t("complaints.cancel")}
        submit={t("complaints.resolve")}
        submitTestid="resolution-save"
        onSubmit={(e) => void resolve(e)}
      />
    </div>
  );
}
