import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { createChannel, deleteChannel, listChannels, listDeliveries, testChannel, updateChannel } from "./channels.ts";
import { NOTIFY_EVENTS, NOTIFY_LANGUAGES } from "./events.ts";

const tag = (summary: string) => describeRoute({ tags: ["notify"], summary });
const idParam = z.object({ id: z.uuid("must be an id") });

/** This machine: the only host a channel may reach over plain http (a receiver in development or a local relay). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * An address the server may post to: https with a host, no spaces; plain http only to
 * this machine (localhost, 127.x.x.x, [::1]) — a secret or a message never crosses a
 * network unencrypted.
 */
export function isDeliverableUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  try {
    const u = new URL(s);
    if (u.hostname.length === 0) return false;
    return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.test(u.hostname));
  } catch {
    return false;
  }
}

const url = z
  .string()
  .max(2000)
  .refine(isDeliverableUrl, coded("invalid_format", "must be an https address with a host (http only to localhost)", { format: "URL" }));
const name = z.string().trim().min(1, "is required").max(80);
const secret = z.string().min(1).max(200);
const events = z.array(z.enum(NOTIFY_EVENTS)).max(NOTIFY_EVENTS.length * 2);
const language = z.enum(NOTIFY_LANGUAGES);

/**
 * The club's notification channels (docs/notify.md): managers and admins only, as the
 * club's settings are. No answer ever carries a channel's URL or secret.
 */
export function notifyRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .use(allow("admin", "manager"))
    .get(
      "/channels",
      tag("The club's notification channels (URLs and secrets shown only as hints) and the events they may get"),
      async (c) => c.json(await listChannels(serviceContext(c, deps)), 200),
    )
    .post(
      "/channels",
      tag("Add a channel: a WeCom, DingTalk or Feishu group bot, or a webhook signed per Standard Webhooks"),
      body(
        z.strictObject({
          kind: z.enum(["wecom", "dingtalk", "feishu", "webhook"]),
          name,
          url,
          secret: secret.optional(),
          events,
          language: language.optional(),
          enabled: z.boolean().optional(),
        }),
      ),
      async (c) => c.json(await createChannel(serviceContext(c, deps), c.req.valid("json")), 201),
    )
    .patch(
      "/channels/:id",
      tag("Change a channel; enabling a disabled one forgives its failures and sends what waited"),
      params(idParam),
      body(
        z
          .strictObject({
            name: name.optional(),
            url: url.optional(),
            secret: secret.optional(),
            events: events.optional(),
            language: language.optional(),
            enabled: z.boolean().optional(),
          })
          .refine((p) => Object.keys(p).length > 0, coded("nothing_to_change", "names nothing to change")),
      ),
      async (c) => c.json(await updateChannel(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .delete("/channels/:id", tag("Remove a channel and the messages still waiting for it"), params(idParam), async (c) => {
      await deleteChannel(serviceContext(c, deps), c.req.valid("param").id);
      return c.body(null, 204);
    })
    .post("/channels/:id/test", tag("Send a test message now; the answer says whether the app took it"), params(idParam), async (c) =>
      c.json(await testChannel(serviceContext(c, deps), c.req.valid("param").id), 200),
    )
    .get(
      "/channels/:id/deliveries",
      tag("The channel's delivery log, newest first: each attempt, its outcome and the answer's status"),
      params(idParam),
      query(z.object({ ...pageQuery })),
      async (c) => c.json(await listDeliveries(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("query")), 200),
    );
}
