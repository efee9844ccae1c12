import { z } from "zod";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const promotion = z.object({
  id: z.string(),
  repId: z.string(),
  repName: z.string().nullable(),
  place: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  cardTypeIds: z.array(z.string()),
  expectedContacts: z.number(),
  note: z.string().nullable(),
  status: z.enum(["requested", "approved", "refused", "cancelled"]),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  contacts: z.number(),
  cardSales: z.number(),
  revenue: z.number(),
});

export const promotionPage = z.object({ items: z.array(promotion), nextCursor: z.string().nullable() });

export const promotionsAnswers = {
  "/promotions": { $post: { 201: promotion }, $get: { 200: promotionPage } },
  "/promotions/:id": { $get: { 200: promotion } },
  "/promotions/:id/approve": { $post: { 200: promotion } },
  "/promotions/:id/refuse": { $post: { 200: promotion } },
  "/promotions/:id/cancel": { $post: { 200: promotion } },
} satisfies Answers;
