import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { parse } from "hono/utils/cookie";
import { SESSION_COOKIE } from "../auth/middleware.ts";
import { type AuthContext, validateToken } from "../auth/session.ts";
import type { Deps } from "../deps.ts";
import { forwardedOrigin, nodeFacts, type TrustProxy } from "../http/forwarded.ts";

/** Why a handshake was refused; the client sees it as `connect_error` with this message. */
export type Refusal = "unauthorized" | "forbidden";

export class HandshakeRefused extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim();

/** The origin this request was made to, as `requestOrigin` in auth/middleware.ts computes it for HTTP. */
export function ownOrigin(req: IncomingMessage, trust: TrustProxy): string {
  return forwardedOrigin(nodeFacts(req), trust);
}

/**
 * The handshake's token: `auth.token` (a phone app, a test) wins over the cookie
 * (the browser). Only a cookie rides along on its own, so only a cookie needs the
 * Origin check.
 */
export function handshakeToken(auth: unknown, headers: IncomingHttpHeaders): { token: string; via: "auth" | "cookie" } | undefined {
  const given = typeof auth === "object" && auth !== null ? (auth as { token?: unknown }).token : undefined;
  if (typeof given === "string" && given) return { token: given, via: "auth" };
  const cookie = headers.cookie ? parse(headers.cookie, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
  return cookie ? { token: cookie, via: "cookie" } : undefined;
}

/**
 * A cookie handshake must come from our own page, by the rule `checkOrigin` applies
 * to cookie-authenticated writes: an Origin equal to ours or in ALLOWED_ORIGINS, or,
 * without one, a Sec-Fetch-Site that is not cross-site. Without this, any site the
 * user visits could open a socket with their cookie and read the club's boards.
 */
export function cookieOriginAllowed(req: IncomingMessage, deps: Pick<Deps, "config">): boolean {
  const origin = first(req.headers.origin);
  if (origin) return origin === ownOrigin(req, deps.config.TRUST_PROXY) || deps.config.ALLOWED_ORIGINS.includes(origin);
  const site = first(req.headers["sec-fetch-site"]);
  return !site || site === "same-origin" || site === "none";
}

/** Who is connecting, or a refusal. Runs on every connect, recovered ones included. */
export async function authenticateHandshake(deps: Deps, req: IncomingMessage, auth: unknown): Promise<AuthContext> {
  const found = handshakeToken(auth, req.headers);
  if (!found) throw new HandshakeRefused("unauthorized");
  if (found.via === "cookie" && !cookieOriginAllowed(req, deps)) throw new HandshakeRefused("forbidden");
  const ctx = await validateToken(deps, found.token, { fresh: true });
  if (!ctx) throw new HandshakeRefused("unauthorized");
  return ctx;
}
