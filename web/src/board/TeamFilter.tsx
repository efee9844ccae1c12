import { For, onMount, Show } from "solid-js";
import { client, data } from "../api.ts";
import { t } from "../i18n/index.ts";
import { isLead } from "../session.ts";
import { type Choice, Combobox } from "../ui/Combobox.tsx";

/** Up to this many teams a plain select; more, a type-ahead. */
const SELECT_MAX = 12;

/** The filter's value for the reps in no team. */
export const NO_TEAM = "none";

/**
 * Which reps the board shows: the whole club (全部), one team's, or those in no team
 * (`NO_TEAM`, offered when there are any), club ranks kept. Teams come from the race
 * (every member of the club sees their names).
 */
export function TeamFilter(props: {
  teams: Map<string, string>;
  value: string | null;
  onChange: (teamId: string | null) => void;
  unassigned?: boolean;
}) {
  const list = () => [...props.teams].map(([id, label]) => ({ id, label })).sort((a, b) => a.label.localeCompare(b.label, "zh-CN"));
  const label = (id: string) => (id === NO_TEAM ? t("teamRace.noTeam") : (props.teams.get(id) ?? ""));
  const chosen = (): Choice | null => (props.value ? { id: props.value, label: label(props.value) } : null);
  return (
    <Show when={props.teams.size > 0}>
      <Show
        when={props.teams.size > SELECT_MAX}
        fallback={
          <label class="team-filter">
            <span class="sr-only">{t("teamRace.filter")}</span>
            {/* Each option says whether it is the chosen one: the choice holds whichever arrives first, the team or the options. */}
            <select data-testid="team-filter" onChange={(e) => props.onChange(e.currentTarget.value || null)}>
              <option value="" selected={!props.value}>
                {t("teamRace.all")}
              </option>
              <For each={list()}>
                {(x) => (
                  <option value={x.id} selected={props.value === x.id}>
                    {x.label}
                  </option>
                )}
              </For>
              <Show when={props.unassigned}>
                <option value={NO_TEAM} selected={props.value === NO_TEAM}>
                  {t("teamRace.noTeam")}
                </option>
              </Show>
            </select>
          </label>
        }
      >
        <div class="team-filter">
          <Combobox
            label={t("teamRace.filter")}
            hideLabel
            placeholder={t("teamRace.find")}
            value={chosen()}
            clearLabel={t("teamRace.all")}
            testid="team-filter-search"
            onChange={(c) => props.onChange(c?.id ?? null)}
            search={async (q) => {
              const needle = q.trim().toLowerCase();
              const all = [...list(), ...(props.unassigned ? [{ id: NO_TEAM, label: t("teamRace.noTeam") }] : [])].filter((x) =>
                x.label.toLowerCase().includes(needle),
              );
              return { items: all.slice(0, 20), total: all.length };
            }}
          />
        </div>
      </Show>
    </Show>
  );
}

/**
 * A lead's board opens on their own team (GET /teams/mine); they may switch to the
 * whole club. `choose` is called once, unless the viewer chose before the answer.
 */
export function useLeadDefault(choose: (teamId: string) => void, touched: () => boolean) {
  onMount(async () => {
    if (!isLead()) return;
    try {
      const team = (await data(client.teams.mine.$get())).team;
      if (team && !touched()) choose(team.id);
    } catch {
      // the whole club then; the lead's header says why it has no team
    }
  });
}
