/**
 * The web app's one module for money and club time (docs/api.md): CNY as ¥12,345.00,
 * 万 on Chinese boards, and every day / month / quarter in the club's timezone.
 */
import { lang } from "./i18n/index.ts";

let clubTz = "Asia/Shanghai";
export const setClubTimezone = (tz: string) => {
  clubTz = tz;
};
export const clubTimezone = () => clubTz;

const two = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** ¥12,345.00 (a minus sign before the ¥ for reversals). */
export function money(yuan: number | null | undefined): string {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return "—";
  return `${yuan < 0 ? "−" : ""}¥${two.format(Math.abs(yuan))}`;
}

/** Board figures: ¥12.35万 in Chinese from 10,000 up; ¥12.3k / ¥1.25M in English. */
export function boardMoney(yuan: number | null | undefined): string {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return "—";
  const sign = yuan < 0 ? "−" : "";
  const abs = Math.abs(yuan);
  if (lang() === "zh-CN" && abs >= 10_000) {
    const wan = abs / 10_000;
    return `${sign}¥${wan >= 100 ? whole.format(wan) : wan.toFixed(wan >= 10 ? 1 : 2).replace(/\.?0+$/, "")}万`;
  }
  if (abs >= 1_000_000) return `${sign}¥${trim(abs / 1_000_000)}M`;
  if (abs >= 10_000) return `${sign}¥${trim(abs / 1_000)}k`;
  return `${sign}¥${whole.format(abs)}`;
}
/** A count in the reader's language, with its thousands separator: 12,345. */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const l = lang();
  let f = countFormats.get(l);
  if (!f) {
    f = new Intl.NumberFormat(l);
    countFormats.set(l, f);
  }
  return f.format(n);
}
const countFormats = new Map<string, Intl.NumberFormat>();

const trim = (n: number) => (n >= 100 ? whole.format(n) : n.toFixed(n >= 10 ? 1 : 2).replace(/\.?0+$/, ""));

/** Percent for people, floored to one decimal so 79.99% never reads as 80% (as the server's month close does). */
export function pct(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "—";
  const tenths = Math.floor(fraction * 1000 + 1e-9);
  return `${tenths / 10}%`;
}

/** One formatter per time zone: making one costs far more than using it (a live board asks on every update). */
const partsFormats = new Map<string, Intl.DateTimeFormat>();

function parts(d: Date, tz = clubTz) {
  let f = partsFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    partsFormats.set(tz, f);
  }
  const o: Record<string, string> = {};
  for (const p of f.formatToParts(d)) o[p.type] = p.value;
  return { y: Number(o.year), m: Number(o.month), d: Number(o.day), h: Number(o.hour), min: Number(o.minute), s: Number(o.second) };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Today's club date, YYYY-MM-DD. */
export function clubDay(now = new Date()): string {
  const p = parts(now);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}
/** This club month, YYYY-MM. */
export function clubMonth(now = new Date()): string {
  const p = parts(now);
  return `${p.y}-${pad(p.m)}`;
}
export function clubYear(now = new Date()): number {
  return parts(now).y;
}
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const i = y * 12 + (m - 1) + by;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang()}|${clubTz}|${JSON.stringify(opts)}`;
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang(), { timeZone: clubTz, ...opts });
    fmtCache.set(key, f);
  }
  return f;
}

/** 14:05 in club time. */
export function clock(d: Date | string | number): string {
  return fmt({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(d));
}
/** 3月15日 / Mar 15 */
export function shortDate(d: Date | string | number): string {
  return fmt({ month: "short", day: "numeric" }).format(new Date(d));
}
/** 2026年3月15日 14:05 / Mar 15, 2026, 14:05 */
export function dateTime(d: Date | string | number): string {
  return fmt({ year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(d));
}
/** A club day (YYYY-MM-DD) for people: 3月15日 星期日 / Sun, Mar 15 */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(lang(), { timeZone: "UTC", weekday: "short", month: "short", day: "numeric" }).format(
    new Date(Date.UTC(y, m - 1, d, 12)),
  );
}
/** A club month (YYYY-MM) for people: 2026年3月 / March 2026 */
export function monthLabel(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Intl.DateTimeFormat(lang(), { timeZone: "UTC", year: "numeric", month: "long" }).format(new Date(Date.UTC(y, m - 1, 15)));
}

/** Whole days from `from` to now. */
export function daysSince(from: string | Date, now = new Date()): number {
  return Math.floor((now.getTime() - new Date(from).getTime()) / 86_400_000);
}

/** An instant with this device's offset, as the API wants (2026-03-15T14:05:00+08:00). */
export function isoWithOffset(d = new Date()): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** 2026年第1季度 / Q1 2026; 2026年 / 2026 */
export function periodLabel(period: "month" | "quarter" | "year", month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  if (period === "month") return monthLabel(month);
  const q = Math.floor((m - 1) / 3) + 1;
  if (lang() === "zh-CN") return period === "quarter" ? `${y}年第${q}季度` : `${y}年`;
  return period === "quarter" ? `Q${q} ${y}` : String(y);
}
