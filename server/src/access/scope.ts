import { sql, type Tx, teams, users } from "@clubhouse/db";
import { and, eq, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { ServiceContext } from "../deps.ts";
import { NotFound, ValidationError } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { type Actor, actorId, isManager } from "./actor.ts";

/**
 * Whose rows a caller may see and act on (docs/access.md):
 * - `club`: admins, managers and the system — every rep's;
 * - `team`: a team lead — the reps of the team they lead, read in the same
 *   statement as the rows (so a rep moved to another team leaves the lead's view at
 *   once, and a lead who no longer leads a team sees nothing);
 * - `self`: a rep — their own.
 */
export type Scope = { kind: "club" } | { kind: "team"; leadId: string } | { kind: "self"; repId: string };

export function scopeOf(ctxOrActor: ServiceContext | Actor): Scope {
  const actor = "actor" in ctxOrActor ? ctxOrActor.actor : ctxOrActor;
  if (actor.kind === "system" || isManager(actor)) return { kind: "club" };
  if (actor.role === "lead") return { kind: "team", leadId: actor.id };
  return { kind: "self", repId: actor.id };
}

/** Club-wide callers (admins, managers, the system). */
export const isClubWide = (ctxOrActor: ServiceContext | Actor) => scopeOf(ctxOrActor).kind === "club";
/** A caller who acts as a manager, on the club or on their team (admins, managers, leads). */
export const actsAsManager = (ctxOrActor: ServiceContext | Actor) => scopeOf(ctxOrActor).kind !== "self";

/**
 * The ids of the reps in the team `leadId` leads, as a subquery (its own aliases,
 * so it can sit inside a query on users). Only users with the rep role count:
 * a team's lead is not one of its reps.
 */
export function teamRepIds(leadId: string): SQL {
  return sql`(select tu.id from users tu join teams tt on tt.tenant_id = tu.tenant_id and tt.id = tu.team_id where tt.lead_id = ${leadId} and tu.role = 'rep')`;
}

/**
 * The condition "this rep-id column is in the caller's scope"; `undefined` for a
 * club-wide caller (no condition). Use it on every read of rows that belong to a rep.
 */
export function repInScope(scope: Scope, column: PgColumn | SQL): SQL | undefined {
  switch (scope.kind) {
    case "club":
      return undefined;
    case "team":
      return sql`${column} in ${teamRepIds(scope.leadId)}`;
    case "self":
      return eq(column as PgColumn, scope.repId);
  }
}

/**
 * The visibility of one row already read, by the rep it belongs to (its owner): a
 * club-wide caller sees every row, anyone else the rows that are their own. A team
 * lead's team is read from the database (`repIsInScope`), never here: for a row of
 * their team this answers false, so use it only where leads are not let in
 * (access/lead-routes.ts) or where their own rows are meant.
 */
export function canSee(actor: Actor, repId: string): boolean {
  return isManager(actor) || repId === actorId(actor);
}

/** Whether `repId` is a rep in the caller's scope (read now, in `tx`). */
export async function repIsInScope(tx: Tx, scope: Scope, repId: string): Promise<boolean> {
  switch (scope.kind) {
    case "club":
      return true;
    case "self":
      return repId === scope.repId;
    case "team": {
      const [row] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, repId), repInScope(scope, users.id)));
      return row !== undefined;
    }
  }
}

/**
 * For writes and reads of one rep's rows: a rep outside the caller's scope answers
 * 404, as if it did not exist (the one rule, docs/access.md). A club-wide caller
 * passes whatever the id (the write itself checks the rep exists).
 */
export async function assertRepInScope(tx: Tx, scope: Scope, repId: string, what = "rep"): Promise<void> {
  if (!(await repIsInScope(tx, scope, repId))) throw new NotFound(what);
}

/** The id of the team a lead leads now, or null. */
export async function teamOfLead(tx: Tx, leadId: string): Promise<string | null> {
  const [row] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.leadId, leadId));
  return row?.id ?? null;
}

/**
 * The reps in the caller's scope as a set, for reports computed in memory from the
 * club's reps; `null` for a club-wide caller (everyone).
 */
export async function repIdsInScope(tx: Tx, scope: Scope): Promise<Set<string> | null> {
  if (scope.kind === "club") return null;
  if (scope.kind === "self") return new Set([scope.repId]);
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(repInScope(scope, users.id) ?? sql`false`);
  return new Set(rows.map((r) => r.id));
}

// ── the rep a request is about ───────────────────────────────────────────────

/**
 * The rep a request is about. A rep may name only themself (another rep answers
 * 404, as if absent); managers any user of their club. RLS hides other clubs' users.
 */
export async function requestedRep(tx: Tx, ctx: ServiceContext, repId: string | undefined) {
  const me = actorId(ctx.actor);
  // a rep names only themself, a team lead their team's reps (access/scope.ts)
  if (repId !== undefined && !(await repIsInScope(tx, scopeOf(ctx), repId))) throw new NotFound("rep");
  const id = repId ?? me;
  if (!id) throw new ValidationError({ repId: fieldIssue("required", "is required") });
  const [u] = await tx.select({ id: users.id, name: users.name, role: users.role }).from(users).where(eq(users.id, id));
  if (!u) throw new NotFound("rep");
  return u;
}

/** A rep's lists are their own; a manager's may be narrowed to one rep. */
export async function repFilter(tx: Tx, ctx: ServiceContext, repId: string | undefined): Promise<string | undefined> {
  if (isManager(ctx.actor) && repId === undefined) return undefined;
  return (await requestedRep(tx, ctx, repId)).id;
}

/** repFilter as a condition on `column`: a team lead's lists, with no rep named, are their team's. */
export async function repCondition(tx: Tx, ctx: ServiceContext, repId: string | undefined, column: PgColumn): Promise<SQL | undefined> {
  const scope = scopeOf(ctx);
  if (repId === undefined && scope.kind === "team") return repInScope(scope, column);
  const id = await repFilter(tx, ctx, repId);
  return id ? eq(column, id) : undefined;
}
