import { timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sql, withoutTenant } from "@clubhouse/db";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { matchedRoutes, routePath } from "hono/route";
import { alarmRoutes } from "./alarms/routes.ts";
import { analysisRoutes } from "./analysis/routes.ts";
import { authRoutes } from "./auth/routes.ts";
import { awardRoutes } from "./awards/routes.ts";
import { cardRoutes } from "./cards/routes.ts";
import { complaintRoutes } from "./complaints/routes.ts";
import { contactRoutes } from "./contacts/routes.ts";
import { customerRoutes } from "./customers/routes.ts";
import type { Deps } from "./deps.ts";
import { diaryRoutes } from "./diary/routes.ts";
import { PayloadTooLarge } from "./errors.ts";
import { errorBody, respondError, statusOf, toAppError } from "./http/errors.ts";
import { leaderboardRoutes } from "./leaderboard/routes.ts";
import { notifyRoutes } from "./notify/routes.ts";
import { openApiDocument } from "./openapi.ts";
import { planRoutes } from "./plans/routes.ts";
import { promotionRoutes } from "./promotions/routes.ts";
import { prospectRoutes } from "./prospects/routes.ts";
import { quotaRoutes } from "./quotas/routes.ts";
import { liveRoutes } from "./realtime/routes.ts";
import { refreshRoutes } from "./refresh/routes.ts";
import { repRoutes } from "./reps/routes.ts";
import { revenueRoutes } from "./revenue/routes.ts";
import { settingsRoutes } from "./settings/routes.ts";
import { teamRoutes } from "./teams/routes.ts";
import { userRoutes } from "./users/routes.ts";

/** JSON bodies above this are refused with 413 before they are read. */
export const JSON_BODY_LIMIT = 1024 * 1024;

const tooLarge = () => {
  throw new PayloadTooLarge(`The body is larger than ${JSON_BODY_LIMIT} bytes.`);
};
const streamedLimit = bodyLimit({ maxSize: JSON_BODY_LIMIT, onError: tooLarge });

/**
 * The JSON body limit. A body with a Content-Length is judged by the header alone;
 * only a chunked one is counted as it streams (hono's bodyLimit). hono's middleware
 * asks the request for its body stream first, which on Node makes a full web Request
 * for every request, GETs included: a tenth of the CPU a small write costs.
 */
const jsonLimit: MiddlewareHandler = (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const length = c.req.header("content-length");
  if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
    return Number.parseInt(length, 10) > JSON_BODY_LIMIT ? tooLarge() : next();
  }
  return streamedLimit(c, next);
};

export function apiRoutes(deps: Deps) {
  return (
    new Hono()
      // CSV imports set their own, larger limit (http/csv-limit.ts).
      .use(async (c, next) => (c.req.path.endsWith("/import") ? next() : jsonLimit(c, next)))
      .route("/", authRoutes(deps))
      .route("/users", userRoutes(deps))
      .route("/teams", teamRoutes(deps))
      .route("/settings", settingsRoutes(deps))
      .route("/notify", notifyRoutes(deps))
      // customers, revenue, cards, tiers and analysis (docs/customers.md, revenue.md, analysis.md)
      .route("/customers", customerRoutes(deps))
      .route("/complaints", complaintRoutes(deps))
      .route("/revenue", revenueRoutes(deps))
      .route("/", cardRoutes(deps))
      .route("/analysis", analysisRoutes(deps))
      .route("/alarms", alarmRoutes(deps))
      // contacts, ratio, review, cadence, plans, diary, refresh (docs/contacts.md, regulation.md)
      .route("/contacts", contactRoutes(deps))
      // a rep's handover, ratio, overdue list and standing (customers, contacts, quotas)
      .route("/reps", repRoutes(deps))
      .route("/prospects", prospectRoutes(deps))
      .route("/plans", planRoutes(deps))
      .route("/promotions", promotionRoutes(deps))
      .route("/diary", diaryRoutes(deps))
      .route("/refresh", refreshRoutes(deps))
      // quotas, month close, leaderboard, awards (docs/quotas.md)
      .route("/", quotaRoutes(deps))
      .route("/leaderboard", leaderboardRoutes(deps))
      .route("/awards", awardRoutes(deps))
      // live channel helpers (socket.io itself is attached in server.ts)
      .route("/live", liveRoutes(deps))
  );
}

