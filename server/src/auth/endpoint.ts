import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import { LEAD_ROUTES } from "../access/lead-routes.ts";

const API_PREFIX = "/api/v1";

/**
 * The route this request is for, as registered ("GET /customers/:id"): the first
 * matched route from the current one on that is not a middleware for every method.
 */
export function endpointOf(c: Context): string | undefined {
  const routes = matchedRoutes(c);
  for (let i = Math.max(0, c.req.routeIndex); i < routes.length; i++) {
    const r = routes[i];
    if (!r || r.method === "ALL") continue;
    const path = r.path.startsWith(`${API_PREFIX}/`) ? r.path.slice(API_PREFIX.length) : r.path;
    return `${r.method} ${path}`;
  }
  return undefined;
}

/** Whether a team lead may call this request's route (access/lead-routes.ts). */
export function leadMayCall(c: Context): boolean {
  const route = endpointOf(c);
  return route !== undefined && LEAD_ROUTES.has(route);
}
