import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { decideReview, listReviews, reviewQueue } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["prospects"], summary });

export const reviewBody = z.discriminatedUnion("decision", [
  z.strictObject({ decision: z.literal("continue") }),
  z.strictObject({ decision: z.literal("drop") }),
  z.strictObject({ decision: z.literal("reassign"), ownerId: z.uuid({ error: "is required for reassign: the new owner's id" }) }),
]);

export function prospectRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .get(
      "/review",
      tag(
        "The review queue, longest waiting first, with the total waiting: prospects with 3+ in-person contacts since they became prospects or their last review (manager)",
      ),
      allow("manager", "lead"),
      query(z.object(pageQuery)),
      async (c) => c.json(await reviewQueue(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get(
      "/reviews",
      tag("Review decisions, newest first (manager)"),
      allow("manager", "lead"),
      query(z.object({ ...pageQuery, customerId: z.uuid().optional() })),
      async (c) => c.json(await listReviews(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .post(
      "/:id/review",
      tag("Decide on a prospect in the queue: continue, reassign (ownerId) or drop (manager)"),
      allow("manager", "lead"),
      params(z.object({ id: z.uuid("must be a customer id") })),
      body(reviewBody),
      async (c) => c.json(await decideReview(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 201),
    );
}
