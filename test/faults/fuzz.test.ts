import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../../server/src/app.ts";
import { parseTrustProxy } from "../../server/src/http/forwarded.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { startTestServer, type TestServer } from "../support/harness.ts";

/**
 * Every endpoint of the app, found from its routes (a new route is fuzzed without
 * anyone listing it), gets random bodies, queries, path values and headers (forged
 * X-Forwarded-For / -Proto / -Host behind a trusted proxy among them): the
 * answer is always below 500 and, when it is an error, in the error shape.
 */
let t: TestServer;
let c: Club;
let routes: { method: string; path: string }[];
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const fuzzStats = { requests: 0 };

beforeAll(async () => {
  // Behind one trusted proxy, so that forged X-Forwarded-* headers reach the code that reads them.
  t = await startTestServer({ TRUST_PROXY: parseTrustProxy("1") });
  c = await makeClub(t.url, "fuzz");
  await newCustomer(t.url, c.rep1.token, { name: "Fuzz Co" });
  const seen = new Set<string>();
  routes = apiRoutes(t.server.deps)
    .routes.filter((r) => r.method !== "ALL")
    .map((r) => ({ method: r.method, path: r.path }))
    .filter((r) => {
      const k = `${r.method} ${r.path}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
});
afterAll(() => t?.close());

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({
    customerId: fc.oneof(fc.uuid(), fc.string()),
    amount: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(1e308)),
    businessLine: fc.string(),
    occurredAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    ),
    channel: fc.constantFrom("visit", "demo", "phone", "letter", "fax"),
    name: fc.string({ maxLength: 300 }),
    email: fc.string(),
    password: fc.string(),
    role: fc.constantFrom("admin", "manager", "rep", "root"),
    status: fc.string(),
    reason: fc.string(),
  }),
);
const rawBody = fc.oneof(
  jsonish.map((v) => JSON.stringify(v) ?? "null"),
  fc.string({ maxLength: 200 }),
  fc.constant('{"a":'),
  fc.constant(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`),
  fc.constant("\u0000\ud800\udfff"),
  fc.constant("x".repeat(200_000)),
);
const pathValue = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom("2026-03", "2026-13", "2026-02-30", "2026", "-1", "%00", "..%2F"),
);
const queryString = fc
  .dictionary(
    fc.constantFrom(
      "limit",
      "cursor",
      "month",
      "status",
      "tier",
      "q",
      "period",
      "at",
      "repId",
      "customerId",
      "stale",
      "overdue",
      "year",
      "date",
    ),
    fc.oneof(fc.string({ maxLength: 50 }), fc.integer().map(String), fc.uuid()),
    { maxKeys: 4 },
  )
  .map((d) => new URLSearchParams(d).toString());
const contentType = fc.constantFrom(
  "application/json",
  "text/csv",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "",
);

/** Forwarding headers as a client could forge them: lists, garbage, IPv6, huge, empty entries. */
const forwardedValue = fc.oneof(
  fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
  fc
    .array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom("unknown", "", " ", "http", "https", "_hidden", "[::1]:80")), { maxLength: 6 })
    .map((a) => a.join(", ")),
  fc.constant("1.2.3.4, ".repeat(500)),
);
const forwarded = fc.record(
  { "x-forwarded-for": forwardedValue, "x-forwarded-proto": forwardedValue, "x-forwarded-host": forwardedValue },
  { requiredKeys: [] },
);

function fill(path: string, value: string) {
  return path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, () => encodeURIComponent(value));
}

