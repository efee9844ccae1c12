import { stringify } from "csv-stringify/sync";
import { type Context, Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { allow, requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { DerivedCache, sendServed } from "../http/derived-cache.ts";
import { query } from "../http/validate.ts";
import { clubMonthSchema } from "../time/club-time.ts";
import { mixAnalysis, shareOfTotal, tiersAnalysis } from "./service.ts";

const tag = (summary: string) => describeRoute({ tags: ["analysis"], summary });
const monthQuery = z.object({ month: clubMonthSchema });

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
      const csv = stringify(
        a.customers.map((r, i) => [
          i + 1,
          r.customerId,
          r.name,
          r.spend.toFixed(2),
          (r.share * 100).toFixed(2),
          (r.cumulativeShare * 100).toFixed(2),
          r.tier,
        ]),
        { header: true, columns: ["rank", "customerId", "name", "spend", "sharePercent", "cumulativeSharePercent", "tier"] },
      );
      // A BOM so that spreadsheets open the Chinese names as UTF-8.
      return c.body(`\ufeff${csv}`, 200, {
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
