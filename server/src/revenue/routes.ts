import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth, serviceContext } from "../auth/middleware.ts";
import { decodeCsv } from "../csv/read.ts";
import { importTemplate, templateFileName } from "../csv/templates.ts";
import type { Deps } from "../deps.ts";
import { csvLimit } from "../http/csv-limit.ts";
import { pageQuery } from "../http/paging.ts";
import { body, instant, params, query, reasonText } from "../http/validate.ts";
import { positiveYuan } from "../money.ts";
import { businessLineName } from "../settings/schemas.ts";
import { clubMonthSchema } from "../time/club-time.ts";
import { IDEMPOTENCY_HEADER, readIdempotencyKey } from "../writes/idempotency.ts";
import { importRevenue } from "./import.ts";
import { listRevenue, recordRevenue, reverseRevenue } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["revenue"], summary });

export function revenueRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .post(
      "/",
      tag("Record revenue (a rep for their own customers); an Idempotency-Key makes retries safe"),
      body(
        z.strictObject({
          customerId: z.uuid("must be a customer id"),
          amount: positiveYuan,
          businessLine: businessLineName,
          occurredAt: instant,
          repId: z.uuid("must be a user id").optional(),
        }),
      ),
      async (c) => {
        const key = readIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), false);
        const out = await recordRevenue(serviceContext(c, deps), c.req.valid("json"), key);
        if (out.replayed) c.header("Idempotent-Replayed", "true");
        return c.json(out.body, 201);
      },
    )
    .get(
      "/",
      tag("The ledger, newest first; reversals stay visible"),
      query(z.object({ ...pageQuery, customerId: z.uuid().optional(), repId: z.uuid().optional(), month: clubMonthSchema.optional() })),
      async (c) => c.json(await listRevenue(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .post(
      "/import",
      tag(
        "Import revenue from CSV (text/csv, UTF-8 or GB18030; columns customerId, amount, businessLine, occurredAt, repId?, ref?, or their Chinese headers): all rows or none",
      ),
      csvLimit,
      async (c) => {
        const text = decodeCsv(new Uint8Array(await c.req.arrayBuffer()), c.req.header("content-type"));
        return c.json(await importRevenue(serviceContext(c, deps), text), 201);
      },
    )
    .get(
      "/import/template.csv",
      tag("The revenue import template: a header row and a sample row; lang=zh-CN for Chinese headers and labels"),
      query(z.object({ lang: z.enum(["en", "zh-CN"]).default("en") })),
      async (c) => {
        const lang = c.req.valid("query").lang;
        return c.body(await importTemplate(serviceContext(c, deps), "revenue", lang), 200, {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="${templateFileName("revenue", lang)}"`,
        });
      },
    )
    .post(
      "/:id/reverse",
      tag("Reverse an entry (never edit or delete): a negative entry naming the original and why"),
      params(z.object({ id: z.uuid("must be an id") })),
      body(z.strictObject({ reason: reasonText })),
      async (c) => c.json(await reverseRevenue(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json").reason), 201),
    );
}
