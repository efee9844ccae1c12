import { For, Show } from "solid-js";
import { clock, dateTime } from "../format.ts";
import { lang, setLang, t } from "../i18n/index.ts";
import { discard, flush, mine, sending, sent } from "../offline/outbox.ts";
import { me, signOut } from "../session.ts";
import { LiveDot } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";

export function MePage() {
  return (
    <div class="page me-page">
      <section class="card">
        <h1>{me()?.user.name}</h1>
        <p class="muted">
          {me()?.user.email} · {t(`role.${me()?.user.role ?? "rep"}`)} · {me()?.tenant.name}
        </p>
        <LiveDot />
      </section>
      <section class="card">
        <h2 id="lang-title">{t("me.language")}</h2>
        <fieldset class="seg">
          <legend class="sr-only">{t("me.language")}</legend>
          <button
            type="button"
            aria-pressed={lang() === "zh-CN"}
            classList={{ active: lang() === "zh-CN" }}
            onClick={() => setLang("zh-CN")}
            lang="zh-CN"
          >
            中文
          </button>
          <button
            type="button"
            aria-pressed={lang() === "en"}
            classList={{ active: lang() === "en" }}
            onClick={() => setLang("en")}
            lang="en"
          >
            English
          </button>
        </fieldset>
      </section>
      <section class="card">
        <h2>{t("me.outbox")}</h2>
        <Show when={mine().length > 0} fallback={<p class="muted">{t("me.outboxEmpty")}</p>}>
          <ul class="timeline">
            <For each={mine()}>
              {(q) => (
                <li>
                  <span class={`chip ${q.state === "failed" ? "failed" : "pending"}`}>
                    {q.state === "failed" ? t("outbox.refused") : t("outbox.pending")}
                  </span>{" "}
                  {q.customerName} · {t(`channel.${q.channel}`)} · {dateTime(q.occurredAt)}
                  <Show when={q.error}>
                    <p class="small">{q.error}</p>
                  </Show>
                  <Show when={q.state === "failed"}>
                    <button type="button" class="btn secondary small" onClick={() => discard(q.key)}>
                      {t("action.dismiss")}
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
          <button type="button" class="btn secondary" disabled={sending()} onClick={() => void flush()}>
            <Icon name="refresh" size={16} /> {t("me.sendNow")}
          </button>
        </Show>
        <Show when={sent().length > 0}>
          <h3>{t("me.recentlySent")}</h3>
          <ul class="timeline">
            <For each={sent().slice(0, 10)}>
              {(s) => (
                <li>
                  <Icon name="signed" size={14} /> {s.customerName} · {t(`channel.${s.channel}`)} · {clock(s.occurredAt)}
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <button type="button" class="btn secondary block" onClick={() => void signOut()}>
        <Icon name="logout" size={18} /> {t("action.signOut")}
      </button>
    </div>
  );
}
