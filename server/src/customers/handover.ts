import { complaints, customers, users, visitPlans, withTenant } from "@clubhouse/db";
import { and, asc, eq, gte, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { repIsInScope, scopeOf } from "../access/scope.ts";
import { audit } from "../audit.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound, RuleViolation } from "../errors.ts";
import { coded, fieldIssue } from "../http/field-codes.ts";
import type { Tier } from "../regulation/tiers.ts";
import { clubNow } from "../settings/club-now.ts";
import { dayOf } from "../time/club-time.ts";
import { waitsForReview } from "./prospect-queue.ts";
import { moveOwners } from "./reassign.ts";
import { currentTierSql, visibleTo } from "./service.ts";

/**
 * A rep's book handed over (在职/离职继承, docs/handover.md): a leaving rep's customers —
 * all or chosen — with their open visit plans, prospects waiting in review and open
 * complaints, go to one active rep or are spread over several (evenly by count, or
 * evenly within each tier). One transaction: the customers are locked in id order
 * (as a contact locks them), so a contact the old rep logs at the same time either
 * lands before (and moves with the customer) or finds the customer no longer theirs.
 * The moves go through the reassign's one path (moveOwners): revenue already booked
 * stays credited to the old rep; from the handover on the new owner is credited.
 */
export const handoverBody = z.strictObject({
  customerIds: z.array(z.uuid("must be customer ids")).min(1, "give at least one customer").max(5000, "at most 5000 customers").optional(),
  to: z
    .strictObject({
      repId: z.uuid("must be a rep's id").optional(),
      spread: z
        .strictObject({
          repIds: z.array(z.uuid("must be reps' ids")).min(1, "give at least one rep").max(100, "at most 100 reps"),
          by: z.enum(["count", "tier"]),
        })
        .optional(),
    })
    .superRefine((v, ctx) => {
      if ((v.repId === undefined) === (v.spread === undefined)) {
        const message = "give either repId or spread, not both";
        ctx.addIssue({ code: "custom", path: ["repId"], ...coded("one_or_other", message, { other: "spread" }) });
        ctx.addIssue({ code: "custom", path: ["spread"], ...coded("one_or_other", message, { other: "repId" }) });
      }
      const ids = v.spread?.repIds ?? [];
      if (new Set(ids).size !== ids.length)
        ctx.addIssue({ code: "custom", path: ["spread", "repIds"], ...coded("repeated", "names a rep twice") });
    }),
  reason: z.string().trim().min(1, "is required").max(500),
  /** move the old rep's open visit plans (today and later) for these customers to their new owner */
  plans: z.boolean().default(true),
  /** hand over prospects waiting in review too (false: they stay for the review's own decision) */
  prospects: z.boolean().default(true),
  /** hand over customers with open complaints too (false: they stay until the complaint is settled) */
  complaints: z.boolean().default(true),
  /** true: answer what would move, per receiver, and move nothing */
  preview: z.boolean().default(false),
});
export type Handover = z.infer<typeof handoverBody>;

type TierKey = Tier | "none";
const TIER_ORDER: Record<TierKey, number> = { A: 0, B: 1, C: 2, none: 3 };

export interface ReceiverCounts {
  repId: string;
  name: string;
  customers: number;
  plans: number;
  prospects: number;
  complaints: number;
  tiers: Record<TierKey, number>;
}

interface BookRow {
  id: string;
  name: string;
  tier: Tier | null;
  waiting: boolean;
}

/**
 * Who gets which customer. By count: the customers in name order dealt round-robin
 * over the receivers in the order given. By tier: the same deal over the customers
 * ordered by tier (A, B, C, none) then name, so each tier is dealt evenly (every
 * receiver gets ⌊n/k⌋ or ⌈n/k⌉ of each tier) and the totals differ by one at most.
 */
export function spreadBook<T extends { id: string; name: string; tier: Tier | null }>(
  rows: T[],
  receivers: string[],
  by: "count" | "tier",
): Map<string, string> {
  const byName = (a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const ordered = [...rows].sort(
    by === "tier" ? (a, b) => TIER_ORDER[a.tier ?? "none"] - TIER_ORDER[b.tier ?? "none"] || byName(a, b) : byName,
  );
  const out = new Map<string, string>();
  for (const [i, r] of ordered.entries()) out.set(r.id, receivers[i % receivers.length]!);
  return out;
}

export async function handOver(ctx: ServiceContext, fromRepId: string, input: Handover) {
  const result = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const scope = scopeOf(ctx);
    const [from] = await tx.select({ id: users.id, name: users.name, role: users.role }).from(users).where(eq(users.id, fromRepId));
    // a team lead hands over their team's reps' books only: another rep is as if absent
    if (from?.role !== "rep" || !(await repIsInScope(tx, scope, from.id))) throw new NotFound("rep");
    const receiverIds = input.to.repId ? [input.to.repId] : input.to.spread!.repIds;
    const field = input.to.repId ? "to.repId" : "to.spread.repIds";
    if (receiverIds.includes(from.id))
      throw new RuleViolation("The book goes to other reps than the one handing it over.", {
        [field]: fieldIssue("same_owner", "names the rep handing over"),
      });
    const found = await tx
      .select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .where(inArray(users.id, receiverIds));
    const byId = new Map(found.map((u) => [u.id, u]));
    for (const id of receiverIds) {
      const u = byId.get(id);
      if (u?.role !== "rep" || u.disabledAt || !(await repIsInScope(tx, scope, u.id)))
        throw new RuleViolation("Customers go to active reps of this club.", {
          [field]: fieldIssue("not_active_user", "is not an active rep of this club"),
        });
    }

    const club = await clubNow(tx, ctx);
    const today = dayOf(club.now, club.rules.timezone);
    // The customers, locked in id order (the order a contact locks them in), read with
    // what the handover needs of each; the tier and the review are read after the lock.
    const ids = input.customerIds ? [...new Set(input.customerIds)].sort() : undefined;
    const locked = await tx
      .select({ id: customers.id, ownerId: customers.ownerId })
      .from(customers)
      .where(and(ids ? inArray(customers.id, ids) : eq(customers.ownerId, from.id), visibleTo(ctx.actor)))
      .orderBy(asc(customers.id))
      .for("no key update");
    if (ids) {
      if (locked.length !== ids.length) throw new NotFound("customer");
      if (locked.some((r) => r.ownerId !== from.id))
        throw new RuleViolation("Only the rep's own customers are handed over.", {
          customerIds: fieldIssue("not_own", "names a customer the rep does not own"),
        });
    }
    const lockedIds = locked.map((r) => r.id);
    const book: BookRow[] =
      lockedIds.length === 0
        ? []
        : (
            await tx
              .select({ id: customers.id, name: customers.name, tier: currentTierSql(club), waiting: waitsForReview() })
              .from(customers)
              .where(inArray(customers.id, lockedIds))
          ).map((r) => ({ id: r.id, name: r.name, tier: r.tier, waiting: Boolean(r.waiting) }));
    const openComplaints = new Map<string, number>();
    if (lockedIds.length > 0) {
      const rows = await tx
        .select({ customerId: complaints.customerId, n: sql<number>`count(*)::int` })
        .from(complaints)
        .where(and(inArray(complaints.customerId, lockedIds), eq(complaints.status, "open")))
        .groupBy(complaints.customerId);
      for (const r of rows) openComplaints.set(r.customerId, Number(r.n));
    }
    const kept = { prospects: 0, complaints: 0 };
    const moving = book.filter((r) => {
      if (!input.prospects && r.waiting) {
        kept.prospects++;
        return false;
      }
      if (!input.complaints && openComplaints.has(r.id)) {
        kept.complaints++;
        return false;
      }
      return true;
    });
    const assigned = input.to.repId
      ? new Map(moving.map((r) => [r.id, input.to.repId!]))
      : spreadBook(moving, receiverIds, input.to.spread!.by);

    // open plans: the old rep's, today and later, for the customers that move
    const plans =
      input.plans && moving.length > 0
        ? await tx
            .select({ id: visitPlans.id, customerId: visitPlans.customerId })
            .from(visitPlans)
            .where(
              and(
                eq(visitPlans.repId, from.id),
                inArray(
                  visitPlans.customerId,
                  moving.map((r) => r.id),
                ),
                gte(visitPlans.day, today),
              ),
            )
            .orderBy(asc(visitPlans.id))
            .for("update")
        : [];

    const counts = new Map<string, ReceiverCounts>(
      receiverIds.map((id) => [
        id,
        { repId: id, name: byId.get(id)!.name, customers: 0, plans: 0, prospects: 0, complaints: 0, tiers: { A: 0, B: 0, C: 0, none: 0 } },
      ]),
    );
    for (const r of moving) {
      const c = counts.get(assigned.get(r.id)!)!;
      c.customers++;
      c.tiers[r.tier ?? "none"]++;
      if (r.waiting) c.prospects++;
      c.complaints += openComplaints.get(r.id) ?? 0;
    }
    const plansTo = new Map<string, string[]>();
    for (const p of plans) {
      const to = assigned.get(p.customerId)!;
      plansTo.set(to, [...(plansTo.get(to) ?? []), p.id]);
      counts.get(to)!.plans++;
    }
    const receivers = [...counts.values()];
    const total = (k: "customers" | "plans" | "prospects" | "complaints") => receivers.reduce((s, r) => s + r[k], 0);
    const answer = {
      fromRepId: from.id,
      preview: input.preview,
      moved: { customers: total("customers"), plans: total("plans"), prospects: total("prospects"), complaints: total("complaints") },
      kept,
      receivers,
    };
    if (input.preview || moving.length === 0) return answer;

    await moveOwners(
      tx,
      ctx,
      moving.map((r) => ({ id: r.id, from: from.id, to: assigned.get(r.id)! })),
      "handed_over",
      [{ field: "reason", old: null, new: input.reason }],
    );
    for (const [to, planIds] of plansTo) await tx.update(visitPlans).set({ repId: to }).where(inArray(visitPlans.id, planIds));
    await audit(tx, ctx.tenantId, ctx.actor, "customers.handed_over", "user", from.id, {
      reason: input.reason,
      moved: answer.moved,
      kept,
      receivers: receivers.map((r) => ({ repId: r.repId, customers: r.customers, plans: r.plans })),
    });
    return answer;
  });
  // owners are on the boards (and the unowned count in the managers' part), as after a reassign
  if (!result.preview && result.moved.customers > 0) await ctx.deps.live.boardChanged(ctx.tenantId);
  return result;
}

/** POST /reps/:id/handover, mounted at /reps beside the contacts' and quotas' rep routes: auth is per route. */