describe("fuzzing every endpoint", () => {
  it("never answers 500 and always uses the error shape", async () => {
    expect(routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          pathValue,
          queryString,
          rawBody,
          contentType,
          fc.boolean(),
          fc.option(fc.string({ maxLength: 300 })),
          forwarded,
          async (pv, qs, body, type, asRep, idemKey, fwd) => {
            const url = `${t.url}/api/v1${fill(route.path, pv)}${qs ? `?${qs}` : ""}`;
            const headers: Record<string, string> = { authorization: `Bearer ${asRep ? c.rep1.token : c.admin.token}` };
            if (type) headers["content-type"] = type;
            if (idemKey !== null) headers["idempotency-key"] = idemKey.replace(/[^\x20-\x7e]/g, "");
            Object.assign(headers, fwd);
            const hasBody = route.method !== "GET" && route.method !== "HEAD";
            const send = () => fetch(url, { method: route.method, headers, body: hasBody ? body : undefined });
            // A kept-alive socket that the server closed after an early answer (it drains an
            // unread body for at most 500 ms, less on a loaded CI machine) fails the next
            // request on it: such a transport error is retried; a 5xx never is.
            let res: Response | undefined;
            let lastError: unknown;
            for (let attempt = 0; attempt < 3 && !res; attempt++) {
              try {
                res = await send();
              } catch (err) {
                lastError = err;
                await new Promise((r) => setTimeout(r, 100));
              }
            }
            if (!res) {
              failures.push(
                `${route.method} ${route.path} → no answer (${(lastError as Error).cause ?? lastError}) body ${body.length} bytes ${type}`,
              );
              return true;
            }
            fuzzStats.requests++;
            const text = await res.text();
            if (res.status >= 500) failures.push(`${route.method} ${route.path} → ${res.status} ${text.slice(0, 200)}`);
            if (res.status >= 400) {
              let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
              try {
                parsed = JSON.parse(text);
              } catch {}
              if (typeof parsed?.error?.code !== "string" || typeof parsed.error.message !== "string") {
                failures.push(`${route.method} ${route.path} → ${res.status} not the error shape: ${text.slice(0, 200)}`);
              }
              if (/\n\s+at\s/.test(text)) failures.push(`${route.method} ${route.path} → stack trace`);
            }
            return true;
          },
        ),
        { numRuns: RUNS },
      );
    }
    console.log(`fuzz: ${fuzzStats.requests} requests over ${routes.length} routes, ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 600_000);
});

/** A cursor's bytes as the server would carry them: base64url of the text. */
const asCursor = (text: string) => Buffer.from(text).toString("base64url");
/** A JSON value no cursor part ever holds: wrong types, non-finite or huge numbers. */
const neverAPart = fc.oneof(
  fc.constantFrom(1e308, -1e308, -1, 0.5, 2 ** 53, null, true, false),
  fc.double({ noDefaultInfinity: true, noNaN: true }).filter((d) => !Number.isSafeInteger(d) || d < 0),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.string({ minLength: 501, maxLength: 700 }),
);
/** A string that might be taken for an instant, a day, a week or an id, and is none of them. */
const notQuiteAPart = fc.oneof(
  fc.constantFrom(
    "2026-02-30T00:00:00.000Z",
    "+275760-09-13T00:00:00.000Z",
    "99999-01-01T00:00:00Z",
    "2026-02-10T24:00:00Z",
    "0000-01-01T00:00:00Z",
    "1e308",
    "2026-13-01",
    "2026-W99",
    "00000000-0000-0000-0000-00000000000g",
  ),
  fc.date({ noInvalidDate: true }).map((d) => `${d.toISOString()}x`),
);
/** Cursors the server never gives out: each has at least one part no list accepts, or is not a cursor at all. */
const forgedCursor = fc.oneof(
  fc
    .tuple(fc.array(fc.oneof(fc.uuid(), fc.string({ maxLength: 30 }), notQuiteAPart), { maxLength: 3 }), neverAPart, fc.nat(3))
    .map(([parts, bad, at]) => {
      const out: unknown[] = [...parts];
      out.splice(Math.min(at, out.length), 0, bad);
      return asCursor(JSON.stringify(out));
    }),
  fc
    .string({ maxLength: 60 })
    .map((s) => asCursor(s))
    .filter((s) => {
      try {
        return !Array.isArray(JSON.parse(Buffer.from(s, "base64url").toString("utf8")));
      } catch {
        return true;
      }
    }),
  fc.uint8Array({ maxLength: 60 }).map((b) => `${Buffer.from(b).toString("base64url")}!`),
  fc.constantFrom("", "%", "===", asCursor("[]"), asCursor('[1e308,"x"]'), asCursor("{}"), asCursor("null")),
);
/** Cursors that may or may not look like a list's: anything of a cursor's shape. */
const anyCursor = fc.oneof(
  fc
    .array(fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), notQuiteAPart, fc.integer(), neverAPart), { minLength: 1, maxLength: 3 })
    .map((parts) => asCursor(JSON.stringify(parts))),
  fc.string({ maxLength: 80 }),
);

describe("fuzzing every list's cursor", () => {
  it("a cursor the server did not give out is a 400 naming cursor on every list, never a 500", async () => {
    // a club of its own: the endpoint fuzzing above may have signed the first club's users out
    const c = await makeClub(t.url, "fuzz-cursors");
    const customerId = (await newCustomer(t.url, c.rep1.token, { name: "Cursor Co" })).id;
    const now = t.clock.now();
    const day = now.toISOString().slice(0, 10);
    const byName: Record<string, string> = {
      id: customerId,
      repId: c.rep1.id,
      year: day.slice(0, 4),
      month: day.slice(0, 7),
      date: day,
    };
    // a path value by its name; an `:id` may be a customer's or a user's
    const fills = (path: string) =>
      [customerId, c.rep1.id].map((id) =>
        path.replace(/:([A-Za-z]+)(\{[^}]*\})?/g, (_, name: string) => encodeURIComponent(byName[name] ?? id)),
      );
    const queries = ["", `month=${byName.month}`, `date=${day}`, `year=${byName.year}`];
    // The lists are found, not listed: every GET route that answers a page of items with a nextCursor.
    const lists: string[] = [];
    for (const route of routes.filter((r) => r.method === "GET")) {
      for (const q of fills(route.path).flatMap((p) => queries.map((q) => `${p}?limit=1${q ? `&${q}` : ""}`))) {
        const path = q;
        const res = await fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${c.admin.token}` } });
        const body = res.headers.get("content-type")?.includes("json") ? ((await res.json()) as Record<string, unknown>) : await res.text();
        if (res.status === 200 && typeof body === "object" && body !== null && "nextCursor" in body) {
          lists.push(path);
          break;
        }
      }
    }
    console.log(`cursor fuzz: ${lists.length} lists: ${lists.join(" ")}`);
    expect(lists.length).toBeGreaterThanOrEqual(18);
    const failures: string[] = [];
    const get = async (path: string, cursor: string, asRep: boolean) => {
      const res = await fetch(`${t.url}/api/v1${path}&cursor=${encodeURIComponent(cursor)}`, {
        headers: { authorization: `Bearer ${asRep ? c.rep1.token : c.admin.token}` },
      });
      const text = await res.text();
      let parsed: { error?: { code?: unknown; fields?: Record<string, unknown> } } | undefined;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, text, parsed };
    };
    for (const path of lists) {
      await fc.assert(
        fc.asyncProperty(forgedCursor, fc.boolean(), async (cursor, asRep) => {
          const res = await get(path, cursor, asRep);
          // a rep may be refused the list itself (403); otherwise the cursor is what is wrong
          if (res.status === 403) return true;
          if (res.status !== 400 || res.parsed?.error?.code !== "validation_failed" || !res.parsed.error.fields?.cursor)
            failures.push(
              `${path} forged cursor ${Buffer.from(cursor, "base64url").toString("utf8").slice(0, 60)} → ${res.status} ${res.text.slice(0, 160)}`,
            );
          return true;
        }),
        { numRuns: RUNS * 2 },
      );
      await fc.assert(
        fc.asyncProperty(anyCursor, fc.boolean(), async (cursor, asRep) => {
          const res = await get(path, cursor, asRep);
          if (res.status >= 500) failures.push(`${path} cursor ${cursor.slice(0, 60)} → ${res.status} ${res.text.slice(0, 160)}`);
          return true;
        }),
        { numRuns: RUNS },
      );
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
