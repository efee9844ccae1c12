import { createResource, createSignal, For, Show } from "solid-js";
import { ApiError, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { money, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { isLead } from "../session.ts";

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;

/**
 * Targets by team: which team the list shows (a manager picks one of the club's
 * teams, or all; a lead's list is their team already), the team's total target and
 * revenue for the month (the team race's sums), and one target for all its active
 * reps in one write (PUT /targets/team/:teamId/:month, all or none).
 */
export function useTargetTeams() {
  const [chosen, setChosen] = createSignal<string | null>(null);
  const [teams] = createResource(async () =>
    isLead() ? [] : (await data(client.teams.$get())).items.map((x) => ({ id: x.id, name: x.name })),
  );
  const [mine] = createResource(async () => (isLead() ? (await data(client.teams.mine.$get())).team : null));
  /** The team shown: the manager's choice, or the lead's own. */
  const team = () => (isLead() ? (mine()?.id ?? null) : chosen());
  const [members] = createResource(
    () => (!isLead() && chosen()) || null,
    async (id) => (await data(client.teams[":id"].members.$get({ param: { id } }))).items.filter((m) => !m.disabled),
  );
  return { chosen, setChosen, teams, team, members, name: () => (isLead() ? mine()?.name : teams()?.find((x) => x.id === chosen())?.name) };
}
export type TargetTeams = ReturnType<typeof useTargetTeams>;

export function TeamTargets(props: { teams: TargetTeams; month: string; closed: boolean; onSaved: () => void }) {
  const race = useData(
    () => (props.teams.team() ? `team-race:${props.month}` : null),
    (k) => data(client.leaderboard.teams.$get({ query: { period: "month", at: k.slice(10) } })),
    { persist: false },
  );
  const row = () => race.data()?.rows.find((r) => r.teamId === props.teams.team());
  const [amount, setAmount] = createSignal("");
  const [error, setError] = createSignal("");
  const [done, setDone] = createSignal<number | null>(null);

  async function setAll(e: Event) {
    e.preventDefault();
    const id = props.teams.team();
    const v = amount().trim();
    if (!id) return;
    if (!AMOUNT.test(v) || Number(v) <= 0) {
      setError(v === "" ? t("targets.required") : t("targets.invalid"));
      return;
    }
    setError("");
    setDone(null);
    try {
      const res = await data(
        client.targets.team[":teamId"][":month"].$put({ param: { teamId: id, month: props.month }, json: { amount: Number(v) } }),
      );
      setDone(res.reps);
      setAmount("");
      void race.refetch();
      props.onSaved();
    } catch (err) {
      setError(
        err instanceof ApiError && err.fieldCodes.month?.code === "closed_month"
          ? t("targets.closedReason")
          : err instanceof ApiError && err.fields.amount
            ? t("targets.invalid")
            : describe(err),
      );
    }
  }

  return (
    <div class="team-targets row gap wrap" data-testid="team-targets">
      <Show when={!isLead() && (props.teams.teams()?.length ?? 0) > 0}>
        <label class="field">
          <span>{t("targets.team")}</span>
          <select
            data-testid="targets-team"
            value={props.teams.chosen() ?? ""}
            onChange={(e) => {
              props.teams.setChosen(e.currentTarget.value || null);
              setDone(null);
              setError("");
            }}
          >
            <option value="">{t("teamRace.all")}</option>
            <For each={props.teams.teams() ?? []}>{(x) => <option value={x.id}>{x.name}</option>}</For>
          </select>
        </label>
      </Show>
      <Show when={props.teams.team()}>
        <p class="team-targets-total" data-testid="team-target-total">
          <strong>{t("targets.teamTotal", { name: props.teams.name() ?? "" })}</strong>{" "}
          <span data-testid="team-target-sum">{money(row()?.target ?? null)}</span>
          <span class="muted">
            {" · "}
            {t("targets.achieved")} {money(row()?.revenue ?? null)} · {t("board.attainment")} {pct(row()?.attainment ?? null)}
          </span>
        </p>
        <Show when={!props.closed}>
          <form class="row gap" onSubmit={(e) => void setAll(e)}>
            <label class="inline">
              <span class="sr-only">{t("targets.teamAll", { name: props.teams.name() ?? "" })}</span>
              <span class="prefix">¥</span>
              <input
                inputmode="decimal"
                class="num-input"
                data-testid="team-target-amount"
                value={amount()}
                placeholder="0.00"
                aria-invalid={!!error()}
                onInput={(e) => setAmount(e.currentTarget.value)}
              />
            </label>
            <button type="submit" class="btn secondary small" data-testid="team-target-set">
              {t("targets.setTeam")}
            </button>
          </form>
        </Show>
        <Show when={error()}>
          <span class="field-error" role="alert">
            {error()}
          </span>
        </Show>
        <Show when={done() !== null}>
          <span class="muted small" role="status" data-testid="team-target-done">
            {t("targets.teamSet", { n: done() ?? 0 })}
          </span>
        </Show>
      </Show>
    </div>
  );
}
