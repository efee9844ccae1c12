import { complaints, customerMonthTotals, customers, customerTiers, withTenant } from "@clubhouse/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { raiseAlarm } from "../alarms/service.ts";
import { alarmNotices, enqueueNotifications } from "../notify/index.ts";
import { COMPLAINT_SLA_HOURS, complaintOverdueSql } from "../regulation/complaint-sla.ts";
import { TIERED_STATUSES, tierFor } from "../regulation/tiers.ts";
import { readClubRules } from "../settings/service.ts";
import { endedMonthOf } from "../time/club-time.ts";
import { type ClubJob, claimJobRun, SETTLED } from "../writes/job-run.ts";

/** 受理客户投诉: a complaint open for more than 48 hours raises one alarm (regulation/complaint-sla.ts). */
export const complaintAlarms: ClubJob = {
  name: "complaint-alarms",
  async run(ctx) {
    const now = ctx.deps.clock.now();
    await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
      const late = await tx
        .select({ c: complaints, name: customers.name, ownerId: customers.ownerId })
        .from(complaints)
        .innerJoin(customers, eq(customers.id, complaints.customerId))
        .where(and(eq(complaints.status, "open"), complaintOverdueSql(complaints.openedAt, now)));
      for (const r of late) {
        const raised = await raiseAlarm(tx, ctx.tenantId, {
          key: `complaint:${r.c.id}`,
          kind: "complaint",
          repId: r.ownerId,
          subjectId: r.c.customerId,
          message: `Complaint from ${r.name} open for more than ${COMPLAINT_SLA_HOURS} hours: ${r.c.summary.slice(0, 120)}`,
          // the web app words it in the reader's language from these (the message is the English fallback)
          data: {
            complaintId: r.c.id,
            openedAt: r.c.openedAt.toISOString(),
            channel: r.c.channel,
            customerName: r.name,
            summary: r.c.summary.slice(0, 120),
          },
          at: now,
        });
        await enqueueNotifications(tx, ctx.tenantId, alarmNotices(raised));
      }
    });
  },
};

/**
 * Tier history (docs/regulation.md, 第五条 三.3): once a club month is over, every active or churned
 * customer's tier for it is frozen with the thresholds in force, once.
 */
export const freezeTiers: ClubJob = {
  name: "freeze-tiers",
  period: (now, club) => endedMonthOf(now, club.timezone),
  async run(ctx, club) {
    const now = ctx.deps.clock.now();
    const month = endedMonthOf(now, club.timezone);
    // frozen here or already (claimed): settled either way once the transaction commits
    await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
      if (!(await claimJobRun(tx, ctx.tenantId, "freeze-tiers", month, now))) return;
      const rules = await readClubRules(tx);
      const rows = await tx
        .select({
          id: customers.id,
          spend: sql<string>`coalesce((select sum(t.amount_fen) from ${customerMonthTotals} t where t.tenant_id = ${customers.tenantId} and t.customer_id = ${customers.id} and t.month = ${month}), 0)::bigint`,
        })
        .from(customers)
        .where(inArray(customers.status, [...TIERED_STATUSES]));
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000).map((r) => ({
          tenantId: ctx.tenantId,
          customerId: r.id,
          month,
          tier: tierFor(Number(r.spend), rules.tiers),
          spendFen: Number(r.spend),
          tierAFen: rules.tiers.A,
          tierBFen: rules.tiers.B,
        }));
        if (chunk.length) await tx.insert(customerTiers).values(chunk).onConflictDoNothing();
      }
    });
    return SETTLED;
  },
};

export const customerJobs: ClubJob[] = [complaintAlarms, freezeTiers];
