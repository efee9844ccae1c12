import { createResource, For, Show } from "solid-js";
import { client, data, type User } from "../api.ts";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";

type Team = { id: string; name: string };
export type UserTeams = { list: () => Team[] | undefined; refetch: () => void; changed: () => void };

/** The club's teams for the users screen; `changed` reloads them and the users (counts and team columns). */
export function userTeams(refetchUsers: () => void): UserTeams {
  const [teams, { refetch }] = createResource(async () => (await data(client.teams.$get())).items);
  return {
    list: () => teams(),
    refetch,
    changed: () => {
      refetch();
      refetchUsers();
    },
  };
}

/** A user's team on the users screen: a rep's can be changed here (moved through PUT /teams/:id/members). */
export function TeamCell(props: { user: User; teams: UserTeams; onError: (message: string) => void }) {
  const name = () => props.teams.list()?.find((x) => x.id === props.user.teamId)?.name;
  async function move(to: string) {
    const from = props.user.teamId ?? "";
    if (to === from) return;
    try {
      if (to) await data(client.teams[":id"].members.$put({ param: { id: to }, json: { add: [props.user.id] } }));
      else await data(client.teams[":id"].members.$put({ param: { id: from }, json: { remove: [props.user.id] } }));
      props.teams.changed();
    } catch (err) {
      props.onError(describe(err));
    }
  }
  return (
    <Show when={props.user.role === "rep" && !props.user.disabled} fallback={<span>{name() ?? <span class="muted">—</span>}</span>}>
      <select
        value={props.user.teamId ?? ""}
        aria-label={`${t("users.team")} · ${props.user.name}`}
        data-testid="user-team-select"
        onChange={(e) => void move(e.currentTarget.value)}
      >
        <option value="">{t("users.noTeam")}</option>
        <For each={props.teams.list() ?? []}>{(x) => <option value={x.id}>{x.name}</option>}</For>
      </select>
    </Show>
  );
}
