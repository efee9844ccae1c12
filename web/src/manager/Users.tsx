import { A } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { ApiError, client, data, type User } from "../api.ts";
import { useData } from "../cache.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { me } from "../session.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { createCursorPages, PageNav } from "../ui/Pager.tsx";
import { Modal } from "./Modal.tsx";
import { TeamCell, userTeams } from "./TeamCell.tsx";
import "./manager.css";

const PAGE = 50;

/** The server's rules for these fields (server/src/auth/schemas.ts), checked before sending. */
const NAME_MAX = 120;
const PASSWORD_MIN = 10;
const PASSWORD_MAX = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const ruleOf: Record<string, MessageKey> = {
  name: "users.nameRule",
  password: "users.passwordRule",
  email: "users.emailRule",
  role: "users.roleRule",
};

type Errors = Record<string, string>;

export function checkName(v: string): string | undefined {
  const n = v.trim();
  return n.length < 1 || n.length > NAME_MAX ? t("users.nameRule") : undefined;
}
export function checkPassword(v: string, optional: boolean): string | undefined {
  if (optional && v === "") return undefined;
  return v.length < PASSWORD_MIN || v.length > PASSWORD_MAX ? t("users.passwordRule") : undefined;
}

/** The server's field errors, as the rule of each field in the reader's language; the rest as one line. */
function serverErrors(err: unknown): { fields: Errors; form: string } {
  if (!(err instanceof ApiError)) return { fields: {}, form: describe(err) };
  if (err.status === 409 && err.fields.email) return { fields: { email: t("users.emailTaken") }, form: "" };
  const fields: Errors = {};
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.fields)) {
    const rule = ruleOf[k];
    if (rule) fields[k] = t(rule);
    else rest[k] = v;
  }
  const form = Object.keys(fields).length && !Object.keys(rest).length ? "" : describe(new ApiError(err.status, err.code, "", rest));
  return { fields, form };
}

function FieldMsg(props: { errors: Errors; field: string; id: string }) {
  return (
    <Show when={props.errors[props.field]}>
      <span class="field-error" id={props.id} role="alert">
        {props.errors[props.field]}
      </span>
    </Show>
  );
}

/**
 * The club's users (admin and manager): every page of them with the total, found by
 * name or email; rename, change role, set a new password, disable or enable — each
 * through PATCH /users/:id, with a confirmation for what takes effect at once.
 */
