import { A, useParams } from "@solidjs/router";
import { createResource, createSignal, For, Show } from "solid-js";
import { ApiError, client, data } from "../api.ts";
import { checksOf, verifiedShare } from "../board/checks.ts";
import { boardMoney, clubDay, clubMonth, clubYear, dateTime, dayLabel, monthLabel, pct } from "../format.ts";
import { lang, t } from "../i18n/index.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { alarmText } from "./BoardAlarms.tsx";
import { shiftDay } from "./Diaries.tsx";
import { ReassignDialog } from "./Reassign.tsx";
import { MonthChecks, RepContacts } from "./RepContacts.tsx";
import { reasonText } from "./reasons.ts";
import "./manager.css";

const pad = (n: number) => String(n).padStart(2, "0");
/** 1月 / Jan */
const monthShort = (m: number) =>
  new Intl.DateTimeFormat(lang(), { month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2000, m - 1, 15)));

/** The months of this club year up to the current one. */
function yearMonths(): string[] {
  const y = clubYear();
  const now = clubMonth();
  return Array.from({ length: 12 }, (_, i) => `${y}-${pad(i + 1)}`).filter((m) => m <= now);
}

/**
 * One rep, for the manager (from the board's rep name): attainment month by month this
 * year, this month's contacts and 1:3 ratio, open alarms, the month-close ladder
 * (warnings, removals, department bonus) and the last week's diaries.
 */
export function RepDetail() {
  const params = useParams<{ id: string }>();
  const id = () => params.id;
  const [standing] = createResource(id, (rep) => data(client.reps[":id"].standing.$get({ param: { id: rep } })));
  const [moving, setMoving] = createSignal(false);
  const [moved, setMoved] = createSignal("");
  // bumped when a visit was accepted here: the month's figures read again (the live boards move on their own)
  const [accepted, setAccepted] = createSignal(0);
  return (
    <div class="page">
      <p>
        <A href="/board" class="link-btn back">
          <Icon name="back" size={16} /> {t("repDetail.back")}
        </A>
      </p>
      <Show
        when={!(standing.error instanceof ApiError && (standing.error.status === 404 || standing.error.status === 400))}
        fallback={<Empty icon="user">{t("repDetail.notFound")}</Empty>}
      >
        <Ready when={standing()} error={standing.error}>
          {(s) => (
            <>
              <header class="page-head">
                <div>
                  <h1 data-testid="rep-name">{s().name}</h1>
                  <p class="muted">{t("repDetail.sub")}</p>
                </div>
                <div class="row gap">
                  <A class="btn secondary small" href={`/diaries?rep=${id()}`}>
                    <Icon name="diary" size={16} /> {t("nav.diaries")}
                  </A>
                  <button type="button" class="btn secondary small" onClick={() => setMoving(true)} data-testid="rep-reassign-all">
                    {t("repDetail.moveAll")}
                  </button>
                </div>
              </header>
              <Show when={moved()}>
                <p class="banner ok" role="status" data-testid="reassign-done">
                  {moved()}
                </p>
              </Show>
              <Show when={moving()}>
                <ReassignDialog
                  fromRep={{ id: id(), label: s().name }}
                  onClose={() => setMoving(false)}
                  onDone={(n, to) => {
                    setMoving(false);
                    setMoved(t("reassign.done", { n, name: to.label }));
                  }}
                />
              </Show>
              <div class="detail-grid">
                <Trend repId={id()} yearAttainment={s().year.toDate.attainment} />
                <div class="stack">
                  <MonthChecks repId={id()} version={accepted()} />
                  <Ratio repId={id()} />
                  <Ladder standing={s()} />
                </div>
                <div class="stack">
                  <Alarms repId={id()} />
                  <Diaries repId={id()} />
                </div>
                <RepContacts repId={id()} onAccepted={() => setAccepted((n) => n + 1)} />
              </div>
            </>
          )}
        </Ready>
      </Show>
    </div>
  );
}

type Standing = import("../api.ts").Standing;

