import {
  type CustomerStatus,
  customerChanges,
  customerOwners,
  customerStatusHistory,
  customers,
  rowsOf,
  type Tx,
  users,
  withTenant,
} from "@clubhouse/db";
import { eq, sql } from "drizzle-orm";
import { actorId, isManager } from "../access/actor.ts";
import { actsAsManager, repIsInScope, scopeOf } from "../access/scope.ts";
import type { ServiceContext } from "../deps.ts";
import { Forbidden, RuleViolation, ValidationError } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { toFen, toYuan } from "../money.ts";
import { clubNow } from "../settings/club-now.ts";
import { type CustomerRow, loadCustomer, viewCustomer } from "./read.ts";
import type { CreateCustomer, PatchCustomer } from "./schemas.ts";

export { customerHistory, customersByIds, referralTree, tierHistory } from "./history.ts";
export { customerPage, getCustomer, listCustomers, searchGrams } from "./list.ts";
export {
  type CustomerRow,
  type CustomerView,
  currentTierSql,
  customersById,
  type GroupCustomer,
  listedCustomer,
  loadCustomer,
  presentCustomer,
  unownedSql,
  viewCustomer,
  visibleTo,
} from "./read.ts";

/**
 * The owner must be an enabled user of this club; a rep may only own customers
 * themself; a team lead gives customers to their team's reps only (another is as if
 * absent, docs/access.md).
 */
async function checkOwner(tx: Tx, ctx: ServiceContext, ownerId: string) {
  if (!actsAsManager(ctx) && ownerId !== actorId(ctx.actor))
    throw new Forbidden("Reps keep their own customers; ask a manager to reassign.");
  const [u] = await tx.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(eq(users.id, ownerId));
  if (!u || u.disabledAt || !(await repIsInScope(tx, scopeOf(ctx), u.id)))
    throw new ValidationError({ ownerId: fieldIssue("not_active_user", "is not an active user of this club") });
}

async function checkReferrer(tx: Tx, referredById: string, selfId?: string) {
  // The referrer may belong to another rep: it only records who brought the customer in.
  const chain = rowsOf<{ id: string }>(
    await tx.execute(sql`
      with recursive up(id, referred_by_id, depth) as (
        select id, referred_by_id, 0 from ${customers} where id = ${referredById}
        union all
        select c.id, c.referred_by_id, up.depth + 1 from ${customers} c join up on c.id = up.referred_by_id where up.depth < 1000
      ) select id from up`),
  );
  if (chain.length === 0) throw new ValidationError({ referredById: fieldIssue("not_in_club", "is not a customer of this club") });
  if (selfId && chain.some((r) => r.id === selfId))
    throw new RuleViolation("A customer cannot be referred by itself or its own referrals.", {
      referredById: fieldIssue("loop", "would make a loop"),
    });
}

export async function writeStatus(tx: Tx, ctx: ServiceContext, row: CustomerRow, to: CustomerStatus, at: Date) {
  await tx.insert(customerStatusHistory).values({
    tenantId: ctx.tenantId,
    customerId: row.id,
    ownerId: row.ownerId,
    fromStatus: row.status,
    toStatus: to,
    at,
    actorId: actorId(ctx.actor),
  });
}

/**
 * 第五条 一 1.1: a customer becomes an active card customer by a card sale (at the
 * list price, or at another with a manager's recorded approval) or by a manager;
 * the cards a customer holds are recorded by card sales. A rep therefore neither
 * makes a customer active nor writes `transaction.cardsHeld` (403): that would be
 * the effect of a card sale without its price rule.
 */
export function cardDoorClosed(ctx: ServiceContext, change: { status?: CustomerStatus | undefined; cardsHeld?: boolean }) {
  if (isManager(ctx.actor)) return;
  if (change.status === "active")
    throw new Forbidden("A customer becomes active by a card sale at the list price (POST /card-sales) or by a manager.");
  if (change.cardsHeld) throw new Forbidden("Cards held are recorded by card sales; ask a manager to correct them.");
}

