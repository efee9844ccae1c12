import { z } from "zod";
import { type Answers, noContent } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const me = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "manager", "rep", "lead"]) }),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string(), timezone: z.string() }),
});

export const signupAnswer = z.object({
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "manager", "rep", "lead"]) }),
  token: z.string(),
});

export const loginAnswer = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "manager", "rep", "lead"]) }),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string(), timezone: z.string() }),
  token: z.string(),
});

export const authAnswers = {
  "/signup": { $post: { 201: signupAnswer } },
  "/auth/login": { $post: { 200: loginAnswer } },
  "/auth/logout": { $post: { 204: noContent } },
  "/me": { $get: { 200: me } },
} satisfies Answers;
