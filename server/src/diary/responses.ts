import { z } from "zod";
import { checks } from "../contacts/responses.ts";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const diaryDay = z.object({
  repId: z.string(),
  day: z.string(),
  figures: z.object({
    revenueCredited: z.number(),
    customersContactedInPerson: z.number(),
    inPersonContacts: z.number(),
    calls: z.number(),
    letters: z.number(),
    demos: z.number(),
    newCardCustomers: z.number(),
    prospectsWorkedOn: z.number(),
    /** the day's visit checks, as the counters hold them now (docs/verified-visits.md) */
    checks,
  }),
  workingTime: z.string().nullable(),
  targets: z.string().nullable(),
  progress: z.string().nullable(),
  notes: z.string().nullable(),
  submitted: z.boolean(),
  submittedAt: z.string().nullable(),
  deadline: z.string(),
  late: z.boolean(),
  managerComment: z.string().nullable(),
  commentedBy: z.string().nullable(),
  commentedAt: z.string().nullable(),
});

export const diaryPage = z.object({
  items: z.array(
    z.object({
      repId: z.string(),
      name: z.string(),
      day: z.string(),
      submitted: z.boolean(),
      submittedAt: z.string().nullable(),
      late: z.boolean(),
      hasText: z.boolean(),
      managerComment: z.string().nullable(),
      figures: z
        .object({
          revenueCredited: z.number(),
          customersContactedInPerson: z.number(),
          inPersonContacts: z.number(),
          calls: z.number(),
          letters: z.number(),
          demos: z.number(),
          newCardCustomers: z.number(),
          prospectsWorkedOn: z.number(),
          checks,
        })
        .nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
  day: z.string(),
  deadline: z.string(),
});

export const diaryAnswers = {
  "/diary": { $get: { 200: diaryPage } },
  "/diary/:date": { $get: { 200: diaryDay }, $put: { 200: diaryDay } },
  "/diary/:date/submit": { $post: { 200: diaryDay } },
  "/diary/:date/comment": { $post: { 200: diaryDay } },
} satisfies Answers;
