import { type ClubDay, type IsoWeek, isoWeekOf } from "../time/club-time.ts";
import type { Tier } from "./tiers.ts";

/**
 * Contacts, the 1:3 ratio, prospect review, cadence and visit plans (SPEC §5,
 * 第四条 2). Pure: the service loads contacts and statuses, these rules count.
 */

export type CustomerStatus = "prospect" | "active" | "churned" | "dropped";
export type ContactChannel = "visit" | "demo" | "phone" | "letter";
export type ContactTarget = "existing" | "prospect";

const DAY_MS = 86_400_000;

// ── classification ───────────────────────────────────────────────────────────

export type Classification = { ok: true; target: ContactTarget } | { ok: false; reason: "customer-dropped" };

/** Classed when logged: `existing` if active then; a churned customer being won back is prospecting. */
export function classifyContact(status: CustomerStatus): Classification {
  switch (status) {
    case "active":
      return { ok: true, target: "existing" };
    case "prospect":
    case "churned":
      return { ok: true, target: "prospect" };
    case "dropped":
      // refused until a manager reopens the customer
      return { ok: false, reason: "customer-dropped" };
  }
}

/** Visits and demos are in-person; only they count for the ratio, cadence and prospect review. */
export function isInPerson(channel: ContactChannel): boolean {
  return channel === "visit" || channel === "demo";
}

// ── 1:3 ratio ────────────────────────────────────────────────────────────────

export interface Ratio {
  existing: number;
  prospect: number;
  required: number;
  shortfall: number;
  compliant: boolean;
}

// 第四条 2②: one prospect visit for every three existing-customer visits.
export function ratio(existing: number, prospect: number): Ratio {
  const required = Math.ceil(existing / 3);
  return { existing, prospect, required, shortfall: Math.max(0, required - prospect), compliant: 3 * prospect >= existing };
}

export interface CountedContact {
  channel: ContactChannel;
  target: ContactTarget;
  voided: boolean;
}

/** The ratio over a rep's contacts for a period: in-person, not voided. */
export function ratioOf(contacts: readonly CountedContact[]): Ratio {
  let existing = 0;
  let prospect = 0;
  for (const c of contacts) {
    if (c.voided || !isInPerson(c.channel)) continue;
    if (c.target === "existing") existing++;
    else prospect++;
  }
  return ratio(existing, prospect);
}

// ── prospect review ──────────────────────────────────────────────────────────

// 第四条 2②: a prospect visited three times without support goes to the manager.
export const PROSPECT_REVIEW_THRESHOLD = 3;

export function needsReview(inPersonContactsSinceStart: number, status: CustomerStatus): boolean {
  return status === "prospect" && inPersonContactsSinceStart >= PROSPECT_REVIEW_THRESHOLD;
}

export interface TimedContact {
  channel: ContactChannel;
  occurredAt: Date;
  voided: boolean;
}

export interface ReviewWindow {
  /** when the customer last became a prospect */
  becameProspectAt: Date;
  /** the manager's last `continue` or `reassign` decision, if any */
  lastReviewedAt: Date | null;
}

/**
 * In-person contacts that count toward the next review. A contact counts from the
 * instant the customer became a prospect (inclusive); a review decision starts the
 * count again, and a contact at the very instant of the decision belongs to the
 * reviewed batch (the manager saw it). The caller may pass the time a contact
 * reached the server instead of `occurredAt` so an offline replay logged before a
 * review but received after it counts toward the next one.
 */
export function inPersonContactsSince(contacts: readonly TimedContact[], window: ReviewWindow): number {
  const from = window.becameProspectAt.getTime();
  const after = window.lastReviewedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return contacts.filter((c) => {
    const t = c.occurredAt.getTime();
    return !c.voided && isInPerson(c.channel) && t >= from && t > after;
  }).length;
}

export function prospectNeedsReview(status: CustomerStatus, contacts: readonly TimedContact[], window: ReviewWindow): boolean {
  return needsReview(inPersonContactsSince(contacts, window), status);
}

// ── cadence ──────────────────────────────────────────────────────────────────

/** Minimum in-person visits a year per tier (club settings). */
export type CadenceSettings = Record<Tier, number>;

// 第四条 2①: six visits a year is the baseline; tiers that respond to visits get more.
export const DEFAULT_CADENCE: CadenceSettings = { A: 12, B: 8, C: 6 };

export function requiredVisits(tier: Tier, settings: CadenceSettings): number {
  return settings[tier];
}

export function intervalDays(required: number): number {
  return Math.floor(365 / required);
}

export interface CadenceInput {
  lastInPersonAt: Date | null;
  /** when the customer became active; null when it is not active (no cadence applies) */
  activeSince: Date | null;
  now: Date;
  tier: Tier;
  settings: CadenceSettings;
}

export interface CadenceStatus {
  required: number;
  intervalDays: number;
  /** the instant after which the customer is overdue; null when not active */
  dueAt: Date | null;
  overdue: boolean;
  /** whole days past `dueAt`: 0 on the first day overdue, negative while still due ahead; null when not active */
  daysOverdue: number | null;
}

