import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { listComplaints, logComplaint, resolveComplaint } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["complaints"], summary });

export function complaintRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .post(
      "/",
      tag("Log a customer complaint (受理客户投诉); open over 48 h raises an alarm"),
      body(
        z.strictObject({
          customerId: z.uuid("must be a customer id"),
          channel: z.enum(["phone", "visit", "letter", "email", "wechat", "other"]),
          summary: z.string().trim().min(1, "is required").max(2000),
        }),
      ),
      async (c) => c.json(await logComplaint(serviceContext(c, deps), c.req.valid("json")), 201),
    )
    .get(
      "/",
      tag("Complaints, newest first (order=oldest: oldest first), each with its 48-hour clock (dueAt, overdue, msLeft) and owner"),
      query(
        z.object({
          ...pageQuery,
          status: z.enum(["open", "resolved"]).optional(),
          customerId: z.uuid().optional(),
          order: z.enum(["newest", "oldest"]).optional(),
        }),
      ),
      async (c) => c.json(await listComplaints(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .post(
      "/:id/resolve",
      tag("Resolve a complaint"),
      params(z.object({ id: z.uuid("must be an id") })),
      body(z.strictObject({ resolution: z.string().trim().min(1, "is required").max(2000) })),
      async (c) => c.json(await resolveComplaint(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json").resolution), 200),
    );
}
