import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { pageQuery } from "../http/paging.ts";
import { query } from "../http/validate.ts";
import { clubQuarterSchema } from "../time/club-time.ts";
import { progress, staleCustomers } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["refresh"], summary });

export function refreshRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .get(
      "/progress",
      tag("Each rep's refresh progress for a club quarter (default this one); a rep sees their own row"),
      query(z.object({ ...pageQuery, quarter: clubQuarterSchema.optional() })),
      async (c) => c.json(await progress(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get(
      "/stale",
      tag("Customers not refreshed this club quarter, stalest first (a rep sees their own)"),
      query(z.object({ ...pageQuery, ownerId: z.uuid().optional() })),
      async (c) => c.json(await staleCustomers(serviceContext(c, deps), c.req.valid("query")), 200),
    );
}
