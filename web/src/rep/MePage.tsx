import { Dialog } from "@kobalte/core/dialog";
import { createSignal, For, Show } from "solid-js";
import { clock, dateTime } from "../format.ts";
import { lang, setLang, t } from "../i18n/index.ts";
import { discard, discardCustomer, flush, mine, myNewCustomers, sending, sent } from "../offline/outbox.ts";
import { me, signOut } from "../session.ts";
import { LiveDot } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { errorText } from "./errors.ts";
import { MyRank } from "./Standing.tsx";

/** What would stay unsent on the phone: contacts and new prospects not yet on the server. */
const unsent = () => mine().length + myNewCustomers().length;

export function MePage() {
  const [confirming, setConfirming] = createSignal(false);
  const askSignOut = () => (unsent() > 0 || !navigator.onLine ? setConfirming(true) : void signOut());
  return (
    <div class="page me-page">
      <section class="card">
        <h1>{me()?.user.name}</h1>
        <p class="muted">
          {me()?.user.email} · {t(`role.${me()?.user.role ?? "rep"}`)} · {me()?.tenant.name}
        </p>
        <LiveDot />
        <MyRank />
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
        <Show when={unsent() > 0} fallback={<p class="muted">{t("me.outboxEmpty")}</p>}>
          <ul class="timeline">
            <For each={myNewCustomers()}>
              {(c) => (
                <li>
                  <span class={`chip ${c.state === "failed" ? "failed" : "pending"}`}>
                    {c.state === "failed" ? t("outbox.refused") : t("outbox.pending")}
                  </span>{" "}
                  {t("prospect.title")} · {c.name}
                  <Show when={c.state === "failed"}>
                    <p class="small">{errorText(c.code ?? "", c.fields, c.fieldCodes)}</p>
                    <button type="button" class="btn secondary small" onClick={() => discardCustomer(c.key)}>
                      {t("action.dismiss")}
                    </button>
                  </Show>
                </li>
              )}
            </For>
            <For each={mine()}>
              {(q) => (
                <li>
                  <span class={`chip ${q.state === "failed" ? "failed" : "pending"}`}>
                    {q.state === "failed" ? t("outbox.refused") : t("outbox.pending")}
                  </span>{" "}
                  {q.customerName} · {t(`channel.${q.channel}`)} · {dateTime(q.occurredAt)}
                  <Show when={q.error}>
                    <p class="small">{q.code ? errorText(q.code, {}, q.fieldCodes) : q.error}</p>
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
      <button type="button" class="btn secondary block" onClick={askSignOut} data-testid="sign-out">
        <Icon name="logout" size={18} /> {t("action.signOut")}
      </button>
      <Dialog open={confirming()} onOpenChange={setConfirming}>
        <Dialog.Portal>
          <Dialog.Overlay class="sheet-overlay" />
          <div class="sheet-position">
            <Dialog.Content class="sheet" data-testid="sign-out-confirm" role="alertdialog">
              <Dialog.Title class="sheet-title">{t("signout.title")}</Dialog.Title>
              <Show when={unsent() > 0}>
                <Dialog.Description class="sheet-sub" data-testid="sign-out-pending">
                  {t("signout.pending", { n: unsent() })}
                </Dialog.Description>
              </Show>
              <Show when={!navigator.onLine}>
                <p class="sheet-sub">{t("signout.offline")}</p>
              </Show>
              <div class="row gap sheet-actions">
                <button type="button" class="btn secondary" onClick={() => setConfirming(false)} data-testid="sign-out-cancel">
                  {t("signout.cancel")}
                </button>
                <button
                  type="button"
                  class="btn danger"
                  data-testid="sign-out-confirm-button"
                  onClick={() => {
                    setConfirming(false);
                    void signOut();
                  }}
                >
                  <Icon name="logout" size={18} /> {t("signout.confirm")}
                </button>
              </div>
            </Dialog.Content>
          </div>
        </Dialog.Portal>
      </Dialog>
    </div>
  );
}
