import { z } from "zod";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const visibleUser = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(["admin", "manager", "rep", "lead"]),
  email: z.string().optional(),
  disabled: z.boolean().optional(),
  createdAt: z.string().optional(),
  teamId: z.string().nullable().optional(),
});

export const user = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "manager", "rep", "lead"]),
  disabled: z.boolean(),
  createdAt: z.string(),
  teamId: z.string().nullable(),
});

export const userPage = z.object({ items: z.array(visibleUser), nextCursor: z.string().nullable(), total: z.number() });

export const usersAnswers = {
  "/users": { $post: { 201: user }, $get: { 200: userPage } },
  "/users/:id": { $get: { 200: visibleUser }, $patch: { 200: user } },
} satisfies Answers;
