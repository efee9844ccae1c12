import { createSignal, For, Show } from "solid-js";
import { client, data, type Settings } from "../api.ts";
import { useData } from "../cache.ts";
import { t } from "../i18n/index.ts";
import { me } from "../session.ts";
import { FieldError, FormError, Ready, TableHead } from "../ui/common.tsx";

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
      <Users />
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
      <p class="muted small">
        {t("settings.timezone")}: {props.settings.timezone}
      </p>
      <FormError error={error()} shown={["tierA", "tierB", "alarmGraceDays", "cadence.A", "cadence.B", "cadence.C", "businessLines"]} />
      <Show when={!props.readOnly}>
        <button type="submit" class="btn primary">
          {saved() ? `✓ ${t("action.saved")}` : t("action.save")}
        </button>
      </Show>
    </form>
  );
}

function Users() {
  const users = useData(
    () => "users",
    () => data(client.users.$get({ query: { limit: "200" } })),
  );
  const [error, setError] = createSignal<unknown>(null);
  const [rowError, setRowError] = createSignal<unknown>(null);
  async function add(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    setError(null);
    try {
      await data(
        client.users.$post({
          json: {
            name: String(f.get("name")),
            email: String(f.get("email")),
            role: String(f.get("role")) as "rep" | "manager",
            password: String(f.get("password")),
          },
        }),
      );
      form.reset();
      await users.refetch();
    } catch (err) {
      setError(err);
    }
  }
  async function toggle(id: string, disabled: boolean) {
    setRowError(null);
    try {
      await data(client.users[":id"].$patch({ param: { id }, json: { disabled } }));
      await users.refetch();
    } catch (err) {
      setRowError(err);
    }
  }
  return (
    <section class="card" aria-labelledby="users-title">
      <h2 id="users-title">{t("settings.users")}</h2>
      <FormError error={rowError()} />
      <Ready when={users.data()} error={users.error()} retry={users.refetch}>
        {(u) => (
          <table class="table">
            <TableHead columns={[t("customer.name"), t("login.email"), t("settings.role"), t("settings.state")]} />
            <tbody>
              <For each={u().items}>
                {(x) => (
                  <tr>
                    <td>{x.name}</td>
                    <td>{x.email}</td>
                    <td>{t(`role.${x.role}`)}</td>
                    <td>
                      <Show when={x.role !== "admin" && x.id !== me()?.user.id} fallback={t("settings.enabled")}>
                        <button type="button" class="btn secondary small" onClick={() => void toggle(x.id, !x.disabled)}>
                          {x.disabled ? t("settings.enable") : t("settings.disable")}
                        </button>{" "}
                        <span class="muted small">{x.disabled ? t("settings.disabled") : t("settings.enabled")}</span>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Ready>
      <form class="form grid-form" onSubmit={add} aria-labelledby="add-user-title">
        <h3 id="add-user-title">{t("settings.addUser")}</h3>
        <div class="grid4">
          <label class="field">
            <span>{t("customer.name")}</span>
            <input name="name" required />
            <FieldError error={error()} field="name" />
          </label>
          <label class="field">
            <span>{t("login.email")}</span>
            <input name="email" type="email" required />
            <FieldError error={error()} field="email" />
          </label>
          <label class="field">
            <span>{t("settings.role")}</span>
            <select name="role">
              <option value="rep">{t("role.rep")}</option>
              <option value="manager">{t("role.manager")}</option>
            </select>
          </label>
          <label class="field">
            <span>{t("login.password")}</span>
            <input name="password" type="password" minLength={10} required autocomplete="new-password" />
            <FieldError error={error()} field="password" />
          </label>
        </div>
        <FormError error={error()} shown={["name", "email", "password"]} />
        <button type="submit" class="btn primary">
          {t("settings.addUser")}
        </button>
      </form>
    </section>
  );
}
