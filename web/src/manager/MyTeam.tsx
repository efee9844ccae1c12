import { createResource, Show } from "solid-js";
import { client, data } from "../api.ts";
import { t } from "../i18n/index.ts";
import "./teams.css";

/** "My team" above a lead's screens: every answer below is their team's (the server scopes it). */
export function MyTeamHeader() {
  const [mine] = createResource(async () => (await data(client.teams.mine.$get())).team);
  return (
    <div class="my-team" data-testid="my-team">
      <strong>{t("teams.mine")}</strong>
      <Show when={mine()} fallback={<span class="muted">{mine.loading ? "" : t("teams.mineNone")}</span>}>
        {(team) => (
          <span data-testid="my-team-name">
            {team().name} · {t("teams.memberCount", { n: team().memberCount })}
          </span>
        )}
      </Show>
    </div>
  );
}
