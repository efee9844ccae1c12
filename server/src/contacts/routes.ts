import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { body, params, query } from "../http/validate.ts";
import { IDEMPOTENCY_HEADER, readIdempotencyKey } from "../writes/idempotency.ts";
import { acceptContactBody, listContactsQuery, logContactBody, voidContactBody } from "./schemas.ts";
import { acceptContact, getContact, listContacts, logContact, voidContact } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["contacts"], summary });
const idParam = z.object({ id: z.uuid("must be an id") });

export function contactRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .post(
      "/",
      tag(
        "Log a contact (Idempotency-Key required): classed existing/prospect now; a visit or demo carries the phone's position (or why there is none) and is checked against the customer's pin; a replay returns the first response",
      ),
      body(logContactBody),
      async (c) => {
        const key = readIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), true)!;
        const out = await logContact(serviceContext(c, deps), key, c.req.valid("json"));
        if (out.replayed) c.header("Idempotent-Replayed", "true");
        return c.json(out.body, out.status as 201);
      },
    )
    .get(
      "/",
      tag("Contacts, newest first (a rep sees the ones they made); filters customerId, repId, month, check; paged"),
      query(listContactsQuery),
      async (c) => c.json(await listContacts(serviceContext(c, deps), c.req.valid("query")), 200),
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
    )
    .post(
      "/:id/accept",
      tag("Accept an unverified visit or demo (off site, no position, no pin) once, with a reason (manager). Idempotency-Key optional"),
      allow("manager"),
      params(idParam),
      body(acceptContactBody),
      async (c) => {
        const key = readIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), false);
        const out = await acceptContact(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json").reason, key);
        if (out.replayed) c.header("Idempotent-Replayed", "true");
        return c.json(out.body, out.status as 200);
      },
    );
}
