import { z } from "zod";
import { type Answers, htmlAnswer } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const yearAwards = z.object({
  year: z.string(),
  final: z.boolean(),
  champion: z
    .object({
      repId: z.string(),
      name: z.string(),
      revenue: z.number(),
      attainment: z.number(),
      target: z.number(),
      reachedTargetAt: z.string().nullable(),
      twoYearContractEligible: z.boolean(),
    })
    .nullable(),
  runnerUp: z
    .object({
      repId: z.string(),
      name: z.string(),
      revenue: z.number(),
      attainment: z.number(),
      target: z.number(),
      reachedTargetAt: z.string().nullable(),
      twoYearContractEligible: z.boolean(),
    })
    .nullable(),
  third: z
    .object({
      repId: z.string(),
      name: z.string(),
      revenue: z.number(),
      attainment: z.number(),
      target: z.number(),
      reachedTargetAt: z.string().nullable(),
      twoYearContractEligible: z.boolean(),
    })
    .nullable(),
});

export const awardsAnswers = {
  "/awards/:year": { $get: { 200: yearAwards } },
  "/awards/:year/certificate/:repId": { $get: { 200: htmlAnswer } },
} satisfies Answers;
