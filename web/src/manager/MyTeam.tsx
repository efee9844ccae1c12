import { A } from "@solidjs/router";
import { createResource, Show } from "solid-js";
import { client, data } from "../api.ts";
import { t } from "../i18n/index.ts";
import { liveState } from "../live.ts";
import type { Level } from "../types.ts";
import { Icon } from "../ui/icons.tsx";
import "./teams.css";

/**
 * The team's part of the live boards (the server narrows the managers' part to the
 * lead's team): its unacknowledged alarms and its reps below pace this month. Null
 * until a board with that part has arrived (a lead of no team never gets one).
 */
function teamLive() {
  const b = liveState.boards();
  const counts = b.alarmCounts as { total?: number } | undefined;
  const quota = b.quota as { reps?: { level: Level | null }[] } | undefined;
  if (typeof counts?.total !== "number" || !Array.isArray(quota?.reps)) return null;
  return { alarms: counts.total, behind: quota.reps.filter((r) => r.level && r.level !== "ok").length };
}

/**
 * "My team" above a lead's screens: every answer below is their team's (the server
 * scopes it), and the team's live alarms and pace at a glance, linking to the board
 * (its alarm panel and pace levels are the team's too).
 */
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
      <Show when={mine() && teamLive()}>
        {(live) => (
          <A href="/board" class="my-team-live" data-testid="my-team-live">
            <Icon name="alert" size={14} />{" "}
            <span data-testid="my-team-alarms" data-n={live().alarms}>
              {t("teams.mineAlarms", { n: live().alarms })}
            </span>
            {" · "}
            <span data-testid="my-team-behind" data-n={live().behind}>
              {t("teams.mineBehind", { n: live().behind })}
            </span>
          </A>
        )}
      </Show>
    </div>
  );
}
