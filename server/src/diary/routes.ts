import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { coded } from "../http/field-codes.ts";
import { pageQuery } from "../http/paging.ts";
import { body, params, query } from "../http/validate.ts";
import { clubDaySchema } from "../time/club-time.ts";
import { commentDiary, getDiary, listDiaries, submitDiary, writeDiary } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["diary"], summary });
const dateParam = z.object({ date: clubDaySchema });
const text = z.string().trim().max(2000).nullable().optional();

export function diaryRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .get(
      "/",
      tag("The club's diaries for a club day (default today) with submitted and late flags (manager)"),
      allow("manager", "lead"),
      query(z.object({ ...pageQuery, date: clubDaySchema.optional(), late: z.enum(["true", "false"]).optional() })),
      async (c) => {
        const q = c.req.valid("query");
        return c.json(
          await listDiaries(serviceContext(c, deps), { ...q, late: q.late === undefined ? undefined : q.late === "true" }),
          200,
        );
      },
    )
    .get(
      "/:date",
      tag("A work diary: derived figures, the rep's own fields, submit and late state (a rep's own; managers name ?repId)"),
      params(dateParam),
      query(z.object({ repId: z.uuid().optional() })),
      async (c) => c.json(await getDiary(serviceContext(c, deps), c.req.valid("param").date, c.req.valid("query").repId), 200),
    )
    .put(
      "/:date",
      tag("Write the rep's own fields (working time, targets, progress, notes) until submitted"),
      params(dateParam),
      body(
        z
          .strictObject({ workingTime: text, targets: text, progress: text, notes: text })
          .refine((v) => Object.values(v).some((x) => x !== undefined), coded("nothing_to_change", "give at least one field")),
      ),
      async (c) => c.json(await writeDiary(serviceContext(c, deps), c.req.valid("param").date, c.req.valid("json")), 200),
    )
    .post(
      "/:date/submit",
      tag("Submit the diary: figures freeze and nothing changes after (409 when already submitted)"),
      params(dateParam),
      async (c) => c.json(await submitDiary(serviceContext(c, deps), c.req.valid("param").date), 200),
    )
    .post(
      "/:date/comment",
      tag("A manager's comment on a rep's diary (?repId), also after submit"),
      allow("manager", "lead"),
      params(dateParam),
      query(z.object({ repId: z.uuid("must be the rep's id") })),
      body(z.strictObject({ comment: z.string().trim().min(1, "is required").max(2000) })),
      async (c) =>
        c.json(
          await commentDiary(serviceContext(c, deps), c.req.valid("param").date, c.req.valid("query").repId, c.req.valid("json").comment),
          200,
        ),
    );
}
