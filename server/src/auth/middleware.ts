import type { Role } from "@clubhouse/db";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { isLead, roleAllows } from "../access/actor.ts";
import type { Deps, ServiceContext } from "../deps.ts";
import { Forbidden, Unauthorized } from "../errors.ts";
import { forwardedOrigin, honoFacts, type TrustProxy } from "../http/forwarded.ts";
import { leadMayCall } from "./endpoint.ts";
import { type AuthContext, validateToken } from "./session.ts";

declare module "hono" {
  interface ContextVariableMap {
    auth: AuthContext;
    authVia: "cookie" | "bearer";
  }
}

export const SESSION_COOKIE = "session";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin the client made this request to, as far as trusted proxies say (http/forwarded.ts). */
export function requestOrigin(c: Context, trust: TrustProxy): string {
  return forwardedOrigin(honoFacts(c), trust);
}

export function readToken(c: Context): { token: string; via: "cookie" | "bearer" } | undefined {
  const header = c.req.header("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m?.[1] ? { token: m[1], via: "bearer" } : undefined;
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie ? { token: cookie, via: "cookie" } : undefined;
}

/**
 * A cookie rides along on any request the browser makes, so a cookie-authenticated
 * write must come from our own page: its Origin (or, lacking one, Sec-Fetch-Site)
 * must say so. Bearer tokens are never sent by a browser on its own.
 */
export function checkOrigin(c: Context, deps: Deps) {
  const origin = c.req.header("origin");
  if (origin) {
    const own = requestOrigin(c, deps.config.TRUST_PROXY);
    if (origin !== own && !deps.config.ALLOWED_ORIGINS.includes(origin)) {
      throw new Forbidden("This request came from another site.");
    }
    return;
  }
  const site = c.req.header("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new Forbidden("This request came from another site.");
}

export function requireAuth(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    const found = readToken(c);
    if (!found) throw new Unauthorized();
    const auth = await validateToken(deps, found.token);
    if (!auth) throw new Unauthorized("Your session has ended. Sign in again.");
    if (found.via === "cookie" && !SAFE.has(c.req.method)) checkOrigin(c, deps);
    // Safe by default: a team lead reaches only the routes that scope to a team (access/lead-routes.ts).
    if (isLead(auth.user.role) && !leadMayCall(c)) throw new Forbidden();
    c.set("auth", auth);
    c.set("authVia", found.via);
    await next();
  };
}

/** An admin may do everything a manager may (docs/access.md). A lead only where a route names "lead" too. */
export function requireRole(c: Context, ...roles: Role[]) {
  const role = c.get("auth").user.role;
  if (!roleAllows(role, roles)) throw new Forbidden();
}

/**
 * Role gate as middleware, placed before the validators so that a caller without
 * the role gets 403 whatever the body holds (the privilege table test relies on it).
 */
export function allow(...roles: Role[]): MiddlewareHandler {
  return async (c, next) => {
    requireRole(c, ...roles);
    await next();
  };
}

export function serviceContext(c: Context, deps: Deps): ServiceContext {
  const { user, tenant } = c.get("auth");
  return { deps, tenantId: tenant.id, actor: { kind: "user", id: user.id, role: user.role } };
}
