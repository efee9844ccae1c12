import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { body, instant, params, query, reasonText } from "../http/validate.ts";
import { positiveYuan } from "../money.ts";
import { businessLineName } from "../settings/schemas.ts";
import { IDEMPOTENCY_HEADER, readIdempotencyKey } from "../writes/idempotency.ts";
import { createCardType, listCardSales, listCardTypes, sellCard, updateCardType } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["cards"], summary });
const name = z.string().trim().min(1, "is required").max(120);

export function cardRoutes(deps: Deps) {
  const auth = requireAuth(deps);
  return new Hono()
    .post(
      "/card-types",
      auth,
      tag("Add a card type with its list price (manager)"),
      allow("manager"),
      body(z.strictObject({ name, listPrice: positiveYuan, businessLine: businessLineName.optional() })),
      async (c) => c.json(await createCardType(serviceContext(c, deps), c.req.valid("json")), 201),
    )
    .get("/card-types", auth, tag("Card types and list prices"), async (c) => c.json(await listCardTypes(serviceContext(c, deps)), 200))
    .patch(
      "/card-types/:id",
      auth,
      tag("Change a card type's name, list price (later sales) or retire it (manager)"),
      allow("manager"),
      params(z.object({ id: z.uuid("must be an id") })),
      body(
        z
          .strictObject({ name: name.optional(), listPrice: positiveYuan.optional(), active: z.boolean().optional() })
          .refine((v) => Object.keys(v).length > 0, coded("nothing_to_change", "give at least one field to change")),
      ),
      async (c) => c.json(await updateCardType(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .post(
      "/card-sales",
      auth,
      tag(
        "Sell a card at its list price; another price needs a manager's recorded approval. With an Idempotency-Key a replay answers the first sale",
      ),
      body(
        z.strictObject({
          customerId: z.uuid("must be a customer id"),
          cardTypeId: z.uuid("must be a card type id"),
          price: positiveYuan.optional(),
          occurredAt: instant.optional(),
          repId: z.uuid().optional(),
          approvalNote: reasonText.optional(),
          promotionId: z.uuid("must be a promotion id").optional(),
        }),
      ),
      async (c) => {
        const key = readIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), false);
        const out = await sellCard(serviceContext(c, deps), c.req.valid("json"), key);
        if (out.replayed) c.header("Idempotent-Replayed", "true");
        return c.json(out.body, 201);
      },
    )
    .get(
      "/card-sales",
      auth,
      tag("Card sales, newest first"),
      query(z.object({ ...pageQuery, customerId: z.uuid().optional(), repId: z.uuid().optional() })),
      async (c) => c.json(await listCardSales(serviceContext(c, deps), c.req.valid("query")), 200),
    );
}
