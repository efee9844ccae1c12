import { type Role, users, withTenant } from "@clubhouse/db";
import { and, asc, eq, gt, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import { isRep, roleOf } from "../access/actor.ts";
import { audit } from "../audit.ts";
import { hashPassword } from "../auth/password.ts";
import { deleteUserSessions } from "../auth/session.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, Forbidden, isUniqueViolation, NotFound, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { followRoleChange } from "../teams/service.ts";
import { usersInScope } from "./scope.ts";

type UserRow = typeof users.$inferSelect;
export const publicUser = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabledAt !== null,
  createdAt: u.createdAt.toISOString(),
  teamId: u.teamId,
});

/**
 * A user as `GET /users` and `GET /users/:id` show them to the caller (docs/users.md):
 * managers and admins see every field; a rep sees their own full record and only
 * a colleague's id, name and role (no email, no account state).
 */
export type ShownUser = {
  id: string;
  name: string;
  role: Role;
  email?: string;
  disabled?: boolean;
  createdAt?: string;
  teamId?: string | null;
};

function shownTo(ctx: ServiceContext): (u: ReturnType<typeof publicUser>) => ShownUser {
  if (ctx.actor.kind !== "user" || !isRep(ctx.actor)) return (u) => u;
  const me = ctx.actor.id;
  return (u) => (u.id === me ? u : { id: u.id, name: u.name, role: u.role });
}

function actorRole(ctx: ServiceContext): Role | "system" {
  return roleOf(ctx.actor);
}

export async function createUser(
  ctx: ServiceContext,
  input: { email: string; name: string; role: "manager" | "rep" | "lead"; password: string },
) {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
      const [u] = await tx
        .insert(users)
        .values({
          tenantId: ctx.tenantId,
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash,
          createdAt: ctx.deps.clock.now(),
        })
        .returning();
      if (!u) throw new Error("insert returned nothing");
      await audit(tx, ctx.tenantId, ctx.actor, "user.created", "user", u.id, { email: u.email, role: u.role });
      return publicUser(u);
    });
    // a new rep joins the boards at once
    if (user.role === "rep") await ctx.deps.live.boardChanged(ctx.tenantId);
    return user;
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new Conflict("A user with that email already exists in this club.", { email: fieldIssue("taken", "is taken") });
    }
    throw err;
  }
}

function likeEscape(s: string) {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/**
 * The list's filters, the same for its page and its total: role, enabled or disabled,
 * and `q`, a case-insensitive substring of the name — or of the e-mail, for managers
 * and admins only (a rep does not see colleagues' addresses, so cannot search them).
 */
function userFilters(ctx: ServiceContext, q: UserListQuery): SQL | undefined {
  const rep = isRep(ctx.actor);
  const like = q.q ? `%${likeEscape(q.q.toLowerCase())}%` : undefined;
  return and(
    // a lead's list (and its total) is their team's
    usersInScope(ctx),
    q.role ? eq(users.role, q.role) : undefined,
    q.disabled === undefined ? undefined : q.disabled ? isNotNull(users.disabledAt) : isNull(users.disabledAt),
    like
      ? rep
        ? sql`lower(${users.name}) like ${like}`
        : sql`(lower(${users.name}) like ${like} or lower(${users.email}) like ${like})`
      : undefined,
  );
}

export interface UserListQuery {
  limit: number;
  cursor?: string | undefined;
  role?: Role | undefined;
  q?: string | undefined;
  disabled?: boolean | undefined;
}

/** A page of the club's users (oldest first) and `total`, how many match the filters. */
export async function listUsers(ctx: ServiceContext, q: UserListQuery) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const filters = userFilters(ctx, q);
    const rows = await tx
      .select()
      .from(users)
      .where(
        and(
          filters,
          after
            ? or(gt(users.createdAt, new Date(after[0])), and(eq(users.createdAt, new Date(after[0])), gt(users.id, after[1])))
            : undefined,
        ),
      )
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(q.limit + 1);
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(users).where(filters);
    const listed = page(rows, q.limit, publicUser, (u) => [u.createdAt, u.id]);
    return { items: listed.items.map(shownTo(ctx)), nextCursor: listed.nextCursor, total: Number(count?.n ?? 0) };
  });
}

export async function getUser(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [u] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, id), usersInScope(ctx)));
    if (!u) throw new NotFound("user");
    return shownTo(ctx)(publicUser(u));
  });
}

/**
 * Managers may change reps; admins anyone but themselves (an admin cannot disable
 * or demote the account they are using). Disabling ends every session at once.
 */
export async function updateUser(
  ctx: ServiceContext,
  id: string,
  patch: {
    name?: string | undefined;
    role?: "manager" | "rep" | "lead" | undefined;
    disabled?: boolean | undefined;
    password?: string | undefined;
  },
) {
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  const result = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, id)).for("update");
    if (!u) throw new NotFound("user");
    const role = actorRole(ctx);
    if (role === "manager" && u.role !== "rep" && u.role !== "lead") throw new Forbidden("Managers may change reps and team leads only.");
    if (ctx.actor.kind === "user" && ctx.actor.id === id && (patch.disabled || patch.role)) {
      throw new RuleViolation("You cannot disable or change the role of your own account.");
    }
    if (u.role === "admin" && patch.role) throw new RuleViolation("An admin's role cannot be changed here.");
    const now = ctx.deps.clock.now();
    const disabledAt = patch.disabled === undefined ? u.disabledAt : patch.disabled ? (u.disabledAt ?? now) : null;
    const [next] = await tx
      .update(users)
      .set({
        name: patch.name ?? u.name,
        role: patch.role ?? u.role,
        disabledAt,
        ...(passwordHash ? { passwordHash } : {}),
      })
      .where(eq(users.id, id))
      .returning();
    if (!next) throw new NotFound("user");
    const ended = (patch.disabled === true && !u.disabledAt) || passwordHash !== undefined;
    if (ended) await deleteUserSessions(tx, ctx.tenantId, id);
    const roleChanged = next.role !== u.role;
    if (roleChanged) await followRoleChange(tx, ctx, u, next.role);
    await audit(tx, ctx.tenantId, ctx.actor, "user.updated", "user", id, {
      before: { name: u.name, role: u.role, disabled: u.disabledAt !== null },
      after: { name: next.name, role: next.role, disabled: next.disabledAt !== null },
      passwordChanged: passwordHash !== undefined,
    });
    return { user: publicUser(next), ended, roleChanged };
  });
  if (result.ended) ctx.deps.live.endSessions(ctx.tenantId, id);
  // What they may see changed: HTTP (cached sessions) and their open sockets, in every process.
  else if (result.roleChanged) ctx.deps.live.userChanged(ctx.tenantId, id);
  // names, roles and who is enabled are on the boards
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return result.user;
}
