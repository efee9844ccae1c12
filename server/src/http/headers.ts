import type { IncomingMessage, ServerResponse } from "node:http";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { forwarded, nodeFacts, type TrustProxy } from "./forwarded.ts";

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
 * Security headers on every answer, as hono's secureHeaders makes them: the app's CSP on
 * the shell and its files, the API's on /api/*; a handler that sets its own CSP (the
 * printable certificate) keeps it. nosniff, Referrer-Policy no-referrer, frame and
 * resource policies everywhere. HSTS only on a request that came over HTTPS (directly, or
 * as trusted proxies say): over plain HTTP it would be meaningless and, behind a
 * misconfigured proxy, could lock browsers out.
 *
 * The two sets are read once, from hono's own middleware answering a probe
 * (`securityHeaderSets`), and set on Node's response before the app answers
 * (`withSecurityHeaders`): headers set in the middleware after the handler made every
 * answer build a full web Response and validate each header again (about 8% of the
 * server's CPU per request); on Node's response they cost a property each, and what the
 * app answers with still wins (Node gives writeHead's headers precedence).
 */
export interface SecurityHeaderSets {
  api: readonly (readonly [string, string])[];
  app: readonly (readonly [string, string])[];
}

export async function securityHeaderSets(): Promise<SecurityHeaderSets> {
  const common = { crossOriginResourcePolicy: "same-origin", strictTransportSecurity: false, overwrite: false } as const;
  const read = async (csp: ContentSecurityPolicyOptions) => {
    const probe = new Hono();
    probe.use(secureHeaders({ ...common, contentSecurityPolicy: csp }));
    probe.get("/", (c) => c.body(null, 204));
    const res = await probe.request("/");
    return [...res.headers.entries()] as [string, string][];
  };
  return { api: await read(API_CSP), app: await read(APP_CSP) };
}

const isApiPath = (url: string) => url === "/api" || url.startsWith("/api/") || url.startsWith("/api?");

/** The server's request listener, with the security headers set on every answer first. */
export function withSecurityHeaders(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  sets: SecurityHeaderSets,
  trustProxy: TrustProxy,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    for (const [name, value] of isApiPath(req.url ?? "/") ? sets.api : sets.app) res.setHeader(name, value);
    if (forwarded(nodeFacts(req), trustProxy).proto === "https") res.setHeader("Strict-Transport-Security", HSTS);
    listener(req, res);
  };
}
