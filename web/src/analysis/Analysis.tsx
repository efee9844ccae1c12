import { Tabs } from "@kobalte/core/tabs";
import { createSignal } from "solid-js";
import { clubMonth, monthLabel, shiftMonth } from "../format.ts";
import { t } from "../i18n/index.ts";
import "./analysis.css";
import { Mix } from "./Mix.tsx";
import { Share } from "./Share.tsx";
import { Tiers } from "./Tiers.tsx";

/**
 * Tier (Pareto), business mix and share-of-total for a month; every chart has its
 * table one click away. Nothing here is kept on the device (cache.ts): the answers are
 * big at a big club, and the screen is a manager's desktop with a network.
 */
export function Analysis() {
  // A customer's tier is its last complete month's: that is the month to look at first.
  const [month, setMonth] = createSignal(shiftMonth(clubMonth(), -1));
  return (
    <div class="page analysis">
      <header class="page-head">
        <h1>{t("analysis.title")}</h1>
        <div class="row gap">
          <button type="button" class="btn secondary small" onClick={() => setMonth(shiftMonth(month(), -1))} aria-label={t("month.prev")}>
            ‹
          </button>
          <strong>{monthLabel(month())}</strong>
          <button
            type="button"
            class="btn secondary small"
            disabled={month() >= clubMonth()}
            onClick={() => setMonth(shiftMonth(month(), 1))}
            aria-label={t("month.next")}
          >
            ›
          </button>
        </div>
      </header>
      <Tabs defaultValue="tiers" class="tabs">
        <Tabs.List class="tab-list" aria-label={t("analysis.title")}>
          <Tabs.Trigger class="tab" value="tiers">
            {t("analysis.tiers")}
          </Tabs.Trigger>
          <Tabs.Trigger class="tab" value="mix">
            {t("analysis.mix")}
          </Tabs.Trigger>
          <Tabs.Trigger class="tab" value="share">
            {t("analysis.share")}
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="tiers">
          <Tiers month={month()} />
        </Tabs.Content>
        <Tabs.Content value="mix">
          <Mix month={month()} />
        </Tabs.Content>
        <Tabs.Content value="share">
          <Share month={month()} />
        </Tabs.Content>
      </Tabs>
    </div>
  );
}
