import { type Customer, client, data, type Settings } from "../api.ts";
import { clubDay, daysSince } from "../format.ts";
import { lang, t } from "../i18n/index.ts";

export type Bucket = "overdue" | "stale" | "recent" | "other";

export interface Ranked {
  c: Customer;
  bucket: Bucket;
  /** days past the cadence interval (overdue) */
  late: number;
}

/** SPEC §5 cadence: ⌊365 / required visits⌋ days between in-person contacts, by tier. */
function interval(c: Customer, s: Settings | undefined): number {
  const cadence = s?.cadence ?? { A: 12, B: 8, C: 6 };
  return Math.floor(365 / cadence[(c.tier ?? "C") as "A" | "B" | "C"]);
}

/** Names in the reader's order: pinyin order in Chinese (Intl.Collator "zh-CN"), alphabetical in English. */
export const nameCollator = () => new Intl.Collator(lang() === "zh-CN" ? "zh-CN" : "en");

/**
 * Who to contact now, by need: overdue first (most days overdue first), then never
 * visited or longest since the last in-person contact, then the quarterly refresh
 * due, then by name. `daysOverdue` is the server's figure (GET /reps/overdue) by
 * customer id; without it (offline, never fetched) the days are counted here from
 * the customer's `overdue` flag and last contact.
 */
export function rankCustomers(
  list: Customer[],
  settings: Settings | undefined,
  now = new Date(),
  daysOverdue?: ReadonlyMap<string, number>,
): Ranked[] {
  const ranked = list
    .filter((c) => c.status === "active" || c.status === "prospect" || c.status === "churned")
    .map((c): Ranked => {
      if (c.overdue) {
        const known = daysOverdue?.get(c.id);
        const since = c.lastInPersonAt ?? c.activeSince ?? c.createdAt;
        return { c, bucket: "overdue", late: known ?? Math.max(0, daysSince(since, now) - interval(c, settings)) };
      }
      if (c.stale) return { c, bucket: "stale", late: 0 };
      if (c.lastInPersonAt) return { c, bucket: "recent", late: 0 };
      return { c, bucket: "other", late: 0 };
    });
  const collator = nameCollator();
  // never visited sorts as the longest since (the empty string before any date)
  const seen = (r: Ranked) => r.c.lastInPersonAt ?? "";
  return ranked.sort((a, b) => {
    const ao = a.bucket === "overdue";
    const bo = b.bucket === "overdue";
    if (ao !== bo) return ao ? -1 : 1;
    if (ao && a.late !== b.late) return b.late - a.late;
    if (seen(a) !== seen(b)) return seen(a) < seen(b) ? -1 : 1;
    if (a.c.stale !== b.c.stale) return a.c.stale ? -1 : 1;
    return collator.compare(a.c.name, b.c.name);
  });
}

/** The server's days overdue of the caller's customers (GET /reps/overdue, every page). */
export async function overdueDays(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await data(client.reps.overdue.$get({ query: { limit: "200", ...(cursor ? { cursor } : {}) } }));
    for (const r of page.items) out[r.customerId] = r.daysOverdue;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

/** "seen today" / "seen yesterday" / "seen 12 d ago", by club days. */
export function seenLabel(at: string): string {
  const today = clubDay();
  const day = clubDay(new Date(at));
  if (day === today) return t("customer.seenToday");
  if (day === clubDay(new Date(Date.now() - 86_400_000))) return t("customer.seenYesterday");
  return t("customer.lastSeen", { n: Math.max(1, daysSince(at)) });
}

/** Every customer the caller can see, following cursors (a rep owns tens to a few hundred). */
export async function allCustomers(filter: { overdue?: "true"; stale?: "true"; ownerId?: string } = {}): Promise<Customer[]> {
  const out: Customer[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await data(client.customers.$get({ query: { limit: "200", ...filter, ...(cursor ? { cursor } : {}) } }));
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}