function Trend(props: { repId: string; yearAttainment: number | null }) {
  const [rows] = createResource(
    () => props.repId,
    async (rep) =>
      Promise.all(
        yearMonths().map(async (month) => {
          const q = await data(client.quota.$get({ query: { month } }));
          const r = q.reps.find((x) => x.repId === rep);
          return {
            month,
            target: r?.target ?? null,
            achieved: r?.achieved ?? 0,
            attainment: r?.attainment ?? null,
            level: r?.level ?? null,
            checks: checksOf(r),
          };
        }),
      ),
  );
  const scale = 1.25;
  // A function, so that it is set through the CSSOM: a constant style would be compiled
  // into the template as a style attribute, which the CSP (style-src 'self') refuses.
  const full = () => `${(1 / scale) * 100}%`;
  return (
    <section class="card span2" aria-labelledby="trend-title" data-testid="rep-trend">
      <div class="row gap spread">
        <h2 id="trend-title">{t("repDetail.trend", { year: clubYear() })}</h2>
        <span class="muted">
          {t("repDetail.year")}: <strong data-testid="rep-year">{pct(props.yearAttainment)}</strong>
        </span>
      </div>
      <Ready when={rows()} error={rows.error}>
        {(list) => (
          <>
            <table class="table trend-table" aria-label={t("repDetail.trendLabel", { year: clubYear() })}>
              <thead>
                <tr>
                  <th scope="col">{t("repDetail.month")}</th>
                  <For each={Array.from({ length: 12 }, (_, i) => i + 1)}>
                    {(m) => (
                      <th scope="col" class="num">
                        {monthShort(m)}
                      </th>
                    )}
                  </For>
                </tr>
              </thead>
              <tbody>
                <tr class="trend-bars">
                  <td />
                  <For each={Array.from({ length: 12 }, (_, i) => list()[i])}>
                    {(r) => (
                      <td>
                        <div class="trend-cell" aria-hidden="true">
                          <div class="trend-full" style={{ bottom: full() }} />
                          <div class="trend-bar" style={{ height: `${Math.min(100, ((r?.attainment ?? 0) / scale) * 100)}%` }} />
                        </div>
                      </td>
                    )}
                  </For>
                </tr>
                <tr>
                  <th scope="row">{t("board.attainment")}</th>
                  <For each={Array.from({ length: 12 }, (_, i) => list()[i])}>
                    {(r) => (
                      <td class="num strong" data-testid="trend-attainment" data-month={r?.month}>
                        {r ? pct(r.attainment) : ""}
                      </td>
                    )}
                  </For>
                </tr>
                <tr>
                  <th scope="row">{t("repDetail.revenue")}</th>
                  <For each={Array.from({ length: 12 }, (_, i) => list()[i])}>
                    {(r) => <td class="num">{r ? boardMoney(r.achieved) : ""}</td>}
                  </For>
                </tr>
                <Show when={list().some((r) => r.checks)}>
                  <tr data-testid="trend-checks">
                    <th scope="row" title={t("checks.shareHelp")}>
                      {t("checks.share")}
                    </th>
                    <For each={Array.from({ length: 12 }, (_, i) => list()[i])}>
                      {(r) => <td class="num">{r?.checks ? (r.checks.inPerson ? pct(verifiedShare(r.checks)) : "—") : ""}</td>}
                    </For>
                  </tr>
                </Show>
                <tr>
                  <th scope="row">{t("repDetail.target")}</th>
                  <For each={Array.from({ length: 12 }, (_, i) => list()[i])}>
                    {(r) => <td class="num">{r ? (r.target === null ? "—" : boardMoney(r.target)) : ""}</td>}
                  </For>
                </tr>
              </tbody>
            </table>
          </>
        )}
      </Ready>
    </section>
  );
}

function Ratio(props: { repId: string }) {
  const [ratio] = createResource(
    () => props.repId,
    (id) => data(client.reps[":id"].ratio.$get({ param: { id }, query: { month: clubMonth() } })),
  );
  return (
    <section class="card" aria-labelledby="ratio-title" data-testid="rep-ratio">
      <h2 id="ratio-title">{t("ratio.title")}</h2>
      <p class="muted small">{t("ratio.sub", { month: monthLabel(clubMonth()) })}</p>
      <Ready when={ratio()} error={ratio.error}>
        {(r) => (
          <>
            <dl class="facts">
              <div>
                <dt>{t("ratio.existing")}</dt>
                <dd>{r().existing}</dd>
              </div>
              <div>
                <dt>{t("ratio.prospect")}</dt>
                <dd>{r().prospect}</dd>
              </div>
              <div>
                <dt>{t("ratio.required")}</dt>
                <dd>{r().required}</dd>
              </div>
            </dl>
            <p class={r().shortfall > 0 ? "status-late" : "status-ok"} data-testid="rep-ratio-verdict">
              {r().shortfall > 0 ? t("ratio.short", { n: r().shortfall }) : t("ratio.ok")}
            </p>
          </>
        )}
      </Ready>
    </section>
  );
}

