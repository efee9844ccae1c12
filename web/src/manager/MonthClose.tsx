import { A } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { client, data } from "../api.ts";
import { checksOf } from "../board/checks.ts";
import { ShareCell } from "../board/ShareCell.tsx";
import { useData } from "../cache.ts";
import { clubMonth, dateTime, monthLabel, pct, shiftMonth } from "../format.ts";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { Modal } from "./Modal.tsx";
import { reasonText } from "./reasons.ts";
import "./lists.css";

/** Month close (第六条 2②⑵): each rep's outcome with its reasons, the bonus state and who it was reported to. */
export function MonthClose() {
  const [month, setMonth] = createSignal(shiftMonth(clubMonth(), -1));
  const results = useData(
    () => `results:${month()}`,
    (k) => data(client.months[":month"].results.$get({ param: { month: k.slice(8) } })),
    { persist: false },
  );
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [confirming, setConfirming] = createSignal(false);
  // at hundreds of reps the ones to act on are the warnings and removals: shown alone by default
  const [flaggedOnly, setFlaggedOnly] = createSignal(true);
  const [rep, setRep] = createSignal("");

  async function close() {
    setConfirming(false);
    setBusy(true);
    setError(null);
    try {
      await data(client.months[":month"].close.$post({ param: { month: month() } }));
      await results.refetch();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const view = () => results.data();
  type Result = NonNullable<ReturnType<typeof view>>["results"][number];
  const shown = (all: Result[]) => {
    const needle = rep().trim().toLowerCase();
    return all.filter((r) => (!flaggedOnly() || r.outcome !== "ok") && (!needle || (r.name ?? "").toLowerCase().includes(needle)));
  };

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("close.title")}</h1>
          <p class="muted">{t("close.help")}</p>
        </div>
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
          <button
            type="button"
            class="btn primary"
            disabled={busy() || month() >= clubMonth()}
            onClick={() => setConfirming(true)}
            data-testid="close-month"
          >
            <Icon name="lock" size={16} /> {view()?.closed ? t("close.again") : t("close.run")}
          </button>
        </div>
      </header>
      <Modal
        open={confirming()}
        onClose={() => setConfirming(false)}
        alert
        testid="close-confirm"
        title={t(view()?.closed ? "close.confirmTitle" : "close.confirmFirstTitle", { month: monthLabel(month()) })}
        description={t("close.confirmText")}
      >
        <div class="modal-actions">
          <button type="button" class="btn secondary" onClick={() => setConfirming(false)}>
            {t("close.cancel")}
          </button>
          <button type="button" class="btn danger" onClick={() => void close()} data-testid="close-confirm-yes">
            <Icon name="lock" size={16} /> {t("close.confirm")}
          </button>
        </div>
      </Modal>
      <Show when={error()}>
        <p class="form-error" role="alert">
          {describe(error())}
        </p>
      </Show>
      <Ready when={view()} error={results.error()} retry={results.refetch}>
        {(v) => (
          <>
            <p class="muted small">
              {v().closed
                ? t("close.closedAt", { time: v().closedAt ? dateTime(v().closedAt ?? "") : "" })
                : v().results.length > 0
                  ? t("close.notClosed")
                  : t("close.notClosedYet")}
            </p>
            <Show when={v().results.length > 0} fallback={<Empty icon="lock">{t("close.empty")}</Empty>}>
              <div class="toolbar card row gap wrap">
                <p class="close-counts" data-testid="close-counts" aria-live="polite">
                  {t("close.counts", { ok: v().counts.ok, warning: v().counts.warning, removal: v().counts.removal })}
                </p>
                <label class="row gap small list-filter">
                  <input
                    type="checkbox"
                    checked={flaggedOnly()}
                    onChange={(e) => setFlaggedOnly(e.currentTarget.checked)}
                    data-testid="close-flagged-only"
                  />
                  {t("close.flaggedOnly")}
                </label>
                <label class="field list-search">
                  <span>{t("close.findRep")}</span>
                  <input type="search" value={rep()} onInput={(e) => setRep(e.currentTarget.value)} data-testid="close-search" />
                </label>
              </div>
              <Show when={shown(v().results).length > 0} fallback={<Empty icon="lock">{t("close.noneFlagged")}</Empty>}>
                <table class="table" data-testid="close-table">
                  <TableHead
                    columns={[
                      t("board.rep"),
                      { num: t("board.attainment") },
                      ...(v().results.some((r) => checksOf(r)) ? [t("checks.share")] : []),
                      t("close.outcome"),
                      t("close.reasons"),
                      t("close.bonus"),
                      t("close.reported"),
                    ]}
                  />
                  <tbody>
                    <For each={shown(v().results)}>
                      {(r) => (
                        <tr data-testid="close-row" data-outcome={r.outcome}>
                          <td>{r.name}</td>
                          <td class="num">{pct(r.attainment)}</td>
                          <Show when={v().results.some((x) => checksOf(x))}>
                            <td data-testid="close-checks">
                              <ShareCell checks={checksOf(r)} />
                            </td>
                          </Show>
                          <td>
                            <span class={`chip outcome-${r.outcome}`}>
                              <span aria-hidden="true">{r.outcome === "ok" ? "✓" : r.outcome === "warning" ? "▲" : "■"}</span>{" "}
                              {t(`close.outcome.${r.outcome}`)}
                            </span>
                          </td>
                          <td>
                            <Show when={r.reasons.length > 0} fallback={<span class="muted">—</span>}>
                              <ul class="plain">
                                <For each={r.reasons}>{(x) => <li>{reasonText(x)}</li>}</For>
                              </ul>
                            </Show>
                          </td>
                          <td>
                            {r.departmentBonusSuspended ? <span class="tag tag-overdue">{t("close.suspended")}</span> : t("close.paid")}
                          </td>
                          <td>
                            {r.outcome === "removal" ? t("close.toGm") : r.outcome === "warning" ? t("close.toHr") : "—"}
                            <Show when={r.outcome === "removal"}>
                              {" "}
                              <A class="btn secondary small" href={`/handover?rep=${r.repId}`} data-testid="close-handover">
                                {t("close.handOver")}
                              </A>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </Show>
            </Show>
          </>
        )}
      </Ready>
    </div>
  );
}
