import type { contactAcceptances, contactPositions, contacts, contactVoids } from "@clubhouse/db";

export type ContactRow = typeof contacts.$inferSelect;
export type VoidRow = typeof contactVoids.$inferSelect;
export type PositionRow = typeof contactPositions.$inferSelect;
export type AcceptanceRow = typeof contactAcceptances.$inferSelect;

/** A phone's clock may run a little ahead of ours; a contact further in the future is refused. */
export const FUTURE_SKEW_MS = 5 * 60_000;

/** What a contact answer adds to the contact row: its acceptance (with the manager's name) and its position, if the caller may see it. */
export interface ContactExtras {
  accepted?: (AcceptanceRow & { byName: string | null }) | null;
  /** only for the contact's own rep and managers (docs/verified-visits.md); null otherwise or after retention */
  position?: PositionRow | null;
}

export function presentContact(c: ContactRow, v?: VoidRow | null, extras: ContactExtras = {}) {
  const a = extras.accepted;
  const p = extras.position;
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
    /** the check against the customer's pin, fixed at logging; null for phone and letter (and before checks existed) */
    check: c.visitCheck
      ? {
          state: c.visitCheck,
          distanceM: c.distanceM,
          accepted: a ? { by: a.acceptedBy, byName: a.byName ?? "", at: a.acceptedAt.toISOString(), reason: a.reason } : null,
        }
      : null,
    position: p ? { lat: p.lat, lng: p.lng, accuracy: p.accuracyM, takenAt: p.takenAt?.toISOString() ?? null } : null,
  };
}
export type ContactView = ReturnType<typeof presentContact>;
