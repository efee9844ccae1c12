import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import { email, password, personName } from "../auth/schemas.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { createUser, getUser, listUsers, updateUser } from "./service.ts";

const idParam = z.object({ id: z.uuid("must be an id") });

export function userRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .post(
      "/",
      describeRoute({ tags: ["users"], summary: "Add a manager or rep (admin, manager)" }),
      allow("manager"),
      body(z.strictObject({ email, name: personName, role: z.enum(["manager", "rep", "lead"]), password })),
      async (c) => c.json(await createUser(serviceContext(c, deps), c.req.valid("json")), 201),
    )
    .get(
      "/",
      describeRoute({
        tags: ["users"],
        summary:
          "List the club's users, oldest first, with the total matching: role, disabled and q (name, or e-mail for managers, contains; case-insensitive) filters (managers and admins: every field; a rep: colleagues' id, name and role only, their own full record)",
      }),
      query(
        z.object({
          ...pageQuery,
          role: z.enum(["admin", "manager", "rep", "lead"]).optional(),
          q: z.string().trim().min(1).max(100).optional(),
          disabled: z
            .enum(["true", "false"])
            .transform((v) => v === "true")
            .optional(),
        }),
      ),
      async (c) => c.json(await listUsers(serviceContext(c, deps), c.req.valid("query")), 200),
    )
    .get(
      "/:id",
      describeRoute({ tags: ["users"], summary: "One user (to a rep, a colleague's id, name and role only)" }),
      params(idParam),
      async (c) => c.json(await getUser(serviceContext(c, deps), c.req.valid("param").id), 200),
    )
    .patch(
      "/:id",
      describeRoute({ tags: ["users"], summary: "Rename, change role, reset password or disable (ends sessions)" }),
      allow("manager"),
      params(idParam),
      body(
        z
          .strictObject({
            name: personName.optional(),
            role: z.enum(["manager", "rep", "lead"]).optional(),
            disabled: z.boolean().optional(),
            password: password.optional(),
          })
          .refine((v) => Object.keys(v).length > 0, coded("nothing_to_change", "give at least one field to change")),
      ),
      async (c) => c.json(await updateUser(serviceContext(c, deps), c.req.valid("param").id, c.req.valid("json")), 200),
    );
}
