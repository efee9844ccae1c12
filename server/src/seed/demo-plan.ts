import { DEFAULT_CADENCE, intervalDays, requiredVisits } from "../regulation/cadence.ts";
import { addDays, addMonths, type ClubDay, type ClubMonth, daysInMonth, nextMonth, yearOf } from "../time/club-time.ts";
import { between, CARD_TYPES, CAST, COMPLAINTS, DEMO_SEED, DEMO_TZ, DIARY_TEXT, int, mulberry32, pick } from "./demo-cast.ts";
import { planCustomers } from "./demo-customers.ts";
import { atDay, clubDay, clubMonth, clubTime, DAY_MS, isSunday, LINES, monthDay } from "./demo-time.ts";
import type {
  DemoPlan,
  PlannedComplaint,
  PlannedContact,
  PlannedCustomer,
  PlannedDiary,
  PlannedEntry,
  PlannedVisit,
  Tier,
} from "./demo-types.ts";

/**
 * The demo club's year, planned in memory before anything is written: who the reps
 * are, the customers, their revenue, contacts, card sales, targets, complaints,
 * plans and diaries. Pure and deterministic: the same seed and the same "now" give
 * the same plan (ids are made when it is written). docs/demo.md describes the cast.
 */

export function planDemo(now: Date, seed = DEMO_SEED): DemoPlan {
  const r = mulberry32(seed);
  const today = clubDay(now);
  const month = clubMonth(now);
  const firstMonth = `${Number(yearOf(now, DEMO_TZ)) - 1}-01`;
  const months: ClubMonth[] = [];
  for (let m = firstMonth; m <= month; m = nextMonth(m)) months.push(m);
  const start = clubTime(`${firstMonth}-01`, 0);
  const since = new Date(start.getTime() - 120 * DAY_MS);
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);

  // ── customers ──
  const customers = planCustomers({ r, today, start, since, ago });

  // ── revenue and card sales ──
  const entries: PlannedEntry[] = [];
  const isOn = (c: PlannedCustomer, at: Date) => c.activeSince !== null && c.activeSince <= at && (c.endedAt === null || at < c.endedAt);
  for (const c of customers) {
    if (!c.activeSince) continue;
    if (c.activeSince >= start) {
      const type = c.tier === "A" ? 2 : c.kind === "group" ? 0 : pick(r, [1, 3]);
      entries.push({
        customer: c.n,
        rep: c.owner,
        amountFen: CARD_TYPES[type]!.listPriceFen,
        line: "membership",
        at: c.activeSince,
        month: clubMonth(c.activeSince),
        card: { type, newCardCustomer: true },
      });
      c.cardsHeld.push(CARD_TYPES[type]!.name);
    } else c.cardsHeld.push(CARD_TYPES[c.kind === "group" ? 0 : 1]!.name);
    for (const m of months) {
      const days = daysInMonth(m);
      const k = c.tier === "C" ? int(r, 1, 2) : int(r, 2, 4);
      const skip = c.tier === "C" && r() < 0.15;
      const total = c.levelFen * between(r, 0.88, 1.12);
      for (let i = 0; i < k; i++) {
        const day = monthDay(m, int(r, 1, days));
        const at = atDay(day, r, 10, 21);
        if (skip || at >= now || !isOn(c, at)) continue;
        entries.push({
          customer: c.n,
          rep: c.owner,
          amountFen: Math.max(100, Math.round(total / k / 100) * 100),
          line: pick(r, LINES[c.kind]),
          at,
          month: m,
        });
      }
    }
    // a renewal for some long-standing customers
    if (c.activeSince < start && r() < 0.15) {
      const at = atDay(addDays(today, -int(r, 10, 300)), r, 10, 18);
      if (isOn(c, at))
        entries.push({
          customer: c.n,
          rep: c.owner,
          amountFen: CARD_TYPES[0]!.listPriceFen,
          line: "membership",
          at,
          month: clubMonth(at),
          card: { type: 0, newCardCustomer: false },
        });
    }
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime() || a.customer - b.customer);

  // ── targets: each closed month's set so that the rep's attainment falls in their range ──
  const achieved = new Map<string, number>();
  for (const e of entries) achieved.set(`${e.rep}:${e.month}`, (achieved.get(`${e.rep}:${e.month}`) ?? 0) + e.amountFen);
  const targets = new Map<number, Map<ClubMonth, number>>();
  const lastClosed = addMonths(month, -1);
  for (let rep = 0; rep < CAST.length; rep++) {
    const cast = CAST[rep]!;
    const mine = new Map<ClubMonth, number>();
    for (const m of months) {
      let att = between(r, ...cast.attainment);
      // the warning: the last three closed months each under 80%
      if (cast.case === "warning" && m > addMonths(lastClosed, -3) && m <= lastClosed) att = between(r, 0.64, 0.76);
      let base = achieved.get(`${rep}:${m}`) ?? 0;
      if (m === month) {
        const prev = [1, 2, 3].map((k) => achieved.get(`${rep}:${addMonths(month, -k)}`) ?? 0);
        base = prev.reduce((s, x) => s + x, 0) / 3;
        // this month: the pace rep's target is far above their usual month
        att = cast.case === "pace" ? 0.45 : between(r, 0.9, 1.05);
      }
      mine.set(m, Math.max(5_000_000, Math.round(base / att / 100_000) * 100_000));
    }
    targets.set(rep, mine);
  }

  // ── contacts: the last twelve months ──
  const contacts: PlannedContact[] = [];
  const contactStart = addDays(today, -365);
  const visitIntervalDays = (t: Tier) => intervalDays(requiredVisits(t, DEFAULT_CADENCE));
  for (const c of customers) {
    if (!c.activeSince || !c.tier) continue;
    const cast = CAST[c.owner]!;
    const interval = visitIntervalDays(c.tier);
    let day = addDays(contactStart, int(r, 0, interval));
    for (;;) {
      if (day > today) break;
      const at = atDay(isSunday(day) ? addDays(day, 1) : day, r, 9, 18);
      if (at >= now) break;
      if (isOn(c, at))
        contacts.push({
          customer: c.n,
          rep: c.owner,
          channel: r() < 0.75 ? "visit" : "demo",
          target: "existing",
          outcome: pick(r, ["interested", "none", "interested"]),
          at,
        });
      day = addDays(day, Math.max(3, Math.round(interval * between(r, ...cast.visitSpacing))));
    }
  }
  // prospect contacts per rep and month: enough for 1:3 (or not, for the rep behind)
  const byRepMonth = new Map<string, number>();
  for (const x of contacts) {
    const k = `${x.rep}:${clubMonth(x.at)}`;
    byRepMonth.set(k, (byRepMonth.get(k) ?? 0) + 1);
  }
  const ownedBy = CAST.map((_, rep) => customers.filter((c) => c.owner === rep));
  for (let rep = 0; rep < CAST.length; rep++) {
    const cast = CAST[rep]!;
    for (let m = clubMonth(clubTime(contactStart, 720)); m <= month; m = nextMonth(m)) {
      const existing = byRepMonth.get(`${rep}:${m}`) ?? 0;
      const wanted = Math.ceil((existing / 3) * cast.prospectFactor);
      const lastDay = m === month ? Number(today.slice(8)) : daysInMonth(m);
      for (let i = 0; i < wanted; i++) {
        const day = monthDay(m, int(r, 1, lastDay));
        if (day < contactStart) continue;
        const at = atDay(day, r, 9, 18);
        if (at >= now) continue;
        const open = ownedBy[rep]!.filter(
          (c) => c.createdAt <= at && (c.activeSince === null || c.activeSince > at) && (c.endedAt === null || at < c.endedAt),
        );
        if (open.length === 0) continue;
        const c = pick(r, open);
        contacts.push({
          customer: c.n,
          rep,
          channel: r() < 0.6 ? "visit" : "demo",
          target: "prospect",
          outcome: pick(r, ["interested", "none", "declined"]),
          at,
        });
      }
    }
  }
  // calls and letters, a few a week
  for (let rep = 0; rep < CAST.length; rep++) {
    const mine = customers.filter((c) => c.owner === rep && c.status !== "dropped");
    for (let day = contactStart; day <= today; day = addDays(day, int(r, 1, 3))) {
      const at = atDay(day, r, 9, 19);
      if (at >= now || isSunday(day)) continue;
      const c = pick(r, mine);
      if (c.createdAt > at || (c.endedAt && at >= c.endedAt)) continue;
      contacts.push({
        customer: c.n,
        rep,
        channel: r() < 0.85 ? "phone" : "letter",
        target: isOn(c, at) ? "existing" : "prospect",
        outcome: "none",
        at,
      });
    }
  }
  // the card sale's day: the sale itself was signed in person
  for (const e of entries) {
    if (!e.card?.newCardCustomer || e.at < clubTime(contactStart, 0)) continue;
    contacts.push({
      customer: e.customer,
      rep: e.rep,
      channel: "visit",
      target: "prospect",
      outcome: "signed",
      at: new Date(e.at.getTime() - 3600_000),
    });
  }
  contacts.sort((a, b) => a.at.getTime() - b.at.getTime() || a.customer - b.customer);

  // ── complaints: a dozen over the year, one open past 48 h, one just in ──
  const active = customers.filter((c) => c.status === "active");
  const complaints: PlannedComplaint[] = COMPLAINTS.map((summary, i) => {
    const c = active[(i * 17) % active.length]!;
    const openedAt =
      i === 0
        ? new Date(now.getTime() - 74 * 3600_000)
        : i === 1
          ? new Date(now.getTime() - 5 * 3600_000)
          : atDay(addDays(today, -int(r, 7, 330)), r, 10, 20);
    const resolvedAt = i <= 1 ? null : new Date(openedAt.getTime() + (i === 2 ? 60 : int(r, 2, 40)) * 3600_000);
    return { customer: c.n, channel: pick(r, ["电话", "前台", "微信", "邮件"]), summary, openedAt, resolvedAt };
  });

  // ── diaries: the last six working days; the late-diaries rep is often late, one not submitted ──
  const diaries: PlannedDiary[] = [];
  const days: ClubDay[] = [];
  for (let d = addDays(today, -1); days.length < 6; d = addDays(d, -1)) if (!isSunday(d)) days.push(d);
  for (let rep = 0; rep < CAST.length; rep++) {
    const cast = CAST[rep]!;
    for (const [i, day] of days.entries()) {
      const late = cast.case === "late-diaries" ? i % 2 === 0 : cast.case === "overdue" && i === 3;
      const missing = cast.case === "late-diaries" && i === 0;
      const submittedAt = missing ? null : late ? atDay(addDays(day, 1), r, 11, 15) : atDay(day, r, 18, 21);
      const text = DIARY_TEXT[(rep + i) % DIARY_TEXT.length]!;
      diaries.push({
        rep,
        day,
        submittedAt: submittedAt && submittedAt < now ? submittedAt : null,
        text: { workingTime: "09:00-18:00", ...text },
        ...(i === 1 && rep < 3 ? { comment: "很好,继续跟进团体客户续卡。" } : {}),
      });
    }
  }

  // ── visit plans: last week and the coming week ──
  const plans: PlannedVisit[] = [];
  for (let rep = 0; rep < CAST.length; rep++) {
    const mine = customers.filter((c) => c.owner === rep && (c.status === "active" || c.status === "prospect"));
    for (let k = -7; k <= 7; k++) {
      const day = addDays(today, k);
      if (isSunday(day) || mine.length === 0) continue;
      for (let i = 0; i < 2; i++) {
        const c = pick(r, mine);
        plans.push({
          rep,
          customer: c.n,
          day,
          channel: c.status === "prospect" ? "demo" : pick(r, ["visit", "visit", "phone"] as const),
          note: i === 0 ? "季度回访" : null,
        });
      }
    }
  }

  return { now, today, month, firstMonth, months, customers, entries, contacts, targets, complaints, diaries, plans, since };
}
