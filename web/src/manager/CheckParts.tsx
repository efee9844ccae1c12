import { For, Show } from "solid-js";
import { breakdownText, type Checks, type ContactCheck, checkText, unverified, verifiedShare } from "../board/checks.ts";
import { count, dateTime, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import "../board/checks.css";

const marks: Record<ContactCheck["state"], string> = { on_site: "✓", off_site: "▲", no_position: "○", no_pin: "○" };

/** One contact's check as a chip (state, distance), or the acceptance that settled it. */
export function CheckMark(props: { check: ContactCheck | null; accuracy?: number | null }) {
  return (
    <Show when={props.check} fallback={<span class="muted">—</span>}>
      {(c) => (
        <span class="check-mark">
          <span
            class={`chip check-${c().accepted ? "accepted" : c().state}`}
            data-testid="check-chip"
            data-state={c().state}
            data-accepted={c().accepted ? "yes" : "no"}
          >
            <span aria-hidden="true">{c().accepted ? "✓" : marks[c().state]}</span> {checkText(c())}
          </span>
          <Show when={c().accepted}>
            {(a) => (
              <span class="check-accepted small" data-testid="check-accepted">
                <span class="chip check-accepted-chip">{t("checks.accepted")}</span>{" "}
                {t("checks.acceptedBy", { name: a().byName, time: dateTime(a().at), reason: a().reason })}
              </span>
            )}
          </Show>
          <Show when={props.accuracy}>{(n) => <span class="muted small">{t("checks.accuracy", { n: Math.round(n()) })}</span>}</Show>
        </span>
      )}
    </Show>
  );
}

/** A period's checks as figures: visits and demos, on site, accepted, away, no position, no customer location. */
export function ChecksFacts(props: { checks: Checks; testid?: string }) {
  const items = () =>
    [
      ["checks.inPerson", props.checks.inPerson, "in-person"],
      ["checks.onSite", props.checks.onSite, "on-site"],
      ["checks.acceptedCount", props.checks.accepted, "accepted"],
      ["checks.offSite", props.checks.offSite, "off-site"],
      ["checks.noPosition", props.checks.noPosition, "no-position"],
      ["checks.noPin", props.checks.noPin, "no-pin"],
    ] as const;
  return (
    <dl class="facts check-facts" data-testid={props.testid}>
      <For each={items()}>
        {([key, n, id]) => (
          <div classList={{ "check-bad": (id === "off-site" || id === "no-position") && n > 0 }}>
            <dt>{t(key)}</dt>
            <dd data-testid={`checks-${id}`}>{count(n)}</dd>
          </div>
        )}
      </For>
    </dl>
  );
}

/** A day's (or month's) checks inline, as the diary's figures read: 拜访核实 83%（6 次中 5 次） · 1 次不在附近. */
export function ChecksInline(props: { checks: Checks }) {
  const c = () => props.checks;
  return (
    <span title={breakdownText(c())} data-testid="checks-inline">
      {t("checks.diary")}{" "}
      <b>
        {c().inPerson
          ? t("checks.diaryFigure", { share: pct(verifiedShare(c())), verified: c().onSite + c().accepted, inPerson: c().inPerson })
          : "—"}
      </b>
      <Show when={c().offSite > 0}>
        <span class="share-away"> · {t("checks.offSiteN", { n: c().offSite })}</span>
      </Show>
      <Show when={unverified(c()) - c().offSite > 0}>
        <span class="muted"> · {t("checks.unverifiedN", { n: unverified(c()) - c().offSite })}</span>
      </Show>
    </span>
  );
}
