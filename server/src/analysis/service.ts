import { customerMonthTotals, customers, rowsOf, withTenantRead } from "@clubhouse/db";
import { and, eq, sql } from "drizzle-orm";
import { isManager } from "../access/actor.ts";
import { loadCustomer } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { Forbidden } from "../errors.ts";
import { toYuan } from "../money.ts";
import {
  businessMix,
  type ShareRow,
  shareAnalysis,
  type Tier,
  type TierAnalysis,
  type TierRow,
  tierAnalysis,
} from "../regulation/tiers.ts";
import { clubNow } from "../settings/club-now.ts";
import { monthRange } from "../time/club-time.ts";
import { paretoOf, type TierCutoff } from "./pareto.ts";
import { nameMatches, nameOrder, numberOrder, type Order, type PageRequest, pageOf, rankOrder, sortedBy } from "./table.ts";

/**
 * The customers in a month's analysis: every customer with spend that month, and
 * every currently active customer that was already active by the month's end (a
 * zero-spend active customer is a C customer, not absent).
 */
async function monthSpends(ctx: ServiceContext, month: string, opts: { kind?: "group" | "individual" } = {}) {
  return withTenantRead(ctx.deps.database, ctx.tenantId, async (tx) => {
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

/**
 * A month's tier analysis as computed once and cached (routes.ts): the rule's ranking
 * with each row's 1-based rank, from which the contracted answer (docs/errors.md), the Pareto
 * buckets and every page of the table are cut.
 */
export interface TiersModel {
  month: string;
  thresholdsFen: { A: number; B: number };
  analysis: TierAnalysis;
  rows: (TierRow & { rank: number })[];
}

export async function tiersModel(ctx: ServiceContext, month: string): Promise<TiersModel> {
  requireManager(ctx);
  const { club, rows } = await monthSpends(ctx, month);
  const analysis = tierAnalysis(rows, club.rules.tiers);
  return {
    month,
    thresholdsFen: { A: club.rules.tiers.A, B: club.rules.tiers.B },
    analysis,
    rows: analysis.customers.map((c, i) => ({ ...c, rank: i + 1 })),
  };
}

const tierTotal = (t: { count: number; spendFen: number; share: number }) => ({
  count: t.count,
  spend: toYuan(t.spendFen),
  share: t.share,
});
const tierTotals = (m: TiersModel) => ({
  A: tierTotal(m.analysis.totals.A),
  B: tierTotal(m.analysis.totals.B),
  C: tierTotal(m.analysis.totals.C),
});
const tierCustomer = (c: TierRow) => ({
  customerId: c.customerId,
  name: c.name,
  spend: toYuan(c.spendFen),
  share: c.share,
  cumulativeShare: c.cumulativeShare,
  tier: c.tier,
});

/** GET /analysis/tiers (docs/errors.md): ABC / Pareto for a month, shares 0–1, every customer. */
export function tiersAnswer(m: TiersModel) {
  return {
    month: m.month,
    thresholds: { A: toYuan(m.thresholdsFen.A), B: toYuan(m.thresholdsFen.B) },
    total: toYuan(m.analysis.totalFen),
    customers: m.analysis.customers.map(tierCustomer),
    totals: tierTotals(m),
  };
}

/** For tests and tools that want the whole answer without the route's cache. */
export async function tiersAnalysis(ctx: ServiceContext, month: string) {
  return tiersAnswer(await tiersModel(ctx, month));
}

// The ranking runs from the highest spend down: sorting by spend or share "descending" is
// the ranking read forwards, "ascending" the ranking read backwards.
const byAmount = (sort: string) => sort === "spend" || sort === "share";
const flip = (dir: "asc" | "desc") => (dir === "asc" ? "desc" : "asc");

export const TIER_SORTS = ["rank", "spend", "share", "tier", "name"] as const;
export interface TierPageQuery extends PageRequest {
  sort: (typeof TIER_SORTS)[number];
  tier?: Tier | undefined;
  q?: string | undefined;
}

/**
 * The same answer with `customers` one page of the table, sorted and filtered on the
 * server, each row with its rank; `page` says where it is and how many match.
 */
export function tiersPage(m: TiersModel, q: TierPageQuery) {
  type Row = TiersModel["rows"][number];
  // spend, share and tier all order the rows exactly as the tier ranking does
  const order: Order<Row> = q.sort === "name" ? nameOrder<Row>() : rankOrder<Row>();
  const dir = byAmount(q.sort) ? flip(q.dir) : q.dir;
  // the model's rows are the tier ranking itself
  const sorted = sortedBy(m.rows, q.sort === "name" ? "name" : "rank", order, dir, q.sort !== "name");
  const match = nameMatches(q.q);
  const filtered = q.tier || q.q ? sorted.filter((r) => (!q.tier || r.tier === q.tier) && match(r.name)) : sorted;
  const p = pageOf(filtered, order, { ...q, dir });
  return {
    month: m.month,
    thresholds: { A: toYuan(m.thresholdsFen.A), B: toYuan(m.thresholdsFen.B) },
    total: toYuan(m.analysis.totalFen),
    customers: p.items.map((c) => ({ ...tierCustomer(c), rank: c.rank })),
    totals: tierTotals(m),
    count: m.rows.length,
    page: { total: p.total, limit: p.limit, page: p.page, pages: p.pages, nextCursor: p.nextCursor },
  };
}

/** The Pareto curve at any size: 1% buckets of customers by rank and the exact A/B cut-offs. */
export function tiersPareto(m: TiersModel) {
  const p = paretoOf(m.analysis);
  const cutoff = (c: TierCutoff, thresholdFen: number) => ({
    lastRank: c.lastRank,
    count: c.count,
    threshold: toYuan(thresholdFen),
    lastSpend: c.lastSpendFen === null ? null : toYuan(c.lastSpendFen),
    cumulativeShare: c.cumulativeShare,
    percentile: c.percentile,
  });
  return {
    month: m.month,
    thresholds: { A: toYuan(m.thresholdsFen.A), B: toYuan(m.thresholdsFen.B) },
    total: toYuan(p.totalFen),
    customers: p.customers,
    totals: tierTotals(m),
    cutoffs: { A: cutoff(p.cutoffs.A, m.thresholdsFen.A), B: cutoff(p.cutoffs.B, m.thresholdsFen.B) },
    buckets: p.buckets.map((b) => ({
      percentile: b.percentile,
      fromRank: b.fromRank,
      toRank: b.toRank,
      count: b.count,
      spend: toYuan(b.spendFen),
      share: b.share,
      cumulativeShare: b.cumulativeShare,
      tiers: b.tiers,
    })),
  };
}

/** A month's share analysis as computed once and cached: group clients in tier-rank order. */
export interface ShareModel {
  month: string;
  clubTotalFen: number;
  rows: (ShareRow & { rank: number })[];
}

/** 第五条 三.3①: each group client's share of the club's total, against its expected monthly spend. */
export async function shareModel(ctx: ServiceContext, month: string): Promise<ShareModel> {
  requireManager(ctx);
  const all = await monthSpends(ctx, month);
  const clubTotal = all.rows.reduce((s, r) => s + Math.max(0, r.spendFen), 0);
  const groups = all.rows.filter((r) => r.kind === "group");
  const rows = shareAnalysis(
    groups.map((g) => ({ customerId: g.customerId, name: g.name, spendFen: g.spendFen, expectedMonthlyFen: g.expected })),
    clubTotal,
  );
  return { month, clubTotalFen: clubTotal, rows: rows.map((r, i) => ({ ...r, rank: i + 1 })) };
}

const shareCustomer = (r: ShareRow) => ({
  customerId: r.customerId,
  name: r.name,
  spend: toYuan(r.spendFen),
  share: r.share,
  expectedMonthlySpend: r.expectedMonthlyFen === null ? null : toYuan(r.expectedMonthlyFen),
  belowExpected: r.belowExpected,
  gap: toYuan(r.gapFen),
});

export function shareAnswer(m: ShareModel) {
  return {
    month: m.month,
    clubTotal: toYuan(m.clubTotalFen),
    customers: m.rows.map(shareCustomer),
    belowExpected: m.rows.filter((r) => r.belowExpected).length,
  };
}

export async function shareOfTotal(ctx: ServiceContext, month: string) {
  return shareAnswer(await shareModel(ctx, month));
}

export const SHARE_SORTS = ["rank", "spend", "share", "name", "expected", "gap"] as const;
export interface SharePageQuery extends PageRequest {
  sort: (typeof SHARE_SORTS)[number];
  below?: boolean | undefined;
  q?: string | undefined;
}

export function sharePage(m: ShareModel, q: SharePageQuery) {
  type Row = ShareModel["rows"][number];
  const order: Order<Row> =
    q.sort === "name"
      ? nameOrder<Row>()
      : q.sort === "gap"
        ? numberOrder<Row>((r) => r.gapFen)
        : q.sort === "expected"
          ? // no expectation sorts below every expectation
            numberOrder<Row>((r) => r.expectedMonthlyFen ?? -1)
          : rankOrder<Row>();
  const id = byAmount(q.sort) ? "rank" : q.sort;
  const dir = byAmount(q.sort) ? flip(q.dir) : q.dir;
  // the model's rows are in tier-rank order (shareAnalysis ranks as the tier rule does)
  const sorted = sortedBy(m.rows, id, order, dir, id === "rank");
  const match = nameMatches(q.q);
  const filtered =
    q.below !== undefined || q.q ? sorted.filter((r) => (q.below === undefined || !!r.belowExpected === q.below) && match(r.name)) : sorted;
  const p = pageOf(filtered, order, { ...q, dir });
  return {
    month: m.month,
    clubTotal: toYuan(m.clubTotalFen),
    customers: p.items.map((r) => ({ ...shareCustomer(r), rank: r.rank })),
    belowExpected: m.rows.filter((r) => r.belowExpected).length,
    count: m.rows.length,
    page: { total: p.total, limit: p.limit, page: p.page, pages: p.pages, nextCursor: p.nextCursor },
  };
}

/** 第五条 三.3②: spend per business line for one customer or the club, and the lines not used yet. */
export async function mixAnalysis(ctx: ServiceContext, month: string, customerId?: string) {
  if (!customerId) requireManager(ctx);
  return withTenantRead(ctx.deps.database, ctx.tenantId, async (tx) => {
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
