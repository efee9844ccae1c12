import { Show } from "solid-js";
import { pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { Icon } from "../ui/icons.tsx";
import { breakdownText, type Checks, unverified, verifiedShare } from "./checks.ts";
import "./checks.css";

/**
 * A rep's verified share with the count of visits away from the customer (the board's
 * 核实率 column): "83% · 1 次不在附近". The full breakdown is the cell's title and its
 * screen-reader text; no in-person visit yet reads "暂无拜访".
 */
export function ShareCell(props: { checks: Checks | null }) {
  return (
    <Show when={props.checks} fallback={<span class="muted">—</span>}>
      {(c) => (
        <Show when={c().inPerson > 0} fallback={<span class="share none">{t("checks.noVisits")}</span>}>
          <span class="share" title={breakdownText(c())} data-testid="verified-share">
            <strong data-testid="verified-pct" classList={{ "share-full": unverified(c()) === 0 }}>
              {pct(verifiedShare(c()))}
            </strong>
            <Show when={c().offSite > 0}>
              <span class="share-away" data-testid="verified-away">
                <Icon name="alert" size={14} /> {t("checks.offSiteN", { n: c().offSite })}
              </span>
            </Show>
            <span class="sr-only">{breakdownText(c())}</span>
          </span>
        </Show>
      )}
    </Show>
  );
}
