import { z } from "zod";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const liveSynced = z.object({ ok: z.literal(true) });

export const realtimeAnswers = {
  "/live/sync": { $post: { 202: liveSynced } },
} satisfies Answers;
