import { z } from "zod";
import { checks } from "../contacts/responses.ts";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const repTarget = z.object({
  repId: z.string(),
  name: z.string(),
  month: z.string(),
  amount: z.number(),
  setBy: z.string().nullable(),
  setAt: z.string(),
});

export const teamTargets = z.object({
  teamId: z.string(),
  month: z.string(),
  amount: z.number(),
  reps: z.number(),
  items: z.array(
    z.object({
      repId: z.string(),
      name: z.string(),
      month: z.string(),
      amount: z.number(),
      setBy: z.string().nullable(),
      setAt: z.string(),
    }),
  ),
});

export const targetList = z.union([
  z.object({
    year: z.string(),
    items: z.array(
      z.object({
        repId: z.string(),
        name: z.string(),
        target: z.number(),
        months: z.array(z.object({ month: z.string(), amount: z.number(), setBy: z.string().nullable(), setAt: z.string() })),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
  z.object({
    month: z.string(),
    items: z.array(
      z.object({
        repId: z.string(),
        name: z.string(),
        month: z.string(),
        amount: z.number(),
        setBy: z.string().nullable(),
        setAt: z.string(),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
]);

export const monthQuota = z.object({
  month: z.string(),
  reps: z.array(
    z.object({
      repId: z.string(),
      name: z.string(),
      target: z.number().nullable(),
      achieved: z.number(),
      attainment: z.number().nullable(),
      level: z.enum(["ok", "80", "60", "20"]).nullable(),
      pace: z.number().nullable(),
      elapsed: z.number(),
      /** this month's visit checks (docs/verified-visits.md) */
      checks,
    }),
  ),
});

export const yearQuota = z.object({
  year: z.string(),
  final: z.boolean(),
  reps: z.array(
    z.object({
      repId: z.string(),
      name: z.string(),
      target: z.number().nullable(),
      achieved: z.number(),
      attainment: z.number().nullable(),
      forfeitsReservedBonus: z.boolean(),
    }),
  ),
});

/** One rep's month-close result (regulation/month-close.ts), as closing a month and reading its results answer it. */
const closeResult = z.object({
  repId: z.string(),
  name: z.string().nullable(),
  month: z.string(),
  target: z.number().nullable(),
  achieved: z.number(),
  attainment: z.number().nullable(),
  churnRate: z.number(),
  outcome: z.enum(["ok", "warning", "removal"]),
  reasons: z.array(
    z.object({
      rule: z.enum(["month-under-20", "six-months-under-60", "churn-over-20", "three-months-under-80", "churn-over-5"]),
      severity: z.enum(["warning", "removal"]),
      message: z.string(),
      numbers: z.array(z.number()),
      months: z.array(z.string()),
    }),
  ),
  departmentBonusSuspended: z.boolean(),
  closedAt: z.string(),
  closedBy: z.string().nullable(),
  /** the month's visit checks (docs/verified-visits.md), as the counters hold them now */
  checks,
});
const closeCounts = z.object({ ok: z.number(), warning: z.number(), removal: z.number() });

export const monthClosed = z.object({
  month: z.string(),
  results: z.array(closeResult),
  counts: closeCounts,
});

export const monthResults = z.object({
  month: z.string(),
  closed: z.boolean(),
  closedAt: z.string().nullable(),
  results: z.array(closeResult),
  counts: closeCounts,
});

export const repStanding = z.object({
  repId: z.string(),
  name: z.string(),
  current: z.object({
    month: z.string(),
    achieved: z.number(),
    target: z.number().nullable(),
    elapsed: z.number(),
    pace: z.number().nullable(),
    level: z.enum(["ok", "80", "60", "20"]).nullable(),
    graceDays: z.number(),
    checks,
  }),
  closedMonths: z.array(
    z.object({
      repId: z.string(),
      name: z.string().nullable(),
      month: z.string(),
      target: z.number().nullable(),
      achieved: z.number(),
      attainment: z.number().nullable(),
      churnRate: z.number(),
      outcome: z.enum(["ok", "warning", "removal"]),
      reasons: z.array(
        z.object({
          rule: z.enum(["month-under-20", "six-months-under-60", "churn-over-20", "three-months-under-80", "churn-over-5"]),
          severity: z.enum(["warning", "removal"]),
          message: z.string(),
          numbers: z.array(z.number()),
          months: z.array(z.string()),
        }),
      ),
      departmentBonusSuspended: z.boolean(),
      closedAt: z.string(),
      closedBy: z.string().nullable(),
    }),
  ),
  departmentBonus: z.union([
    z.object({ suspended: z.boolean(), since: z.null(), cause: z.null(), reason: z.null() }),
    z.object({
      suspended: z.boolean(),
      since: z.string().nullable(),
      cause: z.object({ month: z.string(), outcome: z.enum(["ok", "warning", "removal"]).nullable() }),
      reason: z.string(),
    }),
  ]),
  year: z.object({
    toDate: z.object({ through: z.string(), target: z.number().nullable(), attainment: z.number().nullable() }),
    target: z.number().nullable(),
    achieved: z.number(),
    attainment: z.number().nullable(),
    forfeitsReservedBonus: z.boolean(),
    year: z.string(),
    final: z.boolean(),
  }),
});

export const quotasAnswers = {
  "/targets/:repId/:month": { $put: { 200: repTarget } },
  "/targets/team/:teamId/:month": { $put: { 200: teamTargets } },
  "/targets": { $get: { 200: targetList } },
  "/quota": { $get: { 200: monthQuota } },
  "/quota/year": { $get: { 200: yearQuota } },
  "/months/:month/close": { $post: { 200: monthClosed } },
  "/months/:month/results": { $get: { 200: monthResults } },
  "/reps/:id/standing": { $get: { 200: repStanding } },
} satisfies Answers;
