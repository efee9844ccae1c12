import { z } from "zod";
import { type FieldIssue, fieldIssue } from "../http/field-codes.ts";
import { atClubTime, isClubDay } from "../time/club-time.ts";

const uuid = z.uuid();
const emailAddress = z.email();

/**
 * Cell values as Chinese clubs' spreadsheets (Excel, WPS) write them, read into the
 * API's forms. Each reader answers null when the cell is not in any accepted form.
 */

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const CLUB_DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const CHINESE_DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * An instant from a CSV cell: an ISO 8601 time with an offset (`2026-12-05T14:30:00+08:00`),
 * or a club date with an optional time (`2026-12-05`, `2026/12/5`, `2026-12-05 14:30`,
 * `2026/12/5 14:30:00`, `2026年12月5日`) taken in the club's timezone. A date alone is the
 * start (00:00) of that club day: the day and the club month are the ones written.
 */
export function readInstant(cell: string, tz: string): Date | null {
  const s = cell.trim();
  if (ISO_INSTANT.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const m = CLUB_DATE.exec(s) ?? CHINESE_DATE.exec(s);
  if (!m) return null;
  const day = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
  if (!isClubDay(day)) return null;
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (hour > 23 || minute > 59 || second > 59) return null;
  return new Date(atClubTime(day, hour, minute, tz).getTime() + second * 1000);
}

const PLAIN_AMOUNT = /^\d+(\.\d{1,2})?$/;
const GROUPED_AMOUNT = /^\d{1,3}(,\d{3})+(\.\d{1,2})?$/;

/**
 * An amount of yuan from a CSV cell as a plain decimal string (`3600.00`): digits with at
 * most two decimals, thousands separated by commas or not, a yuan sign (`¥`, `￥`) before
 * or `元` after, spaces around. The caller checks it is above zero and within the limit.
 */
export function readAmount(cell: string): string | null {
  const s = cell
    .trim()
    .replace(/^[¥￥]\s*/, "")
    .replace(/\s*元$/, "");
  if (PLAIN_AMOUNT.test(s)) return s;
  if (GROUPED_AMOUNT.test(s)) return s.replace(/,/g, "");
  return null;
}

/** The business lines' Chinese labels, as clubs write them. */
export const BUSINESS_LINE_LABELS: Readonly<Record<string, string>> = {
  会籍: "membership",
  餐饮: "catering",
  水疗: "spa",
  客房: "rooms",
  高尔夫: "golf",
  健身: "fitness",
};
export const KIND_LABELS: Readonly<Record<string, string>> = { 团体: "group", 个人: "individual" };
export const STATUS_LABELS: Readonly<Record<string, string>> = { 潜在客户: "prospect", 现有客户: "active" };

/** A code from its code or its Chinese label. */
export function readChoice(cell: string, labels: Readonly<Record<string, string>>): string {
  const s = cell.trim();
  return labels[s] ?? s;
}

/** A row's values split into chunks for `IN (…)` lists (a statement takes at most 65,535 parameters). */
export function chunks<T>(items: readonly T[], size = 5000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type Person = { id: string; email: string; name: string; disabledAt: Date | null };

/**
 * A user of the club from a CSV cell: by id (any user, as the API takes it), or by
 * e-mail or name among the active users — a name must be unique among them.
 */
export function findUser(people: readonly Person[], cell: string): { id?: string; issue?: FieldIssue } {
  const s = cell.trim();
  if (uuid.safeParse(s).success)
    return people.some((p) => p.id === s) ? { id: s } : { issue: fieldIssue("not_in_club", "is not a user of this club") };
  const active = people.filter((p) => !p.disabledAt);
  if (emailAddress.safeParse(s).success) {
    const found = active.find((p) => p.email.toLowerCase() === s.toLowerCase());
    return found ? { id: found.id } : { issue: fieldIssue("not_active_user", "is not an active user of this club") };
  }
  const named = active.filter((p) => p.name.trim() === s);
  if (named.length === 1) return { id: named[0]!.id };
  if (named.length > 1)
    return {
      issue: fieldIssue("ambiguous_name", `matches ${named.length} users of that name; use the e-mail`, { count: named.length }),
    };
  return { issue: fieldIssue("unknown_name", "matches no active user of this club by id, e-mail or name") };
}
