import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import { requireAuth, serviceContext } from "../auth/middleware.ts";
import type { Deps } from "../deps.ts";
import { params, query } from "../http/validate.ts";
import { clubYearSchema } from "../time/club-time.ts";
import { CERTIFICATE_CSP, certificateHtml } from "./certificate.ts";
import { awardsFor, certificateFor } from "./service.ts";

/** The podium is announced to the whole club: every member may read it. */
export function awardRoutes(deps: Deps) {
  return new Hono()
    .use(requireAuth(deps))
    .get(
      "/:year",
      describeRoute({ tags: ["awards"], summary: "销售冠军、亚军、季军 of a club year (provisional for the current year)" }),
      params(z.object({ year: clubYearSchema })),
      async (c) => c.json(await awardsFor(serviceContext(c, deps), c.req.valid("param").year), 200),
    )
    .get(
      "/:year/certificate/:repId",
      describeRoute({ tags: ["awards"], summary: "A winner's printable certificate (HTML, A4 landscape); 404 for anyone else" }),
      params(z.object({ year: clubYearSchema, repId: z.uuid("must be a rep id") })),
      query(z.object({ lang: z.enum(["zh-CN", "en"]).default("zh-CN") })),
      async (c) => {
        const p = c.req.valid("param");
        const cert = await certificateFor(serviceContext(c, deps), p.year, p.repId);
        const html = certificateHtml({
          lang: c.req.valid("query").lang,
          place: cert.place,
          year: cert.year,
          club: cert.club,
          name: cert.winner.name,
          revenue: cert.winner.revenue,
        });
        // its own CSP (no script, its style sheet by hash): the API's default-src 'none' would unstyle it
        return c.html(html, 200, { "content-security-policy": CERTIFICATE_CSP });
      },
    );
}