export type ApiType = ReturnType<typeof apiRoutes>;

const defaultWebDist = resolve(dirname(fileURLToPath(import.meta.url)), "../../web/dist");

export function createApp(deps: Deps) {
  const app = new Hono();
  const api = apiRoutes(deps);

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.metrics?.request(c.req.method, routeLabel(c), c.res.status, (performance.now() - started) / 1000);
    deps.logger.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });
  // CSP (the app's on the shell, the API's on /api), nosniff, Referrer-Policy; HSTS over
  // HTTPS only: set on Node's response by the server, before the app answers (http/headers.ts)

  // Alive: the process answers (and its database with it, as before).
  app.get("/healthz", async (c) => {
    await withoutTenant(deps.database, (tx) => tx.execute(sql`select 1`));
    return c.json({ ok: true }, 200);
  });
  // Ready to take traffic: the database answers and, when configured, Redis is reached.
  app.get("/readyz", async (c) => {
    const database = await withoutTenant(deps.database, (tx) => tx.execute(sql`select 1`)).then(
      () => "up" as const,
      () => "down" as const,
    );
    const reach = deps.health?.redis() ?? null;
    const redis = reach === null ? ("off" as const) : reach ? ("up" as const) : ("down" as const);
    const ok = database === "up" && redis !== "down";
    return c.json({ ok, database, redis }, ok ? 200 : 503);
  });
  // Prometheus text (docs/metrics.md): only with METRICS_TOKEN set, and only for its bearer.
  app.get("/metrics", async (c) => {
    const token = deps.config.METRICS_TOKEN;
    if (!token || !deps.metrics) return c.json(errorBody("not_found", "No such endpoint.", undefined, c.get("requestId")), 404);
    if (!sameToken(c.req.header("authorization") ?? "", `Bearer ${token}`)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return c.json(errorBody("unauthorized", "A metrics token is required.", undefined, c.get("requestId")), 401);
    }
    const { body, contentType } = await deps.metrics.text();
    return c.body(body, 200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  });

  app.route("/api/v1", api);
  // The OpenAPI document (docs/api.md), built once from the routes' zod schemas.
  let document: ReturnType<typeof openApiDocument> | undefined;
  app.get("/api/v1/openapi.json", async (c) => {
    document ??= openApiDocument(api);
    return c.json(await document, 200);
  });
  app.all("/api/*", (c) => c.json(errorBody("not_found", "No such endpoint.", undefined, c.get("requestId")), 404));

  // The built web app on the same origin: files as they are, every other GET is the SPA shell.
  const dist = deps.config.WEB_DIST ?? defaultWebDist;
  if (existsSync(resolve(dist, "index.html"))) {
    const root = relative(process.cwd(), dist) || ".";
    const shell = readFileSync(resolve(dist, "index.html"), "utf8");
    app.use("/*", serveStatic({ root }));
    app.get("*", (c) => c.html(shell));
  }

  app.notFound((c) => c.json(errorBody("not_found", "Not found.", undefined, c.get("requestId")), 404));
  app.onError((err, c) => {
    const appErr = toAppError(err);
    const status = statusOf(appErr);
    if (status >= 500) deps.logger.error({ err, requestId: c.get("requestId") }, "request failed");
    const res = respondError(c, appErr);
    // The rest of an oversized body was never read: close the connection rather than reuse it.
    if (status === 413) res.headers.set("connection", "close");
    return res;
  });
  return app;
}

/** Equal strings, compared in time that does not depend on where they differ. */
function sameToken(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The route a request matched, as its pattern (`/api/v1/customers/:id`), so metrics
 * have one series per endpoint, never per id: the endpoint (the first matched route
 * of a method, not a middleware's and not the web app's catch-all `*`), else the last
 * route that ran (`/api/*` for an unknown API path, `/*` for the web app's pages).
 */
function routeLabel(c: Parameters<MiddlewareHandler>[0]): string {
  const endpoint = matchedRoutes(c).find((r) => r.method !== "ALL" && r.path !== "/*" && r.path !== "*");
  return endpoint?.path ?? (routePath(c) || "unmatched");
}
