import {
  contacts,
  contactVoids,
  customerChanges,
  customerOwners,
  customers,
  prospectReviews,
  type Tx,
  users,
  withTenant,
} from "@clubhouse/db";
import { and, asc, desc, eq, or, sql } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import { repInScope, repIsInScope, scopeOf } from "../access/scope.ts";
import { countExpr, knownAt, lastContactExpr } from "../customers/prospect-queue.ts";
import { listedCustomer, loadCustomer, viewCustomer, visibleTo, writeStatus } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { RuleViolation, ValidationError } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import {
  inPersonContactsSince,
  needsReviewSql,
  prospectNeedsReview,
  type ReviewWindow,
  type TimedContact,
} from "../regulation/prospect-review.ts";
import { clubNow } from "../settings/club-now.ts";

export async function reviewQueue(ctx: ServiceContext, q: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rows = await tx
      .select({
        c: customers,
        ownerName: users.name,
        count: countExpr,
        lastContactAt: lastContactExpr.mapWith(contacts.occurredAt),
      })
      .from(customers)
      .innerJoin(users, eq(users.id, customers.ownerId))
      .where(
        and(
          eq(customers.status, "prospect"),
          visibleTo(ctx.actor), // a team lead: their team's reps' prospects
          needsReviewSql(customers.status, countExpr),
          after ? sql`(${lastContactExpr}, ${customers.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      // longest waiting first
      .orderBy(asc(lastContactExpr), asc(customers.id))
      .limit(q.limit + 1);
    // how many wait, under the same rule as the page (not the cursor): the queue's true size
    const [waiting] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(customers)
      .where(and(eq(customers.status, "prospect"), needsReviewSql(customers.status, countExpr)));
    const listed = page(
      rows,
      q.limit,
      (r) => ({
        ...listedCustomer(r.c, r.ownerName),
        contacts: Number(r.count),
        lastContactAt: (r.lastContactAt as Date).toISOString(),
        countingSince: r.c.reviewCountFrom.toISOString(),
      }),
      (i) => [i.lastContactAt, i.customerId],
    );
    return { ...listed, total: Number(waiting?.n ?? 0) };
  });
}

type ReviewRow = typeof prospectReviews.$inferSelect;
const presentReview = (r: ReviewRow) => ({
  id: r.id,
  customerId: r.customerId,
  decision: r.decision,
  fromOwnerId: r.fromOwnerId,
  toOwnerId: r.toOwnerId,
  contactsCounted: r.contactsCounted,
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt.toISOString(),
});

/** What the review rule reads of a prospect: its contacts since it became one, and the last decision. */
async function reviewInputs(tx: Tx, customer: typeof customers.$inferSelect): Promise<{ contacts: TimedContact[]; window: ReviewWindow }> {
  const [last] = await tx
    .select({ at: prospectReviews.decidedAt })
    .from(prospectReviews)
    .where(eq(prospectReviews.customerId, customer.id))
    .orderBy(desc(prospectReviews.decidedAt))
    .limit(1);
  const rows = await tx
    .select({ channel: contacts.channel, occurredAt: contacts.occurredAt, createdAt: contacts.createdAt, voidedAt: contactVoids.voidedAt })
    .from(contacts)
    .leftJoin(contactVoids, and(eq(contactVoids.tenantId, contacts.tenantId), eq(contactVoids.contactId, contacts.id)))
    .where(and(eq(contacts.customerId, customer.id), sql`${knownAt} >= ${customer.reviewCountFrom.toISOString()}::timestamptz`));
  return {
    contacts: rows.map((r) => ({
      channel: r.channel,
      occurredAt: new Date(Math.max(r.occurredAt.getTime(), r.createdAt.getTime())),
      voided: r.voidedAt !== null,
    })),
    window: { becameProspectAt: customer.reviewCountFrom, lastReviewedAt: last?.at ?? null },
  };
}

export type ReviewDecision = { decision: "continue" } | { decision: "drop" } | { decision: "reassign"; ownerId: string };

/**
 * A manager's decision on a prospect in the queue, recorded with who, when and the
 * count it was made on. `continue` and `reassign` start the count again; `drop`
 * makes it dropped (contacts refused until a manager reopens it). Reassigning and
 * dropping are record edits like PATCH /customers/:id: history, owners, status
 * history and the quarter's refresh, all in this one transaction.
 */
export async function decideReview(ctx: ServiceContext, customerId: string, input: ReviewDecision) {
  const out = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    // The row lock makes two managers deciding at once take turns: the second finds the count reset (422).
    const row = await loadCustomer(tx, ctx, customerId, true);
    // the same count the queue shows, through the pure rule; only a prospect has one
    const inputs =
      row.status === "prospect"
        ? await reviewInputs(tx, row)
        : { contacts: [], window: { becameProspectAt: row.reviewCountFrom, lastReviewedAt: null } };
    const count = inPersonContactsSince(inputs.contacts, inputs.window);
    if (!prospectNeedsReview(row.status, inputs.contacts, inputs.window))
      throw new RuleViolation("This customer is not in the review queue.", {
        customerId: fieldIssue(
          "not_in_review",
          row.status === "prospect" ? `has ${count} in-person contacts since its last review` : `is ${row.status}`,
          { count, status: row.status },
        ),
      });
    const now = ctx.deps.clock.now();
    const me = actorId(ctx.actor);
    let toOwnerId: string | null = null;
    if (input.decision === "reassign") {
      if (input.ownerId === row.ownerId)
        throw new RuleViolation("The prospect is already theirs; decide continue instead.", {
          ownerId: fieldIssue("same_owner", "is the current owner"),
        });
      const [u] = await tx.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(eq(users.id, input.ownerId));
      // a team lead hands prospects to their team's reps only: another rep is as if absent
      if (!u || u.disabledAt || !(await repIsInScope(tx, scopeOf(ctx), u.id)))
        throw new ValidationError({ ownerId: fieldIssue("not_active_user", "is not an active user of this club") });
      toOwnerId = u.id;
    }
    const [review] = await tx
      .insert(prospectReviews)
      .values({
        tenantId: ctx.tenantId,
        customerId: row.id,
        decision: input.decision,
        fromOwnerId: row.ownerId,
        toOwnerId,
        contactsCounted: count,
        decidedBy: me!,
        decidedAt: now,
      })
      .returning();
    switch (input.decision) {
      case "continue":
        await tx.update(customers).set({ reviewCountFrom: now }).where(eq(customers.id, row.id));
        break;
      case "reassign":
        await tx
          .update(customers)
          .set({ ownerId: toOwnerId!, reviewCountFrom: now, updatedAt: now, lastRefreshedAt: now })
          .where(eq(customers.id, row.id));
        await tx.insert(customerOwners).values({ tenantId: ctx.tenantId, customerId: row.id, fromAt: now, ownerId: toOwnerId! });
        await tx.insert(customerChanges).values({
          tenantId: ctx.tenantId,
          customerId: row.id,
          actorId: me,
          kind: "edited",
          changes: [{ field: "ownerId", old: row.ownerId, new: toOwnerId }],
          at: now,
        });
        break;
      case "drop":
        await tx.update(customers).set({ status: "dropped", updatedAt: now, lastRefreshedAt: now }).where(eq(customers.id, row.id));
        await writeStatus(tx, ctx, row, "dropped", now);
        await tx.insert(customerChanges).values({
          tenantId: ctx.tenantId,
          customerId: row.id,
          actorId: me,
          kind: "edited",
          changes: [{ field: "status", old: row.status, new: "dropped" }],
          at: now,
        });
        break;
    }
    return { review: presentReview(review!), customer: await viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id) };
  });
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return out;
}

/** Past decisions, newest first (manager). */
/** A team lead reads the decisions about prospects their team's reps had or were given. */
function reviewsInScope(ctx: ServiceContext) {
  const scope = scopeOf(ctx);
  if (scope.kind !== "team") return undefined;
  return or(repInScope(scope, prospectReviews.fromOwnerId), repInScope(scope, prospectReviews.toOwnerId));
}

export async function listReviews(ctx: ServiceContext, q: { customerId?: string | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rows = await tx
      .select()
      .from(prospectReviews)
      .where(
        and(
          q.customerId ? eq(prospectReviews.customerId, q.customerId) : undefined,
          reviewsInScope(ctx),
          after ? sql`(${prospectReviews.decidedAt}, ${prospectReviews.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(prospectReviews.decidedAt), desc(prospectReviews.id))
      .limit(q.limit + 1);
    return page(rows, q.limit, presentReview, (i) => [i.decidedAt, i.id]);
  });
}
