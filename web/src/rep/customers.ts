import { type Customer, client, data, type Settings } from "../api.ts";
import { clubDay, daysSince } from "../format.ts";
import { t } from "../i18n/index.ts";

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

/** Who to contact now: overdue first (most late first), then stale (quarterly refresh due), then recent. */
export function rankCustomers(list: Customer[], settings: Settings | undefined, now = new Date()): Ranked[] {
  const ranked = list
    .filter((c) => c.status === "active" || c.status === "prospect" || c.status === "churned")
    .map((c): Ranked => {
      if (c.overdue) {
        const since = c.lastInPersonAt ?? c.activeSince ?? c.createdAt;
        return { c, bucket: "overdue", late: Math.max(0, daysSince(since, now) - interval(c, settings)) };
      }
      if (c.stale) return { c, bucket: "stale", late: 0 };
      if (c.lastInPersonAt) return { c, bucket: "recent", late: 0 };
      return { c, bucket: "other", late: 0 };
    });
  const order: Record<Bucket, number> = { overdue: 0, stale: 1, recent: 2, other: 3 };
  return ranked.sort((a, b) => {
    if (a.bucket !== b.bucket) return order[a.bucket] - order[b.bucket];
    if (a.bucket === "overdue") return b.late - a.late;
    if (a.bucket === "recent") return (b.c.lastInPersonAt ?? "").localeCompare(a.c.lastInPersonAt ?? "");
    return a.c.name.localeCompare(b.c.name);
  });
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
