import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { pageQuery } from "../http/paging.ts";
import { params, query } from "../http/validate.ts";
import { overdueQuery, ratioQuery } from "./schemas.ts";
import { overdueCustomers, repRatio } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["contacts"], summary });
const repParam = z.object({ id: z.uuid("must be a user id") });

// Mounted at /reps beside the quota module's routes: auth is per route, so those are not checked twice.
export function repContactRoutes(deps: Deps) {
  const auth = requireAuth(deps);
  return new Hono()
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
    );
}
