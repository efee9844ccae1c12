import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { body, params, query } from "../http/validate.ts";
import { IDEMPOTENCY_HEADER, readIdempotencyKey } from "../writes/idempotency.ts";
import { listContactsQuery, logContactBody, voidContactBody } from "./schemas.ts";
import { getContact, listContacts, logContact, voidContact } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["contacts"], summary });
const idParam = z.object({ id: z.uuid("must be an id") });

export function contactRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .post(
      "/",
      tag("Log a contact (Idempotency-Key required): classed existing/prospect now; a replay returns the first response"),
      body(logContactBody),
      async (c) => {
        const key = readIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), true)!;
        const out = await logContact(serviceContext(c, deps), key, c.req.valid("json"));
        if (out.replayed) c.header("Idempotent-Replayed", "true");
        return c.json(out.body, out.status as 201);
      },
    )
    .get("/", tag("Contacts, newest first (a rep sees the ones they made); paged"), query(listContactsQuery), async (c) =>
      c.json(await listContacts(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get("/:id", tag("One contact"), params(idParam), async (c) =>
      c.json(await getContact(serviceContext(c, deps), c.req.valid("param").id), 200),
    )
    .post(
      "/:id/void",
      tag("Void a contact once, with a reason (the rep who logged it, or a manager); it then counts nowhere. Idempotency-Key optional"),
      params(idParam),
      body(voidContactBody),
      async (c) => {
        const key = readIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), false);
        const out = await voidContact(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json").reason, key);
        if (out.replayed) c.header("Idempotent-Replayed", "true");
        return c.json(out.body, out.status as 200);
      },
    );
}
