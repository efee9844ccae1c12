/**
 * The read baseline: a bare Hono route on @hono/node-server (the same versions the
 * real server uses, taken from server/node_modules), with no auth and no database.
 * GET /bare answers {"ok":true}; GET /payload/:name answers the JSON body stored
 * under that name in $BARE_PAYLOADS (captured from the real endpoint), serialised
 * on every request as the real route does.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

interface Ctx {
  json(body: unknown, status?: number): Response;
  req: { param(name: string): string | undefined };
}
interface HonoApp {
  get(path: string, handler: (c: Ctx) => Response): HonoApp;
  fetch: (req: Request) => Response | Promise<Response>;
}

const serverPkg = resolve(import.meta.dirname, "../../server/package.json");
const req = createRequire(serverPkg);
const load = async <T>(name: string) => (await import(pathToFileURL(req.resolve(name)).href)) as T;
const { Hono } = await load<{ Hono: new () => HonoApp }>("hono");
const { serve } = await load<{ serve: (o: { fetch: HonoApp["fetch"]; port: number; hostname: string }) => unknown }>("@hono/node-server");

const payloads: Record<string, unknown> = process.env.BARE_PAYLOADS ? JSON.parse(readFileSync(process.env.BARE_PAYLOADS, "utf8")) : {};

const app = new Hono()
  .get("/bare", (c) => c.json({ ok: true }))
  .get("/payload/:name", (c) => {
    const name = c.req.param("name") ?? "";
    return name in payloads ? c.json(payloads[name]) : c.json({ error: "no such payload" }, 404);
  });

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" });
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => process.exit(0));
