import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import { timezone } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { body } from "../http/validate.ts";
import { positiveYuan } from "../money.ts";
import { POSITION_RETENTION_RANGE, VISIT_RADIUS_RANGE } from "../regulation/visit-check.ts";
import { BUSINESS_LINE } from "./schemas.ts";
import { getSettings, updateSettings } from "./service.ts";

const visits = z.number().int().min(1).max(365);

export function settingsRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .get("/", describeRoute({ tags: ["settings"], summary: "The club's settings" }), async (c) =>
      c.json(await getSettings(serviceContext(c, deps)), 200),
    )
    .patch(
      "/",
      describeRoute({
        tags: ["settings"],
        summary: "Change thresholds, cadence, grace days, business lines, visit radius, position retention (admin)",
      }),
      allow("admin"),
      body(
        z.strictObject({
          timezone: timezone.optional(),
          tierA: positiveYuan.optional(),
          tierB: positiveYuan.optional(),
          cadence: z.strictObject({ A: visits.optional(), B: visits.optional(), C: visits.optional() }).optional(),
          alarmGraceDays: z.number().int().min(0).max(27).optional(),
          businessLines: z
            .array(z.string().regex(BUSINESS_LINE, "must be a short lowercase name"))
            .min(1)
            .max(50)
            .refine((l) => new Set(l).size === l.length, coded("repeated", "must not repeat a line"))
            .optional(),
          visitRadiusM: z.number().int().min(VISIT_RADIUS_RANGE.min).max(VISIT_RADIUS_RANGE.max).optional(),
          positionRetentionDays: z.number().int().min(POSITION_RETENTION_RANGE.min).max(POSITION_RETENTION_RANGE.max).optional(),
        }),
      ),
      async (c) => c.json(await updateSettings(serviceContext(c, deps), c.req.valid("json")), 200),
    );
}
