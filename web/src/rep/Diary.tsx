import { Dialog } from "@kobalte/core/dialog";
import { useNavigate, useParams } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { client, type Diary, data } from "../api.ts";
import { useData } from "../cache.ts";
import { clubDay, dateTime, dayLabel, money } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { useLiveSoon } from "../live.ts";
import { CachedNote, FieldError, FormError, Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";

// the day's visit checks are shown apart from the counted figures
type Figures = Omit<Diary["figures"], "checks">;
const figureKeys: (keyof Figures)[] = [
  "customersContactedInPerson",
  "inPersonContacts",
  "demos",
  "calls",
  "letters",
  "prospectsWorkedOn",
  "newCardCustomers",
  "revenueCredited",
];

function shiftDay(day: string, by: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + by)).toISOString().slice(0, 10);
}

/** 业务发展工作日志: the ledger's figures (read-only) on top, then what only the rep can write. */
export function DiaryPage() {
  const params = useParams<{ date?: string }>();
  const navigate = useNavigate();
  const day = () => params.date ?? clubDay();
  const diary = useData(
    () => `diary:${day()}`,
    () => data(client.diary[":date"].$get({ param: { date: day() }, query: {} })),
  );
  // The figures come from the ledger: a contact or revenue of mine that reached the server changes them.
  useLiveSoon(["contact:logged", "revenue:recorded"], () => void diary.refetch());

  const [error, setError] = createSignal<unknown>(null);
  const [state, setState] = createSignal<"idle" | "saving" | "saved" | "submitting">("idle");
  const locked = () => !!diary.data()?.submittedAt;

  function body(form: HTMLFormElement) {
    const f = new FormData(form);
    const s = (k: string) => String(f.get(k) ?? "").trim();
    return { workingTime: s("workingTime"), targets: s("targets"), progress: s("progress"), notes: s("notes") };
  }
  async function save(form: HTMLFormElement) {
    setState("saving");
    setError(null);
    try {
      const d = await data(client.diary[":date"].$put({ param: { date: day() }, json: body(form) }));
      diary.mutate(() => d);
      setState("saved");
      return true;
    } catch (err) {
      setError(err);
      setState("idle");
      return false;
    }
  }
  async function submit(form: HTMLFormElement) {
    if (!(await save(form))) return;
    setState("submitting");
    try {
      const d = await data(client.diary[":date"].submit.$post({ param: { date: day() } }));
      diary.mutate(() => d);
    } catch (err) {
      setError(err);
    } finally {
      setState("idle");
    }
  }
  let form: HTMLFormElement | undefined;
  // Submitting locks the day for good (不得弄虚作假): asked first.
  const [confirming, setConfirming] = createSignal(false);
  const figure = (k: keyof Figures) => {
    const v = diary.data()?.figures[k];
    if (v === undefined) return "—";
    return k === "revenueCredited" ? money(v) : String(v);
  };

  return (
    <div class="page diary">
      <div class="day-nav">
        <button type="button" class="icon-btn" aria-label={t("diary.prev")} onClick={() => navigate(`/diary/${shiftDay(day(), -1)}`)}>
          <Icon name="back" />
        </button>
        <h1>
          {t("diary.title")} · {dayLabel(day())}
        </h1>
        <button
          type="button"
          class="icon-btn"
          aria-label={t("diary.next")}
          disabled={day() >= clubDay()}
          onClick={() => navigate(`/diary/${shiftDay(day(), 1)}`)}
        >
          <Icon name="chevron" />
        </button>
      </div>
      <CachedNote at={diary.cachedAt()} error={diary.error()} />
      <Ready when={diary.data()} error={diary.error()} retry={diary.refetch}>
        {(d) => (
          <>
            <p class="diary-status" data-testid="diary-status">
              <Show
                when={d().submittedAt}
                fallback={
                  <span class={`tag ${d().late ? "tag-overdue" : "tag-stale"}`}>{d().late ? t("diary.late") : t("diary.open")}</span>
                }
              >
                <span class="tag tag-ok">
                  <Icon name="lock" size={14} /> {t("diary.submittedAt", { time: dateTime(d().submittedAt ?? "") })}
                </span>
              </Show>
            </p>
            <section class="figures" aria-labelledby="fig-title">
              <h2 id="fig-title">
                {t("diary.figures")} <span class="muted small">{t("diary.figuresNote")}</span>
              </h2>
              <dl class="figures-grid">
                <For each={figureKeys}>
                  {(k) => (
                    <div>
                      <dt>{t(`diary.fig.${k}` as MessageKey)}</dt>
                      <dd>{figure(k)}</dd>
                    </div>
                  )}
                </For>
              </dl>
            </section>
            <form
              ref={form}
              class="form"
              onSubmit={(e) => {
                e.preventDefault();
                void save(e.currentTarget);
              }}
            >
              <label class="field">
                <span>{t("diary.workingTime")}</span>
                <input name="workingTime" value={d().workingTime ?? ""} placeholder="09:00–18:00" disabled={locked()} />
                <FieldError error={error()} field="workingTime" />
              </label>
              <label class="field">
                <span>{t("diary.targets")}</span>
                <textarea name="targets" rows={2} value={d().targets ?? ""} disabled={locked()} />
                <FieldError error={error()} field="targets" />
              </label>
              <label class="field">
                <span>{t("diary.progress")}</span>
                <textarea name="progress" rows={2} value={d().progress ?? ""} disabled={locked()} />
                <FieldError error={error()} field="progress" />
              </label>
              <label class="field">
                <span>{t("diary.notes")}</span>
                <textarea name="notes" rows={3} value={d().notes ?? ""} disabled={locked()} />
                <FieldError error={error()} field="notes" />
              </label>
              <FormError error={error()} shown={["workingTime", "targets", "progress", "notes"]} />
              <Show when={!locked()}>
                <div class="row gap">
                  <button type="submit" class="btn secondary" disabled={state() !== "idle" && state() !== "saved"}>
                    {state() === "saved" ? t("diary.savedDraft") : t("action.save")}
                  </button>
                  <button
                    type="button"
                    class="btn primary"
                    disabled={state() === "submitting"}
                    onClick={() => setConfirming(true)}
                    data-testid="diary-submit"
                  >
                    <Icon name="lock" size={16} /> {t("diary.submit")}
                  </button>
                </div>
                <p class="muted small">{t("diary.submitNote")}</p>
                <Dialog open={confirming()} onOpenChange={setConfirming}>
                  <Dialog.Portal>
                    <Dialog.Overlay class="sheet-overlay" />
                    <div class="sheet-position">
                      <Dialog.Content class="sheet" data-testid="diary-submit-confirm" role="alertdialog">
                        <Dialog.Title class="sheet-title">{t("diary.confirmTitle")}</Dialog.Title>
                        <Dialog.Description class="sheet-sub">{t("diary.confirmText", { day: dayLabel(day()) })}</Dialog.Description>
                        <div class="row gap sheet-actions">
                          <button
                            type="button"
                            class="btn secondary"
                            onClick={() => setConfirming(false)}
                            data-testid="diary-submit-cancel"
                          >
                            {t("diary.confirmCancel")}
                          </button>
                          <button
                            type="button"
                            class="btn primary"
                            data-testid="diary-submit-confirm-button"
                            onClick={() => {
                              setConfirming(false);
                              if (form) void submit(form);
                            }}
                          >
                            <Icon name="lock" size={16} /> {t("diary.submit")}
                          </button>
                        </div>
                      </Dialog.Content>
                    </div>
                  </Dialog.Portal>
                </Dialog>
              </Show>
            </form>
            <Show when={d().managerComment}>
              <section>
                <h2>{t("diary.comments")}</h2>
                <p class="card">
                  {d().managerComment}
                  <Show when={d().commentedAt}>
                    <span class="muted small"> — {dateTime(d().commentedAt ?? "")}</span>
                  </Show>
                </p>
              </section>
            </Show>
          </>
        )}
      </Ready>
    </div>
  );
}
