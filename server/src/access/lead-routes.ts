import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The routes a team lead may call, each scoped to their team by its service
 * (docs/access.md). Every other route refuses a lead with 403 before it runs, so a
 * route nobody thought about can never answer a lead with the club's data.
 * Keys are the routes as registered under /api/v1 ("METHOD /path/:param").
 */
export const LEAD_ROUTES: ReadonlySet<string> = new Set([
  "POST /auth/logout",
  "GET /me",
  "GET /users",
  "GET /users/:id",
  "GET /settings",
  "GET /teams/mine",
  "GET /customers",
  "GET /customers/export.csv",
  "GET /customers/:id",
  "PATCH /customers/:id",
  "POST /customers/:id/refresh",
  "GET /customers/:id/history",
  "GET /analysis/mix",
  "POST /customers/reassign",
  "POST /reps/:id/handover",
  "POST /complaints",
  "GET /complaints",
  "POST /complaints/:id/resolve",
  "GET /revenue",
  "GET /card-types",
  "GET /alarms",
  "POST /alarms/:id/acknowledge",
  "POST /alarms/acknowledge",
  "GET /contacts",
  "GET /contacts/:id",
  "GET /reps/overdue",
  "GET /reps/:id/ratio",
  "GET /reps/:id/overdue",
  "GET /reps/:id/standing",
  "GET /prospects/review",
  "GET /prospects/reviews",
  "POST /prospects/:id/review",
  "GET /plans",
  "GET /plans/adherence",
  "GET /promotions",
  "GET /promotions/:id",
  "GET /diary",
  "GET /diary/:date",
  "POST /diary/:date/comment",
  "GET /refresh/progress",
  "GET /refresh/stale",
  "PUT /targets/:repId/:month",
  "PUT /targets/team/:teamId/:month",
  "GET /targets",
  "GET /quota",
  "GET /quota/year",
  "GET /months/:month/results",
  "GET /leaderboard",
  "GET /leaderboard/teams",
  "GET /awards/:year",
]);

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

export function leadMayCall(c: Context): boolean {
  const route = endpointOf(c);
  return route !== undefined && LEAD_ROUTES.has(route);
}
