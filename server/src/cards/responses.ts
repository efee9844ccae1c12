import { z } from "zod";
import type { Answers } from "../http/answers.ts";
import { revenueEntry } from "../revenue/responses.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const cardType = z.object({
  id: z.string(),
  name: z.string(),
  listPrice: z.number(),
  businessLine: z.string(),
  active: z.boolean(),
});

export const cardTypeList = z.object({ items: z.array(cardType) });

export const cardSaleRecorded = z.object({
  revenueEntry: revenueEntry,
  id: z.string(),
  customerId: z.string(),
  cardTypeId: z.string(),
  repId: z.string(),
  price: z.number(),
  listPrice: z.number(),
  approvedBy: z.string().nullable(),
  approvalNote: z.string().nullable(),
  newCardCustomer: z.boolean(),
  revenueEntryId: z.string(),
  promotionId: z.string().nullable(),
  occurredAt: z.string(),
  createdAt: z.string(),
});

export const cardSalePage = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      customerId: z.string(),
      cardTypeId: z.string(),
      repId: z.string(),
      price: z.number(),
      listPrice: z.number(),
      approvedBy: z.string().nullable(),
      approvalNote: z.string().nullable(),
      newCardCustomer: z.boolean(),
      revenueEntryId: z.string(),
      promotionId: z.string().nullable(),
      occurredAt: z.string(),
      createdAt: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const cardsAnswers = {
  "/card-types": { $post: { 201: cardType }, $get: { 200: cardTypeList } },
  "/card-types/:id": { $patch: { 200: cardType } },
  "/card-sales": { $post: { 201: cardSaleRecorded }, $get: { 200: cardSalePage } },
} satisfies Answers;
