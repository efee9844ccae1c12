import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request a receiver got: as it arrived, its body unparsed and parsed. */
export interface Received {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are read loosely and asserted on
  body: any;
  at: number;
}

export interface Receiver {
  url: string;
  got: Received[];
  /** What the next answer is (status and body); the default answers 200 with `okBody`. */
  answer: (r: Received, n: number) => { status: number; body: string } | Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** A local HTTP endpoint on a free port, standing in for a bot or a webhook consumer outside the system. */
export async function startReceiver(okBody = '{"errcode":0,"errmsg":"ok"}'): Promise<Receiver> {
  const rec: Receiver = {
    url: "",
    got: [],
    answer: () => ({ status: 200, body: okBody }),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const u = new URL(req.url ?? "/", "http://x");
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {}
      const r: Received = { path: u.pathname, query: u.searchParams, headers: req.headers, raw, body, at: Date.now() };
      rec.got.push(r);
      const a = await rec.answer(r, rec.got.length);
      res.writeHead(a.status, { "content-type": "application/json" });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rec.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return rec;
}

// Each app's signature checked here from its published description, independently of the server's code.

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** DingTalk: sign = urlencode(base64(HMAC-SHA256(key=secret, msg=timestamp + "\n" + secret))). */
export function dingtalkValid(r: Received, secret: string): boolean {
  const ts = r.query.get("timestamp") ?? "";
  const sign = r.query.get("sign") ?? "";
  const want = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(Buffer.from(`${ts}\n${secret}`, "utf8"))
    .digest("base64");
  return /^\d{13}$/.test(ts) && same(sign, want);
}

/** Feishu: sign = base64(HMAC-SHA256(key=timestamp + "\n" + secret, msg=empty)), timestamp in seconds. */
export function feishuValid(r: Received, secret: string): boolean {
  const ts = String(r.body?.timestamp ?? "");
  const want = createHmac("sha256", Buffer.from(`${ts}\n${secret}`, "utf8")).digest("base64");
  return /^\d{10}$/.test(ts) && same(String(r.body?.sign ?? ""), want);
}

/** Standard Webhooks: one of the space-separated `v1,<base64>` equals HMAC-SHA256(base64-decoded secret, id.timestamp.body). */
export function standardValid(r: Received, secret: string, toleranceSec = 300): boolean {
  const id = String(r.headers["webhook-id"] ?? "");
  const ts = String(r.headers["webhook-timestamp"] ?? "");
  if (!id || !/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > toleranceSec) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const want = createHmac("sha256", key).update(`${id}.${ts}.${r.raw}`).digest("base64");
  return String(r.headers["webhook-signature"] ?? "")
    .split(" ")
    .some((s) => s.startsWith("v1,") && same(s.slice(3), want));
}

/** Polls until `check` holds (or fails the test after `ms`). */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
