import { z } from "zod";
import { coded } from "./http/field-codes.ts";

/**
 * The one module that knows money (docs/api.md): the API speaks yuan as JSON numbers
 * with at most two decimals; storage is integer fen. Floats never reach the db.
 */
export const MAX_YUAN = 1e12;

/** A yuan amount as the API accepts it: a finite number, ≤ 2 decimals, within ±1e12. */
export const yuan = z
  .number({ error: "must be a number" })
  .refine(
    (v) => Number.isFinite(v),
    // Stryker disable next-line StringLiteral: equivalent, z.number() already refuses Infinity and NaN, so this code and line are never seen
    coded("not_finite", "must be a finite number"),
  )
  .refine((v) => Math.abs(v) <= MAX_YUAN, coded("too_large", `must not exceed ${MAX_YUAN}`, { max: MAX_YUAN, inclusive: true }))
  .refine((v) => /^-?\d+(\.\d{1,2})?$/.test(String(v)), coded("too_many_decimals", "must have at most two decimals", { max: 2 }))
  .meta({ minimum: -MAX_YUAN, maximum: MAX_YUAN, multipleOf: 0.01, description: "Yuan, at most two decimals" });

/** A positive amount: revenue, list prices, thresholds, targets (only a reversal is negative). */
export const positiveYuan = yuan
  .refine((v) => v > 0, coded("must_be_positive", "must be above zero"))
  .meta({ exclusiveMinimum: 0, maximum: MAX_YUAN, multipleOf: 0.01, description: "Yuan above zero, at most two decimals" });
export const nonNegativeYuan = yuan
  .refine((v) => v >= 0, coded("must_not_be_negative", "must not be negative"))
  .meta({ minimum: 0, maximum: MAX_YUAN, multipleOf: 0.01, description: "Yuan, zero or more, at most two decimals" });

export function toFen(yuanAmount: number): number {
  return Math.round(yuanAmount * 100);
}
export function toYuan(fen: number | bigint | string): number {
  return Number(fen) / 100;
}
