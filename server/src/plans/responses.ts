import { z } from "zod";
import { type Answers, noContent } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const visitPlan = z.object({
  id: z.string(),
  repId: z.string(),
  customerId: z.string(),
  day: z.string(),
  channel: z.enum(["phone", "visit", "letter", "demo"]).nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});

export const visitPlanPage = z.object({ items: z.array(visitPlan), nextCursor: z.string().nullable() });

export const planAdherence = z.object({
  items: z.array(
    z.object({
      name: z.string().nullable(),
      repId: z.string(),
      week: z.string(),
      planned: z.number(),
      kept: z.number(),
      keptOnDay: z.number(),
      unplanned: z.number(),
      adherence: z.number().nullable(),
      missed: z.array(z.string()),
    }),
  ),
  nextCursor: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  weeks: z.array(z.string()),
});

export const plansAnswers = {
  "/plans": { $post: { 201: visitPlan }, $get: { 200: visitPlanPage } },
  "/plans/adherence": { $get: { 200: planAdherence } },
  "/plans/:id": { $delete: { 204: noContent } },
} satisfies Answers;
