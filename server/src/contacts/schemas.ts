import { z } from "zod";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { instant } from "../http/validate.ts";
import { clubDaySchema, clubMonthSchema } from "../time/club-time.ts";

export const contactChannel = z.enum(["visit", "demo", "phone", "letter"]);
export const contactOutcome = z.enum(["none", "interested", "signed", "declined"]);

export const logContactBody = z.strictObject({
  customerId: z.uuid("must be a customer id"),
  channel: contactChannel,
  occurredAt: instant.optional(),
  outcome: contactOutcome.optional(),
  notes: z.string().trim().max(2000).optional(),
  /** the approved public promotion (第五条 1.2) it was made at */
  promotionId: z.uuid("must be a promotion id").optional(),
});
export type LogContact = z.infer<typeof logContactBody>;

export const listContactsQuery = z.object({
  ...pageQuery,
  customerId: z.uuid().optional(),
  repId: z.uuid().optional(),
  month: clubMonthSchema.optional(),
});
export type ListContactsQuery = z.infer<typeof listContactsQuery>;

export const voidContactBody = z.strictObject({ reason: z.string().trim().min(3, "say why, in a few words").max(500) });

/** A month, or a custom period of club days (`from` and `to`, both inclusive); not both. */
export const ratioQuery = z
  .object({ month: clubMonthSchema.optional(), from: clubDaySchema.optional(), to: clubDaySchema.optional() })
  .superRefine((q, ctx) => {
    if (q.month && (q.from || q.to))
      ctx.addIssue({ code: "custom", path: ["month"], ...coded("one_or_other", "give a month or from/to, not both", { other: "from" }) });
    if (Boolean(q.from) !== Boolean(q.to))
      ctx.addIssue({ code: "custom", path: [q.from ? "to" : "from"], ...coded("both_needed", "give both from and to") });
    if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: "custom", path: ["to"], ...coded("before_from", "must not be before from") });
  });
export type RatioQuery = z.infer<typeof ratioQuery>;

export const overdueQuery = z.object({ ...pageQuery, repId: z.uuid().optional() });
