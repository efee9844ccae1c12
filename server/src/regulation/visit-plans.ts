import type { ClubDay, IsoWeek } from "../time/club-time.ts";
import { isoWeekOf } from "../time/club-time.ts";
import { type ContactChannel, isInPerson } from "./contacts.ts";
import { compareText } from "./order.ts";

/** Visit plans against what was done (docs/regulation.md, 第四条 2③ 制定客户访问计划). Pure. */

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
 * made first, in-person plans are served before others (earlier days, then ids,
 * first), and a plan any contact keeps takes a call or letter before a visit, so a
 * visit is not spent on a call plan and the answer does not depend on input order.
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
      (a, b) => Number(planNeedsInPerson(b)) - Number(planNeedsInPerson(a)) || compareText(a.day, b.day) || compareText(a.id, b.id),
    );
    // Calls and letters first: a plan any contact keeps takes one of them before a
    // visit, which an in-person plan may still need. Which of two alike contacts is
    // taken changes no count, so the pool has no other order.
    const pool = [...g.contacts].sort((a, b) => Number(isInPerson(a.channel)) - Number(isInPerson(b.channel)));
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
  return rows.sort((a, b) => compareText(a.repId, b.repId) || compareText(a.week, b.week));
}
