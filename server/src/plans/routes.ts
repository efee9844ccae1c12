import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth, serviceContext } from "../auth/middleware.ts";
import { contactChannel } from "../contacts/schemas.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { clubDaySchema, parseDay } from "../time/club-time.ts";
import { createPlan, deletePlan, listPlans, planAdherence } from "./service.ts";
import { isoWeekSchema } from "./week.ts";

const tag = (summary: string) => describeRoute({ tags: ["plans"], summary });

/** The longest period one adherence report covers. */
const MAX_REPORT_DAYS = 400;

const dayNumber = (d: string) => {
  const { year, month, day } = parseDay(d);
  return Date.UTC(year, month - 1, day) / 86_400_000;
};

const period = z.object({ from: clubDaySchema.optional(), to: clubDaySchema.optional() }).superRefine((q, ctx) => {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: "custom", path: ["to"], ...coded("before_from", "must not be before from") });
});

export function planRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .post(
      "/",
      tag("Plan a contact with a customer for a club day (a manager may plan for a rep)"),
      body(
        z.strictObject({
          customerId: z.uuid("must be a customer id"),
          day: clubDaySchema,
          channel: contactChannel.optional(),
          note: z.string().trim().max(500).optional(),
          repId: z.uuid().optional(),
        }),
      ),
      async (c) => c.json(await createPlan(serviceContext(c, deps), c.req.valid("json")), 201),
    )
    .get(
      "/",
      tag("Plans by day (a rep sees their own); paged"),
      query(period.and(z.object({ ...pageQuery, repId: z.uuid().optional(), customerId: z.uuid().optional() }))),
      async (c) => c.json(await listPlans(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get(
      "/adherence",
      tag("Plan versus actual per rep and ISO week: a week, the weeks covering from–to, or this week"),
      query(
        z
          .object({
            ...pageQuery,
            repId: z.uuid().optional(),
            week: isoWeekSchema.optional(),
            from: clubDaySchema.optional(),
            to: clubDaySchema.optional(),
          })
          .superRefine((q, ctx) => {
            if (q.week && (q.from || q.to))
              ctx.addIssue({
                code: "custom",
                path: ["week"],
                ...coded("one_or_other", "give a week or from/to, not both", { other: "from" }),
              });
            if (Boolean(q.from) !== Boolean(q.to))
              ctx.addIssue({ code: "custom", path: [q.from ? "to" : "from"], ...coded("both_needed", "give both from and to") });
            if (q.from && q.to && q.from > q.to)
              ctx.addIssue({ code: "custom", path: ["to"], ...coded("before_from", "must not be before from") });
            if (q.from && q.to && dayNumber(q.to) - dayNumber(q.from) > MAX_REPORT_DAYS)
              ctx.addIssue({
                code: "custom",
                path: ["to"],
                ...coded("period_too_long", `at most ${MAX_REPORT_DAYS} days after from`, { max: MAX_REPORT_DAYS }),
              });
          }),
      ),
      async (c) => c.json(await planAdherence(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .delete(
      "/:id",
      tag("Delete a plan for today or later (its rep, or a manager)"),
      params(z.object({ id: z.uuid("must be an id") })),
      async (c) => {
        await deletePlan(serviceContext(c, deps), c.req.valid("param").id);
        return c.body(null, 204);
      },
    );
}
