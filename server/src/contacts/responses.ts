import { z } from "zod";
import type { Answers } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const contact = z.object({
  voidReason: z.string().optional(),
  voidedBy: z.string().nullable().optional(),
  voidedAt: z.string().optional(),
  id: z.string(),
  target: z.enum(["prospect", "existing"]),
  repId: z.string(),
  customerId: z.string(),
  channel: z.enum(["phone", "visit", "letter", "demo"]),
  outcome: z.enum(["none", "interested", "signed", "declined"]),
  notes: z.string().nullable(),
  occurredAt: z.string(),
  day: z.string(),
  month: z.string(),
  inPerson: z.boolean(),
  promotionId: z.string().nullable(),
  voided: z.boolean(),
  createdAt: z.string(),
  /** docs/verified-visits.md: the check against the customer's pin, fixed at logging; null for phone and letter */
  check: z
    .object({
      state: z.enum(["on_site", "off_site", "no_position", "no_pin"]),
      distanceM: z.number().nullable(),
      accepted: z.object({ by: z.string(), byName: z.string(), at: z.string(), reason: z.string() }).nullable(),
    })
    .nullable(),
  /** only to the contact's own rep and managers; null for anyone else, and after retention deleted it */
  position: z.object({ lat: z.number(), lng: z.number(), accuracy: z.number(), takenAt: z.string().nullable() }).nullable(),
});

/** A rep's checks over a day or a month (docs/verified-visits.md); offSite, noPosition and noPin are the ones not accepted. */
export const checks = z.object({
  inPerson: z.number(),
  onSite: z.number(),
  accepted: z.number(),
  offSite: z.number(),
  noPosition: z.number(),
  noPin: z.number(),
});

export const overdueList = z.object({
  items: z.array(
    z.object({
      customerId: z.string(),
      name: z.string(),
      ownerId: z.string(),
      ownerName: z.string(),
      tier: z.enum(["A", "B", "C"]),
      required: z.number(),
      intervalDays: z.number(),
      lastInPersonAt: z.string().nullable(),
      activeSince: z.string(),
      dueAt: z.string(),
      daysOverdue: z.number(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const contactPage = z.object({ items: z.array(contact), nextCursor: z.string().nullable() });

export const contactRatio = z.object({
  existing: z.number(),
  prospect: z.number(),
  required: z.number(),
  shortfall: z.number(),
  compliant: z.boolean(),
});

export const contactsAnswers = {
  "/contacts": { $post: { 201: contact }, $get: { 200: contactPage } },
  "/contacts/:id": { $get: { 200: contact } },
  "/contacts/:id/void": { $post: { 200: contact } },
  "/contacts/:id/accept": { $post: { 200: contact } },
  "/reps/overdue": { $get: { 200: overdueList } },
  "/reps/:id/ratio": { $get: { 200: contactRatio } },
  "/reps/:id/overdue": { $get: { 200: overdueList } },
} satisfies Answers;
