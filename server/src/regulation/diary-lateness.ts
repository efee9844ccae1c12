import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { addDays, atClubTime, type ClubDay } from "../time/club-time.ts";

/**
 * Diary lateness (docs/regulation.md, 第四条 1: 每日填写业务发展工作日志): a diary not
 * submitted by 10:00 the next club day shows as late. Pure, with the SQL form the
 * diaries list filters by.
 */

export const DIARY_DEADLINE_HOUR = 10;

/** 10:00 club time on the day after `day`. */
export function diaryDeadline(day: ClubDay, tz: string): Date {
  return atClubTime(addDays(day, 1), DIARY_DEADLINE_HOUR, 0, tz);
}

/** Late when submitted after the deadline, or still unsubmitted after it; 10:00:00 sharp is on time. */
export function isLate(day: ClubDay, submittedAt: Date | null, now: Date, tz: string): boolean {
  const deadline = diaryDeadline(day, tz).getTime();
  return (submittedAt?.getTime() ?? now.getTime()) > deadline;
}

/**
 * `isLate` in SQL, for filtering a day's diaries: `submittedAt` is the column (or
 * expression) of the submission instant, null while unsubmitted.
 */
export function lateSql(submittedAt: SQL | unknown, day: ClubDay, now: Date, tz: string): SQL<boolean> {
  return sql<boolean>`(coalesce(${submittedAt}, ${now.toISOString()}::timestamptz) > ${diaryDeadline(day, tz).toISOString()}::timestamptz)`;
}
