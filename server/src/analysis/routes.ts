import { type Context, Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import { numberColumn, textColumn, writeCsv } from "../csv/write.ts";
import type { Deps } from "../deps.ts";
import { DerivedCache, sendServed } from "../http/derived-cache.ts";
import { query } from "../http/validate.ts";
import { clubMonthSchema } from "../time/club-time.ts";
import { mixAnalysis, shareOfTotal, tiersAnalysis } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["analysis"], summary });
const monthQuery = z.object({ month: clubMonthSchema });

type TierRow = Awaited<ReturnType<typeof tiersAnalysis>>["customers"][number] & { rank: number };
/** The tier table's CSV columns: names are text (neutralised by csv/write.ts), figures stay numbers. */
const TIER_COLUMNS = [
  numberColumn<TierRow>("rank", (r) => r.rank),
  textColumn<TierRow>("customerId", (r) => r.customerId),
  textColumn<TierRow>("name", (r) => r.name),
  numberColumn<TierRow>("spend", (r) => r.spend, 2),
  numberColumn<TierRow>("sharePercent", (r) => r.share * 100, 2),
  numberColumn<TierRow>("cumulativeSharePercent", (r) => r.cumulativeShare * 100, 2),
  textColumn<TierRow>("tier", (r) => r.tier),
];

export function analysisRoutes(deps: Deps) {
  // The tier analysis is the same for every manager of the club: both its forms are cut
  // from the per-process cache of derived reads (http/derived-cache.ts), recomputed when
  // the club's data generation moves (a revenue write, a customer created, edited or
  // imported, the tier settings).
  const tiersCache = new DerivedCache<Awaited<ReturnType<typeof tiersAnalysis>>>(deps);
  const cachedTiers = (c: Context, month: string) => {
    const ctx = serviceContext(c, deps);
    return tiersCache.get(ctx.tenantId, `tiers|${month}`, () => tiersAnalysis(ctx, month));
  };
  return new Hono()
    .use(requireAuth(deps))
    .get("/tiers", tag("ABC / Pareto tier analysis for a month (manager); ETag, gzip"), allow("manager"), query(monthQuery), async (c) => {
      const served = await cachedTiers(c, c.req.valid("query").month);
      return sendServed<typeof served.value>(c, served);
    })
    .get("/tiers.csv", tag("The tier table as CSV (no personal fields; manager)"), allow("manager"), query(monthQuery), async (c) => {
      const a = (await cachedTiers(c, c.req.valid("query").month)).value;
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
      tag("Each group client's share of the club total vs expected spend (manager)"),
      allow("manager"),
      query(monthQuery),
      async (c) => c.json(await shareOfTotal(serviceContext(c, deps), c.req.valid("query").month), 200),
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
