import { type Context, Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import { numberColumn, textColumn, writeCsv } from "../csv/write.ts";
import type { Deps } from "../deps.ts";
import { DerivedCache, sendServed } from "../http/derived-cache.ts";
import { coded } from "../http/field-codes.ts";
import { query } from "../http/validate.ts";
import { clubMonthSchema } from "../time/club-time.ts";
import {
  mixAnalysis,
  SHARE_SORTS,
  type ShareModel,
  shareAnswer,
  shareModel,
  sharePage,
  TIER_SORTS,
  type TiersModel,
  tiersAnswer,
  tiersModel,
  tiersPage,
  tiersPareto,
} from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["analysis"], summary });
const monthQuery = z.object({ month: clubMonthSchema });

/**
 * A table's paging, order and filters. Any of them makes `customers` one page (with
 * `page` and `count` beside it); none of them keeps the whole list the contract names.
 */
const tablePaging = {
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(2000).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
  q: z.string().trim().min(1).max(100).optional(),
};
const oneOf = <T extends { cursor?: string | undefined; page?: number | undefined }>(v: T) =>
  v.cursor === undefined || v.page === undefined;
const oneOfError = { path: ["page"], ...coded("one_or_other", "give a cursor or a page, not both") };
const PAGING_KEYS = ["limit", "cursor", "page", "sort", "dir", "q", "tier", "below"] as const;
const wantsPage = (q: Record<string, unknown>) => PAGING_KEYS.some((k) => q[k] !== undefined);

const tiersQuery = z
  .object({ month: clubMonthSchema, ...tablePaging, sort: z.enum(TIER_SORTS).optional(), tier: z.enum(["A", "B", "C"]).optional() })
  .refine(oneOf, oneOfError);
const shareQuery = z
  .object({
    month: clubMonthSchema,
    ...tablePaging,
    sort: z.enum(SHARE_SORTS).optional(),
    below: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
  })
  .refine(oneOf, oneOfError);

/** Each order's natural direction: rank 1 first, A before C, names A–Z, the biggest amounts first. */
const defaultDir = (sort: string) => (sort === "rank" || sort === "tier" || sort === "name" ? "asc" : "desc");

type TierCsvRow = ReturnType<typeof tiersAnswer>["customers"][number] & { rank: number };
/** The tier table's CSV columns: names are text (neutralised by csv/write.ts), figures stay numbers. */
const TIER_COLUMNS = [
  numberColumn<TierCsvRow>("rank", (r) => r.rank),
  textColumn<TierCsvRow>("customerId", (r) => r.customerId),
  textColumn<TierCsvRow>("name", (r) => r.name),
  numberColumn<TierCsvRow>("spend", (r) => r.spend, 2),
  numberColumn<TierCsvRow>("sharePercent", (r) => r.share * 100, 2),
  numberColumn<TierCsvRow>("cumulativeSharePercent", (r) => r.cumulativeShare * 100, 2),
  textColumn<TierCsvRow>("tier", (r) => r.tier),
];

export function analysisRoutes(deps: Deps) {
  // The tier and share analyses are the same for every manager of the club: each is
  // computed once into a model (the ranked rows) in the per-process cache of derived
  // reads (http/derived-cache.ts), recomputed when the club's data generation moves (a
  // revenue write, a customer created, edited or imported, the tier settings). The whole
  // answer is served from its cached bytes; pages, buckets and the CSV are cut from the model.
  const tiersCache = new DerivedCache<TiersModel>(deps, tiersAnswer);
  const cachedTiers = (c: Context, month: string) => {
    const ctx = serviceContext(c, deps);
    return tiersCache.get(ctx.tenantId, `tiers|${month}`, () => tiersModel(ctx, month));
  };
  const shareCache = new DerivedCache<ShareModel>(deps, shareAnswer);
  const cachedShare = (c: Context, month: string) => {
    const ctx = serviceContext(c, deps);
    return shareCache.get(ctx.tenantId, `share|${month}`, () => shareModel(ctx, month));
  };
  return new Hono()
    .use(requireAuth(deps))
    .get(
      "/tiers",
      tag(
        "ABC / Pareto tier analysis for a month (manager); ETag, gzip. With limit, cursor, page, sort, dir, tier or q: customers is one page of the table, sorted and filtered on the server",
      ),
      allow("manager"),
      query(tiersQuery),
      async (c) => {
        const q = c.req.valid("query");
        const served = await cachedTiers(c, q.month);
        if (!wantsPage(q)) return sendServed<ReturnType<typeof tiersAnswer>>(c, served);
        const sort = q.sort ?? "rank";
        return c.json(
          tiersPage(served.value, {
            sort,
            dir: q.dir ?? defaultDir(sort),
            limit: q.limit ?? 50,
            cursor: q.cursor,
            page: q.page,
            tier: q.tier,
            q: q.q,
          }),
          200,
        );
      },
    )
    .get(
      "/tiers/pareto",
      tag("The Pareto curve in 1% buckets of customers by rank, with the exact A/B cut-off ranks and thresholds (manager)"),
      allow("manager"),
      query(monthQuery),
      async (c) => c.json(tiersPareto((await cachedTiers(c, c.req.valid("query").month)).value), 200),
    )
    .get("/tiers.csv", tag("The tier table as CSV (no personal fields; manager)"), allow("manager"), query(monthQuery), async (c) => {
      const a = tiersAnswer((await cachedTiers(c, c.req.valid("query").month)).value);
      const csv = writeCsv(
        TIER_COLUMNS,
        a.customers.map((r, i) => ({ ...r, rank: i + 1 })),
      );
      // writeCsv starts the file with a BOM so that spreadsheets open the Chinese names as UTF-8.
      return c.body(csv, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="tiers-${a.month}.csv"`,
      });
    })
    .get(
      "/share",
      tag(
        "Each group client's share of the club total vs expected spend (manager). With limit, cursor, page, sort, dir, below or q: customers is one page, sorted and filtered on the server",
      ),
      allow("manager"),
      query(shareQuery),
      async (c) => {
        const q = c.req.valid("query");
        const served = await cachedShare(c, q.month);
        if (!wantsPage(q)) return sendServed<ReturnType<typeof shareAnswer>>(c, served);
        const sort = q.sort ?? "rank";
        return c.json(
          sharePage(served.value, {
            sort,
            dir: q.dir ?? defaultDir(sort),
            limit: q.limit ?? 50,
            cursor: q.cursor,
            page: q.page,
            below: q.below,
            q: q.q,
          }),
          200,
        );
      },
    )
    .get(
      "/mix",
      tag("Business mix for the club (manager) or one customer"),
      query(z.object({ month: clubMonthSchema, customerId: z.uuid().optional() })),
      async (c) => {
        const q = c.req.valid("query");
        return c.json(await mixAnalysis(serviceContext(c, deps), q.month, q.customerId), 200);
      },
    );
}
