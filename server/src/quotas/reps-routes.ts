import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { params } from "../http/validate.ts";
import { repStanding } from "./standing.ts";

/** Mounted at /reps beside the contacts module's rep routes: auth per route. */
export function repStandingRoutes(deps: Deps) {
  return new Hono().get(
    "/:id/standing",
    requireAuth(deps),
    describeRoute({ tags: ["quotas"], summary: "A rep's pace, closed months, bonus suspension and year (reps: their own)" }),
    params(z.object({ id: z.uuid("must be a rep id") })),
    async (c) => c.json(await repStanding(serviceContext(c, deps), c.req.valid("param").id), 200),
  );
}
