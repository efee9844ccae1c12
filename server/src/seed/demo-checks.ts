import type { VisitCheckState } from "../regulation/visit-check.ts";

/**
 * Verified visits in the demo club (docs/verified-visits.md): every customer has a
 * location set by the manager when the demo begins, and an in-person contact's
 * check is drawn from its place in the plan, so the same plan always gives the
 * same checks: most visits at the customer, a few away (1.2–4.8 km), a few without
 * a position. Old demo contacts keep no position (as retention would have left them).
 */
export function demoVisitCheck(i: number): { visitCheck: VisitCheckState; distanceM: number | null } {
  const k = (Math.imul(i + 1, 2_654_435_761) >>> 0) % 1000;
  if (k < 880) return { visitCheck: "on_site", distanceM: 15 + ((k * 7) % 260) };
  if (k < 940) return { visitCheck: "off_site", distanceM: 1200 + ((k * 37) % 3600) };
  return { visitCheck: "no_position", distanceM: null };
}

/** A customer's location, spread over central Beijing (about 20 × 20 km). */
export function demoPin(n: number): { pinLat: number; pinLng: number } {
  const a = (Math.imul(n + 7, 2_246_822_519) >>> 0) / 2 ** 32;
  const b = (Math.imul(n + 13, 3_266_489_917) >>> 0) / 2 ** 32;
  return { pinLat: Math.round((39.82 + a * 0.18) * 1e6) / 1e6, pinLng: Math.round((116.3 + b * 0.24) * 1e6) / 1e6 };
}
