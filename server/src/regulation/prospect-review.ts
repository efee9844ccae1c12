import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { type ContactChannel, type CustomerStatus, isInPerson } from "./contacts.ts";

/** The prospect review (docs/regulation.md, 第四条 2②). Pure: the service loads contacts and decisions. */

// 第四条 2②: a prospect visited three times without support goes to the manager.
export const PROSPECT_REVIEW_THRESHOLD = 3;

export function needsReview(inPersonContactsSinceStart: number, status: CustomerStatus): boolean {
  return status === "prospect" && inPersonContactsSinceStart >= PROSPECT_REVIEW_THRESHOLD;
}

/** `needsReview` in SQL: `count` is the query's count of the contacts `inPersonContactsSince` counts. */
export function needsReviewSql(status: SQLWrapper, count: SQLWrapper): SQL<boolean> {
  return sql<boolean>`(${status} = 'prospect' and ${count} >= ${PROSPECT_REVIEW_THRESHOLD})`;
}

export interface TimedContact {
  channel: ContactChannel;
  occurredAt: Date;
  voided: boolean;
}

export interface ReviewWindow {
  /** when the customer last became a prospect */
  becameProspectAt: Date;
  /** the manager's last `continue` or `reassign` decision, if any */
  lastReviewedAt: Date | null;
}

/**
 * In-person contacts that count toward the next review. A contact counts from the
 * instant the customer became a prospect (inclusive); a review decision starts the
 * count again, and a contact at the very instant of the decision belongs to the
 * reviewed batch (the manager saw it). The caller may pass the time a contact
 * reached the server instead of `occurredAt` so an offline replay logged before a
 * review but received after it counts toward the next one.
 */
export function inPersonContactsSince(contacts: readonly TimedContact[], window: ReviewWindow): number {
  const from = window.becameProspectAt.getTime();
  const after = window.lastReviewedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return contacts.filter((c) => {
    const t = c.occurredAt.getTime();
    return !c.voided && isInPerson(c.channel) && t >= from && t > after;
  }).length;
}

export function prospectNeedsReview(status: CustomerStatus, contacts: readonly TimedContact[], window: ReviewWindow): boolean {
  return needsReview(inPersonContactsSince(contacts, window), status);
}
