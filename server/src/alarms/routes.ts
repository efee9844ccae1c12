import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { pageQuery } from "../http/paging.ts";
import { params, query } from "../http/validate.ts";
import { acknowledgeAlarm, listAlarms } from "./service.ts";

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
    .post(
      "/:id/acknowledge",
      describeRoute({ tags: ["alarms"], summary: "Acknowledge an alarm (manager; a team lead, their team's)" }),
      allow("manager", "lead"),
      params(z.object({ id: z.uuid("must be an id") })),
      async (c) => c.json(await acknowledgeAlarm(serviceContext(c, deps), c.req.valid("param").id), 200),
    );
}
