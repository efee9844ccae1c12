import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { ValidationError } from "../http/errors.ts";
import { decodeCursor, encodeCursor } from "../http/paging.ts";
import { query } from "../http/validate.ts";
import { clubMonthSchema } from "../time/club-time.ts";
import { BoardCache } from "./cache.ts";

const boardQuery = z.object({
  period: z.enum(["month", "quarter", "year"]).default("month"),
  at: clubMonthSchema.optional(),
  /** Rows per page; without it, the whole board in one answer. */
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(100).optional(),
});

/**
 * Whether the client takes gzip: `gzip` or `*` with q > 0 (absent q is 1); an
 * explicit `gzip;q=0` refuses it even when `*` would allow it (RFC 9110 §12.5.3).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qp === undefined ? 1 : Number(qp.slice(2));
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const gzip = q.get("gzip");
  if (gzip !== undefined) return gzip > 0;
  return (q.get("*") ?? 0) > 0;
}

/** If-None-Match against the representation's tag: `*`, or any listed tag (weak comparison). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/**
 * A sales-floor board: every member of the club may read it, reps included.
 * Whole boards come from the serialised cache with an ETag (a matching
 * If-None-Match answers 304) and gzip when the client accepts it; `limit` and
 * `cursor` page it by rank (a page is cut from the same cached board).
 */
export function leaderboardRoutes(deps: Deps) {
  const cache = new BoardCache(deps);
  return new Hono().use(requireAuth(deps)).get(
    "/",
    describeRoute({
      tags: ["leaderboard"],
      summary: "Reps by revenue for the month, quarter or year holding `at` (default now); `limit`/`cursor` page it by rank",
    }),
    query(boardQuery),
    async (c) => {
      const q = c.req.valid("query");
      const after = q.cursor === undefined ? 0 : Number(decodeCursor(q.cursor, 1)![0]);
      if (!Number.isInteger(after) || after < 0) throw new ValidationError({ cursor: "is not a cursor this server gave out" });
      const served = await cache.get(c.get("auth").tenant.id, q.period, q.at);
      c.header("Cache-Control", "private, no-cache");
      if (q.limit !== undefined || q.cursor !== undefined) {
        const limit = q.limit ?? 50;
        const rows = served.board.rows.slice(after, after + limit);
        const more = after + limit < served.board.rows.length;
        return c.json({ ...served.board, rows, nextCursor: more ? encodeCursor([after + limit]) : null }, 200);
      }
      // One strong tag per representation: the gzip body is tagged apart from the plain one.
      const gzip = acceptsGzip(c.req.header("accept-encoding"));
      const etag = gzip ? `${served.etag.slice(0, -1)}-gz"` : served.etag;
      c.header("ETag", etag);
      c.header("Vary", "Accept-Encoding");
      if (noneMatch(c.req.header("if-none-match"), etag)) return c.body(null, 304);
      c.header("Content-Type", "application/json");
      if (gzip) {
        c.header("Content-Encoding", "gzip");
        return c.body(served.gzip() as Uint8Array<ArrayBuffer>, 200);
      }
      return c.body(served.json as Uint8Array<ArrayBuffer>, 200);
    },
  );
}
