import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { pageQuery } from "../http/paging.ts";
import { body, instant, params, query, reasonText } from "../http/validate.ts";
import { askPromotion, cancelPromotion, decidePromotion, getPromotion, listPromotions } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["promotions"], summary });
const idParam = z.object({ id: z.uuid("must be an id") });
const promotionStatus = z.enum(["requested", "approved", "refused", "cancelled"]);

export function promotionRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .post(
      "/",
      tag("Ask to show, promote or sell cards at a public place (第五条 1.2): where, when, which cards, expected contacts (a rep)"),
      allow("rep"),
      body(
        z.strictObject({
          place: z.string().trim().min(1, "is required").max(200),
          startsAt: instant,
          endsAt: instant,
          cardTypeIds: z.array(z.uuid("must be a card type id")).min(1).max(50),
          expectedContacts: z.number().int().min(0).max(100_000),
          note: z.string().trim().max(1000).optional(),
        }),
      ),
      async (c) => c.json(await askPromotion(serviceContext(c, deps), c.req.valid("json")), 201),
    )
    .get(
      "/",
      tag("Promotions with their contacts, card sales and revenue (a rep sees their own, a lead their team's); newest first, paged"),
      query(
        z.object({
          ...pageQuery,
          status: promotionStatus.optional(),
          repId: z.uuid().optional(),
          usableNow: z
            .enum(["true", "false"])
            .transform((v) => v === "true")
            .optional(),
        }),
      ),
      async (c) => c.json(await listPromotions(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get("/:id", tag("One promotion with its contacts, card sales and revenue"), params(idParam), async (c) =>
      c.json(await getPromotion(serviceContext(c, deps), c.req.valid("param").id), 200),
    )
    .post("/:id/approve", tag("Approve a requested promotion, once (manager)"), allow("manager"), params(idParam), async (c) =>
      c.json(await decidePromotion(serviceContext(c, deps), c.req.valid("param").id, "approved"), 200),
    )
    .post(
      "/:id/refuse",
      tag("Refuse a requested promotion with a reason, once (manager)"),
      allow("manager"),
      params(idParam),
      body(z.strictObject({ reason: reasonText })),
      async (c) =>
        c.json(await decidePromotion(serviceContext(c, deps), c.req.valid("param").id, "refused", c.req.valid("json").reason), 200),
    )
    .post("/:id/cancel", tag("Cancel one's own promotion before it starts (its rep)"), allow("rep"), params(idParam), async (c) =>
      c.json(await cancelPromotion(serviceContext(c, deps), c.req.valid("param").id), 200),
    );
}
