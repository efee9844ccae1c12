import { type Customer, client, data } from "../api.ts";
import { clubDay, daysSince } from "../format.ts";
import { lang, t } from "../i18n/index.ts";

export type Bucket = "overdue" | "stale" | "recent" | "other";

export interface Ranked {
  c: Customer;
  bucket: Bucket;
  /** days past the cadence interval (overdue): the row's `daysOverdue`, as the server counts them */
  late: number;
}

/** Names in the reader's order: pinyin order in Chinese (Intl.Collator "zh-CN"), alphabetical in English. */
export const nameCollator = () => new Intl.Collator(lang() === "zh-CN" ? "zh-CN" : "en");

/**
 * Who to contact now, by need: overdue first (most days overdue first), then never
 * visited or longest since the last in-person contact, then the quarterly refresh
 * due, then by name. `overdue`, `daysOverdue` and `stale` are the server's figures on
 * each row (regulation/cadence.ts); offline, the rows the phone holds keep the
 * figures they were read with. A row without them (a prospect added on this phone)
 * is not overdue.
 */
export function rankCustomers(list: Customer[]): Ranked[] {
  const ranked = list
    .filter((c) => c.status === "active" || c.status === "prospect" || c.status === "churned")
    .map((c): Ranked => {
      if (c.overdue) return { c, bucket: "overdue", late: c.daysOverdue ?? 0 };
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
