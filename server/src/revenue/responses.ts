import { z } from "zod";
import { type Answers, csvAnswer } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const revenueEntry = z.object({
  id: z.string(),
  customerId: z.string(),
  repId: z.string(),
  amount: z.number(),
  businessLine: z.string(),
  occurredAt: z.string(),
  month: z.string(),
  source: z.string(),
  reversesId: z.string().nullable(),
  reason: z.string().nullable(),
  reversedById: z.string().nullable(),
  externalRef: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});

export const revenuePage = z.object({ items: z.array(revenueEntry), nextCursor: z.string().nullable() });

export const revenueImport = z.object({ importId: z.string(), rows: z.number(), total: z.number() });

export const revenueAnswers = {
  "/revenue": { $post: { 201: revenueEntry }, $get: { 200: revenuePage } },
  "/revenue/import": { $post: { 201: revenueImport } },
  "/revenue/import/template.csv": { $get: { 200: csvAnswer } },
  "/revenue/:id/reverse": { $post: { 201: revenueEntry } },
} satisfies Answers;
