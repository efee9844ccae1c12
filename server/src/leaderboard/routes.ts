import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { query } from "../http/validate.ts";
import { clubMonthSchema } from "../time/club-time.ts";
import { leaderboard } from "./service.ts";

/** A sales-floor board: every member of the club may read it, reps included. */
export function leaderboardRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .get(
      "/",
      describeRoute({ tags: ["leaderboard"], summary: "Reps by revenue for the month, quarter or year holding `at` (default now)" }),
      query(z.object({ period: z.enum(["month", "quarter", "year"]).default("month"), at: clubMonthSchema.optional() })),
      async (c) => {
        const q = c.req.valid("query");
        return c.json(await leaderboard(deps, c.get("auth").tenant.id, q.period, q.at), 200);
      },
    );
}
