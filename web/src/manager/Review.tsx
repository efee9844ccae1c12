import { createSignal, For, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { dateTime } from "../format.ts";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import type { Choice } from "../ui/Combobox.tsx";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { createCursorPages, PageNav } from "../ui/Pager.tsx";
import { RepPicker } from "../ui/RepPicker.tsx";
import { Modal } from "./Modal.tsx";

const PAGE = 50;

/**
 * Prospects with three or more in-person contacts: continue, reassign or drop (docs/regulation.md, 第四条 2).
 * The queue a page at a time, longest waiting first, with the server's count of all
 * that wait; the new owner is found by typing (any rep of the club).
 */
export function Review() {
  const pages = createCursorPages();
  const queue = useData(
    () => `review-queue:${pages.cursor() ?? ""}`,
    () => {
      const cursor = pages.cursor();
      return data(client.prospects.review.$get({ query: { limit: String(PAGE), ...(cursor ? { cursor } : {}) } }));
    },
    { persist: false },
  );
  const [busy, setBusy] = createSignal<string | null>(null);
  const [error, setError] = createSignal<{ id: string; err: unknown } | null>(null);
  const [owner, setOwner] = createSignal<Record<string, Choice | null>>({});
  /** the prospect whose drop waits for the manager's confirmation (a drop cannot be undone) */
  const [dropping, setDropping] = createSignal<{ id: string; name: string; owner: string } | null>(null);

  async function decide(id: string, decision: "continue" | "drop" | "reassign") {
    setBusy(id);
    setError(null);
    try {
      const json =
        decision === "reassign" ? { decision, ownerId: owner()[id]?.id ?? "" } : decision === "drop" ? { decision } : { decision };
      await data(client.prospects[":id"].review.$post({ param: { id }, json: json as never }));
      queue.mutate((q) => (q ? { ...q, items: q.items.filter((x) => x.customerId !== id), total: q.total - 1 } : q));
    } catch (err) {
      setError({ id, err });
    } finally {
      setBusy(null);
    }
  }

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("review.title")}</h1>
          <p class="muted">{t("review.help")}</p>
          <Show when={queue.data()}>
            {(q) => (
              <p class="muted" data-testid="review-total" aria-live="polite">
                {t("review.total", { n: q().total.toLocaleString() })}
              </p>
            )}
          </Show>
        </div>
      </header>
      <Ready when={queue.data()} error={queue.error()} retry={queue.refetch}>
        {(q) => (
          <Show when={q().items.length > 0} fallback={<Empty icon="review">{t("review.empty")}</Empty>}>
            <table class="table">
              <TableHead
                columns={[t("customer.name"), t("review.owner"), { num: t("review.contacts") }, t("review.last"), t("review.decision")]}
              />
              <tbody>
                <For each={q().items}>
                  {(it) => (
                    <tr data-testid="review-row" data-customer={it.customerId}>
                      <td>
                        <a href={`/c/${it.customerId}`}>{it.name}</a>
                      </td>
                      <td>{it.ownerName}</td>
                      <td class="num">{it.contacts}</td>
                      <td>{dateTime(it.lastContactAt)}</td>
                      <td>
                        <div class="row gap wrap">
                          <button
                            type="button"
                            class="btn secondary small"
                            disabled={busy() === it.customerId}
                            onClick={() => void decide(it.customerId, "continue")}
                          >
                            {t("review.continue")}
                          </button>
                          <RepPicker
                            label={t("review.chooseOwner")}
                            hideLabel
                            placeholder={t("review.newOwner")}
                            value={owner()[it.customerId] ?? null}
                            onChange={(rep) => setOwner({ ...owner(), [it.customerId]: rep })}
                            enabledOnly
                            exclude={[it.ownerId]}
                            testid="review-owner"
                          />
                          <button
                            type="button"
                            class="btn secondary small"
                            disabled={busy() === it.customerId || !owner()[it.customerId]}
                            onClick={() => void decide(it.customerId, "reassign")}
                          >
                            {t("review.reassign")}
                          </button>
                          <button
                            type="button"
                            class="btn danger small"
                            disabled={busy() === it.customerId}
                            onClick={() => setDropping({ id: it.customerId, name: it.name, owner: it.ownerName ?? "" })}
                            data-testid="review-drop"
                          >
                            {t("review.drop")}
                          </button>
                        </div>
                        <Show when={error()?.id === it.customerId}>
                          <p class="form-error" role="alert">
                            {describe(error()?.err)}
                          </p>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <PageNav
              page={pages.index()}
              size={PAGE}
              total={q().total}
              hasNext={q().nextCursor !== null}
              onPrev={pages.prev}
              onNext={() => {
                const c = q().nextCursor;
                if (c) pages.next(c);
              }}
              label={t("pager.label")}
              testid="review-pager"
            />
          </Show>
        )}
      </Ready>
      <Modal
        open={dropping() !== null}
        onClose={() => setDropping(null)}
        alert
        testid="drop-confirm"
        title={t("review.dropTitle", { name: dropping()?.name ?? "" })}
        description={t("review.dropText", { owner: dropping()?.owner ?? "" })}
      >
        <div class="modal-actions">
          <button type="button" class="btn secondary" onClick={() => setDropping(null)}>
            {t("review.cancel")}
          </button>
          <button
            type="button"
            class="btn danger"
            data-testid="drop-confirm-yes"
            onClick={() => {
              const d = dropping();
              setDropping(null);
              if (d) void decide(d.id, "drop");
            }}
          >
            {t("review.dropConfirm")}
          </button>
        </div>
      </Modal>
    </div>
  );
}