function Alarms(props: { repId: string }) {
  const [alarms] = createResource(
    () => props.repId,
    (repId) => data(client.alarms.$get({ query: { repId, status: "open", limit: "50" } })),
  );
  return (
    <section class="card" aria-labelledby="rep-alarms-title" data-testid="rep-alarms">
      <h2 id="rep-alarms-title">{t("repDetail.alarms")}</h2>
      <Ready when={alarms()} error={alarms.error}>
        {(a) => (
          <Show when={a().items.length > 0} fallback={<p class="muted">{t("repDetail.noAlarms")}</p>}>
            <ul class="alarm-list">
              <For each={a().items}>
                {(x) => (
                  <li class={`alarm kind-${x.kind}`} data-testid="rep-alarm">
                    <div class="alarm-top">
                      <span class={`chip kind kind-${x.kind}`}>{t(`alarmKind.${x.kind}` as "alarmKind.pace")}</span>
                      <span class="muted small">{dateTime(x.raisedAt)}</span>
                    </div>
                    <p class="alarm-msg">{alarmText(x)}</p>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Ready>
    </section>
  );
}

function Ladder(props: { standing: Standing }) {
  const bonus = () => props.standing.departmentBonus;
  return (
    <section class="card" aria-labelledby="ladder-title" data-testid="rep-ladder">
      <h2 id="ladder-title">{t("repDetail.ladder")}</h2>
      <p data-testid="rep-bonus" class={bonus().suspended ? "status-late" : "status-ok"}>
        {bonus().suspended ? t("repDetail.bonusSuspended", { month: monthLabel(bonus().since ?? "") }) : t("repDetail.bonusPaid")}
      </p>
      <Show when={props.standing.closedMonths.length > 0} fallback={<p class="muted">{t("repDetail.noLadder")}</p>}>
        <table class="table">
          <TableHead columns={[t("repDetail.month"), { num: t("board.attainment") }, t("close.outcome"), t("close.reasons")]} />
          <tbody>
            <For each={props.standing.closedMonths}>
              {(r) => (
                <tr data-testid="ladder-row" data-month={r.month}>
                  <td class="nowrap">{monthLabel(r.month)}</td>
                  <td class="num">{pct(r.attainment)}</td>
                  <td>
                    <span class={`chip outcome-${r.outcome}`}>
                      <span aria-hidden="true">{r.outcome === "ok" ? "✓" : r.outcome === "warning" ? "▲" : "■"}</span>{" "}
                      {t(`close.outcome.${r.outcome}`)}
                    </span>
                  </td>
                  <td>
                    <Show when={r.reasons.length > 0} fallback={<span class="muted">—</span>}>
                      <ul class="plain">
                        <For each={r.reasons}>{(x) => <li>{reasonText(x)}</li>}</For>
                      </ul>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}

function Diaries(props: { repId: string }) {
  const days = () => Array.from({ length: 7 }, (_, i) => shiftDay(clubDay(), -i));
  const [list] = createResource(
    () => props.repId,
    (repId) => Promise.all(days().map((date) => data(client.diary[":date"].$get({ param: { date }, query: { repId } })))),
  );
  return (
    <section class="card" aria-labelledby="rep-diaries-title" data-testid="rep-diaries">
      <h2 id="rep-diaries-title">{t("repDetail.diaries")}</h2>
      <Ready when={list()} error={list.error}>
        {(l) => (
          <ul class="plain">
            <For each={l()}>
              {(d) => (
                <li class="row gap" data-testid="rep-diary" data-day={d.day}>
                  <A href={`/diaries/${d.day}?rep=${props.repId}`}>{dayLabel(d.day)}</A>
                  <span class={d.late ? "status-late" : d.submitted ? "status-ok" : "status-open"}>
                    <span aria-hidden="true">{d.submitted ? (d.late ? "▲ " : "✓ ") : d.late ? "■ " : "○ "}</span>
                    {d.submitted
                      ? d.late
                        ? t("diaries.lateSubmitted", { time: dateTime(d.submittedAt ?? "") })
                        : t("diary.submitted")
                      : d.late
                        ? t("diaries.missing")
                        : t("diaries.open")}
                  </span>
                  <Show when={d.managerComment}>
                    <span class="tag tag-ok">{t("diaries.commented")}</span>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        )}
      </Ready>
    </section>
  );
}
