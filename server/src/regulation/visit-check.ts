/**
 * Verified visits (docs/verified-visits.md; 第六条: 如实反映…严格统计数字、不得弄虚作假).
 * An in-person contact is checked once, at logging, against its customer's pin: the
 * position the phone reported then, allowing for its accuracy, but never for more than
 * the club's radius itself.
 */

export type VisitCheckState = "on_site" | "off_site" | "no_position" | "no_pin";

export interface LatLng {
  lat: number;
  lng: number;
}

export interface ReportedPosition extends LatLng {
  /** metres, as the phone reported it */
  accuracy: number;
  /** when the phone took it; absent: taken at logging */
  takenAt?: Date | null;
}

/** The club's default radius: within this many metres of the pin a visit is on site. */
export const DEFAULT_VISIT_RADIUS_M = 300;
export const VISIT_RADIUS_RANGE = { min: 50, max: 5000 } as const;
/** Days a contact's position is kept (PIPL) before the retention job deletes it. */
export const DEFAULT_POSITION_RETENTION_DAYS = 90;
export const POSITION_RETENTION_RANGE = { min: 1, max: 3650 } as const;
/** The largest accuracy a phone may report and still be heard (metres). */
export const MAX_ACCURACY_M = 5000;
/** A position taken further than this from the contact's instant is no position of that contact. */
export const POSITION_MAX_AGE_MS = 15 * 60_000;

/** The mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine), rounded to whole metres. */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h))));
}

export interface VisitCheckInput {
  inPerson: boolean;
  position?: ReportedPosition | null;
  pin?: LatLng | null;
  radiusM: number;
  occurredAt: Date;
}

export interface VisitCheck {
  state: VisitCheckState;
  /** metres from the pin; null without a position or a pin */
  distanceM: number | null;
}

/** A position that says where the contact happened: one taken within 15 minutes of it (either side). */
export function positionUsable(position: ReportedPosition | null | undefined, occurredAt: Date): position is ReportedPosition {
  if (!position) return false;
  if (!position.takenAt) return true;
  return Math.abs(position.takenAt.getTime() - occurredAt.getTime()) <= POSITION_MAX_AGE_MS;
}

/**
 * The check of one contact: null when not in person; `no_position` without a usable
 * position; `no_pin` when the customer has none; else `on_site` within
 * radius + min(accuracy, radius) of the pin, `off_site` beyond.
 */
export function visitCheck(input: VisitCheckInput): VisitCheck | null {
  if (!input.inPerson) return null;
  if (!positionUsable(input.position, input.occurredAt)) return { state: "no_position", distanceM: null };
  if (!input.pin) return { state: "no_pin", distanceM: null };
  const d = distanceMeters(input.position, input.pin);
  const allowed = input.radiusM + Math.min(input.position.accuracy, input.radiusM);
  return { state: d <= allowed ? "on_site" : "off_site", distanceM: d };
}

/** Checked states a manager may accept: everything but on_site. */
export function acceptable(state: VisitCheckState): boolean {
  return state !== "on_site";
}

/** Verified share = (onSite + accepted) / inPerson; null when there was no in-person contact. */
export function verifiedShare(c: { inPerson: number; onSite: number; accepted: number }): number | null {
  return c.inPerson === 0 ? null : (c.onSite + c.accepted) / c.inPerson;
}
