import { createSignal, For, Show } from "solid-js";
import { type Awards, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { clubYear, money, pct } from "../format.ts";
import { lang, t } from "../i18n/index.ts";
import { Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";

const places = ["champion", "runnerUp", "third"] as const;

/** 销售冠军、亚军、季军: the year's ranking and each winner's printable certificate. */
export function AwardsPage() {
  const [year, setYear] = createSignal(clubYear());
  const awards = useData(
    () => `awards:${year()}`,
    () => data(client.awards[":year"].$get({ param: { year: String(year()) } })),
    { persist: false },
  );
  const winner = (k: (typeof places)[number]): Awards["champion"] => awards.data()?.[k] ?? null;
  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("awards.title")}</h1>
          <p class="muted">{t("awards.help")}</p>
        </div>
        <div class="row gap">
          <button type="button" class="btn secondary small" onClick={() => setYear(year() - 1)} aria-label={t("awards.prevYear")}>
            ‹
          </button>
          <strong>{year()}</strong>
          <button
            type="button"
            class="btn secondary small"
            onClick={() => setYear(year() + 1)}
            aria-label={t("awards.nextYear")}
            disabled={year() >= clubYear()}
          >
            ›
          </button>
        </div>
      </header>
      <Show when={awards.data() && !awards.data()?.final}>
        <p class="note">{t("awards.provisional")}</p>
      </Show>
      <Ready when={awards.data()} error={awards.error()} retry={awards.refetch}>
        <div class="podium">
          <For each={places}>
            {(p, i) => (
              <section class={`card place place-${i() + 1}`}>
                <h2>
                  <Icon name="trophy" size={22} /> {t(`awards.${p}`)}
                </h2>
                <Show when={winner(p)} fallback={<p class="muted">{t("awards.none")}</p>}>
                  {(w) => (
                    <>
                      <p class="winner">{w().name}</p>
                      <p>
                        {money(w().revenue)} · {pct(w().attainment)}
                      </p>
                      <Show when={w().twoYearContractEligible}>
                        <p class="muted small">{t("awards.contract")}</p>
                      </Show>
                      <Show
                        when={awards.data()?.final}
                        fallback={
                          <>
                            <button
                              type="button"
                              class="btn secondary small"
                              disabled
                              aria-describedby={`cert-later-${p}`}
                              data-testid="certificate"
                            >
                              {t("awards.certificate")}
                            </button>
                            <p class="muted small" id={`cert-later-${p}`} data-testid="certificate-later">
                              {t("awards.certificateLater")}
                            </p>
                          </>
                        }
                      >
                        <a
                          class="btn secondary small"
                          href={`/api/v1/awards/${year()}/certificate/${w().repId}?lang=${lang()}`}
                          target="_blank"
                          rel="noopener"
                          data-testid="certificate"
                        >
                          {t("awards.certificate")}
                        </a>
                      </Show>
                    </>
                  )}
                </Show>
              </section>
            )}
          </For>
        </div>
      </Ready>
    </div>
  );
}
