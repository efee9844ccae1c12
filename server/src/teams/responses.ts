import { z } from "zod";
import { type Answers, noContent } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const team = z.object({
  id: z.string(),
  name: z.string(),
  lead: z.object({ id: z.string(), name: z.string() }).nullable(),
  memberCount: z.number(),
  createdAt: z.string(),
});

export const myTeam = z.union([
  z.object({ team: z.null() }),
  z.object({
    team: z.object({
      members: z.array(z.object({ id: z.string(), name: z.string(), disabled: z.boolean() })),
      id: z.string(),
      name: z.string(),
      lead: z.object({ id: z.string(), name: z.string() }).nullable(),
      memberCount: z.number(),
      createdAt: z.string(),
    }),
  }),
]);

export const teamPage = z.object({ items: z.array(team) });

export const teamMembers = z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), disabled: z.boolean() })) });

export const teamsAnswers = {
  "/teams/mine": { $get: { 200: myTeam } },
  "/teams": { $get: { 200: teamPage }, $post: { 201: team } },
  "/teams/:id/members": { $get: { 200: teamMembers }, $put: { 200: team } },
  "/teams/:id": { $patch: { 200: team }, $delete: { 204: noContent } },
} satisfies Answers;
