import { z } from "zod";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { instant, reasonText } from "../http/validate.ts";
import { MAX_ACCURACY_M } from "../regulation/visit-check.ts";
import { clubDaySchema, clubMonthSchema } from "../time/club-time.ts";

export const contactChannel = z.enum(["visit", "demo", "phone", "letter"]);
export const contactOutcome = z.enum(["none", "interested", "signed", "declined"]);

/** Where the phone was at logging (docs/verified-visits.md): degrees, and the accuracy it reported in metres. */
export const positionBody = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracy: z.number().gt(0).max(MAX_ACCURACY_M),
  /** when the phone took it (a queued contact carries the position taken at logging) */
  takenAt: instant.optional(),
});
export const positionError = z.enum(["denied", "unavailable", "timeout"]);

export const logContactBody = z
  .strictObject({
    customerId: z.uuid("must be a customer id"),
    channel: contactChannel,
    occurredAt: instant.optional(),
    outcome: contactOutcome.optional(),
    notes: z.string().trim().max(2000).optional(),
    /** the approved public promotion (第五条 1.2) it was made at */
    promotionId: z.uuid("must be a promotion id").optional(),
    /** in person only: the phone's position at logging */
    position: positionBody.optional(),
    /** in person only: why there is no position */
    positionError: positionError.optional(),
    /** "I am at this customer now": pin the customer here (needs a position; the customer must have no pin) */
    pinHere: z.literal(true).optional(),
  })
  .superRefine((b, ctx) => {
    const inPerson = b.channel === "visit" || b.channel === "demo";
    if (b.position && b.positionError)
      ctx.addIssue({
        code: "custom",
        path: ["positionError"],
        ...coded("one_or_other", "give a position or why there is none, not both", { other: "position" }),
      });
    if (!inPerson && b.position)
      ctx.addIssue({ code: "custom", path: ["position"], ...coded("in_person_only", "is only taken for a visit or a demo") });
    if (!inPerson && b.positionError)
      ctx.addIssue({ code: "custom", path: ["positionError"], ...coded("in_person_only", "is only taken for a visit or a demo") });
    if (b.pinHere && !inPerson)
      ctx.addIssue({ code: "custom", path: ["pinHere"], ...coded("in_person_only", "is only for a visit or a demo") });
    else if (b.pinHere && !b.position)
      ctx.addIssue({ code: "custom", path: ["pinHere"], ...coded("needs_position", "needs the phone's position") });
  });
export type LogContact = z.infer<typeof logContactBody>;

export const listContactsQuery = z.object({
  ...pageQuery,
  customerId: z.uuid().optional(),
  repId: z.uuid().optional(),
  month: clubMonthSchema.optional(),
  /** docs/verified-visits.md: unverified = off_site, no_position or no_pin, not accepted */
  check: z.enum(["on_site", "off_site", "no_position", "no_pin", "unverified"]).optional(),
});
export type ListContactsQuery = z.infer<typeof listContactsQuery>;

export const acceptContactBody = z.strictObject({ reason: reasonText });

export const voidContactBody = z.strictObject({ reason: reasonText });

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
