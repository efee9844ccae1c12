import { ApiError } from "../api.ts";
import { clubTimezone } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "./errors.ts";

/** Yuan as the API takes it: above 0, at most 2 decimals (the server's positiveYuan). */
export function parseYuan(text: string): number | null {
  const s = text.trim().replace(/[,，\s]/g, "");
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(s)) return null;
  const n = Number(s);
  return n > 0 && n <= 1e12 ? n : null;
}

const KNOWN_LINES = ["membership", "catering", "spa", "rooms", "golf", "fitness"];
/** A club business line in the reader's language (a line the club added itself keeps its own name). */
export function lineName(line: string): string {
  return KNOWN_LINES.includes(line) ? t(`bizLine.${line}` as MessageKey) : line;
}

/**
 * An instant on a club day, as the API wants it: now for today, midday club time for
 * an earlier day (midday keeps it inside the day whatever the offset).
 */
export function instantOnClubDay(day: string, today: string, now = new Date()): string {
  if (day === today) return now.toISOString();
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 12);
  const p: Record<string, number> = {};
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone: clubTimezone(),
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  });
  for (const x of f.formatToParts(new Date(guess))) p[x.type] = Number(x.value);
  const shown = Date.UTC(p.year ?? y, (p.month ?? m) - 1, p.day ?? d, p.hour ?? 12, p.minute ?? 0);
  return new Date(guess - (shown - guess)).toISOString();
}

/**
 * A refusal of money (a card sale or a revenue entry) in the reader's language: the
 * 422s these screens can meet named for what they are, by code and field (never the
 * server's English message); anything else by its code.
 */
export function moneyError(err: unknown, month?: string): string {
  if (err instanceof ApiError && err.code === "rule_violation") {
    if (err.fields.occurredAt) return t("repRevenue.closedMonth", { month: month ?? "" });
    if (err.fields.price) return t("repSale.refusedPrice");
    if (err.fields.cardTypeId) return t("repSale.refusedRetired");
    if (err.fields.customerId) return t("repSale.refusedDropped");
    if (err.fields.businessLine) return t("repRevenue.refusedMembership");
  }
  return describe(err);
}
