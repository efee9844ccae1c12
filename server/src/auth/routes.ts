import { withTenant } from "@clubhouse/db";
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { describeRoute } from "hono-openapi";
import type { Deps } from "../deps.ts";
import { Forbidden } from "../errors.ts";
import { forwarded, honoFacts, isHttps } from "../http/forwarded.ts";
import { body } from "../http/validate.ts";
import { requireAuth, SESSION_COOKIE } from "./middleware.ts";
import { loginBody, signupBody } from "./schemas.ts";
import { countSignup, createClub, login } from "./service.ts";
import { ABSOLUTE_TIMEOUT_MS, deleteSession } from "./session.ts";
import { DEVICE_TTL_MS } from "./throttle.ts";

export const DEVICE_COOKIE = "device";
export const DEVICE_HEADER = "x-device-token";

/** The client's address as far as the trusted proxies (TRUST_PROXY) vouch for it. */
export function clientAddress(c: Context, deps: Deps): string {
  return forwarded(honoFacts(c), deps.config.TRUST_PROXY).address;
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

/**
 * The device cookie (docs/auth.md): proof that this client signed in to this
 * account before. Browsers keep it as a cookie; an API client without a cookie
 * jar takes it from Set-Cookie and sends it back in the X-Device-Token header.
 */
function presentedDevice(c: Context): string | undefined {
  return c.req.header(DEVICE_HEADER)?.trim() || getCookie(c, DEVICE_COOKIE);
}

function setDeviceCookie(c: Context, deps: Deps, token: string) {
  setCookie(c, DEVICE_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c, deps.config.TRUST_PROXY),
    path: "/",
    maxAge: DEVICE_TTL_MS / 1000,
  });
}

export function authRoutes(deps: Deps) {
  return new Hono()
    .post("/signup", describeRoute({ tags: ["auth"], summary: "Create a club and its first admin" }), body(signupBody), async (c) => {
      if (deps.config.SIGNUP === "closed") throw new Forbidden("Sign-up is closed on this server.");
      await countSignup(deps, clientAddress(c, deps));
      const result = await createClub(deps, c.req.valid("json"));
      setSessionCookie(c, deps, result.token);
      return c.json(result, 201);
    })
    .post("/auth/login", describeRoute({ tags: ["auth"], summary: "Sign in" }), body(loginBody), async (c) => {
      const result = await login(deps, c.req.valid("json"), clientAddress(c, deps), presentedDevice(c));
      setSessionCookie(c, deps, result.token);
      setDeviceCookie(c, deps, result.device);
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
