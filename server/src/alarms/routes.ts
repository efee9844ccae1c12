import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { type AckFilter, acknowledgeAlarm, acknowledgeMany, alarmCounts, listAlarms } from "./service.ts";

/** Which alarms to acknowledge at once: listed ids, or a filter by level, kind and/or rep (at least one). */
const ackFilter = z
  .strictObject({
    ids: z.array(z.uuid("must be an id")).min(1).max(1000).optional(),
    level: z.string().trim().min(1).max(20).optional(),
    kind: z.string().trim().min(1).max(40).optional(),
    repId: z.uuid("must be an id").optional(),
  })
  .refine((v) => Object.keys(v).length > 0, coded("nothing_to_change", "give a level, a kind or a rep (or ids)"))
  .refine((v) => !v.ids || Object.keys(v).length === 1, { ...coded("one_or_other", "give ids or a filter, not both"), path: ["ids"] });

export function alarmRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .get(
      "/",
      describeRoute({ tags: ["alarms"], summary: "Alarms, newest first (a rep sees their own)" }),
      query(
        z.object({
          ...pageQuery,
          status: z.enum(["open", "unacknowledged", "all"]).optional(),
          kind: z.string().max(40).optional(),
          repId: z.uuid().optional(),
        }),
      ),
      async (c) => c.json(await listAlarms(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get(
      "/counts",
      describeRoute({ tags: ["alarms"], summary: "Counts of the club's unacknowledged alarms: total, by kind, by level (manager)" }),
      allow("manager"),
      async (c) => c.json(await alarmCounts(serviceContext(c, deps)), 200),
    )
    .post(
      "/acknowledge",
      describeRoute({
        tags: ["alarms"],
        summary: "Acknowledge many alarms at once: by ids, or all of a level, kind and/or rep (manager; a team lead, their team's)",
      }),
      allow("manager", "lead"),
      body(ackFilter),
      async (c) => c.json(await acknowledgeMany(serviceContext(c, deps), toAckFilter(c.req.valid("json"))), 200),
    )
    .post(
      "/:id/acknowledge",
      describeRoute({ tags: ["alarms"], summary: "Acknowledge an alarm (manager; a team lead, their team's)" }),
      allow("manager", "lead"),
      params(z.object({ id: z.uuid("must be an id") })),
      async (c) => c.json(await acknowledgeAlarm(serviceContext(c, deps), c.req.valid("param").id), 200),
    );
}

function toAckFilter(v: z.infer<typeof ackFilter>): AckFilter {
  return v.ids ? { ids: v.ids } : { level: v.level, kind: v.kind, repId: v.repId };
}
