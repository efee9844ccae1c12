import { customerChanges, customerMonthTotals, customers, customerTiers, rowsOf, type Tx, users, withTenant } from "@clubhouse/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { canSee } from "../access/scope.ts";
import type { ServiceContext } from "../deps.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { toYuan } from "../money.ts";
import { customerTier, type Tier } from "../regulation/tiers.ts";
import { clubNow } from "../settings/club-now.ts";
import { monthOf, previousMonth } from "../time/club-time.ts";
import { loadCustomer } from "./read.ts";

/** A customer's change history, referral tree and tier history. */
export async function customerHistory(ctx: ServiceContext, id: string, q: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    await loadCustomer(tx, ctx, id);
    const rows = await tx
      .select({ ch: customerChanges, actorName: users.name })
      .from(customerChanges)
      .leftJoin(users, eq(users.id, customerChanges.actorId))
      .where(
        and(
          eq(customerChanges.customerId, id),
          after ? sql`(${customerChanges.at}, ${customerChanges.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(customerChanges.at), desc(customerChanges.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => ({
        id: r.ch.id,
        kind: r.ch.kind,
        actorId: r.ch.actorId,
        actorName: r.actorName,
        at: r.ch.at.toISOString(),
        changes: r.ch.changes,
      }),
      (i) => [i.at, i.id],
    );
  });
}

interface TreeNode {
  id: string;
  name: string | null;
  kind: string | null;
  status: string | null;
  ownerId: string | null;
  hidden: boolean;
  referrals: TreeNode[];
}

/** 链锁用户环: who referred this customer (up the chain) and whom it referred (down the tree). */
export async function referralTree(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const root = await loadCustomer(tx, ctx, id);
    const down = rowsOf<{ id: string; name: string; kind: string; status: string; owner_id: string; referred_by_id: string | null }>(
      await tx.execute(sql`
        with recursive down(id, depth) as (
          select id, 0 from ${customers} where id = ${root.id}
          union all
          select c.id, down.depth + 1 from ${customers} c join down on c.referred_by_id = down.id where down.depth < 20
        ) select c.id, c.name, c.kind, c.status, c.owner_id, c.referred_by_id from ${customers} c join down using (id) limit 5000`),
    );
    const up = rowsOf<{ id: string; name: string; kind: string; status: string; owner_id: string; depth: number }>(
      await tx.execute(sql`
        with recursive up(id, referred_by_id, depth) as (
          select id, referred_by_id, 0 from ${customers} where id = ${root.referredById ?? root.id} and ${root.referredById !== null}
          union all
          select c.id, c.referred_by_id, up.depth + 1 from ${customers} c join up on c.id = up.referred_by_id where up.depth < 20
        ) select c.id, c.name, c.kind, c.status, c.owner_id, up.depth from ${customers} c join up using (id) order by up.depth`),
    );
    // A rep sees the names of their own customers only; other links show as hidden.
    const node = (r: { id: string; name: string; kind: string; status: string; owner_id: string }): TreeNode =>
      canSee(ctx.actor, r.owner_id)
        ? { id: r.id, name: r.name, kind: r.kind, status: r.status, ownerId: r.owner_id, hidden: false, referrals: [] }
        : { id: r.id, name: null, kind: null, status: null, ownerId: null, hidden: true, referrals: [] };
    const nodes = new Map(down.map((r) => [r.id, node(r)]));
    for (const r of down) if (r.referred_by_id && r.id !== root.id) nodes.get(r.referred_by_id)?.referrals.push(nodes.get(r.id)!);
    return { customer: nodes.get(root.id)!, referredBy: up.map((r) => ({ ...node(r), referrals: undefined })) };
  });
}

/** Spend per month for the last `months` months, with the tier each month was (frozen or computed). */
export async function tierHistory(ctx: ServiceContext, id: string, months: number) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadCustomer(tx, ctx, id);
    const club = await clubNow(tx, ctx);
    const list: string[] = [];
    let m = club.tierMonth;
    for (let i = 0; i < months; i++) {
      list.push(m);
      m = previousMonth(m);
    }
    const totals = await tx
      .select({ month: customerMonthTotals.month, fen: sql<string>`sum(${customerMonthTotals.amountFen})::bigint` })
      .from(customerMonthTotals)
      .where(and(eq(customerMonthTotals.customerId, row.id), inArray(customerMonthTotals.month, list)))
      .groupBy(customerMonthTotals.month);
    const frozen = await tx
      .select()
      .from(customerTiers)
      .where(and(eq(customerTiers.customerId, row.id), inArray(customerTiers.month, list)));
    const spendOf = new Map(totals.map((t) => [t.month, Number(t.fen)]));
    const frozenOf = new Map(frozen.map((f) => [f.month, f]));
    return {
      customerId: row.id,
      months: list.map((month) => {
        const f = frozenOf.get(month);
        const spend = f ? f.spendFen : (spendOf.get(month) ?? 0);
        const since = row.activeSince ?? row.createdAt;
        const tier = f ? (f.tier as Tier) : customerTier(row.status, spend, club.rules.tiers);
        return { month, spend: toYuan(spend), tier, frozen: Boolean(f), before: monthOf(since, club.rules.timezone) > month };
      }),
    };
  });
}

export async function customersByIds(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return tx.select().from(customers).where(inArray(customers.id, ids));
}
