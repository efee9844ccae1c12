import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { client, data, type User } from "../api.ts";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import { Empty, Ready, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { allUsers } from "../users.ts";
import { Modal } from "./Modal.tsx";
import "./manager.css";
import "./teams.css";

type Team = Awaited<ReturnType<typeof listTeams>>[number];
const listTeams = async () => (await data(client.teams.$get())).items;
const NAME_MAX = 60;

/**
 * The club's teams (managers and admins): create, rename, name the lead, delete an
 * empty team, and add or take out reps with a search over the club's reps. Member
 * counts are the server's.
 */
export function TeamsPage() {
  const [teams, { refetch }] = createResource(listTeams);
  const [users, { refetch: refetchUsers }] = createResource(() => allUsers());
  const [error, setError] = createSignal("");
  const [notice, setNotice] = createSignal("");
  const [newName, setNewName] = createSignal("");
  const [newLead, setNewLead] = createSignal("");
  const [editing, setEditing] = createSignal<Team | null>(null);
  const [staffing, setStaffing] = createSignal<Team | null>(null);
  const [deleting, setDeleting] = createSignal<Team | null>(null);
  const leads = createMemo(() => (users() ?? []).filter((u) => u.role === "lead" && !u.disabled));
  const freeLeads = (keep?: string) => leads().filter((u) => u.id === keep || !(teams() ?? []).some((x) => x.lead?.id === u.id));

  async function run(fn: () => Promise<unknown>, done: string) {
    setError("");
    setNotice("");
    try {
      await fn();
      setNotice(done);
      refetch();
      refetchUsers();
      return true;
    } catch (err) {
      setError(describe(err));
      return false;
    }
  }

  async function create(e: SubmitEvent) {
    e.preventDefault();
    const name = newName().trim();
    if (!name || name.length > NAME_MAX) return setError(t("teams.nameRule", { max: NAME_MAX }));
    const ok = await run(
      () => data(client.teams.$post({ json: newLead() ? { name, leadId: newLead() } : { name } })),
      t("teams.created", { name }),
    );
    if (ok) {
      setNewName("");
      setNewLead("");
    }
  }

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("teams.title")}</h1>
          <p class="muted">{teams() ? t("teams.total", { n: teams()!.length }) : ""}</p>
        </div>
      </header>
      <form class="toolbar card" onSubmit={create} data-testid="team-create">
        <label class="field">
          <span>{t("teams.name")}</span>
          <input value={newName()} maxLength={NAME_MAX + 10} onInput={(e) => setNewName(e.currentTarget.value)} data-testid="team-name" />
        </label>
        <label class="field">
          <span>{t("teams.lead")}</span>
          <select value={newLead()} onChange={(e) => setNewLead(e.currentTarget.value)} data-testid="team-lead">
            <option value="">{t("teams.noLead")}</option>
            <For each={freeLeads()}>{(u) => <option value={u.id}>{u.name}</option>}</For>
          </select>
        </label>
        <button type="submit" class="btn primary" data-testid="team-add">
          <Icon name="plus" size={16} /> {t("teams.add")}
        </button>
      </form>
      <Show when={notice()}>
        <p class="banner ok" role="status" data-testid="teams-notice">
          {notice()}
        </p>
      </Show>
      <Show when={error()}>
        <p class="form-error" role="alert" data-testid="teams-error">
          {error()}
        </p>
      </Show>
      <Ready when={teams()} error={teams.error} retry={refetch}>
        <Show when={(teams() ?? []).length > 0} fallback={<Empty icon="user">{t("teams.empty")}</Empty>}>
          <table class="table" data-testid="teams-table">
            <TableHead columns={[t("teams.name"), t("teams.lead"), { num: t("teams.members") }, t("users.actions")]} />
            <tbody>
              <For each={teams()}>
                {(team) => (
                  <tr data-testid="team-row" data-team={team.id}>
                    <td>{team.name}</td>
                    <td>{team.lead?.name ?? <span class="muted">{t("teams.noLead")}</span>}</td>
                    <td class="num" data-testid="team-count">
                      {team.memberCount}
                    </td>
                    <td>
                      <div class="row gap">
                        <button type="button" class="btn secondary small" onClick={() => setStaffing(team)} data-testid="team-members">
                          <Icon name="user" size={16} /> {t("teams.manageMembers")}
                        </button>
                        <button type="button" class="btn secondary small" onClick={() => setEditing(team)} data-testid="team-edit">
                          <Icon name="edit" size={16} /> {t("users.edit")}
                        </button>
                        <button type="button" class="btn secondary small" onClick={() => setDeleting(team)} data-testid="team-delete">
                          {t("teams.delete")}
                        </button>
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Ready>
      <Show when={editing()}>
        {(team) => (
          <EditTeam
            team={team()}
            leads={freeLeads(team().lead?.id)}
            onClose={() => setEditing(null)}
            onSave={async (patch) => {
              if (await run(() => data(client.teams[":id"].$patch({ param: { id: team().id }, json: patch })), t("teams.saved")))
                setEditing(null);
            }}
          />
        )}
      </Show>
      <Show when={staffing()}>
        {(team) => (
          <Members
            team={team()}
            reps={(users() ?? []).filter((u) => u.role === "rep")}
            teams={teams() ?? []}
            onClose={() => setStaffing(null)}
            onChange={(body) =>
              run(() => data(client.teams[":id"].members.$put({ param: { id: team().id }, json: body })), t("teams.saved"))
            }
          />
        )}
      </Show>
      <Show when={deleting()}>
        {(team) => (
          <Modal open onClose={() => setDeleting(null)} title={t("teams.deleteTitle", { name: team().name })} alert>
            <p class="modal-text">{t("teams.deleteText")}</p>
            <div class="modal-actions">
              <button type="button" class="btn secondary" onClick={() => setDeleting(null)}>
                {t("action.close")}
              </button>
              <button
                type="button"
                class="btn danger"
                data-testid="team-delete-confirm"
                onClick={async () => {
                  await run(() => client.teams[":id"].$delete({ param: { id: team().id } }).then(okOrThrow), t("teams.deleted"));
                  setDeleting(null);
                }}
              >
                {t("teams.delete")}
              </button>
            </div>
          </Modal>
        )}
      </Show>
    </div>
  );
}

/** DELETE answers 204 with no body: its errors still come as the error shape. */
async function okOrThrow(res: Response | { ok: boolean; json(): Promise<unknown> }) {
  if (!res.ok) await data(Promise.resolve(res as { json(): Promise<unknown> }));
}

function EditTeam(props: {
  team: Team;
  leads: User[];
  onClose: () => void;
  onSave: (patch: { name?: string; leadId?: string | null }) => void;
}) {
  const [name, setName] = createSignal(props.team.name);
  const [lead, setLead] = createSignal(props.team.lead?.id ?? "");
  return (
    <Modal open onClose={props.onClose} title={t("teams.editTitle", { name: props.team.name })}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const patch: { name?: string; leadId?: string | null } = {};
          if (name().trim() !== props.team.name) patch.name = name().trim();
          if (lead() !== (props.team.lead?.id ?? "")) patch.leadId = lead() || null;
          if (Object.keys(patch).length) props.onSave(patch);
          else props.onClose();
        }}
      >
        <label class="field">
          <span>{t("teams.name")}</span>
          <input value={name()} maxLength={NAME_MAX} onInput={(e) => setName(e.currentTarget.value)} data-testid="edit-team-name" />
        </label>
        <label class="field">
          <span>{t("teams.lead")}</span>
          <select value={lead()} onChange={(e) => setLead(e.currentTarget.value)} data-testid="edit-team-lead">
            <option value="">{t("teams.noLead")}</option>
            <For each={props.leads}>{(u) => <option value={u.id}>{u.name}</option>}</For>
          </select>
        </label>
        <div class="modal-actions">
          <button type="submit" class="btn primary" data-testid="edit-team-save">
            {t("action.save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function Members(props: {
  team: Team;
  reps: User[];
  teams: Team[];
  onClose: () => void;
  onChange: (body: { add?: string[]; remove?: string[] }) => Promise<boolean>;
}) {
  const [q, setQ] = createSignal("");
  const teamName = (id: string | null | undefined) => props.teams.find((x) => x.id === id)?.name;
  const inTeam = () => props.reps.filter((u) => u.teamId === props.team.id);
  const found = createMemo(() => {
    const needle = q().trim().toLowerCase();
    if (!needle) return [];
    return props.reps.filter((u) => !u.disabled && u.teamId !== props.team.id && u.name.toLowerCase().includes(needle)).slice(0, 20);
  });
  return (
    <Modal open wide onClose={props.onClose} title={t("teams.membersTitle", { name: props.team.name })} testid="team-members-dialog">
      <label class="field">
        <span>{t("teams.searchReps")}</span>
        <input type="search" value={q()} onInput={(e) => setQ(e.currentTarget.value)} data-testid="member-search" />
      </label>
      <ul class="plain-list" data-testid="member-candidates">
        <For each={found()}>
          {(u) => (
            <li class="row gap">
              <span>{u.name}</span>
              <Show when={teamName(u.teamId)}>{(n) => <span class="muted small">{t("teams.inTeam", { name: n() })}</span>}</Show>
              <button
                type="button"
                class="btn secondary small"
                data-testid="member-add"
                onClick={() => void props.onChange({ add: [u.id] })}
              >
                {t("teams.addMember")}
              </button>
            </li>
          )}
        </For>
      </ul>
      <h2 class="small">{t("teams.current", { n: inTeam().length })}</h2>
      <ul class="plain-list" data-testid="member-list">
        <For each={inTeam()} fallback={<li class="muted">{t("teams.noMembers")}</li>}>
          {(u) => (
            <li class="row gap" data-testid="member" data-user={u.id}>
              <span>{u.name}</span>
              <button
                type="button"
                class="btn secondary small"
                data-testid="member-remove"
                onClick={() => void props.onChange({ remove: [u.id] })}
              >
                {t("teams.removeMember")}
              </button>
            </li>
          )}
        </For>
      </ul>
    </Modal>
  );
}