export async function createCustomerTx(tx: Tx, ctx: ServiceContext, input: CreateCustomer, kind = "created") {
  cardDoorClosed(ctx, { status: input.status, cardsHeld: (input.transaction?.cardsHeld ?? []).length > 0 });
  const now = ctx.deps.clock.now();
  const ownerId = input.ownerId ?? actorId(ctx.actor);
  if (!ownerId) throw new ValidationError({ ownerId: fieldIssue("required", "is required") });
  await checkOwner(tx, ctx, ownerId);
  if (input.referredById) await checkReferrer(tx, input.referredById);
  const status = input.status ?? "prospect";
  const [row] = await tx
    .insert(customers)
    .values({
      tenantId: ctx.tenantId,
      name: input.name,
      kind: input.kind,
      status,
      ownerId,
      referredById: input.referredById ?? null,
      expectedMonthlySpendFen: input.expectedMonthlySpend == null ? null : toFen(input.expectedMonthlySpend),
      profile: input.profile ?? {},
      personal: input.personal ?? {},
      features: input.features ?? {},
      transaction: input.transaction ?? {},
      customerSince: input.profile?.customerSince ?? null,
      activeSince: status === "active" ? now : null,
      reviewCountFrom: now,
      lastRefreshedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned nothing");
  await tx.insert(customerOwners).values({ tenantId: ctx.tenantId, customerId: row.id, fromAt: new Date(0), ownerId });
  await tx.insert(customerStatusHistory).values({
    tenantId: ctx.tenantId,
    customerId: row.id,
    ownerId,
    fromStatus: null,
    toStatus: status,
    at: now,
    actorId: actorId(ctx.actor),
  });
  await tx.insert(customerChanges).values({
    tenantId: ctx.tenantId,
    customerId: row.id,
    actorId: actorId(ctx.actor),
    kind,
    changes: [{ field: "*", old: null, new: { name: row.name, kind: row.kind, status: row.status, ownerId } }],
    at: now,
  });
  return row;
}

export async function createCustomer(ctx: ServiceContext, input: CreateCustomer) {
  const view = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await createCustomerTx(tx, ctx, input);
    return viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id);
  });
  // customers are in the tier analysis (a derived read cached per data generation)
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return view;
}

/**
 * Allowed status moves and who may make them (docs/customers.md; docs/regulation.md, 第四条 2). Becoming active is a
 * card sale's effect (POST /card-sales) or a manager's decision (cardDoorClosed).
 * "manager" moves are a team lead's too on their team's customers (giving up a
 * prospect, reopening one), except becoming active: that stays with managers and
 * admins (第五条 一 1.1, the price rule), as do the cards held.
 */
const TRANSITIONS: Partial<Record<CustomerStatus, Partial<Record<CustomerStatus, "any" | "manager">>>> = {
  prospect: { active: "manager", dropped: "manager" },
  active: { churned: "any" },
  churned: { active: "manager" },
  dropped: { prospect: "manager" },
};

type Change = { field: string; old: unknown; new: unknown };

function diffGroup(group: string, before: Record<string, unknown>, patch: Record<string, unknown> | undefined, changes: Change[]) {
  if (!patch) return before;
  const next = { ...before };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(v)) changes.push({ field: `${group}.${k}`, old: before[k] ?? null, new: v });
    next[k] = v;
  }
  return next;
}

