import { customerMonthTotals, customers, repDayContacts, users, withTenant } from "@clubhouse/db";
import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { repCondition, requestedRep } from "../access/scope.ts";
import type { ServiceContext } from "../deps.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { cadenceDueSql, cadenceStatus } from "../regulation/cadence.ts";
import { type Ratio, ratio } from "../regulation/ratio.ts";
import { tierSql } from "../regulation/tiers.ts";
import { clubNow } from "../settings/club-now.ts";
import { readClubRules } from "../settings/service.ts";
import { monthOf } from "../time/club-time.ts";
import type { RatioQuery } from "./schemas.ts";

// ── the 1:3 ratio ────────────────────────────────────────────────────────────

/**
 * 第四条 2② (docs/regulation.md): E and N are the rep's in-person contacts classed existing and
 * prospect in the period (a club month by default, or club days from–to), read
 * from the maintained day counters (voids already taken off).
 */
export async function repRatio(ctx: ServiceContext, repId: string, q: RatioQuery): Promise<Ratio> {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rep = await requestedRep(tx, ctx, repId);
    const rules = await readClubRules(tx);
    const period =
      q.from && q.to
        ? and(gte(repDayContacts.day, q.from), lte(repDayContacts.day, q.to))
        : eq(repDayContacts.month, q.month ?? monthOf(ctx.deps.clock.now(), rules.timezone));
    const [sum] = await tx
      .select({
        e: sql<string>`coalesce(sum(${repDayContacts.existingInPerson}), 0)::int`,
        n: sql<string>`coalesce(sum(${repDayContacts.prospectInPerson}), 0)::int`,
      })
      .from(repDayContacts)
      .where(and(eq(repDayContacts.repId, rep.id), period));
    return ratio(Number(sum?.e ?? 0), Number(sum?.n ?? 0));
  });
}

// ── cadence ──────────────────────────────────────────────────────────────────

/**
 * Cadence (docs/regulation.md, 第四条 2①): active customers whose last in-person contact (or, without one,
 * becoming active) is more than ⌊365 / required⌋ days ago, required by the current
 * tier (the last complete club month's spend). Most overdue first. The SQL filters
 * and orders by the same due instant that `cadenceStatus` computes (club calendar
 * days: regulation/cadence.ts's `cadenceDueSql`).
 */
export async function overdueCustomers(ctx: ServiceContext, q: { repId?: string | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const byOwner = await repCondition(tx, ctx, q.repId, customers.ownerId);
    const club = await clubNow(tx, ctx);
    const { tiers, cadence } = club.rules;
    const spend = sql`(select coalesce(sum(t.amount_fen), 0) from ${customerMonthTotals} t
      where t.tenant_id = ${customers.tenantId} and t.customer_id = ${customers.id} and t.month = ${club.tierMonth})`;
    const tier = tierSql(spend, tiers);
    const since = sql`coalesce(${customers.lastInPersonAt}, ${customers.activeSince}, ${customers.createdAt})`;
    const dueAt = cadenceDueSql(since, tier, cadence, club.rules.timezone);
    const rows = await tx
      .select({ c: customers, tier, ownerName: users.name })
      .from(customers)
      .innerJoin(users, eq(users.id, customers.ownerId))
      .where(
        and(
          eq(customers.status, "active"),
          byOwner,
          sql`${dueAt} < ${club.now.toISOString()}::timestamptz`,
          after ? sql`(${dueAt}, ${customers.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(dueAt), asc(customers.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => {
        const s = cadenceStatus({
          lastInPersonAt: r.c.lastInPersonAt,
          activeSince: r.c.activeSince ?? r.c.createdAt,
          now: club.now,
          tier: r.tier,
          settings: cadence,
          tz: club.rules.timezone,
        });
        return {
          customerId: r.c.id,
          name: r.c.name,
          ownerId: r.c.ownerId,
          ownerName: r.ownerName,
          tier: r.tier,
          required: s.required,
          intervalDays: s.intervalDays,
          lastInPersonAt: r.c.lastInPersonAt?.toISOString() ?? null,
          activeSince: (r.c.activeSince ?? r.c.createdAt).toISOString(),
          dueAt: s.dueAt!.toISOString(),
          daysOverdue: s.daysOverdue!,
        };
      },
      (i) => [i.dueAt, i.customerId],
    );
  });
}
