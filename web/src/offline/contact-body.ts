/**
 * What a queued contact sends (POST /contacts), and how a refusal that is only about
 * its position is mended so the visit itself is never lost (verified visits,
 * docs/regulation.md 第六条): the position taken at logging travels in the queue.
 */
import type { ApiError, Contact } from "../api.ts";
import type { Channel, Outcome } from "../types.ts";

export type PositionError = "denied" | "unavailable" | "timeout";
export interface Position {
  lat: number;
  lng: number;
  /** metres, as the phone reported it */
  accuracy: number;
  takenAt: string;
}
export type PositionResult = { position: Position } | { positionError: PositionError };

/** The fields of a verified visit a queued contact carries (visit and demo only). */
export interface VisitFields {
  position?: Position;
  positionError?: PositionError;
  /** "I am at this customer now": pin the customer here (it had no pin) */
  pinHere?: true;
  /** the phone is still reading its position: not sent until it has an answer */
  locating?: true;
  /** the rep asked to pin, but the customer had been pinned meanwhile: checked against that pin */
  pinDropped?: true;
  /** the Idempotency-Key of a request sent again after its position was refused (the first one's key is spent) */
  sendKey?: string;
}

/** What the phone keeps of a sent visit: the server's verification, and whether it pinned the customer. */
export interface SentVisit {
  check?: Contact["check"];
  pinned?: true;
  pinDropped?: true;
}
export function sentVisit(c: VisitFields, check: Contact["check"] | undefined): SentVisit {
  return { ...(check ? { check } : {}), ...(c.pinHere ? { pinned: true } : {}), ...(c.pinDropped ? { pinDropped: true } : {}) };
}

export interface ContactFields extends VisitFields {
  customerId: string;
  channel: Channel;
  outcome: Outcome;
  occurredAt: string;
  notes?: string;
  promotionId?: string;
}

/** The JSON body of POST /contacts for a queued contact. */
export function contactBody(c: ContactFields) {
  return {
    customerId: c.customerId,
    channel: c.channel,
    outcome: c.outcome,
    occurredAt: c.occurredAt,
    ...(c.notes ? { notes: c.notes } : {}),
    ...(c.promotionId ? { promotionId: c.promotionId } : {}),
    ...(c.position ? { position: c.position } : {}),
    ...(c.positionError && !c.position ? { positionError: c.positionError } : {}),
    ...(c.pinHere && c.position ? { pinHere: true as const } : {}),
  };
}

/**
 * A refusal about the position alone, mended: the customer was pinned while this
 * contact waited (422 already_pinned) → sent again without pinHere, checked against
 * that pin; the server will not take the position as read (400 on position.*) → sent
 * again as a visit without a usable position. Undefined when the refusal is about
 * something else (the contact stays refused, with the server's reason).
 */
export function mendRefused<C extends ContactFields>(c: C, err: ApiError): C | undefined {
  const paths = Object.keys({ ...err.fields, ...err.fieldCodes });
  if (c.pinHere && err.fieldCodes.pinHere?.code === "already_pinned") {
    const { pinHere: _, ...rest } = c;
    return { ...rest, pinDropped: true } as C;
  }
  if (c.position && paths.length > 0 && paths.every((p) => p === "position" || p.startsWith("position.") || p === "pinHere")) {
    const { position: _, pinHere: __, ...rest } = c;
    return { ...rest, positionError: "unavailable" } as C;
  }
  return undefined;
}
