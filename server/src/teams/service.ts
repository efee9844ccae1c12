import { type Tx, teamMoves, teams, users, withTenant } from "@clubhouse/db";
import { and, asc, count, eq, inArray, ne, sql } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import { teamOfLead } from "../access/scope.ts";
import { audit } from "../audit.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, isUniqueViolation, NotFound, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";

export type TeamView = { id: string; name: string; lead: { id: string; name: string } | null; memberCount: number; createdAt: string };

const nameTaken = () => new Conflict("A team with that name exists in this club.", { name: fieldIssue("taken", "is taken") });

/** The club's teams by name, each with its lead and how many reps are in it (counted by the database). */
export async function listTeams(ctx: ServiceContext): Promise<{ items: TeamView[] }> {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => ({ items: await teamViews(tx) }));
}

async function teamViews(tx: Tx, id?: string): Promise<TeamView[]> {
  const members = tx
    .select({ teamId: users.teamId, n: count().as("n") })
    .from(users)
    .where(eq(users.role, "rep"))
    .groupBy(users.teamId)
    .as("members");
  const rows = await tx
    .select({ t: teams, leadName: users.name, n: members.n })
    .from(teams)
    .leftJoin(users, eq(users.id, teams.leadId))
    .leftJoin(members, eq(members.teamId, teams.id))
    .where(id ? eq(teams.id, id) : undefined)
    .orderBy(asc(sql`lower(${teams.name})`), asc(teams.id));
  return rows.map((r) => ({
    id: r.t.id,
    name: r.t.name,
    lead: r.t.leadId ? { id: r.t.leadId, name: r.leadName ?? "" } : null,
    memberCount: Number(r.n ?? 0),
    createdAt: r.t.createdAt.toISOString(),
  }));
}

async function oneTeam(tx: Tx, id: string): Promise<TeamView> {
  const [t] = await teamViews(tx, id);
  if (!t) throw new NotFound("team");
  return t;
}

/** Record a user's move between teams (append-only) and set it. */
async function move(tx: Tx, ctx: ServiceContext, userId: string, from: string | null, to: string | null) {
  if (from === to) return;
  await tx.update(users).set({ teamId: to }).where(eq(users.id, userId));
  await tx.insert(teamMoves).values({
    tenantId: ctx.tenantId,
    userId,
    fromTeamId: from,
    toTeamId: to,
    actorId: actorId(ctx.actor),
    at: ctx.deps.clock.now(),
  });
}

/** A team's lead must be an active user with the lead role who leads no other team. */
async function checkLead(tx: Tx, leadId: string, teamId: string | null) {
  const [u] = await tx
    .select({ role: users.role, disabledAt: users.disabledAt, teamId: users.teamId })
    .from(users)
    .where(eq(users.id, leadId));
  if (!u) throw new RuleViolation("No such user in this club.", { leadId: fieldIssue("not_in_club", "is not one of this club's users") });
  if (u.role !== "lead")
    throw new RuleViolation("A team's lead must have the lead role.", { leadId: fieldIssue("not_a_lead", "is not a team lead") });
  if (u.disabledAt) throw new RuleViolation("This user is disabled.", { leadId: fieldIssue("not_active_user", "is disabled") });
  const [other] = await tx
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.leadId, leadId), teamId ? ne(teams.id, teamId) : undefined));
  if (other)
    throw new RuleViolation("This lead already leads another team.", { leadId: fieldIssue("leads_another_team", "leads another team") });
  return u;
}

/** Name `leadId` (or nobody) the lead of `teamId`: the former lead leaves the team. */
async function setLead(tx: Tx, ctx: ServiceContext, teamId: string, formerLeadId: string | null, leadId: string | null) {
  if (formerLeadId === leadId) return;
  if (formerLeadId) {
    await tx.update(teams).set({ leadId: null }).where(eq(teams.id, teamId));
    await move(tx, ctx, formerLeadId, teamId, null);
  }
  if (leadId) {
    const lead = await checkLead(tx, leadId, teamId);
    await tx.update(teams).set({ leadId }).where(eq(teams.id, teamId));
    await move(tx, ctx, leadId, lead.teamId, teamId);
  }
}

export async function createTeam(ctx: ServiceContext, input: { name: string; leadId?: string | null | undefined }) {
  try {
    const team = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
      const [t] = await tx.insert(teams).values({ tenantId: ctx.tenantId, name: input.name, createdAt: ctx.deps.clock.now() }).returning();
      if (!t) throw new Error("insert returned nothing");
      if (input.leadId) await setLead(tx, ctx, t.id, null, input.leadId);
      await audit(tx, ctx.tenantId, ctx.actor, "team.created", "team", t.id, { name: t.name, leadId: input.leadId ?? null });
      return oneTeam(tx, t.id);
    });
    if (team.lead) ctx.deps.live.userChanged(ctx.tenantId, team.lead.id);
    // the team race has a new team (after commit, as every board write)
    await ctx.deps.live.boardChanged(ctx.tenantId);
    return team;
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

export async function updateTeam(
  ctx: ServiceContext,
  id: string,
  patch: { name?: string | undefined; leadId?: string | null | undefined },
) {
  try {
    const result = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
      const [t] = await tx.select().from(teams).where(eq(teams.id, id)).for("update");
      if (!t) throw new NotFound("team");
      if (patch.name !== undefined && patch.name !== t.name) await tx.update(teams).set({ name: patch.name }).where(eq(teams.id, id));
      if (patch.leadId !== undefined) await setLead(tx, ctx, id, t.leadId, patch.leadId);
      await audit(tx, ctx.tenantId, ctx.actor, "team.updated", "team", id, {
        before: { name: t.name, leadId: t.leadId },
        after: { name: patch.name ?? t.name, leadId: patch.leadId === undefined ? t.leadId : patch.leadId },
      });
      return { team: await oneTeam(tx, id), formerLead: t.leadId };
    });
    for (const who of new Set([result.formerLead, result.team.lead?.id])) if (who) ctx.deps.live.userChanged(ctx.tenantId, who);
    // a team's name is on the team race
    await ctx.deps.live.boardChanged(ctx.tenantId);
    return result.team;
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/**
 * Add reps to a team (from no team or another one) and take reps out of it, in
 * one transaction; each move is recorded. Only reps are members; a rep taken out
 * must be in this team.
 */
