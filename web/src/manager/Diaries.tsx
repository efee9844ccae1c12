import { useNavigate, useParams, useSearchParams } from "@solidjs/router";
import { createResource, createSignal, For, Show } from "solid-js";
import { ApiError, client, type Diary, data } from "../api.ts";
import { checksOf } from "../board/checks.ts";
import { ShareCell } from "../board/ShareCell.tsx";
import { clock, clubDay, dateTime, dayLabel, money } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { ChecksInline } from "./CheckParts.tsx";
import "./manager.css";

type Listed = Awaited<ReturnType<typeof listAll>>["items"][number];

/** A club day moved by whole days (YYYY-MM-DD, calendar arithmetic). */
export function shiftDay(day: string, by: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + by, 12)).toISOString().slice(0, 10);
}

/** Every rep's diary entry for a club day, following the pages to the end. */
async function listAll(date: string, late: boolean) {
  const query: { date: string; limit: string; late?: "true"; cursor?: string } = { date, limit: "200" };
  if (late) query.late = "true";
  const first = await data(client.diary.$get({ query }));
  const items = [...first.items];
  let cursor = first.nextCursor;
  while (cursor) {
    const next = await data(client.diary.$get({ query: { ...query, cursor } }));
    items.push(...next.items);
    cursor = next.nextCursor;
  }
  return { day: first.day, deadline: first.deadline, items };
}

/** A diary's checks of the day: on its figures, or beside them. */
const dayChecks = (d: unknown) => checksOf((d as { figures?: unknown }).figures) ?? checksOf(d);

/** The state of one diary as the API says it (submitted, late): the browser recomputes no rule. */
function StatusText(props: { d: { submitted: boolean; submittedAt: string | null; late: boolean } }) {
  return (
    <Show
      when={props.d.submitted}
      fallback={
        <span class={props.d.late ? "status-late" : "status-open"} data-testid="diary-state">
          <span aria-hidden="true">{props.d.late ? "■ " : "○ "}</span>
          {props.d.late ? t("diaries.missing") : t("diaries.open")}
        </span>
      }
    >
      <span class={props.d.late ? "status-late" : "status-ok"} data-testid="diary-state">
        <span aria-hidden="true">{props.d.late ? "▲ " : "✓ "}</span>
        {props.d.late
          ? t("diaries.lateSubmitted", { time: dateTime(props.d.submittedAt ?? "") })
          : t("diaries.onTime", { time: clock(props.d.submittedAt ?? "") })}
      </span>
    </Show>
  );
}

/**
 * 工作日志 for the manager: every rep's diary of a club day with submitted and late as
 * the API says, read one, and comment on it (POST /diary/:date/comment).
 */
