import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, type Json, loginAs, type TestServer } from "../support/harness.ts";
import { clubMonthNow, launchBrowser, newContext, PASSWORDS, setTargets, signInUi, startLiveClockServer } from "./support.ts";

// The wall TV celebrates: a card sold and a rep past 100% of the month show a banner
// (the rep, what happened, the amount; never the customer) and a line on the ticker
// of the day's news; `?celebrate=off` shows neither; a club of three reps fills the
// screen; another club's sale never appears.

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });
const TV = { viewport: { width: 1920, height: 1080 } };

describe("the TV celebrates", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let other: Club;
  let rep3: string;
  let rep3Token: string;
  let gold: Json;
  let diamond: Json;

  const sell = async (c: Club, token: string, cardTypeId: string, name: string) => {
    const customer = await newCustomer(ts.url, token, { name, status: "prospect" });
    const res = await call(ts.url, "POST", "/card-sales", { token, body: { customerId: customer.id, cardTypeId } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { customer, club: c };
  };
  const openTv = async (query = "", opts: Parameters<typeof newContext>[1] = {}) => {
    const ctx = await newContext(browser, { ...TV, ...opts });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/tv${query}`);
    await expect.poll(() => page.getByTestId("board-row").count()).toBe(3);
    return page;
  };
  const fits = (page: Page) =>
    page.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="board-row"]')].map((r) => r.getBoundingClientRect());
      const body = document.querySelector(".tv-body")!.getBoundingClientRect();
      const ticker = document.querySelector('[data-testid="tv-ticker"]')?.getBoundingClientRect() ?? null;
      return {
        scrollHeight: document.documentElement.scrollHeight,
        innerHeight: window.innerHeight,
        lastBottom: rows.at(-1)?.bottom ?? 0,
        bodyTop: body.top,
        bodyBottom: body.bottom,
        rowsHeight: rows.reduce((s, r) => s + r.height, 0),
        tickerTop: ticker?.top ?? null,
        tickerBottom: ticker?.bottom ?? null,
      };
    });

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-tv-party");
    other = await makeClub(ts.url, "e2e-tv-other");
    rep3 = (await addUser(ts.url, club.admin.token, "rep", `rep3@${club.slug}.test`)).id;
    rep3Token = await loginAs(ts.url, club.slug, `rep3@${club.slug}.test`, "rep password 1");
    for (const [id, name] of [
      [club.rep1.id, "王晓明"],
      [club.rep2.id, "李娜"],
      [rep3, "张伟"],
    ] as const) {
      expect((await call(ts.url, "PATCH", `/users/${id}`, { token: club.manager.token, body: { name } })).status).toBe(200);
    }
    gold = (await call(ts.url, "POST", "/card-types", { token: club.manager.token, body: { name: "金卡", listPrice: 38_000 } })).body;
    diamond = (await call(ts.url, "POST", "/card-types", { token: other.manager.token, body: { name: "钻石卡", listPrice: 99_000 } })).body;
    // 王晓明 at 60% of a ¥100,000 month.
    await setTargets(ts.url, club.manager.token, clubMonthNow(), { [club.rep1.id]: 100_000, [club.rep2.id]: 200_000 });
    const c = await newCustomer(ts.url, club.rep1.token, { name: "国贸大酒店", status: "active" });
    await addRevenue(ts.url, club.manager.token, { customerId: c.id, amount: 60_000, occurredAt: new Date().toISOString() });
  }, 120_000);
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("a card sold and a rep past 100%: a banner and the ticker, the board still fits and fills the screen (zh-CN, 1920×1080)", async () => {
    const page = await openTv();
    // Three reps fill most of the body rather than leaving an empty half; the ticker is on screen below it.
    let l = await fits(page);
    expect(l.scrollHeight).toBeLessThanOrEqual(l.innerHeight);
    expect(l.lastBottom).toBeLessThanOrEqual(l.bodyBottom + 0.5);
    expect(l.rowsHeight).toBeGreaterThan(0.6 * (l.bodyBottom - l.bodyTop));
    expect(l.tickerTop).toBeGreaterThanOrEqual(l.bodyBottom - 0.5);
    expect(l.tickerBottom).toBeLessThanOrEqual(l.innerHeight);
    expect(await page.getByTestId("tv-news").count()).toBe(0);

    // Another club's sale first, then ours: only ours ever shows.
    await sell(other, other.rep1.token, diamond.id, "外部客户");
    await sell(club, club.rep2.token, gold.id, "中信银行总行工会");
    const banner = page.getByTestId("tv-celebrate");
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.getAttribute("data-kind")).toBe("card");
    const text = await banner.textContent();
    expect(text).toContain("李娜");
    expect(text).toContain("金卡");
    expect(text).toContain("¥3.8万");
    expect(text).not.toContain("中信银行"); // never the customer
    await expect.poll(() => page.getByTestId("tv-news").count()).toBe(1);
    const line = await page.getByTestId("tv-news").first().textContent();
    expect(line).toContain("李娜");
    expect(line).toContain("金卡");
    // The board shows the sale too (李娜's revenue), the banner still up: the screenshot.
    await expect
      .poll(() => page.locator(`[data-testid="board-row"][data-rep="${club.rep2.id}"] [data-testid="revenue"]`).textContent())
      .toContain("3.8");
    await page.screenshot({ path: resolve(shots, "tv-celebrate.png"), animations: "disabled" });

    // 王晓明 goes from 60% to 105%: a banner once the card's has shown, and a second line.
    const c = await newCustomer(ts.url, club.rep1.token, { name: "联想集团行政部", status: "active" });
    await addRevenue(ts.url, club.manager.token, { customerId: c.id, amount: 45_000, occurredAt: new Date().toISOString() });
    await expect.poll(() => page.getByTestId("tv-news").count(), { timeout: 10_000 }).toBe(2);
    const target = page.locator('[data-testid="tv-news"][data-kind="target"]');
    expect(await target.textContent()).toContain("王晓明");
    expect(await target.textContent()).toContain("100%");
    await page.locator('[data-testid="tv-celebrate"][data-kind="target"]').waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain("王晓明");
    expect(await banner.textContent()).toContain("¥10.5万");
    // Newest first.
    expect(await page.getByTestId("tv-news").first().getAttribute("data-kind")).toBe("target");
    expect(await page.getByTestId("tv-ticker").textContent()).not.toContain("钻石卡");

    // Still fits with the banner and the ticker.
    l = await fits(page);
    expect(l.scrollHeight).toBeLessThanOrEqual(l.innerHeight);
    expect(l.lastBottom).toBeLessThanOrEqual(l.bodyBottom + 0.5);
    // The banner covers the header, never the rows.
    const b = await banner.boundingBox();
    expect((b?.y ?? 0) + (b?.height ?? 0)).toBeLessThanOrEqual(l.bodyTop);

    // A reload keeps the day's news.
    await page.reload();
    await expect.poll(() => page.getByTestId("tv-news").count()).toBe(2);
    await page.context().close();
  }, 120_000);

  it("?celebrate=off: neither a banner nor the ticker", async () => {
    const page = await openTv("?celebrate=off");
    await sell(club, rep3Token, gold.id, "三里屯太古里运营");
    // The sale reaches the board (张伟's revenue), and nothing celebrates it.
    await expect
      .poll(() => page.locator(`[data-testid="board-row"][data-rep="${rep3}"] [data-testid="revenue"]`).textContent(), { timeout: 10_000 })
      .toContain("3.8");
    expect(await page.getByTestId("tv-celebrate").count()).toBe(0);
    expect(await page.getByTestId("tv-ticker").count()).toBe(0);
    const l = await fits(page);
    expect(l.scrollHeight).toBeLessThanOrEqual(l.innerHeight);
    expect(l.rowsHeight).toBeGreaterThan(0.6 * (l.bodyBottom - l.bodyTop));
    await page.context().close();
  }, 60_000);

  it("in English, with reduced motion: the banner without its entrance", async () => {
    const page = await openTv("", { locale: "en-US", reducedMotion: "reduce" });
    await sell(club, club.rep1.token, gold.id, "Guomao Hotel");
    const banner = page.getByTestId("tv-celebrate");
    await banner.waitFor({ timeout: 10_000 });
    const text = await banner.textContent();
    expect(text).toContain("王晓明");
    expect(text).toContain("sold a 金卡 card");
    expect(text).toContain("¥38");
    expect(await banner.evaluate((e) => getComputedStyle(e).animationName)).toBe("none");
    expect(await page.getByTestId("tv-ticker").textContent()).toContain("Today");
    await page.context().close();
  }, 60_000);
});