export async function changeMembers(ctx: ServiceContext, id: string, input: { add?: string[] | undefined; remove?: string[] | undefined }) {
  const add = [...new Set(input.add ?? [])];
  const remove = [...new Set(input.remove ?? [])];
  const both = add.filter((r) => remove.includes(r));
  if (both.length)
    throw new RuleViolation("A rep cannot be added and removed at once.", { add: fieldIssue("repeated", "is also in remove") });
  const team = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [t] = await tx.select().from(teams).where(eq(teams.id, id)).for("update");
    if (!t) throw new NotFound("team");
    const ids = [...add, ...remove];
    const found = ids.length
      ? await tx
          .select({ id: users.id, role: users.role, teamId: users.teamId, disabledAt: users.disabledAt })
          .from(users)
          .where(inArray(users.id, ids))
          .for("update")
      : [];
    const byId = new Map(found.map((u) => [u.id, u]));
    add.forEach((repId, i) => {
      const u = byId.get(repId);
      if (!u)
        throw new RuleViolation("No such user in this club.", {
          [`add.${i}`]: fieldIssue("not_in_club", "is not one of this club's users"),
        });
      if (u.role !== "rep")
        throw new RuleViolation("Only reps are a team's members.", { [`add.${i}`]: fieldIssue("not_a_rep", "is not a rep") });
      if (u.disabledAt) throw new RuleViolation("This rep is disabled.", { [`add.${i}`]: fieldIssue("not_active_user", "is disabled") });
    });
    remove.forEach((repId, i) => {
      const u = byId.get(repId);
      if (!u || u.teamId !== id || u.role !== "rep")
        throw new RuleViolation("This rep is not in the team.", { [`remove.${i}`]: fieldIssue("not_in_team", "is not in this team") });
    });
    for (const repId of add) await move(tx, ctx, repId, byId.get(repId)?.teamId ?? null, id);
    for (const repId of remove) await move(tx, ctx, repId, id, null);
    await audit(tx, ctx.tenantId, ctx.actor, "team.members", "team", id, { add, remove });
    return oneTeam(tx, id);
  });
  // the reps' rows carry their team and the team race sums them, and the leads'
  // parts of the live boards follow their teams' reps (docs/realtime.md)
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return team;
}

/** A team is deleted only when no rep is in it; its lead leaves it. */
export async function deleteTeam(ctx: ServiceContext, id: string) {
  const lead = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [t] = await tx.select().from(teams).where(eq(teams.id, id)).for("update");
    if (!t) throw new NotFound("team");
    const [m] = await tx
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.teamId, id), eq(users.role, "rep")));
    if (Number(m?.n ?? 0) > 0)
      throw new RuleViolation("Move this team's reps out before deleting it.", {
        id: fieldIssue("team_not_empty", "has reps", { members: Number(m?.n) }),
      });
    await setLead(tx, ctx, id, t.leadId, null);
    // anyone else still pointing at it (a former rep now in another role) leaves it too
    const rest = await tx.select({ id: users.id }).from(users).where(eq(users.teamId, id));
    for (const u of rest) await move(tx, ctx, u.id, id, null);
    await tx.delete(teams).where(eq(teams.id, id));
    await audit(tx, ctx.tenantId, ctx.actor, "team.deleted", "team", id, { name: t.name });
    return t.leadId;
  });
  if (lead) ctx.deps.live.userChanged(ctx.tenantId, lead);
  await ctx.deps.live.boardChanged(ctx.tenantId);
}

/** Reps of a team, by name (managers, and the team's lead). */
export async function teamMembers(tx: Tx, teamId: string) {
  const rows = await tx
    .select({ id: users.id, name: users.name, disabled: sql<boolean>`${users.disabledAt} is not null` })
    .from(users)
    .where(and(eq(users.teamId, teamId), eq(users.role, "rep")))
    .orderBy(asc(users.name), asc(users.id));
  return rows;
}

export async function listMembers(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    await oneTeam(tx, id);
    return { items: await teamMembers(tx, id) };
  });
}

/** The team the calling lead leads now, with its reps; `team: null` when they lead none. */
export async function myTeam(ctx: ServiceContext) {
  const me = actorId(ctx.actor);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const teamId = me ? await teamOfLead(tx, me) : null;
    if (!teamId) return { team: null };
    return { team: { ...(await oneTeam(tx, teamId)), members: await teamMembers(tx, teamId) } };
  });
}

/**
 * A user's role changed (users service, same transaction): a user who is no longer
 * a lead stops leading their team, and one who is no longer a rep leaves it.
 */
export async function followRoleChange(tx: Tx, ctx: ServiceContext, user: { id: string; teamId: string | null }, role: string) {
  if (role !== "lead") {
    const led = await teamOfLead(tx, user.id);
    if (led) await tx.update(teams).set({ leadId: null }).where(eq(teams.id, led));
  }
  if (user.teamId && role !== "rep") {
    const stillLeads = role === "lead" && (await teamOfLead(tx, user.id)) === user.teamId;
    if (!stillLeads) await move(tx, ctx, user.id, user.teamId, null);
  }
}
