import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BigClub, seedBigClub } from "../support/big-club.ts";
import { type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, get, launchBrowser, newContext, PHONE, signInUi } from "./support.ts";

// The analysis screen of a big club (500 reps, 50,000 customers, ~31,000 of them in a
// month's tier analysis), in Chinese, in a real browser: the Pareto cut-offs are the
// ranks the API computed, the page never holds the club's customers as rows or options,
// the device keeps no analysis answer, and the business-mix customer is found by typing.
const SHOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../docs/screenshots/analysis-big.png");

let ts: TestServer;
let big: BigClub;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let month: string;

beforeAll(async () => {
  ts = await startTestServer({}, new Date().toISOString(), "postgres");
  ts.clock.now = () => new Date(); // the browser's month and the server's agree
  big = await seedBigClub(ts, {
    slug: "big-analysis",
    reps: 500,
    customers: 50_000,
    contactsEarlier: 5_000,
    contactsToday: 500,
    pastAlarms: 0,
  });
  ({ browser, close: closeBrowser } = await launchBrowser());
  // the screen opens at the last complete month
  const [y, m] = big.month.split("-").map(Number) as [number, number];
  month = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}, 300_000);
afterAll(async () => {
  await closeBrowser?.();
  await ts?.close();
});

const storageBytes = (page: Page) =>
  page.evaluate(() => {
    let chars = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i) ?? "";
      chars += k.length + (localStorage.getItem(k) ?? "").length;
    }
    return chars * 2; // UTF-16, as the browser counts it
  });
const cacheKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("clubhouse.cache.")));

