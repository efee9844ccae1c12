import { z } from "zod";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const teamBoard = z.object({
  rows: z.array(
    z.object({
      rank: z.number(),
      teamId: z.string(),
      name: z.string(),
      revenue: z.number(),
      target: z.number().nullable(),
      attainment: z.number().nullable(),
      reps: z.number(),
    }),
  ),
  period: z.enum(["month", "quarter", "year"]),
  at: z.string(),
  from: z.string(),
  to: z.string(),
  /** the elapsed part of the period, 0–1, read at the start of its five-minute step: the bars' pace marker */
  elapsed: z.number().min(0).max(1),
});

export const repBoard = z.object({
  rows: z.array(
    z.object({
      rank: z.number(),
      repId: z.string(),
      name: z.string(),
      teamId: z.string().nullable(),
      revenue: z.number(),
      target: z.number().nullable(),
      attainment: z.number().nullable(),
      contacts: z.object({
        inPerson: z.number(),
        existing: z.number(),
        prospect: z.number(),
        visits: z.number(),
        demos: z.number(),
        calls: z.number(),
        letters: z.number(),
      }),
      ratio: z.object({ existing: z.number(), prospect: z.number(), required: z.number(), shortfall: z.number(), compliant: z.boolean() }),
    }),
  ),
  nextCursor: z.string().nullable(),
  period: z.enum(["month", "quarter", "year"]),
  at: z.string(),
  from: z.string(),
  to: z.string(),
  /** the elapsed part of the period, 0–1, read at the start of its five-minute step: the bars' pace marker */
  elapsed: z.number().min(0).max(1),
});

export const leaderboardAnswers = {
  "/leaderboard/teams": { $get: { 200: teamBoard } },
  "/leaderboard": { $get: { 200: repBoard } },
} satisfies Answers;
