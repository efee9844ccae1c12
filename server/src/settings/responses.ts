import { z } from "zod";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const clubSettings = z.object({
  timezone: z.string(),
  tierA: z.number(),
  tierB: z.number(),
  cadence: z.object({ A: z.number(), B: z.number(), C: z.number() }),
  alarmGraceDays: z.number(),
  businessLines: z.array(z.string()),
  /** metres around a customer's pin that count as on site (docs/verified-visits.md) */
  visitRadiusM: z.number(),
  /** days a contact's position is kept before it is deleted */
  positionRetentionDays: z.number(),
});

export const settingsAnswers = {
  "/settings": { $get: { 200: clubSettings }, $patch: { 200: clubSettings } },
} satisfies Answers;
