import type { InferResponseType } from "hono/client";
import { createSignal, For, Show } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { Empty, FieldError, FormError, Ready, TableHead } from "../ui/common.tsx";

type ChannelList = InferResponseType<typeof client.notify.channels.$get, 200>;
type Channel = ChannelList["items"][number];
type Delivery = InferResponseType<(typeof client.notify.channels)[":id"]["deliveries"]["$get"], 200>["items"][number];
type Kind = Channel["kind"];
type NotifyEvent = Channel["events"][number];

const KINDS: Kind[] = ["wecom", "dingtalk", "feishu", "webhook"];
const EVENTS: NotifyEvent[] = ["quota_alarm", "month_close", "complaint_overdue", "refresh_stale", "card_sold", "awards"];
const kindLabel = (k: Kind) => t(`channels.kind.${k}` as MessageKey);
const eventLabel = (e: string) => t(`channels.event.${e}` as MessageKey);

/**
 * Where the club's alarms and news go (docs/notify.md): WeCom, DingTalk and Feishu group
 * bots and signed webhooks. Managers and admins add them, choose their events, switch
 * them off and on, send a test message and read each one's delivery log. The server
 * never sends a URL or secret back: the list shows hints of them.
 */
export function ChannelsSection() {
  const list = useData(
    () => "notify:channels",
    () => data(client.notify.channels.$get()),
    { persist: false },
  );
  const [adding, setAdding] = createSignal(false);
  const [notice, setNotice] = createSignal("");
  const [rowError, setRowError] = createSignal("");
  const [logOf, setLogOf] = createSignal<string | null>(null);
  // a test message adds a line to the log: read it again
  const [logTick, setLogTick] = createSignal(0);

  async function act(fn: () => Promise<unknown>) {
    setRowError("");
    setNotice("");
    try {
      await fn();
      await list.refetch();
    } catch (err) {
      setRowError(describe(err));
    }
  }
  const toggle = (c: Channel) =>
    act(() => data(client.notify.channels[":id"].$patch({ param: { id: c.id }, json: { enabled: !c.enabled } })));
  const remove = (c: Channel) => {
    if (!confirm(t("channels.removeConfirm", { name: c.name }))) return;
    return act(async () => {
      await client.notify.channels[":id"].$delete({ param: { id: c.id } });
      if (logOf() === c.id) setLogOf(null);
    });
  };
  const test = (c: Channel) =>
    act(async () => {
      const r = await data(client.notify.channels[":id"].test.$post({ param: { id: c.id } }));
      setNotice(
        r.ok
          ? t("channels.testOk", { name: c.name, code: r.responseCode ?? "" })
          : t("channels.testFailed", { name: c.name, error: r.error ?? "" }),
      );
      setLogTick((n) => n + 1);
    });

  return (
    <section class="card" aria-labelledby="channels-title" data-testid="channels">
      <h2 id="channels-title">{t("channels.title")}</h2>
      <p class="muted small">{t("channels.intro")}</p>
      <Show when={notice()}>
        <p class="banner" role="status" data-testid="channel-notice">
          {notice()}
        </p>
      </Show>
      <Show when={rowError()}>
        <p class="form-error" role="alert">
          {rowError()}
        </p>
      </Show>
      <Ready when={list.data()} error={list.error()} retry={list.refetch}>
        {(l) => (
          <Show when={l().items.length > 0} fallback={<Empty icon="alert">{t("channels.none")}</Empty>}>
            <div class="table-wrap">
              <table class="table">
                <TableHead
                  columns={[t("channels.name"), t("channels.kind"), t("channels.url"), t("channels.events"), t("settings.state"), ""]}
                />
                <tbody>
                  <For each={l().items}>
                    {(c) => (
                      <tr data-testid="channel-row">
                        <td>
                          {c.name}
                          <span class="muted small"> · {c.language === "en" ? "English" : "中文"}</span>
                        </td>
                        <td>{kindLabel(c.kind)}</td>
                        <td class="muted small">
                          {c.urlHint}
                          <Show when={c.secretHint}>
                            <br />
                            {t("channels.secretHint", { hint: c.secretHint ?? "" })}
                          </Show>
                        </td>
                        <td class="small">{c.events.map(eventLabel).join(t("channels.listSep"))}</td>
                        <td>
                          {c.enabled ? t("settings.enabled") : t("settings.disabled")}
                          <Show when={c.consecutiveFailures > 0}>
                            <span class="muted small"> · {t("channels.failures", { n: c.consecutiveFailures })}</span>
                          </Show>
                        </td>
                        <td class="actions">
                          <button type="button" class="btn small secondary" onClick={() => test(c)} data-testid="channel-test">
                            {t("channels.test")}
                          </button>
                          <button type="button" class="btn small secondary" onClick={() => toggle(c)}>
                            {c.enabled ? t("settings.disable") : t("settings.enable")}
                          </button>
                          <button
                            type="button"
                            class="btn small secondary"
                            aria-expanded={logOf() === c.id}
                            onClick={() => setLogOf(logOf() === c.id ? null : c.id)}
                          >
                            {t("channels.log")}
                          </button>
                          <button type="button" class="btn small danger" onClick={() => remove(c)}>
                            {t("channels.remove")}
                          </button>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Ready>
      <Show when={logOf()} keyed>
        {(id) => <DeliveryLog id={id} tick={logTick()} name={list.data()?.items.find((c) => c.id === id)?.name ?? ""} />}
      </Show>
      <Show
        when={adding()}
        fallback={
          <button type="button" class="btn" onClick={() => setAdding(true)} data-testid="channel-add">
            {t("channels.add")}
          </button>
        }
      >
        <AddChannel
          onDone={async (name) => {
            setAdding(false);
            if (name) setNotice(t("channels.added", { name }));
            await list.refetch();
          }}
        />
      </Show>
    </section>
  );
}

function DeliveryLog(props: { id: string; name: string; tick: number }) {
  const log = useData(
    () => `notify:log:${props.id}:${props.tick}`,
    () => data(client.notify.channels[":id"].deliveries.$get({ param: { id: props.id }, query: { limit: "50" } })),
    { persist: false },
  );
  return (
    <div class="card" data-testid="channel-log">
      <h3>{t("channels.logOf", { name: props.name })}</h3>
      <Ready when={log.data()} error={log.error()} retry={log.refetch}>
        {(l) => (
          <Show when={l().items.length > 0} fallback={<p class="muted">{t("channels.logEmpty")}</p>}>
            <div class="table-wrap">
              <table class="table">
                <TableHead
                  columns={[
                    t("channels.at"),
                    t("channels.event"),
                    { num: t("channels.attempt") },
                    t("channels.outcome"),
                    { num: "HTTP" },
                    "",
                  ]}
                />
                <tbody>
                  <For each={l().items}>
                    {(d: Delivery) => (
                      <tr>
                        <td class="small">{new Date(d.at).toLocaleString()}</td>
                        <td>{d.event === "test" ? t("channels.event.test") : eventLabel(d.event)}</td>
                        <td class="num">{d.attempt}</td>
                        <td>{d.ok ? t("channels.delivered") : t("channels.failed")}</td>
                        <td class="num">{d.responseCode ?? "—"}</td>
                        <td class="muted small">{d.error ?? ""}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Ready>
      <button type="button" class="btn small secondary" onClick={() => log.refetch()}>
        {t("channels.refresh")}
      </button>
    </div>
  );
}

function AddChannel(props: { onDone: (name?: string) => void }) {
  const [error, setError] = createSignal<unknown>(null);
  const [kind, setKind] = createSignal<Kind>("wecom");
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const secret = String(f.get("secret") ?? "");
    setError(null);
    try {
      const made = await data(
        client.notify.channels.$post({
          json: {
            kind: kind(),
            name: String(f.get("name") ?? ""),
            url: String(f.get("url") ?? "").trim(),
            ...(secret ? { secret } : {}),
            events: f.getAll("events").map(String) as NotifyEvent[],
            language: f.get("language") === "en" ? "en" : "zh-CN",
          },
        }),
      );
      props.onDone(made.name);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form class="form grid-form" onSubmit={submit} data-testid="channel-form">
      <h3>{t("channels.add")}</h3>
      <div class="grid3">
        <label class="field">
          <span>{t("channels.kind")}</span>
          <select name="kind" value={kind()} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
            <For each={KINDS}>{(k) => <option value={k}>{kindLabel(k)}</option>}</For>
          </select>
          <FieldError error={error()} field="kind" />
        </label>
        <label class="field">
          <span>{t("channels.name")}</span>
          <input name="name" required maxLength={80} />
          <FieldError error={error()} field="name" />
        </label>
        <label class="field">
          <span>{t("channels.language")}</span>
          <select name="language">
            <option value="zh-CN">中文</option>
            <option value="en">English</option>
          </select>
        </label>
      </div>
      <label class="field">
        <span>{t("channels.url")}</span>
        <input
          name="url"
          type="url"
          required
          maxLength={2000}
          placeholder={t(`channels.urlHelp.${kind()}` as MessageKey)}
          autocomplete="off"
        />
        <FieldError error={error()} field="url" />
      </label>
      <Show when={kind() !== "wecom"}>
        <label class="field">
          <span>{t("channels.secret")}</span>
          <input name="secret" type="password" required maxLength={200} autocomplete="new-password" />
          <span class="muted small">{t(`channels.secretHelp.${kind()}` as MessageKey)}</span>
          <FieldError error={error()} field="secret" />
        </label>
      </Show>
      <fieldset class="field">
        <legend>{t("channels.events")}</legend>
        <For each={EVENTS}>
          {(ev) => (
            <label class="check">
              <input type="checkbox" name="events" value={ev} checked={ev !== "card_sold"} /> {eventLabel(ev)}
            </label>
          )}
        </For>
      </fieldset>
      <FormError error={error()} shown={["kind", "name", "url", "secret"]} />
      <div class="actions">
        <button type="submit" class="btn">
          {t("action.save")}
        </button>
        <button type="button" class="btn secondary" onClick={() => props.onDone()}>
          {t("alarms.ackCancel")}
        </button>
      </div>
    </form>
  );
}
