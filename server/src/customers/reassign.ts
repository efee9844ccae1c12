import { customerChanges, customerOwners, customers, type Tx, users, withTenant } from "@clubhouse/db";
import { and, asc, eq, inArray, max } from "drizzle-orm";
import { z } from "zod";
import { actorId } from "../access/actor.ts";
import { repIsInScope, scopeOf } from "../access/scope.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound, RuleViolation } from "../errors.ts";
import { coded, fieldIssue } from "../http/field-codes.ts";
import { visibleTo } from "./service.ts";

/**
 * Bulk reassignment (manager): some customers by id, or every customer of one rep,
 * move to another active rep with a reason. All or nothing, in one transaction; each
 * moved customer's history records who, when, the old and new owner and the reason.
 */
export const reassignBody = z
  .strictObject({
    customerIds: z
      .array(z.uuid("must be customer ids"))
      .min(1, "give at least one customer")
      .max(1000, "at most 1000 customers")
      .optional(),
    fromRepId: z.uuid("must be a rep's id").optional(),
    toRepId: z.uuid("must be a rep's id"),
    reason: z.string().trim().min(1, "is required").max(500),
  })
  .superRefine((v, ctx) => {
    if ((v.customerIds === undefined) === (v.fromRepId === undefined)) {
      const message = "give either customerIds or fromRepId, not both";
      ctx.addIssue({ code: "custom", path: ["customerIds"], ...coded("one_or_other", message, { other: "fromRepId" }) });
      ctx.addIssue({ code: "custom", path: ["fromRepId"], ...coded("one_or_other", message, { other: "customerIds" }) });
    }
  });
export type Reassign = z.infer<typeof reassignBody>;

export async function reassignCustomers(ctx: ServiceContext, input: Reassign) {
  const result = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [to] = await tx
      .select({ id: users.id, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, input.toRepId));
    // a team lead moves customers between their team's reps only: another rep is as if absent
    const scope = scopeOf(ctx);
    if (to?.role !== "rep" || to.disabledAt || !(await repIsInScope(tx, scope, to.id)))
      throw new RuleViolation("Customers go to an active rep of this club.", {
        toRepId: fieldIssue("not_active_user", "is not an active rep of this club"),
      });
    let rows: { id: string; ownerId: string }[];
    if (input.customerIds) {
      const ids = [...new Set(input.customerIds)].sort();
      // RLS keeps another club's rows out: any id not found here is 404, and nothing moves.
      rows = await tx
        .select({ id: customers.id, ownerId: customers.ownerId })
        .from(customers)
        .where(and(inArray(customers.id, ids), visibleTo(ctx.actor)))
        .orderBy(asc(customers.id))
        .for("no key update");
      if (rows.length !== ids.length) throw new NotFound("customer");
    } else {
      const [from] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.fromRepId!));
      if (!from || !(await repIsInScope(tx, scope, from.id))) throw new NotFound("user");
      if (from.id === to.id)
        throw new RuleViolation("The customers already belong to that rep.", { toRepId: fieldIssue("same_owner", "is the same rep") });
      rows = await tx
        .select({ id: customers.id, ownerId: customers.ownerId })
        .from(customers)
        .where(eq(customers.ownerId, from.id))
        .orderBy(asc(customers.id))
        .for("no key update");
    }
    const moving = rows.filter((r) => r.ownerId !== to.id);
    if (moving.length === 0) return { moved: 0, customerIds: [] as string[] };
    const ids = moving.map((r) => r.id);
    await moveOwners(
      tx,
      ctx,
      moving.map((r) => ({ id: r.id, from: r.ownerId, to: to.id })),
      "reassigned",
      [{ field: "reason", old: null, new: input.reason }],
    );
    return { moved: ids.length, customerIds: ids };
  });
  // owners are on the boards and in the analyses, as after PATCH /customers/:id
  if (result.moved > 0) await ctx.deps.live.boardChanged(ctx.tenantId);
  return { ...result, toRepId: input.toRepId };
}

/** One customer's move: from its owner now to another rep. */
export interface OwnerMove {
  id: string;
  from: string;
  to: string;
}

/**
 * The one path that moves customers to new owners, inside the caller's transaction
 * with the customers already locked: the owner on each customer, a new ownership
 * period (revenue is credited to the owner at its `occurredAt`, so money booked
 * before the move stays with the old owner) and a history entry per customer naming
 * who, when, the old and new owner and the extra `changes` (the reason). Used by the
 * bulk reassign and by a rep's book handed over (handover.ts).
 */
export async function moveOwners(
  tx: Tx,
  ctx: ServiceContext,
  moves: OwnerMove[],
  kind: "reassigned" | "handed_over",
  extra: { field: string; old: unknown; new: unknown }[],
) {
  if (moves.length === 0) return;
  const now = ctx.deps.clock.now();
  const ids = moves.map((m) => m.id);
  const byReceiver = new Map<string, string[]>();
  for (const m of moves) byReceiver.set(m.to, [...(byReceiver.get(m.to) ?? []), m.id]);
  for (const [to, group] of byReceiver) await tx.update(customers).set({ ownerId: to, updatedAt: now }).where(inArray(customers.id, group));
  // Ownership periods are append-only and keyed by their start: a customer moved twice
  // within one millisecond starts its newest period just after the previous one.
  const last = await tx
    .select({ customerId: customerOwners.customerId, at: max(customerOwners.fromAt) })
    .from(customerOwners)
    .where(inArray(customerOwners.customerId, ids))
    .groupBy(customerOwners.customerId);
  const lastAt = new Map(last.map((r) => [r.customerId, r.at]));
  const startOf = (id: string) => {
    const prev = lastAt.get(id);
    return prev && prev.getTime() >= now.getTime() ? new Date(prev.getTime() + 1) : now;
  };
  await tx
    .insert(customerOwners)
    .values(moves.map((m) => ({ tenantId: ctx.tenantId, customerId: m.id, fromAt: startOf(m.id), ownerId: m.to })));
  await tx.insert(customerChanges).values(
    moves.map((m) => ({
      tenantId: ctx.tenantId,
      customerId: m.id,
      actorId: actorId(ctx.actor),
      kind,
      changes: [{ field: "ownerId", old: m.from, new: m.to }, ...extra],
      at: now,
    })),
  );
}