export function DiariesPage() {
  const params = useParams<{ date?: string }>();
  const [search, setSearch] = useSearchParams<{ rep?: string }>();
  const navigate = useNavigate();
  // The day a manager reviews first is yesterday's: its diaries were due at 10:00 today.
  const day = () => (params.date && /^\d{4}-\d{2}-\d{2}$/.test(params.date) ? params.date : shiftDay(clubDay(), -1));
  const today = () => clubDay();
  const [lateOnly, setLateOnly] = createSignal(false);
  const [list, { refetch, mutate }] = createResource(
    () => ({ d: day(), late: lateOnly() }),
    ({ d, late }) => listAll(d, late),
  );
  const go = (d: string) => navigate(`/diaries/${d}${search.rep ? `?rep=${search.rep}` : ""}`);
  const items = () => list()?.items ?? [];
  const selected = () => items().find((i) => i.repId === search.rep);
  const withChecks = () => items().some((i) => dayChecks(i));

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("diaries.title")}</h1>
          <p class="muted">{t("diaries.help")}</p>
        </div>
        <div class="row gap">
          <button type="button" class="btn secondary small" onClick={() => go(shiftDay(day(), -1))} aria-label={t("diaries.prev")}>
            ‹
          </button>
          <label class="row gap">
            <span class="sr-only">{t("diaries.day")}</span>
            <input
              type="date"
              value={day()}
              max={today()}
              onChange={(e) => e.currentTarget.value && go(e.currentTarget.value)}
              data-testid="diaries-day"
            />
          </label>
          <button
            type="button"
            class="btn secondary small"
            disabled={day() >= today()}
            onClick={() => go(shiftDay(day(), 1))}
            aria-label={t("diaries.next")}
          >
            ›
          </button>
        </div>
      </header>
      <div class="toolbar">
        <fieldset class="seg">
          <legend class="sr-only">{t("diaries.show")}</legend>
          <button
            type="button"
            aria-pressed={!lateOnly()}
            classList={{ active: !lateOnly() }}
            onClick={() => setLateOnly(false)}
            data-testid="diaries-all"
          >
            {t("diaries.all")}
          </button>
          <button
            type="button"
            aria-pressed={lateOnly()}
            classList={{ active: lateOnly() }}
            onClick={() => setLateOnly(true)}
            data-testid="diaries-late"
          >
            {t("diaries.lateOnly")}
          </button>
        </fieldset>
        <Show when={list()}>
          {(l) => (
            <span class="muted" data-testid="diaries-summary">
              <strong>{dayLabel(l().day)}</strong> · {t("diaries.deadline", { time: dateTime(l().deadline) })}
              <Show when={!lateOnly()}>
                {" · "}
                {t("diaries.summary", {
                  submitted: l().items.filter((i) => i.submitted).length,
                  total: l().items.length,
                  late: l().items.filter((i) => i.late).length,
                })}
              </Show>
            </span>
          )}
        </Show>
      </div>
      <div class="split">
        <section class="card" aria-labelledby="diaries-list-title">
          <h2 id="diaries-list-title" class="sr-only">
            {t("diaries.title")}
          </h2>
          <Ready when={list()} error={list.error} retry={refetch}>
            <Show when={items().length > 0} fallback={<Empty icon="diary">{t("diaries.none")}</Empty>}>
              <table class="table" data-testid="diaries-table">
                <TableHead
                  columns={[t("board.rep"), t("diaries.status"), ...(withChecks() ? [t("checks.share")] : []), t("diaries.comment"), ""]}
                />
                <tbody>
                  <For each={items()}>
                    {(d) => (
                      <tr data-testid="diary-row" data-rep={d.repId} classList={{ selected: d.repId === search.rep }}>
                        <td>{d.name}</td>
                        <td>
                          <StatusText d={d} />
                        </td>
                        <Show when={withChecks()}>
                          <td data-testid="diary-row-checks">
                            <ShareCell checks={dayChecks(d)} />
                          </td>
                        </Show>
                        <td>
                          <Show when={d.managerComment} fallback={<span class="muted">—</span>}>
                            <span class="tag tag-ok">{t("diaries.commented")}</span>
                          </Show>
                        </td>
                        <td>
                          <button
                            type="button"
                            class="btn secondary small"
                            aria-label={t("diaries.readLabel", { name: d.name })}
                            aria-pressed={d.repId === search.rep}
                            onClick={() => setSearch({ rep: d.repId })}
                            data-testid="diary-read"
                          >
                            {t("diaries.read")}
                          </button>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </Ready>
        </section>
        <Show when={search.rep} fallback={<p class="card muted">{t("diaries.pick")}</p>}>
          {(rep) => (
            <DiaryReader
              day={day()}
              repId={rep()}
              name={selected()?.name ?? ""}
              onCommented={(c) =>
                mutate((l) => l && { ...l, items: l.items.map((i: Listed) => (i.repId === rep() ? { ...i, managerComment: c } : i)) })
              }
            />
          )}
        </Show>
      </div>
    </div>
  );
}

const figureKeys = [
  "customersContactedInPerson",
  "inPersonContacts",
  "demos",
  "calls",
  "letters",
  "prospectsWorkedOn",
  "newCardCustomers",
] as const;

