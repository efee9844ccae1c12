import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import { decodeCsv } from "../csv/read.ts";
import { importTemplate, templateFileName } from "../csv/templates.ts";
import type { Deps, ServiceContext } from "../deps.ts";
import { csvLimit } from "../http/csv-limit.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { clubNow } from "../settings/club-now.ts";
import { IDEMPOTENCY_HEADER, readIdempotencyKey, withIdempotency } from "../writes/idempotency.ts";
import { exportCustomers, importCustomers } from "./csv.ts";
import { setCustomerPin } from "./pin.ts";
import { reassignBody, reassignCustomers } from "./reassign.ts";
import { type CreateCustomer, createCustomerBody, exportCustomersQuery, listCustomersQuery, patchCustomerBody } from "./schemas.ts";
import {
  confirmRefresh,
  createCustomer,
  createCustomerTx,
  customerHistory,
  getCustomer,
  listCustomers,
  referralTree,
  tierHistory,
  updateCustomer,
  viewCustomer,
} from "./service.ts";

const idParam = z.object({ id: z.uuid("must be an id") });
const tag = (summary: string) => describeRoute({ tags: ["customers"], summary });

/**
 * Add a customer once per Idempotency-Key (a phone that added a prospect offline
 * replays the POST until it hears an answer): the key is claimed in the same
 * transaction as the insert, in the contacts' key table (per club and user), and a
 * replay answers the customer the first request created.
 */
async function createCustomerOnce(ctx: ServiceContext, key: string, input: CreateCustomer) {
  const out = await withIdempotency(ctx, { key, scope: "POST /customers", request: input }, async (tx) => {
    const row = await createCustomerTx(tx, ctx, input);
    const view = await viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id);
    return { status: 201 as const, body: JSON.parse(JSON.stringify(view)) as typeof view };
  });
  if (!out.replayed) await ctx.deps.live.boardChanged(ctx.tenantId);
  return out;
}

/** POST /customers/reassign, mounted inside customerRoutes (which checks the session). */
export function reassignRoute(deps: Deps) {
  return new Hono().post(
    "/",
    describeRoute({
      tags: ["customers"],
      summary: "Reassign customers (by ids, ≤ 1000, or all of fromRepId) to an active rep with a reason; all or none (manager)",
    }),
    allow("manager", "lead"),
    body(reassignBody),
    async (c) => c.json(await reassignCustomers(serviceContext(c, deps), c.req.valid("json")), 200),
  );
}

export function customerRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .route("/reassign", reassignRoute(deps))
    .post(
      "/import",
      tag("Import customers from CSV (text/csv): all rows or none (manager, or a rep for themself)"),
      csvLimit,
      async (c) => {
        const text = decodeCsv(new Uint8Array(await c.req.arrayBuffer()), c.req.header("content-type"));
        return c.json(await importCustomers(serviceContext(c, deps), text), 201);
      },
    )
    .get(
      "/import/template.csv",
      tag("The customer import template: a header row and a sample row; lang=zh-CN for Chinese headers and labels"),
      query(z.object({ lang: z.enum(["en", "zh-CN"]).default("en") })),
      async (c) => {
        const lang = c.req.valid("query").lang;
        return c.body(await importTemplate(serviceContext(c, deps), "customers", lang), 200, {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="${templateFileName("customers", lang)}"`,
        });
      },
    )
    .get(
      "/export.csv",
      tag(
        "Customers as CSV under the list's filters and order; lang=zh-CN for Chinese headers, labels and club-time dates; personal fields only when a manager asks (includePersonal=true)",
      ),
      query(exportCustomersQuery),
      async (c) => {
        const csv = await exportCustomers(serviceContext(c, deps), c.req.valid("query"));
        return c.body(csv, 200, {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": 'attachment; filename="customers.csv"',
        });
      },
    )
    .post(
      "/",
      tag("Add a customer (a rep owns what they add); with an Idempotency-Key a replay answers the first customer"),
      body(createCustomerBody),
      async (c) => {
        const key = readIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), false);
        if (key === undefined) return c.json(await createCustomer(serviceContext(c, deps), c.req.valid("json")), 201);
        const out = await createCustomerOnce(serviceContext(c, deps), key, c.req.valid("json"));
        if (out.replayed) c.header("Idempotent-Replayed", "true");
        return c.json(out.body, 201);
      },
    )
    .get(
      "/",
      tag("List customers: filters tier, status, kind, ownerId, stale, overdue, q; sort and dir; paged, with the total matching"),
      query(listCustomersQuery),
      async (c) => c.json(await listCustomers(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get("/:id", tag("One customer"), params(idParam), async (c) =>
      c.json(await getCustomer(serviceContext(c, deps), c.req.valid("param").id), 200),
    )
    .patch("/:id", tag("Edit a customer (every change is kept in its history)"), params(idParam), body(patchCustomerBody), async (c) =>
      c.json(await updateCustomer(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .put(
      "/:id/pin",
      tag("Set where the customer is (manager); later visits are checked against it, logged ones keep their check"),
      allow("manager"),
      params(idParam),
      body(z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })),
      async (c) => c.json(await setCustomerPin(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .delete("/:id/pin", tag("Clear where the customer is (manager)"), allow("manager"), params(idParam), async (c) =>
      c.json(await setCustomerPin(serviceContext(c, deps), c.req.valid("param").id, null), 200),
    )
    .post("/:id/refresh", tag("Confirm the record was reviewed and is unchanged (quarterly refresh)"), params(idParam), async (c) =>
      c.json(await confirmRefresh(serviceContext(c, deps), c.req.valid("param").id), 200),
    )
    .get("/:id/history", tag("Every change: who, when, old and new values"), params(idParam), query(z.object(pageQuery)), async (c) =>
      c.json(await customerHistory(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("query")), 200),
    )
    .get("/:id/referrals", tag("Referral chain and tree"), params(idParam), async (c) =>
      c.json(await referralTree(serviceContext(c, deps), c.req.valid("param").id), 200),
    )
    .get(
      "/:id/tiers",
      tag("Tier history per month"),
      params(idParam),
      query(z.object({ months: z.coerce.number().int().min(1).max(60).default(12) })),
      async (c) => c.json(await tierHistory(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("query").months), 200),
    );
}
