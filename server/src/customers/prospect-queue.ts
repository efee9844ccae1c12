import { contacts, contactVoids, customers, prospectReviews } from "@clubhouse/db";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { needsReviewSql } from "../regulation/prospect-review.ts";

/**
 * The prospect review (docs/regulation.md, 第四条 2②: 若访问一潜在客户已有3次…部门经理须对该潜在
 * 客户进行审查). A contact counts toward the next review from when the server knew
 * of it — the later of `occurredAt` and its arrival — so an offline visit made
 * before a decision but synced after it counts toward the next batch instead of
 * vanishing from both. The count starts at `review_count_from` (becoming a
 * prospect, inclusive) and after the last decision (exclusive: a contact at that
 * very instant was in the batch the manager saw), as `inPersonContactsSince` says.
 */
export const knownAt = sql`greatest(${contacts.occurredAt}, ${contacts.createdAt})`;
const lastDecision = sql`(select max(r.decided_at) from ${prospectReviews} r where r.tenant_id = ${customers.tenantId} and r.customer_id = ${customers.id})`;
const counted: SQL = sql`${contacts.tenantId} = ${customers.tenantId} and ${contacts.customerId} = ${customers.id} and ${contacts.inPerson}
  and not exists (select 1 from ${contactVoids} v where v.tenant_id = ${contacts.tenantId} and v.contact_id = ${contacts.id})
  and ${knownAt} >= ${customers.reviewCountFrom}
  and ${knownAt} > coalesce(${lastDecision}, '-infinity'::timestamptz)`;
export const countExpr = sql<number>`(select count(*) from ${contacts} where ${counted})::int`;
export const lastContactExpr = sql`(select max(${contacts.occurredAt}) from ${contacts} where ${counted})`;

/** "This customer waits in the review queue", by the queue's own rule: for other reads of customers (a handover's counts). */
export function waitsForReview(): SQL {
  return and(eq(customers.status, "prospect"), needsReviewSql(customers.status, countExpr)) as SQL;
}