/** One rep's diary of a day, read-only, with the manager's comment form. */
export function DiaryReader(props: { day: string; repId: string; name: string; onCommented?: (c: string) => void; compact?: boolean }) {
  const [diary, { refetch, mutate }] = createResource(
    () => ({ day: props.day, repId: props.repId }),
    (k) => data(client.diary[":date"].$get({ param: { date: k.day }, query: { repId: k.repId } })),
  );
  return (
    <section class="card diary-read" aria-labelledby="diary-read-title" data-testid="diary-reader">
      <h2 id="diary-read-title">{t("diaries.of", { name: props.name, day: dayLabel(props.day) })}</h2>
      <Ready when={diary()} error={diary.error} retry={refetch}>
        {(d) => (
          <>
            <p>
              <StatusText d={d()} />
            </p>
            <div class="fig-row" data-testid="diary-figures">
              <For each={figureKeys}>
                {(k) => (
                  <span>
                    {t(`diary.fig.${k}` as MessageKey)} <b>{d().figures[k]}</b>
                  </span>
                )}
              </For>
              <span>
                {t("diary.fig.revenueCredited")} <b>{money(d().figures.revenueCredited)}</b>
              </span>
              <Show when={dayChecks(d())}>{(c) => <ChecksInline checks={c()} />}</Show>
            </div>
            <dl data-testid="diary-text">
              <For each={["workingTime", "targets", "progress", "notes"] as const}>
                {(k) => (
                  <>
                    <dt>{t(`diary.${k}`)}</dt>
                    <dd>{d()[k] || <span class="muted">{t("diaries.noText")}</span>}</dd>
                  </>
                )}
              </For>
            </dl>
            <CommentForm
              day={props.day}
              repId={props.repId}
              diary={d()}
              onSaved={(next) => {
                mutate(next);
                props.onCommented?.(next.managerComment ?? "");
              }}
            />
          </>
        )}
      </Ready>
    </section>
  );
}

function CommentForm(props: { day: string; repId: string; diary: Diary; onSaved: (d: Diary) => void }) {
  const [text, setText] = createSignal(props.diary.managerComment ?? "");
  const [error, setError] = createSignal("");
  const [saved, setSaved] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setSaved(false);
    const comment = text().trim();
    if (comment.length < 1 || comment.length > 2000) {
      setError(t("diaries.commentRule"));
      return;
    }
    setError("");
    setBusy(true);
    try {
      const next = await data(
        client.diary[":date"].comment.$post({ param: { date: props.day }, query: { repId: props.repId }, json: { comment } }),
      );
      props.onSaved(next);
      setSaved(true);
    } catch (err) {
      setError(err instanceof ApiError && err.fields.comment ? t("diaries.commentRule") : describe(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="form" onSubmit={submit} noValidate>
      <label class="field">
        <span>{t("diaries.commentLabel")}</span>
        <textarea
          rows={3}
          value={text()}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-invalid={Boolean(error())}
          aria-describedby={error() ? "comment-error" : undefined}
          data-testid="diary-comment"
        />
        <Show when={error()}>
          <span class="field-error" id="comment-error" role="alert">
            {error()}
          </span>
        </Show>
      </label>
      <Show when={props.diary.commentedAt}>
        <p class="muted small" data-testid="diary-comment-meta">
          {t("diaries.commented")} · {dateTime(props.diary.commentedAt ?? "")}
        </p>
      </Show>
      <div class="row gap">
        <button type="submit" class="btn primary" disabled={busy()} data-testid="diary-comment-save">
          <Icon name="edit" size={16} /> {t("diaries.commentSave")}
        </button>
        <Show when={saved()}>
          <span class="status-ok" role="status" data-testid="diary-comment-saved">
            ✓ {t("diaries.commentSaved")}
          </span>
        </Show>
      </div>
    </form>
  );
}