describe("analysis of a big club (zh-CN, desktop)", () => {
  it("marks the cut-offs at the API's ranks, pages the tables, keeps the page and the device small", async () => {
    const pareto = await get(ts.url, big.manager.token, `/analysis/tiers/pareto?month=${month}`);
    // the size this test is about: tens of thousands of customers in the month, all three tiers
    expect(pareto.customers).toBeGreaterThan(25_000);
    expect(pareto.cutoffs.A.count).toBeGreaterThan(0);
    expect(pareto.cutoffs.B.count).toBeGreaterThan(0);
    expect(pareto.buckets).toHaveLength(100);

    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, big.slug, big.manager.email, big.manager.password);
    await page.waitForURL(/\/board$/);
    // an answer kept by an older version of the app: an analysis answer and an oversized one
    // go at the next start; a small answer stays
    const scope = big.manager.id;
    await page.evaluate(
      ({ scope, month }) => {
        localStorage.setItem(`clubhouse.cache.${scope}:tiers:${month}`, JSON.stringify({ data: { customers: [] }, at: 1 }));
        localStorage.setItem(`clubhouse.cache.${scope}:board:month:old`, JSON.stringify({ data: "x".repeat(300_000), at: 1 }));
        localStorage.setItem(`clubhouse.cache.${scope}:small-thing`, JSON.stringify({ data: 1, at: 1 }));
      },
      { scope, month },
    );
    await page.goto(`${ts.url}/analysis`);
    const keys = await cacheKeys(page);
    expect(keys).not.toContain(`clubhouse.cache.${scope}:tiers:${month}`);
    expect(keys).not.toContain(`clubhouse.cache.${scope}:board:month:old`);
    expect(keys).toContain(`clubhouse.cache.${scope}:small-thing`);

    // the cut-offs, in words beside the chart: the API's ranks and thresholds
    const cutA = page.getByTestId("cutoff-A");
    await cutA.waitFor({ timeout: 60_000 });
    expect(Number(await cutA.getAttribute("data-rank"))).toBe(pareto.cutoffs.A.lastRank);
    expect(Number(await page.getByTestId("cutoff-B").getAttribute("data-rank"))).toBe(pareto.cutoffs.B.lastRank);
    expect(Number(await page.getByTestId("cutoff-C").getAttribute("data-rank"))).toBe(pareto.customers);
    const zh = (n: number) => n.toLocaleString("zh-CN");
    expect(await cutA.textContent()).toContain(`第 1–${zh(pareto.cutoffs.A.lastRank)} 名`);
    expect(await cutA.textContent()).toContain("¥10,000.00");
    expect(await page.getByTestId("cutoff-B").textContent()).toContain(
      `第 ${zh(pareto.cutoffs.A.lastRank + 1)}–${zh(pareto.cutoffs.B.lastRank)} 名`,
    );
    expect(await page.getByTestId("cutoff-B").textContent()).toContain("¥5,000.00");

    // the numbers: one page of 50 rows, the server's count and pages
    const table = page.getByTestId("tier-table");
    await expect.poll(() => table.locator("tbody tr").count()).toBe(50);
    expect(await page.getByTestId("table-total").first().textContent()).toBe(`共 ${zh(pareto.customers)} 家客户`);
    expect(await page.getByTestId("page-of").first().textContent()).toBe(`第 1 / ${zh(Math.ceil(pareto.customers / 50))} 页`);
    // the first row is rank 1 of the API's ranking; sorted by name, the API's first page by name
    const rank1 = await get(ts.url, big.manager.token, `/analysis/tiers?month=${month}&limit=1`);
    expect(await table.locator("tbody tr").first().getAttribute("data-customer")).toBe(rank1.customers[0].customerId);
    const nameHead = page.getByRole("columnheader", { name: "名称" });
    expect(await nameHead.getAttribute("aria-sort")).toBe("none");
    await nameHead.getByRole("button").click();
    await expect.poll(() => nameHead.getAttribute("aria-sort")).toBe("ascending");
    const byName = await get(ts.url, big.manager.token, `/analysis/tiers?month=${month}&sort=name&limit=50`);
    const rowIds = () => table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-customer")));
    await expect.poll(rowIds).toEqual(byName.customers.map((c: Json) => c.customerId));
    await page.getByRole("button", { name: "下一页" }).first().click();
    await expect.poll(() => page.getByTestId("page-of").first().textContent()).toContain("第 2 /");
    const page2 = await get(ts.url, big.manager.token, `/analysis/tiers?month=${month}&sort=name&limit=50&page=2`);
    await expect.poll(rowIds).toEqual(page2.customers.map((c: Json) => c.customerId));

    // nothing on the page holds the club: no 30,000-row table, no 30,000-option select
    const dom = await page.evaluate(() => ({
      nodes: document.getElementsByTagName("*").length,
      rows: document.querySelectorAll("tr").length,
      options: document.querySelectorAll("option, [role=option]").length,
    }));
    expect(dom.nodes).toBeLessThan(3_000);
    expect(dom.rows).toBeLessThan(120);
    expect(dom.options).toBeLessThan(50);
    await expectAccessible(page);

    // the screenshot of the chart at this size, in Chinese
    await page.getByRole("button", { name: "首页" }).first().click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(500); // the chart's entry animation
    mkdirSync(dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT });

    // the business mix: a customer found by a Chinese fragment of its name
    await page.getByRole("tab", { name: "业务构成" }).click();
    const search = page.getByRole("combobox", { name: "查看" });
    await search.fill("星河");
    const options = page.getByRole("option");
    await expect.poll(() => options.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const names = await options.locator(".name").allTextContents();
    expect(names.length).toBeLessThanOrEqual(10);
    for (const n of names) expect(n).toContain("星河");
    expect(await search.getAttribute("aria-expanded")).toBe("true");
    await search.press("ArrowDown");
    const activeId = await search.getAttribute("aria-activedescendant");
    expect(activeId).toBeTruthy();
    const chosen = await page.locator(`[id="${activeId}"] .name`).textContent();
    await search.press("Enter");
    await expect.poll(() => page.getByTestId("mix-title").textContent(), { timeout: 15_000 }).toContain(chosen ?? "?");
    expect(await search.getAttribute("aria-expanded")).toBe("false");
    await expectAccessible(page);

    // the device holds no analysis answer, and well under 1 MB in all
    expect((await cacheKeys(page)).filter((k) => /:(analysis|tiers|share)[:|]/.test(k))).toEqual([]);
    expect(await storageBytes(page)).toBeLessThan(1_000_000);
    await ctx.close();
  });

  it("the rep's phone still keeps its own customers for offline use", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    const rep = big.reps[0]!;
    await signInUi(page, ts.url, big.slug, rep.email, big.repPassword);
    await expect.poll(async () => (await cacheKeys(page)).some((k) => k.endsWith(":customers:home")), { timeout: 30_000 }).toBe(true);
    // every customer the rep owns (rep 1 holds several hundred at this club)
    const mine = await get(ts.url, big.manager.token, `/customers?ownerId=${rep.id}&limit=1`);
    const kept = await page.evaluate(() => {
      const k = Object.keys(localStorage).find((x) => x.endsWith(":customers:home"));
      return k ? (JSON.parse(localStorage.getItem(k) ?? "{}").data as unknown[]).length : 0;
    });
    expect(kept).toBe(mine.total);
    await ctx.close();
  });
});
