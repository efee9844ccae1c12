import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { isHttps, type TrustProxy } from "./forwarded.ts";

type ContentSecurityPolicyOptions = NonNullable<NonNullable<Parameters<typeof secureHeaders>[0]>["contentSecurityPolicy"]>;

/**
 * The web app's Content-Security-Policy: its own scripts, styles, images and fonts only;
 * `connect-src 'self'` covers the API and socket.io's same-origin ws:/wss: (CSP3 'self'
 * matches the websocket schemes of the page's own host); the service worker and the
 * manifest are same-origin files. Element styles set from script (Solid's `style`
 * objects, ECharts) go through the CSSOM, which CSP does not restrict.
 */
export const APP_CSP: ContentSecurityPolicyOptions = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/** The API answers data, never a page: nothing may load from it, nothing may frame it. */
export const API_CSP: ContentSecurityPolicyOptions = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };

export const HSTS = "max-age=15552000; includeSubDomains";

/**
 * Security headers on every answer (hono's secureHeaders): the app's CSP on the shell and
 * its files, the API's on /api/*; a handler that sets its own CSP (the printable
 * certificate) keeps it. nosniff, Referrer-Policy no-referrer, frame and resource
 * policies everywhere. HSTS only on a request that came over HTTPS (directly, or as
 * trusted proxies say): over plain HTTP it would be meaningless and, behind a
 * misconfigured proxy, could lock browsers out.
 */
export function securityHeaders(trustProxy: TrustProxy): MiddlewareHandler {
  const common = { crossOriginResourcePolicy: "same-origin", strictTransportSecurity: false, overwrite: false } as const;
  const api = secureHeaders({ ...common, contentSecurityPolicy: API_CSP });
  const app = secureHeaders({ ...common, contentSecurityPolicy: APP_CSP });
  return async (c, next) => {
    await (c.req.path === "/api" || c.req.path.startsWith("/api/") ? api : app)(c, next);
    if (isHttps(c, trustProxy)) c.res.headers.set("Strict-Transport-Security", HSTS);
  };
}
