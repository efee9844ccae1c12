import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { body, params } from "../http/validate.ts";
import { changeMembers, createTeam, deleteTeam, listMembers, listTeams, myTeam, updateTeam } from "./service.ts";

const idParam = z.object({ id: z.uuid("must be an id") });
const teamName = z.string().trim().min(1, "is required").max(60);
const userId = z.uuid("must be an id");
const tag = (summary: string) => describeRoute({ tags: ["teams"], summary });

/** Teams (docs/access.md): managers and admins run them; a lead reads their own. */
export function teamRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .get("/mine", tag("The team the calling lead leads, with its reps (lead)"), allow("lead"), async (c) =>
      c.json(await myTeam(serviceContext(c, deps)), 200),
    )
    .get("/", tag("The club's teams with lead and member count (manager)"), allow("manager"), async (c) =>
      c.json(await listTeams(serviceContext(c, deps)), 200),
    )
    .post(
      "/",
      tag("Create a team, optionally naming its lead (manager)"),
      allow("manager"),
      body(z.strictObject({ name: teamName, leadId: userId.nullable().optional() })),
      async (c) => c.json(await createTeam(serviceContext(c, deps), c.req.valid("json")), 201),
    )
    .get("/:id/members", tag("A team's reps (manager)"), allow("manager"), params(idParam), async (c) =>
      c.json(await listMembers(serviceContext(c, deps), c.req.valid("param").id), 200),
    )
    .patch(
      "/:id",
      tag("Rename a team or name its lead (null: none) (manager)"),
      allow("manager"),
      params(idParam),
      body(
        z
          .strictObject({ name: teamName.optional(), leadId: userId.nullable().optional() })
          .refine((v) => Object.keys(v).length > 0, coded("nothing_to_change", "give at least one field to change")),
      ),
      async (c) => c.json(await updateTeam(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .put(
      "/:id/members",
      tag("Add reps to a team and take reps out of it, in one change (manager)"),
      allow("manager"),
      params(idParam),
      body(
        z
          .strictObject({ add: z.array(userId).max(2000).optional(), remove: z.array(userId).max(2000).optional() })
          .refine((v) => (v.add?.length ?? 0) + (v.remove?.length ?? 0) > 0, coded("nothing_to_change", "add or remove at least one rep")),
      ),
      async (c) => c.json(await changeMembers(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .delete("/:id", tag("Delete an empty team (manager)"), allow("manager"), params(idParam), async (c) => {
      await deleteTeam(serviceContext(c, deps), c.req.valid("param").id);
      return c.body(null, 204);
    });
}
