import type { Role } from "@clubhouse/db";

/**
 * Who is calling (docs/access.md): a signed-in user of the club (their id and role;
 * the club is the service context's `tenantId`, the team a lead leads is read with
 * `teamOfLead` in access/scope.ts), or the system (jobs, the seed), which acts
 * club-wide.
 */
export type Actor = { kind: "user"; id: string; role: Role } | { kind: "system" };

/** The system: scheduled jobs and the seed. */
export const SYSTEM: Actor = { kind: "system" };

/** The calling user's id; null for the system. */
export const actorId = (actor: Actor): string | null => (actor.kind === "user" ? actor.id : null);

/** The caller's role, or "system". */
export const roleOf = (actor: Actor): Role | "system" => (actor.kind === "user" ? actor.role : "system");

/** A caller or a bare role (a live socket knows its role only). */
type Who = Actor | Role;
const roleOfWho = (who: Who): Role | "system" => (typeof who === "string" ? who : roleOf(who));

/** The club's admin (or the system). */
export const isAdmin = (who: Who): boolean => {
  const role = roleOfWho(who);
  return role === "system" || role === "admin";
};

/**
 * Club-wide: admins, managers and the system. The one test of "sees every rep's
 * rows"; a team lead is not a manager here (their scope is their team: scope.ts).
 */
export const isManager = (who: Who): boolean => {
  const role = roleOfWho(who);
  return role === "system" || role === "admin" || role === "manager";
};

/** A team lead. */
export const isLead = (who: Who): boolean => roleOfWho(who) === "lead";

/** A rep (sees and acts on their own rows only). */
export const isRep = (who: Who): boolean => roleOfWho(who) === "rep";

/**
 * The role gate of a route (auth/middleware.ts `allow`): a role passes if the route
 * names it; an admin may do everything a manager may (docs/access.md). A lead passes only
 * where a route names "lead", and only on the routes of LEAD_ROUTES (lead-routes.ts).
 */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return allowed.includes(role) || (role === "admin" && allowed.includes("manager"));
}

/** The least role a route asks for (the privilege table, test/faults/privileges.test.ts). */
export type Floor = "public" | "rep" | "lead" | "manager" | "admin";

/**
 * Which roles pass the role gate of a route of each floor. "rep" routes are for every
 * signed-in member; a lead passes a "rep" or "manager" route's gate only if the route
 * is also in LEAD_ROUTES (else 403 before it runs).
 */
export const FLOOR_ROLES: Readonly<Record<Floor, readonly Role[]>> = {
  public: ["admin", "manager", "lead", "rep"],
  rep: ["admin", "manager", "lead", "rep"],
  lead: ["lead"],
  manager: ["admin", "manager", "lead"],
  admin: ["admin"],
};
