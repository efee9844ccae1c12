import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { positiveYuan } from "../money.ts";
import { clubMonthSchema, clubYearSchema } from "../time/club-time.ts";
import { closeMonths, monthResultsFor } from "./close.ts";
import { listTargets, quotaFor, setTarget, setTeamTargets, yearFor } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["quotas"], summary });
const monthParam = params(z.object({ month: clubMonthSchema }));

/** Mounted at "/": each route carries its own auth, so other modules' paths are untouched. */
export function quotaRoutes(deps: Deps) {
  const auth = requireAuth(deps);
  return new Hono()
    .put(
      "/targets/:repId/:month",
      auth,
      tag("Set a rep's monthly target (manager; a team lead, their team's reps); a closed month's targets are final"),
      allow("manager", "lead"),
      params(z.object({ repId: z.uuid("must be a rep id"), month: clubMonthSchema })),
      body(z.strictObject({ amount: positiveYuan })),
      async (c) => {
        const p = c.req.valid("param");
        return c.json(await setTarget(serviceContext(c, deps), p.repId, p.month, c.req.valid("json").amount), 200);
      },
    )
    .put(
      "/targets/team/:teamId/:month",
      auth,
      tag("Set one monthly target for every enabled rep of a team, all or none (manager; a team lead, their team)"),
      allow("manager", "lead"),
      params(z.object({ teamId: z.uuid("must be a team id"), month: clubMonthSchema })),
      body(z.strictObject({ amount: positiveYuan })),
      async (c) => {
        const p = c.req.valid("param");
        return c.json(await setTeamTargets(serviceContext(c, deps), p.teamId, p.month, c.req.valid("json").amount), 200);
      },
    )
    .get(
      "/targets",
      auth,
      tag("Targets of a month, or of a year per rep (the sum of its months); reps see their own"),
      query(
        z.object({ ...pageQuery, month: clubMonthSchema.optional(), year: clubYearSchema.optional() }).refine((q) => !(q.month && q.year), {
          ...coded("one_or_other", "give month or year, not both", { other: "month" }),
          path: ["year"],
        }),
      ),
      async (c) => c.json(await listTargets(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get(
      "/quota",
      auth,
      tag("Target, achieved, attainment and live pace level per rep for a month (default the current club month)"),
      query(z.object({ month: clubMonthSchema.optional() })),
      async (c) => c.json(await quotaFor(serviceContext(c, deps), c.req.valid("query").month), 200),
    )
    .get(
      "/quota/year",
      auth,
      tag("Annual attainment per rep and the reserved-bonus forfeiture flag (under 80%)"),
      query(z.object({ year: clubYearSchema.optional() })),
      async (c) => c.json(await yearFor(serviceContext(c, deps), c.req.valid("query").year), 200),
    )
    .post(
      "/months/:month/close",
      auth,
      tag("Close a club month (manager): the warning and removal ladder; safe to run twice"),
      allow("manager"),
      monthParam,
      async (c) => c.json(await closeMonths(serviceContext(c, deps), c.req.valid("param").month), 200),
    )
    .get("/months/:month/results", auth, tag("A month's stored close results; reps see their own"), monthParam, async (c) =>
      c.json(await monthResultsFor(serviceContext(c, deps), c.req.valid("param").month), 200),
    );
}
