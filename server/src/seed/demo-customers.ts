import { DEFAULT_TIER_THRESHOLDS } from "../regulation/tiers.ts";
import { addDays, type ClubDay } from "../time/club-time.ts";
import { BRANDS, between, CAST, CITIES, DISTRICTS, GIVEN, int, pick, type Rand, SURNAMES, TITLES, TRADES } from "./demo-cast.ts";
import { atDay, DAY_MS } from "./demo-time.ts";
import type { PlannedCustomer, PlanStatus, Tier } from "./demo-types.ts";

/** What the customers' stage of the plan takes: the generator and the plan's span. */
export interface PlanSpan {
  r: Rand;
  today: ClubDay;
  start: Date;
  since: Date;
  ago: (days: number) => Date;
}

/** The plan's customers: made, dealt to the cast by spend, refreshed (docs/demo.md). */
export function planCustomers(span: PlanSpan): PlannedCustomer[] {
  const { r, today, start, since, ago } = span;
  const totalWeight = CAST.reduce((s, c) => s + c.weight, 0);
  const ownerOf = () => {
    let x = r() * totalWeight;
    for (let i = 0; i < CAST.length; i++) {
      x -= CAST[i]!.weight;
      if (x < 0) return i;
    }
    return CAST.length - 1;
  };
  const names = new Set<string>();
  const customers: PlannedCustomer[] = [];
  for (let n = 0; n < 300; n++) {
    const kind = n % 3 === 0 ? "group" : "individual";
    let name = "";
    do {
      name = kind === "group" ? `${pick(r, CITIES)}${pick(r, BRANDS)}${pick(r, TRADES)}` : `${pick(r, SURNAMES)}${pick(r, GIVEN)}`;
    } while (names.has(name));
    names.add(name);
    const owner = ownerOf();
    const x = r();
    // groups never churn here: group churn over 5% is a close rule of its own (docs/demo.md)
    const status: PlanStatus =
      x < 0.6
        ? "active"
        : x < 0.7
          ? "active"
          : x < 0.87
            ? "prospect"
            : x < 0.94 && kind === "individual"
              ? "churned"
              : x < 0.94
                ? "active"
                : "dropped";
    const newInWindow = x >= 0.6 && x < 0.7;
    let createdAt: Date;
    let activeSince: Date | null = null;
    let endedAt: Date | null = null;
    if (status === "active" || status === "churned") {
      if (newInWindow) {
        activeSince = atDay(addDays(today, -int(r, 5, 320)), r, 10, 18);
        createdAt = new Date(activeSince.getTime() - int(r, 15, 90) * DAY_MS);
      } else {
        activeSince = new Date(start.getTime() - int(r, 30, 700) * DAY_MS);
        createdAt = new Date(activeSince.getTime() - int(r, 10, 60) * DAY_MS);
      }
      if (status === "churned") endedAt = atDay(addDays(today, -int(r, 20, 300)), r, 10, 18);
    } else if (status === "prospect") {
      createdAt = atDay(addDays(today, -int(r, 7, 330)), r, 9, 18);
    } else {
      createdAt = atDay(addDays(today, -int(r, 150, 360)), r, 9, 18);
      endedAt = new Date(createdAt.getTime() + int(r, 60, 120) * DAY_MS);
    }
    if (endedAt && activeSince && endedAt <= activeSince) endedAt = new Date(activeSince.getTime() + 60 * DAY_MS);
    const t = r();
    const tier: Tier | null =
      status === "active" || status === "churned"
        ? kind === "group"
          ? t < 0.35
            ? "A"
            : t < 0.7
              ? "B"
              : "C"
          : t < 0.08
            ? "A"
            : t < 0.3
              ? "B"
              : "C"
        : null;
    const levelFen =
      tier === "A"
        ? Math.round(between(r, 1.2, kind === "group" ? 4 : 2) * DEFAULT_TIER_THRESHOLDS.A)
        : tier === "B"
          ? Math.round(between(r, 1.15, 1.75) * DEFAULT_TIER_THRESHOLDS.B)
          : Math.round(between(r, 0.12, 0.75) * DEFAULT_TIER_THRESHOLDS.B);
    const phone =
      kind === "group" ? `021-${int(r, 5000, 6999)}${int(r, 1000, 9999)}` : `13${int(r, 5, 9)}${int(r, 1000, 9999)}${int(r, 1000, 9999)}`;
    const profile: Record<string, unknown> =
      kind === "group"
        ? {
            phone,
            address: `上海市${pick(r, DISTRICTS)}${int(r, 10, 1500)}号`,
            contacts: [
              {
                name: `${pick(r, SURNAMES)}${pick(r, GIVEN)}`,
                title: pick(r, TITLES),
                phone: `139${int(r, 1000, 9999)}${int(r, 1000, 9999)}`,
              },
            ],
          }
        : { phone };
    const features: Record<string, unknown> =
      kind === "group"
        ? {
            enterpriseNature: pick(r, ["民营", "国有", "外资", "合资"]),
            size: pick(r, ["50人以下", "50-200人", "200-1000人", "1000人以上"]),
          }
        : {};
    customers.push({
      n,
      name,
      kind,
      owner,
      status,
      createdAt: createdAt < since ? since : createdAt,
      activeSince,
      endedAt,
      tier,
      levelFen,
      lastRefreshedAt: createdAt,
      profile,
      features,
      cardsHeld: [],
    });
  }
  // The books: customers who buy are dealt by spend, biggest first, the three leading
  // reps taking 5, 4 and 3 of every 22 and the others 2 each (so last year's podium is
  // theirs, in cast order, whatever the day); prospects and dropped ones stay with
  // whoever found them.
  const DEAL = [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 0, 1, 0];
  const buyers = customers.filter((c) => c.tier !== null).sort((a, b) => b.levelFen - a.levelFen || a.n - b.n);
  for (const [i, c] of buyers.entries()) c.owner = DEAL[i % DEAL.length]!;
  for (const c of customers) {
    // most refreshed this quarter; the overdue rep's and a few others' not (the stale list)
    const stale = CAST[c.owner]!.case === "overdue" ? r() < 0.5 : r() < 0.08;
    const at = stale ? ago(int(r, 100, 200)) : ago(int(r, 1, 45));
    c.lastRefreshedAt = new Date(Math.max(at.getTime(), c.createdAt.getTime()));
  }
  // the club started before its first customer
  for (const c of customers) if (c.activeSince && c.activeSince < since) c.activeSince = new Date(since.getTime() + DAY_MS);
  for (const c of customers) if (c.createdAt > (c.activeSince ?? c.createdAt)) c.createdAt = new Date(c.activeSince!.getTime() - DAY_MS);
  return customers;
}
