import { For, Show } from "solid-js";
import { type Checks, type ContactCheck, checkText } from "../board/checks.ts";
import { count, dateTime } from "../format.ts";
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
