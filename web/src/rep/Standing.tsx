import { Dialog } from "@kobalte/core/dialog";
import { createEffect, createSignal, on, Show } from "solid-js";
import { client, data, type Ratio } from "../api.ts";
import { useData } from "../cache.ts";
import { boardMoney, clubMonth, monthLabel } from "../format.ts";
import { t } from "../i18n/index.ts";
import { liveState } from "../live.ts";
import { me } from "../session.ts";
import { Icon } from "../ui/icons.tsx";

/** No in-person visit this month: nothing to be compliant with yet. */
const noVisits = (r: Ratio) => r.existing === 0 && r.prospect === 0;

/** The 1:3 meter on the home screen; a tap opens its detail. */
export function RatioMeter(props: { ratio: Ratio | undefined; error: unknown }) {
  const [open, setOpen] = createSignal(false);
  return (
    <>
      <button
        type="button"
        class="meter meter-btn"
        data-testid="meter-ratio"
        aria-haspopup="dialog"
        aria-label={props.ratio ? `${t("meter.ratio")}: ${ratioSummary(props.ratio)}` : t("meter.ratio")}
        onClick={() => setOpen(true)}
      >
        <span class="meter-label">{t("meter.ratio")}</span>
        <Show when={props.ratio} fallback={<span class="meter-value muted">{props.error ? "—" : "…"}</span>}>
          {(r) => (
            <Show
              when={!noVisits(r())}
              fallback={
                <>
                  <span class="meter-value neutral" data-testid="ratio-value">
                    0
                  </span>
                  <span class="meter-foot">{t("meter.ratioNone")}</span>
                </>
              }
            >
              <span class="meter-value" classList={{ warn: r().shortfall > 0, good: r().shortfall === 0 }} data-testid="ratio-value">
                {r().shortfall > 0 ? r().shortfall : "✓"}
              </span>
              <span class="meter-foot">{r().shortfall > 0 ? t("meter.ratioShort", { n: r().shortfall }) : t("meter.ratioOk")}</span>
            </Show>
          )}
        </Show>
      </button>
      <RatioSheet open={open()} ratio={props.ratio} onClose={() => setOpen(false)} />
    </>
  );
}

function ratioSummary(r: Ratio): string {
  if (noVisits(r)) return t("meter.ratioNone");
  return r.shortfall > 0 ? t("meter.ratioShort", { n: r.shortfall }) : t("meter.ratioOk");
}

/** This month's 1:3 in figures: existing-customer visits E, prospect visits N, prospect visits required ⌈E/3⌉, shortfall. */
export function RatioSheet(props: { open: boolean; ratio: Ratio | undefined; onClose: () => void }) {
  return (
    <Dialog open={props.open} onOpenChange={(o) => !o && props.onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay class="sheet-overlay" />
        <div class="sheet-position">
          <Dialog.Content class="sheet" data-testid="ratio-sheet">
            <div class="sheet-head">
              <div>
                <Dialog.Title class="sheet-title">{t("ratio.title")}</Dialog.Title>
                <Dialog.Description class="sheet-sub">{t("ratio.sub", { month: monthLabel(clubMonth()) })}</Dialog.Description>
              </div>
              <Dialog.CloseButton class="icon-btn" aria-label={t("action.close")}>
                <Icon name="declined" />
              </Dialog.CloseButton>
            </div>
            <Show when={props.ratio} fallback={<p class="muted">{t("ratio.unknown")}</p>}>
              {(r) => (
                <>
                  <dl class="ratio-figures">
                    <div>
                      <dt>{t("ratio.existing")}</dt>
                      <dd data-testid="ratio-existing">{r().existing}</dd>
                    </div>
                    <div>
                      <dt>{t("ratio.prospect")}</dt>
                      <dd data-testid="ratio-prospect">{r().prospect}</dd>
                    </div>
                    <div>
                      <dt>{t("ratio.required")}</dt>
                      <dd data-testid="ratio-required">{r().required}</dd>
                    </div>
                    <div classList={{ short: r().shortfall > 0 }}>
                      <dt>{t("ratio.shortfall")}</dt>
                      <dd data-testid="ratio-shortfall">{r().shortfall}</dd>
                    </div>
                  </dl>
                  <p
                    class="ratio-verdict"
                    data-testid="ratio-verdict"
                    classList={{ warn: r().shortfall > 0, good: r().shortfall === 0 && !noVisits(r()) }}
                  >
                    {noVisits(r()) ? t("ratio.none") : r().shortfall > 0 ? t("ratio.short", { n: r().shortfall }) : t("ratio.ok")}
                  </p>
                  <p class="muted small">{t("ratio.rule")}</p>
                </>
              )}
            </Show>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}

/** The rep's own place on this month's board (GET /leaderboard), kept on the phone like the lists. */
export function MyRank() {
  const board = useData(
    () => (me() ? `board:month:${clubMonth()}` : null),
    () => data(client.leaderboard.$get({ query: { period: "month" } })),
  );
  // The live board carries this month's rows (snapshot and deltas): the HTTP read is only until it arrives.
  const live = () => {
    const lb = liveState.boards().leaderboard as { month?: { repId: string; revenue: number; rank: number }[] } | undefined;
    return liveState.boards().at === clubMonth() && Array.isArray(lb?.month) ? lb.month : undefined;
  };
  // A rank with nothing sold yet would be a tie at ¥0, not a place.
  // After a reconnect that missed news, the HTTP read again (the board itself syncs).
  createEffect(on(liveState.tick, () => void board.refetch(), { defer: true }));
  const mine = () => (live() ?? board.data()?.rows)?.find((r) => r.repId === me()?.user.id && r.revenue > 0);
  return (
    <Show when={board.data()}>
      {(b) => (
        <p class="my-rank" data-testid="my-rank">
          <Icon name="trophy" size={18} />
          <Show when={mine()} fallback={<span>{t("rank.none")}</span>}>
            {(row) => (
              <>
                <span>
                  {t("rank.month")}{" "}
                  <strong data-testid="my-rank-value">{t("rank.of", { rank: row().rank, n: (live() ?? b().rows).length })}</strong>
                </span>
                <span class="muted">{boardMoney(row().revenue)}</span>
              </>
            )}
          </Show>
        </p>
      )}
    </Show>
  );
}
