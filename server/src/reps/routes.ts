import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import { overdueQuery, ratioQuery } from "../contacts/schemas.ts";
import { overdueCustomers, repRatio } from "../contacts/service.ts";
import { handOver, handoverBody } from "../customers/handover.ts";
import type { Deps } from "../deps.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { repStanding } from "../quotas/standing.ts";

const tag = (summary: string) => describeRoute({ tags: ["contacts"], summary });
const repParam = z.object({ id: z.uuid("must be a user id") });

/**
 * Everything under /reps/:id: a rep's handover (customers), contact ratio and overdue
 * list (contacts) and standing (quotas). Auth is per route, as it was where each was
 * defined, so an unknown /reps path still answers 404.
 */
export function repRoutes(deps: Deps) {
  const auth = requireAuth(deps);
  return new Hono()
    .post(
      "/:id/handover",
      describeRoute({
        tags: ["customers"],
        summary:
          "Hand a rep's book over (all or chosen customers, their open plans, prospects in review, open complaints) to one active rep or spread by count or tier; all or none; preview=true moves nothing (manager, or a lead within their team)",
      }),
      auth,
      allow("manager", "lead"),
      params(z.object({ id: z.uuid("must be a rep's id") })),
      body(handoverBody),
      async (c) => c.json(await handOver(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .get(
      "/overdue",
      auth,
      tag("Overdue customers by cadence, most overdue first: the club's (manager, optional repId) or the caller's own (rep)"),
      query(overdueQuery),
      async (c) => c.json(await overdueCustomers(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get(
      "/:id/ratio",
      auth,
      tag("The 1:3 ratio (in-person contacts) for a club month (default: this one) or club days from–to"),
      params(repParam),
      query(ratioQuery),
      async (c) => c.json(await repRatio(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("query")), 200),
    )
    .get(
      "/:id/overdue",
      auth,
      tag("A rep's overdue customers by cadence, most overdue first"),
      params(repParam),
      query(z.object(pageQuery)),
      async (c) =>
        c.json(await overdueCustomers(serviceContext(c, deps), { ...c.req.valid("query"), repId: c.req.valid("param").id }), 200),
    )
    .get(
      "/:id/standing",
      auth,
      describeRoute({ tags: ["quotas"], summary: "A rep's pace, closed months, bonus suspension and year (reps: their own)" }),
      params(z.object({ id: z.uuid("must be a rep id") })),
      async (c) => c.json(await repStanding(serviceContext(c, deps), c.req.valid("param").id), 200),
    );
}
