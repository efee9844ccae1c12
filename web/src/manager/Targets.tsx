import { createEffect, createSignal, For, on, Show } from "solid-js";
import { ApiError, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { clubMonth, money, monthLabel, pct, shiftMonth } from "../format.ts";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { createCursorPages, PageNav } from "../ui/Pager.tsx";
import "./lists.css";
import { TeamTargets, useTargetTeams } from "./TargetsTeam.tsx";

const PAGE = 50;

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;

/**
 * Monthly revenue targets per rep (第六条 2②), validated as typed, saved one row at a
 * time. The club's enabled reps a page at a time, found by name or e-mail, with the
 * server's count: every rep is reachable however many there are.
 */
export function Targets() {
  const [month, setMonth] = createSignal(clubMonth());
  const [search, setSearch] = createSignal("");
  const [q, setQ] = createSignal("");
  const pages = createCursorPages();
  let typing: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(q, () => pages.reset(), { defer: true }));
  const reps = useData(
    () => `reps:targets:${JSON.stringify([q(), pages.cursor() ?? ""])}`,
    () => {
      const cursor = pages.cursor();
      return data(
        client.users.$get({
          query: { role: "rep", disabled: "false", limit: String(PAGE), ...(q() ? { q: q() } : {}), ...(cursor ? { cursor } : {}) },
        }),
      );
    },
    { persist: false },
  );
  const quota = useData(
    () => `quota:${month()}`,
    (k) => data(client.quota.$get({ query: { month: k.slice(6) } })),
    { persist: false },
  );
  // A closed month's targets are final (the server refuses them): the screen says so up front.
  const closed = useData(
    () => `month-closed:${month()}`,
    (k) => data(client.months[":month"].results.$get({ param: { month: k.slice(13) } })),
    { persist: false },
  );
  const isClosed = () => closed.data()?.month === month() && closed.data()?.closed === true;
  // By team: a manager's chosen team lists its active reps (all of them, found by name here).
  const teams = useTargetTeams();
  const teamList = () => {
    const needle = q().toLowerCase();
    return (teams.members() ?? []).filter((m) => !needle || m.name.toLowerCase().includes(needle));
  };
  const [drafts, setDrafts] = createSignal<Record<string, string>>({});
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [saved, setSaved] = createSignal<Record<string, boolean>>({});

  const rowFor = (repId: string) => quota.data()?.reps.find((r) => r.repId === repId);
  const localError = (v: string) => (v === "" ? "" : AMOUNT.test(v) && Number(v) > 0 ? "" : t("targets.invalid"));

  async function save(repId: string) {
    const v = drafts()[repId] ?? "";
    const err = localError(v) || (v === "" ? t("targets.required") : "");
    if (err) {
      setErrors({ ...errors(), [repId]: err });
      return;
    }
    try {
      await data(client.targets[":repId"][":month"].$put({ param: { repId, month: month() }, json: { amount: Number(v) } }));
      setSaved({ ...saved(), [repId]: true });
      setErrors({ ...errors(), [repId]: "" });
      void quota.refetch();
    } catch (e) {
      const isClosed = e instanceof ApiError && e.fieldCodes.month?.code === "closed_month";
      const msg = isClosed ? t("targets.closedReason") : e instanceof ApiError && e.fields.amount ? t("targets.invalid") : describe(e);
      if (isClosed) void closed.refetch();
      setErrors({ ...errors(), [repId]: msg });
    }
  }

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("targets.title")}</h1>
          <p class="muted">{t("targets.help")}</p>
        </div>
        <div class="month-nav row gap">
          <button type="button" class="btn secondary small" onClick={() => setMonth(shiftMonth(month(), -1))} aria-label={t("month.prev")}>
            ‹
          </button>
          <strong>{monthLabel(month())}</strong>
          <button type="button" class="btn secondary small" onClick={() => setMonth(shiftMonth(month(), 1))} aria-label={t("month.next")}>
            ›
          </button>
        </div>
      </header>
      <Show when={isClosed()}>
        <p class="note" role="status" data-testid="targets-closed">
          <Icon name="lock" size={16} /> {t("targets.closedReason")}
        </p>
      </Show>
      <div class="toolbar card row gap wrap">
        <label class="field list-search">
          <span>{t("targets.search")}</span>
          <input
            type="search"
            value={search()}
            placeholder={t("picker.typeRep")}
            data-testid="targets-search"
            onInput={(e) => {
              const v = e.currentTarget.value;
              setSearch(v);
              clearTimeout(typing);
              typing = setTimeout(() => setQ(v.trim()), 250);
            }}
          />
        </label>
        <Show when={reps.data()}>
          {(r) => (
            <span class="muted small" data-testid="targets-total" aria-live="polite">
              {teams.chosen() ? t("targets.teamReps", { n: teamList().length }) : t("targets.total", { n: r().total.toLocaleString() })}
            </span>
          )}
        </Show>
        <TeamTargets teams={teams} month={month()} closed={isClosed()} onSaved={() => void quota.refetch()} />
      </div>
      <Ready when={reps.data()} error={reps.error()} retry={reps.refetch}>
        {(r) => (
          <Show
            when={(teams.chosen() ? teamList() : r().items).length > 0}
            fallback={<Empty icon="user">{q() || teams.chosen() ? t("targets.noMatch") : t("targets.noReps")}</Empty>}
          >
            <table class="table">
              <TableHead
                columns={[
                  t("board.rep"),
                  { num: t("targets.current") },
                  { num: t("targets.achieved") },
                  { num: t("board.attainment") },
                  t("targets.new"),
                ]}
              />
              <tbody>
                <For each={teams.chosen() ? teamList() : r().items}>
                  {(u) => (
                    <tr data-testid="target-row" data-rep={u.id}>
                      <td>{u.name}</td>
                      <td class="num">{money(rowFor(u.id)?.target)}</td>
                      <td class="num">{money(rowFor(u.id)?.achieved)}</td>
                      <td class="num">{pct(rowFor(u.id)?.attainment)}</td>
                      <td>
                        <Show when={!isClosed()} fallback={<span class="muted">—</span>}>
                          <form
                            class="row gap"
                            onSubmit={(e) => {
                              e.preventDefault();
                              void save(u.id);
                            }}
                          >
                            <label class="inline">
                              <span class="sr-only">{t("targets.amountFor", { name: u.name })}</span>
                              <span class="prefix">¥</span>
                              <input
                                inputmode="decimal"
                                class="num-input"
                                value={drafts()[u.id] ?? ""}
                                placeholder={rowFor(u.id)?.target?.toString() ?? "0.00"}
                                aria-invalid={!!errors()[u.id]}
                                aria-describedby={`terr-${u.id}`}
                                onInput={(e) => {
                                  const v = e.currentTarget.value.trim();
                                  setDrafts({ ...drafts(), [u.id]: v });
                                  setErrors({ ...errors(), [u.id]: localError(v) });
                                  setSaved({ ...saved(), [u.id]: false });
                                }}
                              />
                            </label>
                            <button type="submit" class="btn primary small">
                              {saved()[u.id] ? `✓ ${t("action.saved")}` : t("action.save")}
                            </button>
                          </form>
                          <Show when={errors()[u.id]}>
                            <span class="field-error" id={`terr-${u.id}`} role="alert">
                              {errors()[u.id]}
                            </span>
                          </Show>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={!teams.chosen()}>
              <PageNav
                page={pages.index()}
                size={PAGE}
                total={r().total}
                hasNext={r().nextCursor !== null}
                onPrev={pages.prev}
                onNext={() => {
                  const c = r().nextCursor;
                  if (c) pages.next(c);
                }}
                label={t("pager.label")}
                testid="targets-pager"
              />
            </Show>
          </Show>
        )}
      </Ready>
    </div>
  );
}
