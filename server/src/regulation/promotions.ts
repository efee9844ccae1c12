import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { type ClubDay, dayOf } from "../time/club-time.ts";

/**
 * Public promotions (docs/regulation.md, 第五条 1.2: 未经部门主管核准同意，不得以任何形式
 * 在公众地点展示、推销和销售): a rep asks for a place and a window; a manager approves
 * or refuses it once. A contact or a card sale may name a promotion only while it is
 * usable by its rep. Pure, with the SQL form the rep's "active now" list filters by.
 */

export type PromotionStatus = "requested" | "approved" | "refused" | "cancelled";

/** The longest window one request may cover. */
export const MAX_PROMOTION_DAYS = 14;

export interface PromotionWindow {
  repId: string;
  status: PromotionStatus;
  startsAt: Date;
  endsAt: Date;
}

/** Why a promotion cannot be named, or null when it can. */
export type PromotionRefusal = "promotion_not_approved" | "promotion_not_own" | "promotion_outside_window";

/**
 * Usable by `repId` at `at` when approved, theirs, and `at` lies within its window
 * (both ends included). Instants compare the same in any zone; the window was set in
 * club time when asked.
 */
export function promotionRefusal(p: PromotionWindow, repId: string, at: Date): PromotionRefusal | null {
  if (p.status !== "approved") return "promotion_not_approved";
  if (p.repId !== repId) return "promotion_not_own";
  if (at.getTime() < p.startsAt.getTime() || at.getTime() > p.endsAt.getTime()) return "promotion_outside_window";
  return null;
}

export const promotionUsable = (p: PromotionWindow, repId: string, at: Date) => promotionRefusal(p, repId, at) === null;

/** `promotionUsable` for the rows of a promotions table at `at` (the rep is filtered apart). */
export function usableAtSql(t: { status: unknown; startsAt: unknown; endsAt: unknown }, at: Date): SQL<boolean> {
  const iso = at.toISOString();
  return sql<boolean>`(${t.status} = 'approved' and ${t.startsAt} <= ${iso}::timestamptz and ${t.endsAt} >= ${iso}::timestamptz)`;
}

export type AskRefusal = { field: "startsAt" | "endsAt"; code: "in_past" | "before_from" | "period_too_long" };

/**
 * What a request must hold: it starts today or later (club day), ends after it
 * starts, and lasts at most MAX_PROMOTION_DAYS.
 */
export function askRefusal(startsAt: Date, endsAt: Date, now: Date, tz: string): AskRefusal | null {
  const today: ClubDay = dayOf(now, tz);
  if (dayOf(startsAt, tz) < today) return { field: "startsAt", code: "in_past" };
  if (endsAt.getTime() <= startsAt.getTime()) return { field: "endsAt", code: "before_from" };
  if (endsAt.getTime() - startsAt.getTime() > MAX_PROMOTION_DAYS * 86_400_000) return { field: "endsAt", code: "period_too_long" };
  return null;
}
