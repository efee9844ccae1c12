import { z } from "zod";
import { coded } from "../http/field-codes.ts";
import { addDays, type ClubDay, type IsoWeek, isoWeekOf, parseDay } from "../time/club-time.ts";

/** ISO weeks (Monday first) of club days, for visit-plan adherence. Pure. */

const WEEK_RE = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

/** The Monday of an ISO week: week 1 is the week holding 4 January. */
export function mondayOf(week: IsoWeek): ClubDay {
  const m = WEEK_RE.exec(week);
  if (!m) throw new RangeError(`not an ISO week YYYY-Www: ${week}`);
  const jan4 = `${m[1]}-01-04`;
  const { year, month, day } = parseDay(jan4);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
  return addDays(jan4, 1 - weekday + (Number(m[2]) - 1) * 7);
}

/** Rejects week 53 of a year that has only 52. */
export function isIsoWeek(s: string): boolean {
  return WEEK_RE.test(s) && isoWeekOf(mondayOf(s)) === s;
}

export const isoWeekSchema = z.string().refine(isIsoWeek, coded("invalid_format", "must be an ISO week YYYY-Www", { format: "week" }));

/** The whole ISO weeks covering from–to: Monday of the first to Sunday of the last. */
export function wholeWeeks(from: ClubDay, to: ClubDay): { from: ClubDay; to: ClubDay } {
  return { from: mondayOf(isoWeekOf(from)), to: addDays(mondayOf(isoWeekOf(to)), 6) };
}
