/**
 * Verified visits as the manager's screens read them: the month's or day's `checks`
 * (boards, quota rows, diaries, month close), each in-person contact's `check`, and a
 * customer's `pin`. Read from the answers as they come, so a screen whose source does
 * not carry them yet shows nothing rather than failing.
 */
import { lang, t } from "../i18n/index.ts";

export type CheckState = "on_site" | "off_site" | "no_position" | "no_pin";

/** How a rep's (or the club's) in-person contacts of a period were checked; offSite/noPosition/noPin are the ones not accepted. */
export interface Checks {
  inPerson: number;
  onSite: number;
  accepted: number;
  offSite: number;
  noPosition: number;
  noPin: number;
}

export interface Acceptance {
  by: string;
  byName: string;
  at: string;
  reason: string;
}

/** One contact's check: null for a call or a letter. */
export interface ContactCheck {
  state: CheckState;
  distanceM: number | null;
  accepted: Acceptance | null;
}

export interface Pin {
  lat: number;
  lng: number;
  source: "visit" | "manager";
  by: string;
  byName: string | null;
  at: string;
}

const KEYS = ["inPerson", "onSite", "accepted", "offSite", "noPosition", "noPin"] as const;

/** The `checks` of an answer's row, when it has them. */
export function checksOf(row: unknown): Checks | null {
  const c = (row as { checks?: unknown } | null | undefined)?.checks as Record<string, unknown> | null | undefined;
  if (!c || typeof c !== "object") return null;
  if (!KEYS.every((k) => typeof c[k] === "number")) return null;
  return c as unknown as Checks;
}

/** The `check` of a contact, when it has one (null for a call or a letter). */
export function checkOf(contact: unknown): ContactCheck | null {
  const c = (contact as { check?: unknown } | null | undefined)?.check as ContactCheck | null | undefined;
  return c && typeof c === "object" && typeof c.state === "string" ? c : null;
}

/** The `pin` of a customer, when it has one. */
export function pinOf(customer: unknown): Pin | null {
  const p = (customer as { pin?: unknown } | null | undefined)?.pin as Pin | null | undefined;
  return p && typeof p === "object" && typeof p.lat === "number" && typeof p.lng === "number" ? p : null;
}

/** Verified share = (on site + accepted) / in person; null with no in-person contact (the server's own rule). */
export { verifiedShare } from "../../../server/src/regulation/visit-check.ts";

/** The contacts that are neither on site nor accepted. */
export const unverified = (c: Checks) => c.offSite + c.noPosition + c.noPin;

/** A check that a manager may still accept: away, no position or no pin, not accepted yet. */
export const acceptable = (c: ContactCheck | null, voided: boolean) => !!c && !voided && c.state !== "on_site" && !c.accepted;

/** 120 米 / 2.1 公里 (120 m / 2.1 km). */
export function distanceText(m: number): string {
  if (m < 1000) return t("checks.meters", { n: Math.round(m).toLocaleString(lang()) });
  const km = m / 1000;
  return t("checks.km", { n: km.toLocaleString(lang(), { maximumFractionDigits: km < 10 ? 1 : 0 }) });
}

/** The check in words: 不在客户附近 · 2.1 公里. */
export function checkText(c: ContactCheck): string {
  const state = t(`checks.state.${c.state}`);
  return c.distanceM !== null && c.state !== "no_position" && c.state !== "no_pin" ? `${state} · ${distanceText(c.distanceM)}` : state;
}

/** The breakdown as one sentence (a tooltip, a screen reader's label). */
export function breakdownText(c: Checks): string {
  return t("checks.breakdown", { ...c });
}

/** Adds checks up (a team's rows, a day's reps). */
export function sumChecks(list: (Checks | null)[]): Checks | null {
  const present = list.filter((c): c is Checks => c !== null);
  if (!present.length) return null;
  const out: Checks = { inPerson: 0, onSite: 0, accepted: 0, offSite: 0, noPosition: 0, noPin: 0 };
  for (const c of present) for (const k of KEYS) out[k] += c[k];
  return out;
}

/** Two checks objects alike (a board row re-renders only when its figures changed). */
export function sameChecks(a: Checks | null, b: Checks | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return KEYS.every((k) => a[k] === b[k]);
}
