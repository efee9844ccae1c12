import { TZDate, tzOffset } from "@date-fns/tz";
import { z } from "zod";
import { coded } from "../http/field-codes.ts";

/**
 * The one module that knows club time (docs/api.md): every day, month, quarter and
 * year is a calendar period in the club's IANA timezone. Periods travel as
 * strings; instants as `Date`. Pure: no clock, the caller passes `now`.
 */

/** `YYYY-MM-DD` in club time. */
export type ClubDay = string;
/** `YYYY-MM` in club time. */
export type ClubMonth = string;
/** `YYYY-Qn` in club time. */
export type ClubQuarter = string;
/** `YYYY` in club time. */
export type ClubYear = string;
/** `YYYY-Www`, an ISO-8601 week (Monday first) of club days. */
export type IsoWeek = string;

/** Half-open: `start` inclusive, `end` exclusive, both real instants. */
export interface Range {
  start: Date;
  end: Date;
}

export const DEFAULT_TIMEZONE = "Asia/Shanghai";

export const DAY_RE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const QUARTER_RE = /^(\d{4})-Q([1-4])$/;
export const YEAR_RE = /^(\d{4})$/;

const DAY_MS = 86_400_000;

// ── validation (usable as zod refinements) ───────────────────────────────────

export function isClubMonth(s: string): boolean {
  return MONTH_RE.test(s);
}
/** Rejects impossible dates such as 2025-02-29 or 2025-04-31. */
export function isClubDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  return Number(m[3]) <= daysInMonth(`${m[1]}-${m[2]}`);
}
export function isClubQuarter(s: string): boolean {
  return QUARTER_RE.test(s);
}
export function isClubYear(s: string): boolean {
  return YEAR_RE.test(s);
}
/** True for an IANA zone name the runtime knows (`Asia/Shanghai`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// The patterns are the document's (OpenAPI): the refinements, with their codes, decide.
export const clubDaySchema = z
  .string()
  .refine(isClubDay, coded("invalid_format", "must be a date YYYY-MM-DD", { format: "date" }))
  .meta({ format: "date", pattern: DAY_RE.source });
export const clubMonthSchema = z
  .string()
  .refine(isClubMonth, coded("invalid_format", "must be a month YYYY-MM", { format: "month" }))
  .meta({ pattern: MONTH_RE.source, description: "A club month, YYYY-MM" });
export const clubQuarterSchema = z
  .string()
  .refine(isClubQuarter, coded("invalid_format", "must be a quarter YYYY-Qn", { format: "quarter" }))
  .meta({ pattern: QUARTER_RE.source });
export const clubYearSchema = z
  .string()
  .refine(isClubYear, coded("invalid_format", "must be a year YYYY", { format: "year" }))
  .meta({ pattern: YEAR_RE.source });

// ── parsing and formatting (calendar arithmetic, zone-free) ──────────────────

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

export function parseMonth(month: ClubMonth): { year: number; month: number } {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`not a month YYYY-MM: ${month}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}
export function parseDay(day: ClubDay): { year: number; month: number; day: number } {
  if (!isClubDay(day)) throw new RangeError(`not a date YYYY-MM-DD: ${day}`);
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return { year: y, month: m, day: d };
}
export function parseQuarter(quarter: ClubQuarter): { year: number; quarter: number } {
  const m = QUARTER_RE.exec(quarter);
  if (!m) throw new RangeError(`not a quarter YYYY-Qn: ${quarter}`);
  return { year: Number(m[1]), quarter: Number(m[2]) };
}
function parseYear(year: ClubYear): number {
  if (!YEAR_RE.test(year)) throw new RangeError(`not a year YYYY: ${year}`);
  return Number(year);
}

function formatMonth(year: number, month: number): ClubMonth {
  return `${pad(year, 4)}-${pad(month)}`;
}
function formatDay(year: number, month: number, day: number): ClubDay {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function daysInMonth(month: ClubMonth): number {
  const { year, month: m } = parseMonth(month);
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

export function addMonths(month: ClubMonth, n: number): ClubMonth {
  const { year, month: m } = parseMonth(month);
  const index = year * 12 + (m - 1) + n;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}
export function previousMonth(month: ClubMonth): ClubMonth {
  return addMonths(month, -1);
}
export function nextMonth(month: ClubMonth): ClubMonth {
  return addMonths(month, 1);
}
/** The `count` months ending with `month`, oldest first (e.g. the 12 months of a churn window). */
export function monthsEnding(month: ClubMonth, count: number): ClubMonth[] {
  return Array.from({ length: count }, (_, i) => addMonths(month, i - count + 1));
}

