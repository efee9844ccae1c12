import { z } from "zod";

/**
 * The one module that knows money (SPEC §1): the API speaks yuan as JSON numbers
 * with at most two decimals; storage is integer fen. Floats never reach the db.
 */
export const MAX_YUAN = 1e12;

/** A yuan amount as the API accepts it: a finite number, ≤ 2 decimals, within ±1e12. */
export const yuan = z
  .number({ error: "must be a number" })
  .refine((v) => Number.isFinite(v), "must be a finite number")
  .refine((v) => Math.abs(v) <= MAX_YUAN, `must not exceed ${MAX_YUAN}`)
  .refine((v) => /^-?\d+(\.\d{1,2})?$/.test(String(v)), "must have at most two decimals");

/** A positive amount: revenue, list prices, thresholds, targets (only a reversal is negative). */
export const positiveYuan = yuan.refine((v) => v > 0, "must be above zero");
export const nonNegativeYuan = yuan.refine((v) => v >= 0, "must not be negative");

export function toFen(yuanAmount: number): number {
  return Math.round(yuanAmount * 100);
}
export function toYuan(fen: number | bigint | string): number {
  return Number(fen) / 100;
}
