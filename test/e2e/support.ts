import { connect, createServer, type Socket } from "node:net";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";

/** Debian's Chromium (TOOLCHAIN.md); `npx playwright install` cannot download here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Playwright gives every launch a fresh temporary user-data dir and removes it on close. */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return { browser, close: () => browser.close() };
}

/**
 * A real server whose clock follows the wall clock, so the browser's "today" and
 * the server's agree (the harness's FixedClock is frozen at its start otherwise).
 */
export async function startLiveClockServer(shiftMs = 0): Promise<TestServer> {
  const ts = await startTestServer({}, new Date(Date.now() + shiftMs).toISOString());
  ts.clock.now = () => new Date(Date.now() + shiftMs);
  return ts;
}

/**
 * How far a test that logs visits "hours ago" and reads them back as today's moves
 * both clocks (the server's and the browser's, by `daytimeContext`), so that the
 * club's day (Asia/Shanghai) is at least four hours old and an hour from its end
 * while it runs. Around the club's midnight such a test would otherwise put its
 * visits on yesterday, or read "today" on two different days. In the club's
 * daytime (04:00–23:00) nothing moves.
 */
export function daytimeShiftMs(now = Date.now(), tz = "Asia/Shanghai"): number {
  const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", hourCycle: "h23" }).format(now));
  return hour >= 4 && hour < 23 ? 0 : 12 * 3_600_000;
}

/** A browser context whose clock runs `shiftMs` ahead of the wall clock, as `startLiveClockServer(shiftMs)`'s does. */
export async function daytimeContext(browser: Browser, opts: BrowserContextOptions, shiftMs: number): Promise<BrowserContext> {
  const ctx = await newContext(browser, opts);
  if (shiftMs !== 0) await ctx.clock.install({ time: Date.now() + shiftMs });
  return ctx;
}

/**
 * A TCP proxy in front of a server, which a test can cut: the phone's network gone
 * for every request the browser makes. Chromium's offline emulation alone does not
 * always cover a request that a service worker makes for its page, which could then
 * reach the server while the page is meant to be offline. Cutting closes every open
 * connection and refuses new ones; restoring lets them through again.
 */
export async function cuttableProxy(target: string): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on("close", () => open.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      cut = true;
      for (const s of open) s.destroy();
    },
    restore() {
      cut = false;
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;
export const DESKTOP = { viewport: { width: 1440, height: 900 } } as const;

export async function newContext(browser: Browser, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", ...opts });
}

/** Sign in through the form, as a person would. */
export async function signInUi(page: Page, base: string, club: string, email: string, password: string) {
  await page.goto(base);
  await page.locator('input[name="club"]').fill(club);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.getByTestId("sign-in").click();
}

export const PASSWORDS = { manager: "manager pass 1", rep1: "rep one pass 1", rep2: "rep two pass 2" } as const;

export async function get(base: string, token: string, path: string): Promise<Json> {
  const res = await call(base, "GET", path, { token });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Poll until `check` returns a value, or fail after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 15_000, what = "condition"): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString();

/** A club with customers, revenue, targets and contacts that look like a real month. */
export async function seedClub(url: string, slug: string): Promise<Club & { customers: Json[] }> {
  const club = await makeClub(url, slug);
  const now = new Date();
  const tokens = [club.rep1, club.rep2];
  const names = [
    ["华润置地（北京）有限公司", "active"],
    ["中信银行总行工会", "active"],
    ["北京燕莎友谊商城", "active"],
    ["联想集团行政部", "active"],
    ["国贸大酒店", "active"],
    ["李先生（私人银行客户）", "active"],
    ["京东方科技集团", "prospect"],
    ["小米科技市场部", "prospect"],
  ] as const;
  const customers: Json[] = [];
  for (const [i, [name, status]] of names.entries()) {
    const rep = tokens[i % 2]!;
    customers.push(await newCustomer(url, rep.token, { name, status, kind: name.includes("先生") ? "individual" : "group" }));
  }
  const names2 = ["中国国航大客户部", "三里屯太古里运营", "王女士（VIP 个人）", "万达商业管理"];
  for (const name of names2) customers.push(await newCustomer(url, club.rep2.token, { name, status: "active" }));

  // Old visits make some customers overdue; recent ones keep others fresh.
  const visit = async (token: string, customerId: string, daysAgo: number, channel = "visit") => {
    const res = await call(url, "POST", "/contacts", {
      token,
      headers: { "Idempotency-Key": `seed-${customerId}-${daysAgo}-${channel}` },
      body: { customerId, channel, occurredAt: iso(new Date(now.getTime() - daysAgo * DAY)), outcome: "interested" },
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await visit(club.rep1.token, customers[0].id, 95);
  await visit(club.rep1.token, customers[2].id, 75);
  await visit(club.rep1.token, customers[4].id, 3);
  await visit(club.rep1.token, customers[6].id, 1, "demo");
  await visit(club.rep2.token, customers[1].id, 2);
  await visit(club.rep2.token, customers[3].id, 0);
  await visit(club.rep2.token, customers[5].id, 0, "phone");

  // Revenue this month (credited to the owner), spread so the board has a spread.
  const thisMonth = (hoursAgo: number) => iso(new Date(now.getTime() - hoursAgo * 3_600_000));
  const amounts: [number, number, string][] = [
    [0, 68_000, "membership"],
    [2, 23_500, "catering"],
    [4, 12_800, "golf"],
    [1, 42_000, "membership"],
    [3, 8_600, "spa"],
    [8, 15_000, "rooms"],
    [9, 31_200, "membership"],
  ];
  for (const [ci, amount, line] of amounts) {
    const c = customers[ci]!;
    await addRevenue(url, club.manager.token, { customerId: c.id, amount, businessLine: line, occurredAt: thisMonth(1 + ci) });
  }
  // Last month's spend sets the tiers (a customer's tier is its last complete month's).
  const lastMonth = iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 5 * DAY));
  const previous: [number, number][] = [
    [0, 18_000],
    [2, 7_200],
    [4, 3_000],
    [1, 25_000],
    [3, 6_000],
    [5, 12_500],
  ];
  for (const [ci, amount] of previous) {
    await addRevenue(url, club.manager.token, { customerId: customers[ci]!.id, amount, businessLine: "catering", occurredAt: lastMonth });
  }
  return { ...club, customers };
}

/** Monthly targets for the current club month. */
export async function setTargets(url: string, token: string, month: string, byRep: Record<string, number>) {
  for (const [repId, amount] of Object.entries(byRep)) {
    const res = await call(url, "PUT", `/targets/${repId}/${month}`, { token, body: { amount } });
    if (res.status !== 200) throw new Error(`target: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export function clubMonthNow(tz = "Asia/Shanghai", at = new Date()): string {
  const p = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit" }).formatToParts(at);
  return `${p.find((x) => x.type === "year")?.value}-${p.find((x) => x.type === "month")?.value}`;
}
