import type { contacts, contactVoids } from "@clubhouse/db";

export type ContactRow = typeof contacts.$inferSelect;
export type VoidRow = typeof contactVoids.$inferSelect;

/** A phone's clock may run a little ahead of ours; a contact further in the future is refused. */
export const FUTURE_SKEW_MS = 5 * 60_000;

export function presentContact(c: ContactRow, v?: VoidRow | null) {
  return {
    id: c.id,
    target: c.target,
    repId: c.repId,
    customerId: c.customerId,
    channel: c.channel,
    outcome: c.outcome,
    notes: c.notes,
    occurredAt: c.occurredAt.toISOString(),
    day: c.day,
    month: c.month,
    inPerson: c.inPerson,
    promotionId: c.promotionId,
    voided: Boolean(v),
    createdAt: c.createdAt.toISOString(),
    ...(v ? { voidReason: v.reason, voidedBy: v.voidedBy, voidedAt: v.voidedAt.toISOString() } : {}),
  };
}
export type ContactView = ReturnType<typeof presentContact>;
