import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { requireAuth, requireRole } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";

/**
 * Mounted at /api/v1/live. `POST /sync` (manager, admin) recomputes the caller's
 * club boards and pushes them to every connected client; coalesced like any
 * change, so calling it in a loop costs one recompute per window.
 */
export function liveRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .post("/sync", describeRoute({ tags: ["live"], summary: "Recompute and push the club's live boards (manager)" }), async (c) => {
      requireRole(c, "manager");
      await deps.live.boardChanged(c.get("auth").tenant.id);
      return c.json({ ok: true }, 202);
    });
}
