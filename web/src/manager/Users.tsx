import { A } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { client, data, type User } from "../api.ts";
import { useData } from "../cache.ts";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { me } from "../session.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { createCursorPages, PageNav } from "../ui/Pager.tsx";
import { TeamCell, userTeams } from "./TeamCell.tsx";
import "./manager.css";
import { AddUser, DisableUser, EditUser } from "./UserDialogs.tsx";

const PAGE = 50;

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
