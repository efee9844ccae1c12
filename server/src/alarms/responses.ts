import { z } from "zod";
import { type Answers, jsonValue } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const alarm = z.object({
  id: z.string(),
  kind: z.string(),
  repId: z.string().nullable(),
  repName: z.string().nullable(),
  subjectId: z.string().nullable(),
  level: z.string().nullable(),
  message: z.string(),
  data: z.record(z.string(), jsonValue).nullable(),
  raisedAt: z.string(),
  clearedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});

export const alarmPage = z.object({ items: z.array(alarm), nextCursor: z.string().nullable() });

export const alarmCounts = z.object({
  total: z.number(),
  byKind: z.record(z.string(), z.number()),
  byLevel: z.record(z.string(), z.number()),
});

export const acknowledgedCount = z.object({ acknowledged: z.number() });

export const alarmsAnswers = {
  "/alarms": { $get: { 200: alarmPage } },
  "/alarms/counts": { $get: { 200: alarmCounts } },
  "/alarms/acknowledge": { $post: { 200: acknowledgedCount } },
  "/alarms/:id/acknowledge": { $post: { 200: alarm } },
} satisfies Answers;