export async function updateCustomer(ctx: ServiceContext, id: string, patch: PatchCustomer) {
  const view = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadCustomer(tx, ctx, id, true);
    const now = ctx.deps.clock.now();
    const changes: Change[] = [];
    const set: Partial<typeof customers.$inferInsert> = {};
    const scalar = <K extends keyof typeof customers.$inferInsert>(
      field: string,
      key: K,
      value: (typeof customers.$inferInsert)[K] | undefined,
      old: unknown,
    ) => {
      if (value === undefined || JSON.stringify(old) === JSON.stringify(value)) return;
      changes.push({ field, old, new: value });
      set[key] = value;
    };
    scalar("name", "name", patch.name, row.name);
    scalar("kind", "kind", patch.kind, row.kind);
    if (patch.expectedMonthlySpend !== undefined) {
      const fen = patch.expectedMonthlySpend === null ? null : toFen(patch.expectedMonthlySpend);
      if (fen !== row.expectedMonthlySpendFen) {
        changes.push({
          field: "expectedMonthlySpend",
          old: row.expectedMonthlySpendFen === null ? null : toYuan(row.expectedMonthlySpendFen),
          new: patch.expectedMonthlySpend,
        });
        set.expectedMonthlySpendFen = fen;
      }
    }
    if (patch.referredById !== undefined && patch.referredById !== row.referredById) {
      if (patch.referredById) await checkReferrer(tx, patch.referredById, row.id);
      scalar("referredById", "referredById", patch.referredById, row.referredById);
    }
    if (patch.ownerId !== undefined && patch.ownerId !== row.ownerId) {
      if (!actsAsManager(ctx)) throw new Forbidden("Only a manager reassigns a customer.");
      await checkOwner(tx, ctx, patch.ownerId);
      scalar("ownerId", "ownerId", patch.ownerId, row.ownerId);
      await tx.insert(customerOwners).values({ tenantId: ctx.tenantId, customerId: row.id, fromAt: now, ownerId: patch.ownerId });
    }
    if (patch.status !== undefined && patch.status !== row.status) {
      const who = TRANSITIONS[row.status]?.[patch.status];
      if (!who)
        throw new RuleViolation(`A ${row.status} customer cannot become ${patch.status}.`, {
          status: fieldIssue("status_change", `cannot go from ${row.status} to ${patch.status}`, { from: row.status, to: patch.status }),
        });
      cardDoorClosed(ctx, { status: patch.status });
      if (who === "manager" && !actsAsManager(ctx)) throw new Forbidden(`Only a manager may mark a customer ${patch.status}.`);
      scalar("status", "status", patch.status, row.status);
      if (patch.status === "active") set.activeSince = now;
      if (patch.status === "prospect") set.reviewCountFrom = now;
      await writeStatus(tx, ctx, row, patch.status, now);
    }
    set.profile = diffGroup("profile", row.profile as Record<string, unknown>, patch.profile, changes);
    set.personal = diffGroup("personal", row.personal as Record<string, unknown>, patch.personal, changes);
    set.features = diffGroup("features", row.features as Record<string, unknown>, patch.features, changes);
    const cardsHeld = (row.transaction as { cardsHeld?: string[] }).cardsHeld ?? [];
    if (patch.transaction?.cardsHeld !== undefined && JSON.stringify(patch.transaction.cardsHeld) !== JSON.stringify(cardsHeld))
      cardDoorClosed(ctx, { cardsHeld: true });
    set.transaction = diffGroup("transaction", row.transaction as Record<string, unknown>, patch.transaction, changes);
    if (patch.profile?.customerSince !== undefined) set.customerSince = patch.profile.customerSince;
    if (changes.length > 0) {
      // Any real edit counts as this quarter's refresh (动态管理).
      await tx
        .update(customers)
        .set({ ...set, updatedAt: now, lastRefreshedAt: now })
        .where(eq(customers.id, row.id));
      await tx
        .insert(customerChanges)
        .values({ tenantId: ctx.tenantId, customerId: row.id, actorId: actorId(ctx.actor), kind: "edited", changes, at: now });
    }
    return viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id);
  });
  // name, kind and status are in the tier analysis (a derived read cached per data generation)
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return view;
}

/** "Reviewed, unchanged": counts as the quarter's refresh without an edit. */
export async function confirmRefresh(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadCustomer(tx, ctx, id, true);
    const now = ctx.deps.clock.now();
    await tx.update(customers).set({ lastRefreshedAt: now }).where(eq(customers.id, row.id));
    await tx
      .insert(customerChanges)
      .values({ tenantId: ctx.tenantId, customerId: row.id, actorId: actorId(ctx.actor), kind: "refreshed", changes: [], at: now });
    return viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id);
  });
}
