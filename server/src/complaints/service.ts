import { complaints, customers, users, withTenant } from "@clubhouse/db";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import { clearAlarm } from "../alarms/service.ts";
import { loadCustomer, visibleTo } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound, RuleViolation } from "../errors.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { complaintClock } from "../regulation/complaint-sla.ts";

type ComplaintRow = typeof complaints.$inferSelect;
const present = (c: ComplaintRow) => ({
  id: c.id,
  customerId: c.customerId,
  channel: c.channel,
  summary: c.summary,
  status: c.status,
  openedAt: c.openedAt.toISOString(),
  openedBy: c.openedBy,
  resolvedAt: c.resolvedAt?.toISOString() ?? null,
  resolvedBy: c.resolvedBy,
  resolution: c.resolution,
});

/**
 * 受理客户投诉's 48-hour clock, from the same constant the alarm job uses: when the
 * complaint falls due, and (while open) whether it is past due and by how long.
 */
const clockOf = (c: ComplaintRow, now: Date) => {
  const clock = complaintClock(c.openedAt, c.status === "open", now);
  return { ...clock, dueAt: clock.dueAt.toISOString() };
};

export async function logComplaint(ctx: ServiceContext, input: { customerId: string; channel: string; summary: string }) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const customer = await loadCustomer(tx, ctx, input.customerId);
    const [row] = await tx
      .insert(complaints)
      .values({
        tenantId: ctx.tenantId,
        customerId: customer.id,
        channel: input.channel,
        summary: input.summary,
        openedAt: ctx.deps.clock.now(),
        openedBy: actorId(ctx.actor),
      })
      .returning();
    return present(row!);
  });
}

export async function resolveComplaint(ctx: ServiceContext, id: string, resolution: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [row] = await tx
      .select({ c: complaints })
      .from(complaints)
      .innerJoin(customers, eq(customers.id, complaints.customerId))
      .where(and(eq(complaints.id, id), visibleTo(ctx.actor)))
      .for("update", { of: complaints });
    if (!row) throw new NotFound("complaint");
    if (row.c.status === "resolved") throw new RuleViolation("This complaint is already resolved.");
    const now = ctx.deps.clock.now();
    const [next] = await tx
      .update(complaints)
      .set({ status: "resolved", resolvedAt: now, resolvedBy: actorId(ctx.actor), resolution })
      .where(eq(complaints.id, id))
      .returning();
    await clearAlarm(tx, `complaint:${id}`, now);
    return present(next!);
  });
}

export async function listComplaints(
  ctx: ServiceContext,
  q: {
    status?: "open" | "resolved" | undefined;
    customerId?: string | undefined;
    order?: "newest" | "oldest" | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  const oldest = q.order === "oldest";
  const now = ctx.deps.clock.now();
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rows = await tx
      .select({ c: complaints, customerName: customers.name, ownerId: customers.ownerId, ownerName: users.name })
      .from(complaints)
      .innerJoin(customers, eq(customers.id, complaints.customerId))
      .leftJoin(users, eq(users.id, customers.ownerId))
      .where(
        and(
          visibleTo(ctx.actor),
          q.status ? eq(complaints.status, q.status) : undefined,
          q.customerId ? eq(complaints.customerId, q.customerId) : undefined,
          after
            ? oldest
              ? sql`(${complaints.openedAt}, ${complaints.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`
              : sql`(${complaints.openedAt}, ${complaints.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`
            : undefined,
        ),
      )
      .orderBy(...(oldest ? [asc(complaints.openedAt), asc(complaints.id)] : [desc(complaints.openedAt), desc(complaints.id)]))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => ({ ...present(r.c), ...clockOf(r.c, now), customerName: r.customerName, ownerId: r.ownerId, ownerName: r.ownerName }),
      (i) => [i.openedAt, i.id],
    );
  });
}