/**
 * SPEC §5: overdue when the last in-person contact is older than ⌊365/required⌋
 * days, or when there is none and the customer has been active that long. Days are
 * spans of 24 h of real time from the contact, so the rule needs no zone.
 */
export function cadenceStatus(input: CadenceInput): CadenceStatus {
  const required = requiredVisits(input.tier, input.settings);
  const interval = intervalDays(required);
  if (input.activeSince === null) return { required, intervalDays: interval, dueAt: null, overdue: false, daysOverdue: null };
  const since = input.lastInPersonAt ?? input.activeSince;
  const dueAt = new Date(since.getTime() + interval * DAY_MS);
  const late = input.now.getTime() - dueAt.getTime();
  return { required, intervalDays: interval, dueAt, overdue: late > 0, daysOverdue: Math.floor(late / DAY_MS) };
}

export function isOverdue(input: CadenceInput): boolean {
  return cadenceStatus(input).overdue;
}

/** For sorting an overdue list (most overdue first): negative while not yet due, null when not active. */
export function daysOverdue(input: CadenceInput): number | null {
  return cadenceStatus(input).daysOverdue;
}

// ── visit plans (第四条 2③ 制定客户访问计划) ──────────────────────────────────

export interface PlannedContact {
  id: string;
  repId: string;
  customerId: string;
  day: ClubDay;
  /** planned channel; a plan without one is a visit plan (客户访问计划) */
  channel?: ContactChannel | undefined;
}

export interface ActualContact {
  id: string;
  repId: string;
  customerId: string;
  /** the club day it happened on */
  day: ClubDay;
  channel: ContactChannel;
  voided: boolean;
}

export interface WeekAdherence {
  repId: string;
  week: IsoWeek;
  planned: number;
  kept: number;
  /** kept on the planned day itself */
  keptOnDay: number;
  /** contacts that kept no plan */
  unplanned: number;
  /** kept ÷ planned, null when nothing was planned */
  adherence: number | null;
  /** ids of plans not kept */
  missed: string[];
}

function planNeedsInPerson(plan: PlannedContact): boolean {
  return plan.channel === undefined || isInPerson(plan.channel);
}

function keeps(plan: PlannedContact, contact: ActualContact): boolean {
  return plan.customerId === contact.customerId && (!planNeedsInPerson(plan) || isInPerson(contact.channel));
}

/**
 * Plan versus actual per rep and ISO week (Monday first, club days). Rule chosen:
 * a plan is kept by a non-voided contact by the same rep with the same customer in
 * the same ISO week as the planned day — on the day itself or any other day of that
 * week, since a visit moved by a day or two still honours the plan. A visit plan
 * (no channel, or visit/demo) needs an in-person contact; a phone or letter plan is
 * kept by any contact. Each contact keeps at most one plan; same-day matches are
 * made first, and in-person plans are served before others so a visit is not
 * spent on a call plan.
 */
export function visitPlanAdherence(plans: readonly PlannedContact[], contacts: readonly ActualContact[]): WeekAdherence[] {
  const key = (repId: string, day: ClubDay) => `${repId}\u0000${isoWeekOf(day)}`;
  const groups = new Map<string, { repId: string; week: IsoWeek; plans: PlannedContact[]; contacts: ActualContact[] }>();
  const group = (repId: string, day: ClubDay) => {
    const k = key(repId, day);
    let g = groups.get(k);
    if (!g) {
      g = { repId, week: isoWeekOf(day), plans: [], contacts: [] };
      groups.set(k, g);
    }
    return g;
  };
  for (const p of plans) group(p.repId, p.day).plans.push(p);
  for (const c of contacts) if (!c.voided) group(c.repId, c.day).contacts.push(c);

  const rows: WeekAdherence[] = [];
  for (const g of groups.values()) {
    const ordered = [...g.plans].sort(
      (a, b) => Number(planNeedsInPerson(b)) - Number(planNeedsInPerson(a)) || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0),
    );
    const pool = [...g.contacts].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    const used = new Set<string>();
    const kept = new Map<string, boolean>(); // plan id → on the day
    for (const sameDay of [true, false]) {
      for (const p of ordered) {
        if (kept.has(p.id)) continue;
        const c = pool.find((x) => !used.has(x.id) && keeps(p, x) && (!sameDay || x.day === p.day));
        if (!c) continue;
        used.add(c.id);
        kept.set(p.id, sameDay);
      }
    }
    const planned = g.plans.length;
    rows.push({
      repId: g.repId,
      week: g.week,
      planned,
      kept: kept.size,
      keptOnDay: [...kept.values()].filter(Boolean).length,
      unplanned: pool.length - used.size,
      adherence: planned > 0 ? kept.size / planned : null,
      missed: g.plans.filter((p) => !kept.has(p.id)).map((p) => p.id),
    });
  }
  return rows.sort((a, b) => (a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : a.week < b.week ? -1 : a.week > b.week ? 1 : 0));
}
