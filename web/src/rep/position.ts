/**
 * The phone's position for a verified visit (第六条: 如实反映…不得弄虚作假; docs/regulation.md).
 * Read once, when an in-person contact is logged, and never at any other time: no
 * watch, no background reading. The answer travels with the contact (the outbox keeps
 * it while offline); the server decides on site / away against the customer's pin.
 */

import { MAX_ACCURACY_M } from "../../../server/src/regulation/visit-check.ts";
import type { PositionError, PositionResult } from "../offline/contact-body.ts";

/** The server takes an accuracy up to 5 km; a coarser fix (a network guess) is no usable position. */
export { MAX_ACCURACY_M };

const OPTIONS: PositionOptions = { enableHighAccuracy: true, timeout: 8_000, maximumAge: 60_000 };

/** A reading from the browser as the contact carries it, or why there is none. */
export function fromReading(p: { coords: { latitude: number; longitude: number; accuracy: number }; timestamp: number }): PositionResult {
  const { latitude: lat, longitude: lng, accuracy } = p.coords;
  if (![lat, lng, accuracy].every(Number.isFinite) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return { positionError: "unavailable" };
  if (accuracy > MAX_ACCURACY_M) return { positionError: "unavailable" };
  const at = Number.isFinite(p.timestamp) && p.timestamp > 0 ? p.timestamp : Date.now();
  return { position: { lat, lng, accuracy: Math.max(1, accuracy), takenAt: new Date(at).toISOString() } };
}

/** The browser's error code (1 denied, 2 unavailable, 3 timeout) in the contract's words. */
export function fromError(code: number): PositionError {
  return code === 1 ? "denied" : code === 3 ? "timeout" : "unavailable";
}

/**
 * Ask the browser once. The browser's own timeout starts only after the rep has
 * answered its permission question, so a question left open is cut off here too
 * (after a minute; a few seconds more than the reading's timeout otherwise).
 */
export async function takePosition(geo: Geolocation | undefined = globalThis.navigator?.geolocation): Promise<PositionResult> {
  if (!geo) return { positionError: "unavailable" };
  let asking = false;
  try {
    asking = (await navigator.permissions?.query({ name: "geolocation" }))?.state === "prompt";
  } catch {}
  return new Promise((resolve) => {
    const guard = setTimeout(() => resolve({ positionError: "timeout" }), asking ? 60_000 : OPTIONS.timeout! + 4_000);
    const done = (r: PositionResult) => {
      clearTimeout(guard);
      resolve(r);
    };
    try {
      geo.getCurrentPosition(
        (p) => done(fromReading(p)),
        (e) => done({ positionError: fromError(e.code) }),
        OPTIONS,
      );
    } catch {
      done({ positionError: "unavailable" });
    }
  });
}

/** Whether this user has read what the phone does with the position (shown until then). */
const NOTE_KEY = "clubhouse.positionNote.v1";
export function positionNoteSeen(userId: string): boolean {
  try {
    return (JSON.parse(localStorage.getItem(NOTE_KEY) ?? "[]") as string[]).includes(userId);
  } catch {
    return false;
  }
}
export function markPositionNoteSeen(userId: string) {
  try {
    const seen = JSON.parse(localStorage.getItem(NOTE_KEY) ?? "[]") as unknown;
    const list = Array.isArray(seen) ? (seen as string[]) : [];
    if (!list.includes(userId)) localStorage.setItem(NOTE_KEY, JSON.stringify([...list, userId]));
  } catch {}
}

/** 35 m, 2.1 km (one decimal from a kilometre up), in the reader's unit words. */
export function distanceText(m: number, words: { m: string; km: string }): string {
  if (m < 1_000) return `${Math.round(m)} ${words.m}`;
  const km = m / 1_000;
  return `${km >= 100 ? Math.round(km) : km.toFixed(1)} ${words.km}`;
}
