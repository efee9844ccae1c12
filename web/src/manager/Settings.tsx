import { A } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { client, data, type Settings } from "../api.ts";
import { useData } from "../cache.ts";
import { t } from "../i18n/index.ts";
import { me } from "../session.ts";
import { FieldError, FormError, Ready } from "../ui/common.tsx";
import { ChannelsSection } from "./Channels.tsx";

/** Club settings (admin edits; managers read) and the club's users. */
export function SettingsPage() {
  const settings = useData(
    () => "settings",
    () => data(client.settings.$get()),
  );
  const isAdmin = () => me()?.user.role === "admin";
  return (
    <div class="page">
      <header class="page-head">
        <h1>{t("settings.title")}</h1>
      </header>
      <Ready when={settings.data()} error={settings.error()} retry={settings.refetch}>
        {(s) => <SettingsForm settings={s()} readOnly={!isAdmin()} onSaved={(n) => settings.mutate(() => n)} />}
      </Ready>
      <Show when={me()?.user.role === "admin" || me()?.user.role === "manager"}>
        <ChannelsSection />
      </Show>
      <section class="card" aria-labelledby="users-title">
        <h2 id="users-title">{t("settings.users")}</h2>
        <A href="/users" class="btn secondary">
          {t("users.manage")}
        </A>
      </section>
    </div>
  );
}

function SettingsForm(props: { settings: Settings; readOnly: boolean; onSaved: (s: Settings) => void }) {
  const [error, setError] = createSignal<unknown>(null);
  const [saved, setSaved] = createSignal(false);
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const n = (k: string) => Number(f.get(k));
    setError(null);
    setSaved(false);
    try {
      const next = await data(
        client.settings.$patch({
          json: {
            tierA: n("tierA"),
            tierB: n("tierB"),
            cadence: { A: n("cadenceA"), B: n("cadenceB"), C: n("cadenceC") },
            alarmGraceDays: n("alarmGraceDays"),
            businessLines: String(f.get("businessLines"))
              .split(/[,，\s]+/)
              .filter(Boolean),
            visitRadiusM: n("visitRadiusM"),
            positionRetentionDays: n("positionRetentionDays"),
          },
        }),
      );
      props.onSaved(next);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }
  const num = (name: string, label: string, value: number, path: string, step = "1") => (
    <label class="field">
      <span>{label}</span>
      <input name={name} type="number" min="0" step={step} value={value} disabled={props.readOnly} required />
      <FieldError error={error()} field={path} />
    </label>
  );
  return (
    <form class="card form grid-form" onSubmit={submit} aria-labelledby="thr-title">
      <h2 id="thr-title">{t("settings.thresholds")}</h2>
      <Show when={props.readOnly}>
        <p class="muted small">{t("settings.adminOnly")}</p>
      </Show>
      <div class="grid3">
        {num("tierA", t("settings.tierA"), props.settings.tierA, "tierA", "0.01")}
        {num("tierB", t("settings.tierB"), props.settings.tierB, "tierB", "0.01")}
        {num("alarmGraceDays", t("settings.grace"), props.settings.alarmGraceDays, "alarmGraceDays")}
      </div>
      <h3>{t("settings.cadence")}</h3>
      <div class="grid3">
        {num("cadenceA", t("settings.cadenceTier", { tier: "A" }), props.settings.cadence.A, "cadence.A")}
        {num("cadenceB", t("settings.cadenceTier", { tier: "B" }), props.settings.cadence.B, "cadence.B")}
        {num("cadenceC", t("settings.cadenceTier", { tier: "C" }), props.settings.cadence.C, "cadence.C")}
      </div>
      <label class="field">
        <span>{t("settings.lines")}</span>
        <input name="businessLines" value={props.settings.businessLines.join(", ")} disabled={props.readOnly} />
        <FieldError error={error()} field="businessLines" />
      </label>
      <h3>{t("checks.settings")}</h3>
      <p class="muted small" id="visits-help">
        {t("checks.settingsHelp")}
      </p>
      <div class="grid3">
        <label class="field">
          <span>{t("checks.radius")}</span>
          <input
            name="visitRadiusM"
            type="number"
            min="50"
            max="5000"
            step="1"
            value={props.settings.visitRadiusM}
            disabled={props.readOnly}
            required
            aria-describedby="visits-help"
            data-testid="settings-radius"
          />
          <FieldError error={error()} field="visitRadiusM" />
        </label>
        <label class="field">
          <span>{t("checks.retention")}</span>
          <input
            name="positionRetentionDays"
            type="number"
            min="1"
            max="3650"
            step="1"
            value={props.settings.positionRetentionDays}
            disabled={props.readOnly}
            required
            aria-describedby="visits-help"
            data-testid="settings-retention"
          />
          <FieldError error={error()} field="positionRetentionDays" />
        </label>
      </div>
      <p class="muted small">
        {t("settings.timezone")}: {props.settings.timezone}
      </p>
      <FormError
        error={error()}
        shown={[
          "tierA",
          "tierB",
          "alarmGraceDays",
          "cadence.A",
          "cadence.B",
          "cadence.C",
          "businessLines",
          "visitRadiusM",
          "positionRetentionDays",
        ]}
      />
      <Show when={!props.readOnly}>
        <button type="submit" class="btn primary">
          {saved() ? `✓ ${t("action.saved")}` : t("action.save")}
        </button>
      </Show>
    </form>
  );
}
