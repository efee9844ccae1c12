import { z } from "zod";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const refreshProgress = z.object({
  items: z.array(z.object({ repId: z.string(), name: z.string(), total: z.number(), refreshed: z.number(), stale: z.number() })),
  nextCursor: z.string().nullable(),
  quarter: z.string(),
  totals: z.object({ total: z.number(), refreshed: z.number(), stale: z.number() }),
});

export const stalePage = z.object({
  items: z.array(
    z.object({
      status: z.enum(["dropped", "prospect", "active", "churned"]),
      lastRefreshedAt: z.string(),
      customerId: z.string(),
      name: z.string(),
      kind: z.enum(["group", "individual"]),
      ownerId: z.string(),
      ownerName: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
  quarter: z.string(),
});

export const refreshAnswers = {
  "/refresh/progress": { $get: { 200: refreshProgress } },
  "/refresh/stale": { $get: { 200: stalePage } },
} satisfies Answers;
