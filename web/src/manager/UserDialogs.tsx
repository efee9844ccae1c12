import { createSignal, Show } from "solid-js";
import { client, data, type User } from "../api.ts";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { me } from "../session.ts";
import { Modal } from "./Modal.tsx";
import { checkName, checkPassword, EMAIL, type Errors, FieldMsg, NAME_MAX, serverErrors } from "./userForm.tsx";

export function EditUser(props: { user: User; self: boolean; onClose: () => void; onSaved: (u: User) => void }) {
  const [name, setName] = createSignal(props.user.name);
  const [role, setRole] = createSignal<"rep" | "manager" | "lead">(props.user.role === "admin" ? "rep" : props.user.role);
  const [password, setPassword] = createSignal("");
  const [errors, setErrors] = createSignal<Errors>({});
  const [formError, setFormError] = createSignal("");
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const roleEditable = () =>
    !props.self && props.user.role !== "admin" && (me()?.user.role === "admin" || props.user.role === "rep" || props.user.role === "lead");

  const patch = () => {
    const p: { name?: string; role?: "rep" | "manager" | "lead"; password?: string } = {};
    if (name().trim() !== props.user.name) p.name = name().trim();
    if (roleEditable() && role() !== props.user.role) p.role = role();
    if (password() !== "") p.password = password();
    return p;
  };
  /** A role change or a new password takes effect at once for that user: confirm first. */
  const needsConfirm = () => patch().role !== undefined || patch().password !== undefined;

  function check(): boolean {
    const e: Errors = {};
    const n = checkName(name());
    if (n) e.name = n;
    const pw = checkPassword(password(), true);
    if (pw) e.password = pw;
    setErrors(e);
    setFormError("");
    if (Object.keys(e).length) return false;
    if (Object.keys(patch()).length === 0) {
      setFormError(t("users.nothing"));
      return false;
    }
    return true;
  }
  async function save() {
    setBusy(true);
    try {
      props.onSaved(await data(client.users[":id"].$patch({ param: { id: props.user.id }, json: patch() })));
    } catch (err) {
      const s = serverErrors(err);
      setErrors(s.fields);
      setFormError(s.form);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  }
  function submit(e: SubmitEvent) {
    e.preventDefault();
    if (!check()) return;
    if (needsConfirm()) setConfirming(true);
    else void save();
  }
  const described = (f: string) => (errors()[f] ? `edit-${f}-error` : undefined);

  return (
    <>
      <Modal
        open={!confirming()}
        onClose={props.onClose}
        title={t("users.editTitle", { name: props.user.name })}
        description={t("users.editSub")}
        testid="user-edit-dialog"
      >
        <form class="form" onSubmit={submit} noValidate>
          <label class="field">
            <span>{t("users.name")}</span>
            <input
              name="name"
              value={name()}
              maxLength={NAME_MAX + 20}
              onInput={(e) => setName(e.currentTarget.value)}
              aria-invalid={Boolean(errors().name)}
              aria-describedby={described("name")}
              data-testid="edit-name"
            />
            <FieldMsg errors={errors()} field="name" id="edit-name-error" />
          </label>
          <Show when={roleEditable()}>
            <label class="field">
              <span>{t("settings.role")}</span>
              <select value={role()} onChange={(e) => setRole(e.currentTarget.value as "rep" | "manager" | "lead")} data-testid="edit-role">
                <option value="rep">{t("role.rep")}</option>
                <option value="lead">{t("role.lead")}</option>
                <option value="manager">{t("role.manager")}</option>
              </select>
              <FieldMsg errors={errors()} field="role" id="edit-role-error" />
            </label>
          </Show>
          <label class="field">
            <span>{t("users.newPassword")}</span>
            <input
              name="password"
              type="password"
              autocomplete="new-password"
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
              aria-invalid={Boolean(errors().password)}
              aria-describedby={described("password") ?? "edit-password-hint"}
              data-testid="edit-password"
            />
            <span class="muted small" id="edit-password-hint">
              {t("users.passwordHint")}
            </span>
            <FieldMsg errors={errors()} field="password" id="edit-password-error" />
          </label>
          <Show when={formError()}>
            <p class="form-error" role="alert" data-testid="edit-form-error">
              {formError()}
            </p>
          </Show>
          <div class="modal-actions">
            <button type="button" class="btn secondary" onClick={props.onClose}>
              {t("users.cancel")}
            </button>
            <button type="submit" class="btn primary" disabled={busy()} data-testid="edit-save">
              {t("action.save")}
            </button>
          </div>
        </form>
      </Modal>
      <Modal
        open={confirming()}
        onClose={() => setConfirming(false)}
        title={t("users.confirmTitle", { name: props.user.name })}
        alert
        testid="user-confirm-dialog"
      >
        <ul class="plain modal-text" data-testid="user-confirm-text">
          <Show when={patch().name !== undefined}>
            <li>{t("users.confirmRename", { name: patch().name ?? "" })}</li>
          </Show>
          <Show when={patch().role}>{(r) => <li>{t("users.confirmRole", { name: props.user.name, role: t(`role.${r()}`) })}</li>}</Show>
          <Show when={patch().password !== undefined}>
            <li>{t("users.confirmPassword", { name: props.user.name })}</li>
          </Show>
        </ul>
        <div class="modal-actions">
          <button type="button" class="btn secondary" onClick={() => setConfirming(false)}>
            {t("users.cancel")}
          </button>
          <button type="button" class="btn danger" disabled={busy()} onClick={() => void save()} data-testid="user-confirm">
            {t("users.confirm")}
          </button>
        </div>
      </Modal>
    </>
  );
}

export function DisableUser(props: { user: User; onClose: () => void; onDone: (u: User) => void }) {
  const [error, setError] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  async function go() {
    setBusy(true);
    setError("");
    try {
      props.onDone(await data(client.users[":id"].$patch({ param: { id: props.user.id }, json: { disabled: true } })));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open
      onClose={props.onClose}
      title={t("users.disableTitle", { name: props.user.name })}
      description={t("users.disableText", { name: props.user.name })}
      alert
      testid="user-disable-dialog"
    >
      <Show when={error()}>
        <p class="form-error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="modal-actions">
        <button type="button" class="btn secondary" onClick={props.onClose}>
          {t("users.cancel")}
        </button>
        <button type="button" class="btn danger" disabled={busy()} onClick={() => void go()} data-testid="user-disable-confirm">
          {t("users.disableConfirm")}
        </button>
      </div>
    </Modal>
  );
}

export function AddUser(props: { onAdded: (u: User) => void }) {
  const [errors, setErrors] = createSignal<Errors>({});
  const [formError, setFormError] = createSignal("");
  async function add(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const input = {
      name: String(f.get("name") ?? "").trim(),
      email: String(f.get("email") ?? "").trim(),
      role: String(f.get("role")) as "rep" | "manager" | "lead",
      password: String(f.get("password") ?? ""),
    };
    const errs: Errors = {};
    const n = checkName(input.name);
    if (n) errs.name = n;
    if (!EMAIL.test(input.email)) errs.email = t("users.emailRule");
    const pw = checkPassword(input.password, false);
    if (pw) errs.password = pw;
    setErrors(errs);
    setFormError("");
    if (Object.keys(errs).length) return;
    try {
      props.onAdded(await data(client.users.$post({ json: input })));
      form.reset();
    } catch (err) {
      const s = serverErrors(err);
      setErrors(s.fields);
      setFormError(s.form);
    }
  }
  return (
    <form class="card form grid-form" onSubmit={add} aria-labelledby="add-user-title" noValidate>
      <h2 id="add-user-title">{t("settings.addUser")}</h2>
      <div class="grid4">
        <label class="field">
          <span>{t("users.name")}</span>
          <input name="name" aria-invalid={Boolean(errors().name)} data-testid="add-name" />
          <FieldMsg errors={errors()} field="name" id="add-name-error" />
        </label>
        <label class="field">
          <span>{t("login.email")}</span>
          <input name="email" type="email" aria-invalid={Boolean(errors().email)} data-testid="add-email" />
          <FieldMsg errors={errors()} field="email" id="add-email-error" />
        </label>
        <label class="field">
          <span>{t("settings.role")}</span>
          <select name="role">
            <option value="rep">{t("role.rep")}</option>
            <option value="lead">{t("role.lead")}</option>
            <option value="manager">{t("role.manager")}</option>
          </select>
        </label>
        <label class="field">
          <span>{t("login.password")}</span>
          <input
            name="password"
            type="password"
            autocomplete="new-password"
            aria-invalid={Boolean(errors().password)}
            data-testid="add-password"
          />
          <FieldMsg errors={errors()} field="password" id="add-password-error" />
        </label>
      </div>
      <Show when={formError()}>
        <p class="form-error" role="alert">
          {formError()}
        </p>
      </Show>
      <button type="submit" class="btn primary" data-testid="add-user">
        {t("settings.addUser")}
      </button>
    </form>
  );
}
