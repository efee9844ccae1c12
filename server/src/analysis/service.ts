import { customerMonthTotals, customers, rowsOf, withTenant } from "@clubhouse/db";
import { and, eq, sql } from "drizzle-orm";
import { clubNow, isManager, loadCustomer } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { Forbidden } from "../http/errors.ts";
import { toYuan } from "../money.ts";
import { businessMix, shareAnalysis, tierAnalysis } from "../tiers/rules.ts";
import { monthRange } from "../time/club-time.ts";

/**
 * The customers in a month's analysis: every customer with spend that month, and
 * every currently active customer that was already active by the month's end (a
 * zero-spend active customer is a C customer, not absent).
 */
async function monthSpends(ctx: ServiceContext, month: string, opts: { kind?: "group" | "individual" } = {}) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const club = await clubNow(tx, ctx);
    const end = monthRange(month, club.rules.timezone).end.toISOString();
    // Sum the month per customer first (one index range), then join the customers:
    // cheaper than grouping the join of 50,000 customers with their totals. Raw rows
    // (no ORM mapping): a big club's month is tens of thousands of them.
    const rows = rowsOf<{
      id: string;
      name: string;
      kind: "group" | "individual";
      expected: string | number | null;
      spend: string | number;
    }>(
      await tx.execute(sql`
        with totals as (
          select customer_id, sum(amount_fen)::bigint as fen from ${customerMonthTotals}
          where month = ${month} group by customer_id
        )
        select c.id, c.name, c.kind, c.expected_monthly_spend_fen as expected, coalesce(t.fen, 0)::bigint as spend
        from ${customers} c left join totals t on t.customer_id = c.id
        where (coalesce(t.fen, 0) <> 0
          or (c.status = 'active' and coalesce(c.active_since, c.created_at) < ${end}::timestamptz))
          ${opts.kind ? sql`and c.kind = ${opts.kind}` : sql``}`),
    );
    return {
      club,
      rows: rows.map((r) => ({
        customerId: r.id,
        name: r.name,
        kind: r.kind,
        expected: r.expected === null ? null : Number(r.expected),
        spendFen: Number(r.spend),
      })),
    };
  });
}

function requireManager(ctx: ServiceContext) {
  if (!isManager(ctx.actor)) throw new Forbidden("Analysis is for managers.");
}

/** GET /analysis/tiers (SPEC §9): ABC / Pareto for a month, shares 0–1. */
export async function tiersAnalysis(ctx: ServiceContext, month: string) {
  requireManager(ctx);
  const { club, rows } = await monthSpends(ctx, month);
  const a = tierAnalysis(rows, club.rules.tiers);
  const total = (t: { count: number; spendFen: number; share: number }) => ({ count: t.count, spend: toYuan(t.spendFen), share: t.share });
  return {
    month,
    thresholds: { A: toYuan(club.rules.tiers.A), B: toYuan(club.rules.tiers.B) },
    total: toYuan(a.totalFen),
    customers: a.customers.map((c) => ({
      customerId: c.customerId,
      name: c.name,
      spend: toYuan(c.spendFen),
      share: c.share,
      cumulativeShare: c.cumulativeShare,
      tier: c.tier,
    })),
    totals: { A: total(a.totals.A), B: total(a.totals.B), C: total(a.totals.C) },
  };
}

/** 第五条 三.3①: each group client's share of the club's total, against its expected monthly spend. */
export async function shareOfTotal(ctx: ServiceContext, month: string) {
  requireManager(ctx);
  const all = await monthSpends(ctx, month);
  const clubTotal = all.rows.reduce((s, r) => s + Math.max(0, r.spendFen), 0);
  const groups = all.rows.filter((r) => r.kind === "group");
  const rows = shareAnalysis(
    groups.map((g) => ({ customerId: g.customerId, name: g.name, spendFen: g.spendFen, expectedMonthlyFen: g.expected })),
    clubTotal,
  );
  return {
    month,
    clubTotal: toYuan(clubTotal),
    customers: rows.map((r) => ({
      customerId: r.customerId,
      name: r.name,
      spend: toYuan(r.spendFen),
      share: r.share,
      expectedMonthlySpend: r.expectedMonthlyFen === null ? null : toYuan(r.expectedMonthlyFen),
      belowExpected: r.belowExpected,
      gap: toYuan(r.gapFen),
    })),
    belowExpected: rows.filter((r) => r.belowExpected).length,
  };
}

/** 第五条 三.3②: spend per business line for one customer or the club, and the lines not used yet. */
export async function mixAnalysis(ctx: ServiceContext, month: string, customerId?: string) {
  if (!customerId) requireManager(ctx);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const club = await clubNow(tx, ctx);
    if (customerId) await loadCustomer(tx, ctx, customerId);
    const rows = await tx
      .select({ line: customerMonthTotals.businessLine, fen: sql<string>`sum(${customerMonthTotals.amountFen})::bigint` })
      .from(customerMonthTotals)
      .where(and(eq(customerMonthTotals.month, month), customerId ? eq(customerMonthTotals.customerId, customerId) : undefined))
      .groupBy(customerMonthTotals.businessLine);
    const mix = businessMix(
      rows.map((r) => ({ line: r.line, spendFen: Number(r.fen) })),
      club.rules.businessLines,
    );
    return {
      month,
      customerId: customerId ?? null,
      total: toYuan(mix.totalFen),
      lines: mix.lines.map((l) => ({ line: l.line, spend: toYuan(l.spendFen), share: l.share })),
      unused: mix.unused,
    };
  });
}
