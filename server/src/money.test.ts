import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { MAX_YUAN, nonNegativeYuan, positiveYuan, toFen, toYuan, yuan } from "./money.ts";

/** Each refusal as `code: message` with its parameters, in zod's order; [] when accepted. */
const refusals = (schema: z.ZodType, value: unknown) =>
  (schema.safeParse(value).error?.issues ?? []).map((i) => ({
    message: i.message,
    params: (i as { params?: unknown }).params,
  }));

const tooLarge = { message: "must not exceed 1000000000000", params: { max: 1e12, inclusive: true, code: "too_large" } };
const tooManyDecimals = { message: "must have at most two decimals", params: { max: 2, code: "too_many_decimals" } };
const notPositive = { message: "must be above zero", params: { code: "must_be_positive" } };
const negative = { message: "must not be negative", params: { code: "must_not_be_negative" } };
const notANumber = { message: "must be a number", params: undefined };

describe("yuan: at most two decimals within ±1e12 (docs/api.md)", () => {
  it.each([
    ["a whole amount", 100, []],
    ["one decimal", 1.5, []],
    ["two decimals", 1.25, []],
    ["a cent", 0.01, []],
    ["zero", 0, []],
    ["a negative amount (a reversal)", -3, []],
    ["a negative cent", -0.01, []],
    ["exactly the ceiling", MAX_YUAN, []],
    ["exactly the floor", -MAX_YUAN, []],
    ["the ceiling's last cent", 999_999_999_999.99, []],
    ["three decimals", 1.234, [tooManyDecimals]],
    ["three decimals below zero", -1.234, [tooManyDecimals]],
    ["a tenth of a cent", 0.001, [tooManyDecimals]],
    ["a number JavaScript prints with an exponent", 1e-7, [tooManyDecimals]],
    ["a cent over the ceiling", MAX_YUAN + 0.01, [tooLarge]],
    ["a cent under the floor", -MAX_YUAN - 0.01, [tooLarge]],
    ["far over the ceiling", 1e13, [tooLarge]],
    ["infinity", Number.POSITIVE_INFINITY, [notANumber]],
    ["NaN", Number.NaN, [notANumber]],
    ["a string", "1.00", [notANumber]],
    ["nothing", undefined, [notANumber]],
  ] as const)("%s", (_, value, expected) => {
    expect(refusals(yuan, value)).toEqual(expected);
  });
});

describe("positiveYuan and nonNegativeYuan: the edge at zero", () => {
  it.each([
    [0.01, [], []],
    [0, [notPositive], []],
    [-0.01, [notPositive], [negative]],
    [-MAX_YUAN - 1, [tooLarge, notPositive], [tooLarge, negative]],
    [1.234, [tooManyDecimals], [tooManyDecimals]],
  ] as const)("%s", (value, positive, nonNegative) => {
    expect(refusals(positiveYuan, value)).toEqual(positive);
    expect(refusals(nonNegativeYuan, value)).toEqual(nonNegative);
  });
});

describe("fen ↔ yuan", () => {
  it.each([
    [0, 0],
    [1, 100],
    [0.01, 1],
    [0.29, 29], // 0.29 × 100 is 28.999999999999996 as a double
    [1.15, 115], // 114.99999999999999
    [-12.34, -1234],
    [MAX_YUAN, 100_000_000_000_000],
    [999_999_999_999.99, 99_999_999_999_999],
  ])("toFen(%s) = %s", (y, fen) => {
    expect(toFen(y)).toBe(fen);
    expect(toYuan(fen)).toBe(y);
  });

  it.each([
    [12345n, 123.45],
    ["12345", 123.45],
    ["-1", -0.01],
    [-1n, -0.01],
  ] as const)("toYuan(%s) = %s: bigint and numeric strings from the database", (fen, y) => {
    expect(toYuan(fen)).toBe(y);
  });
});