export function UsersPage() {
  const [search, setSearch] = createSignal("");
  const [q, setQ] = createSignal("");
  const [role, setRole] = createSignal("");
  const [state, setState] = createSignal("");
  const [editing, setEditing] = createSignal<User | null>(null);
  const [disabling, setDisabling] = createSignal<User | null>(null);
  const [notice, setNotice] = createSignal("");
  const [rowError, setRowError] = createSignal("");
  const isAdmin = () => me()?.user.role === "admin";
  const isMe = (u: User) => u.id === me()?.user.id;
  /** What the server allows: managers change reps; admins anyone but another admin's role, never their own role or state. */
  const canEdit = (u: User) => isAdmin() || u.role === "rep" || u.role === "lead" || isMe(u);
  const canToggle = (u: User) => !isMe(u) && u.role !== "admin" && (isAdmin() || u.role === "rep" || u.role === "lead");

  // the filters go to the server (name or e-mail, role, state); a page of them at a time
  const pages = createCursorPages();
  let typing: ReturnType<typeof setTimeout> | undefined;
  const filters = createMemo(() => ({
    ...(q() ? { q: q() } : {}),
    ...(role() ? { role: role() as "rep" | "lead" | "manager" | "admin" } : {}),
    ...(state() ? { disabled: state() === "disabled" ? ("true" as const) : ("false" as const) } : {}),
  }));
  createEffect(on(filters, () => pages.reset(), { defer: true }));
  const list = useData(
    () => `users:list:${JSON.stringify([filters(), pages.cursor() ?? ""])}`,
    () => {
      const cursor = pages.cursor();
      return data(client.users.$get({ query: { ...filters(), limit: String(PAGE), ...(cursor ? { cursor } : {}) } }));
    },
    { persist: false },
  );
  // the club's count, whatever the filters
  const club = useData(
    () => "users:total",
    () => data(client.users.$get({ query: { limit: "1" } })),
    { persist: false },
  );
  const teams = userTeams(() => void list.refetch());
  const shown = () => list.data()?.items ?? [];
  const replace = (u: User) => list.mutate((p) => (p ? { ...p, items: p.items.map((x) => (x.id === u.id ? u : x)) } : p));

  async function enable(u: User) {
    setRowError("");
    try {
      replace(await data(client.users[":id"].$patch({ param: { id: u.id }, json: { disabled: false } })));
      setNotice(t("users.enabledDone", { name: u.name }));
    } catch (err) {
      setRowError(describe(err));
    }
  }

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("users.title")}</h1>
          <p class="muted" data-testid="users-total" aria-live="polite">
            {club.data() ? t("users.total", { n: club.data()!.total }) : ""}
          </p>
        </div>
      </header>
      <div class="toolbar card">
        <label class="field">
          <span>{t("users.search")}</span>
          <input
            type="search"
            value={search()}
            onInput={(e) => {
              const v = e.currentTarget.value;
              setSearch(v);
              clearTimeout(typing);
              typing = setTimeout(() => setQ(v.trim()), 250);
            }}
            data-testid="users-search"
          />
        </label>
        <label class="field">
          <span>{t("users.roleFilter")}</span>
          <select value={role()} onChange={(e) => setRole(e.currentTarget.value)}>
            <option value="">{t("filter.all")}</option>
            <option value="rep">{t("role.rep")}</option>
            <option value="lead">{t("role.lead")}</option>
            <option value="manager">{t("role.manager")}</option>
            <option value="admin">{t("role.admin")}</option>
          </select>
        </label>
        <label class="field">
          <span>{t("users.stateFilter")}</span>
          <select value={state()} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="">{t("filter.all")}</option>
            <option value="active">{t("settings.enabled")}</option>
            <option value="disabled">{t("settings.disabled")}</option>
          </select>
        </label>
        <span class="muted small" data-testid="users-shown">
          {list.data() ? t("users.searchTotal", { n: list.data()!.total }) : ""}
        </span>
      </div>
      <Show when={notice()}>
        <p class="banner ok" role="status" data-testid="users-notice">
          {notice()}
        </p>
      </Show>
      <Show when={rowError()}>
        <p class="form-error" role="alert">
          {rowError()}
        </p>
      </Show>
      <Ready when={list.data()} error={list.error()} retry={list.refetch}>
        <Show when={shown().length > 0} fallback={<Empty icon="user">{t("users.empty")}</Empty>}>
          <table class="table" data-testid="users-table">
            <TableHead
              columns={[t("users.name"), t("login.email"), t("settings.role"), t("users.team"), t("settings.state"), t("users.actions")]}
            />
            <tbody>
              <For each={shown()}>
                {(u) => (
                  <tr data-testid="user-row" data-user={u.id}>
                    <td>
                      <Show when={u.role === "rep"} fallback={u.name}>
                        <A href={`/manager/reps/${u.id}`}>{u.name}</A>
                      </Show>
                      <Show when={isMe(u)}>
                        <span class="muted small"> ({t("users.you")})</span>
                      </Show>
                    </td>
                    <td>{u.email}</td>
                    <td data-testid="user-role">{t(`role.${u.role}`)}</td>
                    <td data-testid="user-team">
                      <TeamCell user={u} teams={teams} onError={setRowError} />
                    </td>
                    <td data-testid="user-state">
                      <span class={u.disabled ? "tag tag-overdue" : "tag tag-ok"}>
                        {u.disabled ? t("settings.disabled") : t("settings.enabled")}
                      </span>
                    </td>
                    <td>
                      <div class="row gap">
                        <Show when={canEdit(u)}>
                          <button
                            type="button"
                            class="btn secondary small"
                            aria-label={t("users.editLabel", { name: u.name })}
                            data-testid="user-edit"
                            onClick={() => {
                              setNotice("");
                              setEditing(u);
                            }}
                          >
                            <Icon name="edit" size={16} /> {t("users.edit")}
                          </button>
                        </Show>
                        <Show when={canToggle(u)}>
                          <Show
                            when={u.disabled}
                            fallback={
                              <button
                                type="button"
                                class="btn secondary small"
                                aria-label={t("users.disableLabel", { name: u.name })}
                                data-testid="user-disable"
                                onClick={() => {
                                  setNotice("");
                                  setDisabling(u);
                                }}
                              >
                                {t("settings.disable")}
                              </button>
                            }
                          >
                            <button
                              type="button"
                              class="btn secondary small"
                              aria-label={t("users.enableLabel", { name: u.name })}
                              data-testid="user-enable"
                              onClick={() => void enable(u)}
                            >
                              {t("settings.enable")}
                            </button>
                            <Show when={u.role === "rep"}>
                              <A
                                class="btn secondary small"
                                href={`/handover?rep=${u.id}`}
                                aria-label={t("users.handOverLabel", { name: u.name })}
                                data-testid="user-handover"
                              >
                                {t("users.handOver")}
                              </A>
                            </Show>
                          </Show>
                        </Show>
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <PageNav
            page={pages.index()}
            size={PAGE}
            total={list.data()?.total ?? 0}
            hasNext={(list.data()?.nextCursor ?? null) !== null}
            onPrev={pages.prev}
            onNext={() => {
              const c = list.data()?.nextCursor;
              if (c) pages.next(c);
            }}
            label={t("pager.label")}
            testid="users-pager"
          />
        </Show>
      </Ready>
      <AddUser
        onAdded={(u) => {
          void list.refetch();
          void club.refetch();
          setNotice(t("users.added", { name: u.name }));
        }}
      />
      <Show when={editing()}>
        {(u) => (
          <EditUser
            user={u()}
            self={isMe(u())}
            onClose={() => setEditing(null)}
            onSaved={(next) => {
              replace(next);
              setEditing(null);
              setNotice(t("users.saved", { name: next.name }));
            }}
          />
        )}
      </Show>
      <Show when={disabling()}>
        {(u) => (
          <DisableUser
            user={u()}
            onClose={() => setDisabling(null)}
            onDone={(next) => {
              replace(next);
              setDisabling(null);
              setNotice(t("users.disabledDone", { name: next.name }));
            }}
          />
        )}
      </Show>
    </div>
  );
}

function EditUser(props: { user: User; self: boolean; onClose: () => void; onSaved: (u: User) => void }) {
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

function DisableUser(props: { user: User; onClose: () => void; onDone: (u: User) => void }) {
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

function AddUser(props: { onAdded: (u: User) => void }) {
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
