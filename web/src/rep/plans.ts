import { createMemo } from "solid-js";
import { client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { clubDay } from "../format.ts";
import { mine, sent } from "../offline/outbox.ts";

/** Monday–Sunday (ISO week, club days) of the week holding `day`. */
export function weekOf(day: string): string[] {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const t0 = Date.UTC(y, m - 1, d);
  const weekday = new Date(t0).getUTCDay() || 7;
  return Array.from({ length: 7 }, (_, i) => new Date(t0 + (i + 1 - weekday) * 86_400_000).toISOString().slice(0, 10));
}

/** A club day `n` days after `day`. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Plans of the signed-in rep for club days from–to (GET /plans; a rep sees their own). */
export async function plansBetween(from: string, to: string) {
  const items = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10; i++) {
    const page = await data(client.plans.$get({ query: { from, to, limit: "200", ...(cursor ? { cursor } : {}) } }));
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

/**
 * Customers contacted today: the rep's contacts the server has for today (not
 * voided), and those logged on this phone today, sent or still waiting.
 */
export function useContactedToday() {
  const today = () => clubDay();
  const recent = useData(
    () => `contacts:today:${today()}:${sent().length}`,
    () => data(client.contacts.$get({ query: { limit: "200" } })),
    { persist: false },
  );
  return createMemo(() => {
    const ids = new Set<string>();
    const voided = new Set<string>();
    for (const c of recent.data()?.items ?? []) {
      if (c.voided) voided.add(c.id);
      else if (c.day === today()) ids.add(c.customerId);
    }
    for (const c of sent()) if (!voided.has(c.id) && clubDay(new Date(c.occurredAt)) === today()) ids.add(c.customerId);
    for (const c of mine()) if (c.state !== "failed" && clubDay(new Date(c.occurredAt)) === today()) ids.add(c.customerId);
    return ids;
  });
}
