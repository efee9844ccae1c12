import { z } from "zod";
import { customer } from "../customers/responses.ts";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const reviewQueue = z.object({
  total: z.number(),
  items: z.array(
    z.object({
      contacts: z.number(),
      lastContactAt: z.string(),
      countingSince: z.string(),
      customerId: z.string(),
      name: z.string(),
      kind: z.enum(["group", "individual"]),
      ownerId: z.string(),
      ownerName: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const reviewPage = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      customerId: z.string(),
      decision: z.enum(["continue", "reassign", "drop"]),
      fromOwnerId: z.string(),
      toOwnerId: z.string().nullable(),
      contactsCounted: z.number(),
      decidedBy: z.string(),
      decidedAt: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const reviewDecision = z.object({
  review: z.object({
    id: z.string(),
    customerId: z.string(),
    decision: z.enum(["continue", "reassign", "drop"]),
    fromOwnerId: z.string(),
    toOwnerId: z.string().nullable(),
    contactsCounted: z.number(),
    decidedBy: z.string(),
    decidedAt: z.string(),
  }),
  customer: customer,
});

export const prospectsAnswers = {
  "/prospects/review": { $get: { 200: reviewQueue } },
  "/prospects/reviews": { $get: { 200: reviewPage } },
  "/prospects/:id/review": { $post: { 201: reviewDecision } },
} satisfies Answers;