export function addDays(day: ClubDay, n: number): ClubDay {
  const { year, month, day: d } = parseDay(day);
  const t = new Date(Date.UTC(year, month - 1, d + n));
  return formatDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

export function monthOfDay(day: ClubDay): ClubMonth {
  parseDay(day);
  return day.slice(0, 7);
}
export function quarterOfMonth(month: ClubMonth): ClubQuarter {
  const { year, month: m } = parseMonth(month);
  return `${pad(year, 4)}-Q${Math.ceil(m / 3)}`;
}
export function yearOfMonth(month: ClubMonth): ClubYear {
  return pad(parseMonth(month).year, 4);
}
export function monthsOfQuarter(quarter: ClubQuarter): ClubMonth[] {
  const { year, quarter: q } = parseQuarter(quarter);
  return [1, 2, 3].map((i) => formatMonth(year, (q - 1) * 3 + i));
}
export function monthsOfYear(year: ClubYear): ClubMonth[] {
  const y = parseYear(year);
  return Array.from({ length: 12 }, (_, i) => formatMonth(y, i + 1));
}

/** ISO week of a club day: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeekOf(day: ClubDay): IsoWeek {
  const { year, month, day: d } = parseDay(day);
  const t = new Date(Date.UTC(year, month - 1, d));
  const weekday = t.getUTCDay() || 7; // Monday 1 … Sunday 7
  const thursday = new Date(t.getTime() + (4 - weekday) * DAY_MS);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.ceil(((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / DAY_MS + 1) / 7);
  return `${pad(weekYear, 4)}-W${pad(week)}`;
}

// ── instants ↔ club periods (the only place that reads a zone) ───────────────

function zoned(instant: Date, tz: string): TZDate {
  const t = new TZDate(instant.getTime(), tz);
  if (Number.isNaN(t.getTime()) || Number.isNaN(t.getFullYear())) throw new RangeError(`bad instant or timezone: ${tz}`);
  return t;
}

/**
 * Instants already worked out, by day, hour, minute and zone: the same few (the starts
 * of this month, quarter and year, of today) are asked for on every board recompute
 * and every request, and each costs the zone's offset rules. Bounded: emptied when full.
 */
const wallClockCache = new Map<string, number>();
const WALL_CLOCK_CACHE_MAX = 4096;

/** The instant a club wall-clock time happens (a time skipped by DST moves forward to the first real instant). */
export function atClubTime(day: ClubDay, hour: number, minute: number, tz: string): Date {
  const key = `${day}|${hour}|${minute}|${tz}`;
  const known = wallClockCache.get(key);
  if (known !== undefined) return new Date(known);
  const { year, month, day: d } = parseDay(day);
  const t = new TZDate(year, month - 1, d, hour, minute, tz);
  if (Number.isNaN(t.getTime())) throw new RangeError(`bad timezone: ${tz}`);
  if (wallClockCache.size >= WALL_CLOCK_CACHE_MAX) wallClockCache.clear();
  wallClockCache.set(key, t.getTime());
  return new Date(t.getTime());
}
function startOfClubDay(day: ClubDay, tz: string): Date {
  return atClubTime(day, 0, 0, tz);
}

/**
 * Club days already worked out, per zone: the instants of a day in its zone, so that the
 * day of an instant (every write asks, often twice) is a comparison, not the zone's
 * offset rules. Only a day with one offset from its start to its end is kept: on a day
 * the clocks change, an instant's day is worked out every time. A few per zone (today,
 * yesterday, a replayed day); the oldest goes first.
 */
const knownDays = new Map<string, { start: number; end: number; day: ClubDay }[]>();
const KNOWN_DAYS_PER_ZONE = 8;
const KNOWN_DAYS_ZONES = 256;

export function dayOf(instant: Date, tz: string): ClubDay {
  const ms = instant.getTime();
  const known = knownDays.get(tz);
  if (known) for (const k of known) if (ms >= k.start && ms < k.end) return k.day;
  const t = zoned(instant, tz);
  const day = formatDay(t.getFullYear(), t.getMonth() + 1, t.getDate());
  rememberDay(day, ms, tz);
  return day;
}
function rememberDay(day: ClubDay, ms: number, tz: string) {
  const { start, end } = dayRange(day, tz);
  const s = start.getTime();
  const e = end.getTime();
  if (!(ms >= s && ms < e) || offsetMs(start, tz) !== offsetMs(new Date(e - 1), tz)) return;
  let list = knownDays.get(tz);
  if (!list) {
    if (knownDays.size >= KNOWN_DAYS_ZONES) knownDays.clear();
    list = [];
    knownDays.set(tz, list);
  }
  if (list.length >= KNOWN_DAYS_PER_ZONE) list.shift();
  list.push({ start: s, end: e, day });
}
export function monthOf(instant: Date, tz: string): ClubMonth {
  return dayOf(instant, tz).slice(0, 7);
}
/** The club month before the one `instant` falls in: the last month that has ended. */
export function endedMonthOf(instant: Date, tz: string): ClubMonth {
  return previousMonth(monthOf(instant, tz));
}
export function quarterOf(instant: Date, tz: string): ClubQuarter {
  return quarterOfMonth(monthOf(instant, tz));
}
export function yearOf(instant: Date, tz: string): ClubYear {
  return dayOf(instant, tz).slice(0, 4);
}
/** Day of the month (1–31) of an instant in club time. */
export function dayOfMonthOf(instant: Date, tz: string): number {
  return parseDay(dayOf(instant, tz)).day;
}

export function dayRange(day: ClubDay, tz: string): Range {
  return { start: startOfClubDay(day, tz), end: startOfClubDay(addDays(day, 1), tz) };
}
export function monthRange(month: ClubMonth, tz: string): Range {
  return { start: startOfClubDay(`${month}-01`, tz), end: startOfClubDay(`${nextMonth(month)}-01`, tz) };
}
export function quarterRange(quarter: ClubQuarter, tz: string): Range {
  const months = monthsOfQuarter(quarter);
  return { start: monthRange(months[0]!, tz).start, end: monthRange(months[2]!, tz).end };
}
export function yearRange(year: ClubYear, tz: string): Range {
  const y = parseYear(year);
  return { start: startOfClubDay(`${pad(y, 4)}-01-01`, tz), end: startOfClubDay(`${pad(y + 1, 4)}-01-01`, tz) };
}

export function isWithin(instant: Date, range: Range): boolean {
  const t = instant.getTime();
  return t >= range.start.getTime() && t < range.end.getTime();
}

function offsetMs(instant: Date, tz: string): number {
  const minutes = tzOffset(tz, instant);
  if (Number.isNaN(minutes)) throw new RangeError(`bad instant or timezone: ${tz}`);
  return minutes * 60_000;
}

/**
 * The instant of a club wall-clock time, given as ms since 1970 read as if UTC. A
 * time that does not exist (skipped by a DST change) takes the offset in force
 * before the change, and one that happens twice the offset after it — what
 * PostgreSQL's `timestamp at time zone tz` answers, so SQL and this agree.
 */
function fromWallClock(wall: number, tz: string): Date {
  const before = offsetMs(new Date(wall - DAY_MS), tz);
  const after = offsetMs(new Date(wall + DAY_MS), tz);
  const fits = (offset: number) => offsetMs(new Date(wall - offset), tz) === offset;
  if (fits(after)) return new Date(wall - after);
  return new Date(wall - before);
}

/**
 * The same club wall-clock time `days` calendar days after `instant`, in the club's
 * zone: a DST change in between moves the answer by no hour (SQL:
 * `((t at time zone tz) + make_interval(days => n)) at time zone tz`).
 */
export function addClubDays(instant: Date, days: number, tz: string): Date {
  return fromWallClock(instant.getTime() + offsetMs(instant, tz) + days * DAY_MS, tz);
}

/** Share of a range's real duration elapsed at `instant`, clamped to 0..1. */
export function elapsedFraction(instant: Date, { start, end }: Range): number {
  const f = (instant.getTime() - start.getTime()) / (end.getTime() - start.getTime());
  return Math.min(1, Math.max(0, f));
}

/** Share of the month's real duration (DST-aware) elapsed at `instant`, clamped to 0..1. */
export function elapsedFractionOfMonth(instant: Date, month: ClubMonth, tz: string): number {
  return elapsedFraction(instant, monthRange(month, tz));
}
