import { withTenant } from "@clubhouse/db";
import { getConnInfo } from "@hono/node-server/conninfo";
import { type Context, Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { describeRoute } from "hono-openapi";
import type { Deps } from "../deps.ts";
import { Forbidden } from "../http/errors.ts";
import { body } from "../http/validate.ts";
import { isHttps, requireAuth, SESSION_COOKIE } from "./middleware.ts";
import { loginBody, signupBody } from "./schemas.ts";
import { createClub, login } from "./service.ts";
import { ABSOLUTE_TIMEOUT_MS, deleteSession } from "./session.ts";

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

function setSessionCookie(c: Context, deps: Deps, token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c, deps.config.TRUST_PROXY),
    path: "/",
    maxAge: ABSOLUTE_TIMEOUT_MS / 1000,
  });
}

export function authRoutes(deps: Deps) {
  return new Hono()
    .post("/signup", describeRoute({ tags: ["auth"], summary: "Create a club and its first admin" }), body(signupBody), async (c) => {
      if (deps.config.SIGNUP === "closed") throw new Forbidden("Sign-up is closed on this server.");
      const result = await createClub(deps, c.req.valid("json"));
      setSessionCookie(c, deps, result.token);
      return c.json(result, 201);
    })
    .post("/auth/login", describeRoute({ tags: ["auth"], summary: "Sign in" }), body(loginBody), async (c) => {
      const result = await login(deps, c.req.valid("json"), clientAddress(c, deps.config.TRUST_PROXY));
      setSessionCookie(c, deps, result.token);
      return c.json({ user: result.user, tenant: result.tenant, token: result.token }, 200);
    })
    .post("/auth/logout", describeRoute({ tags: ["auth"], summary: "End this session" }), requireAuth(deps), async (c) => {
      const { tenant, user, sessionId } = c.get("auth");
      await withTenant(deps.database, tenant.id, (tx) => deleteSession(tx, tenant.id, sessionId));
      deps.live.endSessions(tenant.id, user.id, sessionId);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    })
    .get("/me", describeRoute({ tags: ["auth"], summary: "Who am I" }), requireAuth(deps), (c) => {
      const { user, tenant } = c.get("auth");
      return c.json({ user, tenant }, 200);
    });
}
