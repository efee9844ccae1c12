import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { sendServed } from "../http/derived-cache.ts";
import { cursorPart, decodeCursor, encodeCursor } from "../http/paging.ts";
import { query } from "../http/validate.ts";
import { clubMonthSchema } from "../time/club-time.ts";
import { BoardCache, type TeamRaceBoard } from "./cache.ts";
import type { Leaderboard } from "./service.ts";

const boardQuery = z.object({
  period: z.enum(["month", "quarter", "year"]).default("month"),
  at: clubMonthSchema.optional(),
  /** Rows per page; without it, the whole board in one answer. */
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(100).optional(),
});

/**
 * A sales-floor board: every member of the club may read it, reps included.
 * Whole boards and team races come from the serialised cache with an ETag (a
 * matching If-None-Match answers 304) and gzip when the client accepts it, compressed
 * once per cached entry; `limit` and `cursor` page a board by rank (a page is cut
 * from the same cached board and serialised per request: a screenful, not worth
 * compressing).
 */
export function leaderboardRoutes(deps: Deps) {
  const cache = new BoardCache(deps);
  return new Hono()
    .use(requireAuth(deps))
    .get(
      "/teams",
      describeRoute({
        tags: ["leaderboard"],
        summary: "The team race for the month, quarter or year holding `at` (default now): each team's reps' rows summed",
      }),
      query(boardQuery.pick({ period: true, at: true })),
      async (c) => {
        const q = c.req.valid("query");
        return sendServed<TeamRaceBoard>(c, await cache.teams(c.get("auth").tenant.id, q.period, q.at));
      },
    )
    .get(
      "/",
      describeRoute({
        tags: ["leaderboard"],
        summary: "Reps by revenue for the month, quarter or year holding `at` (default now); `limit`/`cursor` page it by rank",
      }),
      query(boardQuery),
      async (c) => {
        const q = c.req.valid("query");
        const after = decodeCursor(q.cursor, [cursorPart.offset])?.[0] ?? 0;
        const served = await cache.get(c.get("auth").tenant.id, q.period, q.at);
        if (q.limit !== undefined || q.cursor !== undefined) {
          const { board } = served.value;
          const limit = q.limit ?? 50;
          const rows = board.rows.slice(after, after + limit);
          const more = after + limit < board.rows.length;
          c.header("Cache-Control", "private, no-cache");
          return c.json({ ...board, rows, nextCursor: more ? encodeCursor([after + limit]) : null }, 200);
        }
        return sendServed<Leaderboard & { nextCursor: null }>(c, served);
      },
    );
}
