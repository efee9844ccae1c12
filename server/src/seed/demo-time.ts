import { atClubTime, type ClubDay, type ClubMonth } from "../time/club-time.ts";
import { between, DEMO_TZ, type Rand } from "./demo-cast.ts";

/** The demo plan's clock: club days and times at the club's fixed UTC+8 offset. */
export const DAY_MS = 86_400_000;
export const LINES = {
  group: ["membership", "catering", "rooms", "golf", "catering"],
  individual: ["catering", "spa", "fitness", "golf", "spa"],
};

/**
 * The club's zone keeps UTC+8 all year (no daylight saving), so the plan's tens of
 * thousands of instants are placed by a fixed offset; checked against the product's
 * own zone arithmetic when the module loads.
 */
export const OFFSET_MS = 8 * 3600_000;
for (const day of ["2025-01-01", "2025-07-01"]) {
  if (atClubTime(day, 0, 0, DEMO_TZ).getTime() !== Date.parse(`${day}T00:00:00Z`) - OFFSET_MS) throw new Error(`${DEMO_TZ} is not UTC+8`);
}
export const clubDay = (t: Date): ClubDay => new Date(t.getTime() + OFFSET_MS).toISOString().slice(0, 10);
export const clubMonth = (t: Date): ClubMonth => clubDay(t).slice(0, 7);
export const clubTime = (day: ClubDay, minutes: number) => new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS + minutes * 60_000);

export function atDay(day: ClubDay, r: Rand, fromHour: number, toHour: number) {
  return clubTime(day, Math.floor(between(r, fromHour * 60, toHour * 60)));
}

export function monthDay(month: ClubMonth, d: number): ClubDay {
  return `${month}-${String(d).padStart(2, "0")}`;
}

export function isSunday(day: ClubDay) {
  return new Date(`${day}T00:00:00Z`).getUTCDay() === 0;
}
