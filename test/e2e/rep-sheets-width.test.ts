import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { launchBrowser, newContext, PASSWORDS, PHONE, seedClub, signInUi, startLiveClockServer } from "./support.ts";

// The rep's bottom sheets on the narrowest phones still in use: nothing wider than
// the screen (no sideways scrolling, inside the sheet or the page), and the parts a
// rep needs — title, search, tier badges, overdue tags, buttons — in view.

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });

const LONG_CJK = "中国石油天然气集团有限公司北京分公司工会委员会会员服务中心";
const LONG_LATIN = "InternationalBusinessMachinesCorporationGreaterChinaRegion";

/**
 * What sticks out of the viewport's width inside `root`: every element box (sr-only ones
 * excepted) must lie within [0, innerWidth], the root must not scroll sideways inside,
 * and neither may the page.
 */
async function overflow(root: Locator): Promise<string[]> {
  return root.evaluate((el) => {
    const w = window.innerWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > w) out.push(`page scrollWidth ${document.documentElement.scrollWidth} > ${w}`);
    if (el.scrollWidth > el.clientWidth + 1) out.push(`sheet scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
    for (const e of [el, ...el.querySelectorAll("*")]) {
      if (e.closest(".sr-only")) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -0.5 || r.right > w + 0.5) {
        const name = `${e.tagName.toLowerCase()}${e.className && typeof e.className === "string" ? `.${e.className.split(" ").join(".")}` : ""}`;
        out.push(`${name} [${Math.round(r.left)}, ${Math.round(r.right)}] "${(e.textContent ?? "").slice(0, 30)}"`);
      }
    }
    return out;
  });
}

/** Fully inside the viewport (both axes) and visible. */
async function inView(page: Page, l: Locator): Promise<boolean> {
  if (!(await l.isVisible())) return false;
  const box = await l.boundingBox();
  const vp = page.viewportSize();
  if (!box || !vp) return false;
  return box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;
}

describe("the rep's sheets fit narrow phones", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Awaited<ReturnType<typeof seedClub>>;
  let longOne: Json;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await seedClub(ts.url, "e2e-narrow");
    longOne = await newCustomer(ts.url, club.rep1.token, { name: LONG_CJK, status: "active" });
    await newCustomer(ts.url, club.rep1.token, { name: LONG_LATIN, status: "prospect" });
    const card = await call(ts.url, "POST", "/card-types", {
      token: club.manager.token,
      body: { name: "白金至尊年卡（家庭共享版）", listPrice: 188_000 },
    });
    expect(card.status).toBe(201);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  for (const viewport of [
    { width: 360, height: 740 },
    { width: 320, height: 640 },
  ]) {
    it(`the customer pick sheet at ${viewport.width}×${viewport.height}: title, search, tier badges and overdue tags in view, long names inside`, async () => {
      const ctx = await newContext(browser, { ...PHONE, viewport });
      const page = await ctx.newPage();
      await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
      await page.getByTestId("log-contact").tap();
      const sheet = page.getByTestId("pick-sheet");
      await sheet.waitFor();
      await page.locator(".pick-row").first().waitFor();
      await page.waitForTimeout(300); // the sheet's slide-up animation

      expect(await overflow(sheet)).toEqual([]);
      const box = await sheet.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= viewport.width).toBe(true);
      expect(await inView(page, sheet.locator(".sheet-title"))).toBe(true);
      expect(await inView(page, sheet.getByRole("button", { name: "关闭" }))).toBe(true);
      const search = sheet.locator('input[type="search"]');
      expect(await inView(page, search)).toBe(true);
      expect((await search.boundingBox())?.width ?? 0).toBeGreaterThan(viewport.width / 2);

      // Every row's tier badge (and overdue tag) shows whole, beside the name.
      const rows = sheet.locator(".pick-row");
      const n = await rows.count();
      expect(n).toBeGreaterThanOrEqual(6);
      let overdueTags = 0;
      for (let i = 0; i < n; i++) {
        const row = rows.nth(i);
        if (!(await inView(page, row))) continue; // below the fold: scrolled to, not cut
        const tier = row.locator(".tier");
        expect(await inView(page, tier)).toBe(true);
        const tierBox = await tier.boundingBox();
        expect(tierBox?.width ?? 0).toBeGreaterThanOrEqual(20);
        for (const tag of await row.locator(".tag").all()) {
          overdueTags++;
          expect(await inView(page, tag)).toBe(true);
          expect(await tag.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
        }
      }
      expect(overdueTags).toBeGreaterThan(0);

      // A long name wraps (at most two lines) instead of pushing the sheet wider.
      await search.fill("中国石油");
      const long = sheet.locator(".pick-row", { hasText: "中国石油" });
      await long.waitFor();
      expect(await overflow(sheet)).toEqual([]);
      const name = long.locator(".row-name");
      const lines = await name.evaluate((e) =>
        Math.round(e.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(e).lineHeight)),
      );
      expect(lines).toBeGreaterThanOrEqual(2);
      expect(lines).toBeLessThanOrEqual(2);
      expect(await inView(page, long.locator(".tier"))).toBe(true);
      await search.fill("International");
      await sheet.locator(".pick-row", { hasText: "International" }).waitFor();
      expect(await overflow(sheet)).toEqual([]);
      await search.fill("");
      await page.locator(".pick-row").nth(5).waitFor();
      await page.screenshot({ path: resolve(shots, `rep-pick-${viewport.width}.png`) });
      await ctx.close();
    });
  }

  it("every other rep sheet at 320×640 fits the screen", async () => {
    const viewport = { width: 320, height: 640 };
    const ctx = await newContext(browser, { ...PHONE, viewport });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    await expect.poll(async () => overflow(page.locator("body"))).toEqual([]);

    const check = async (testid: string, shot?: string) => {
      const sheet = page.getByTestId(testid);
      await sheet.waitFor();
      await page.waitForTimeout(300);
      expect({ testid, overflow: await overflow(sheet) }).toEqual({ testid, overflow: [] });
      expect(await inView(page, sheet.locator(".sheet-title").first())).toBe(true);
      expect(await inView(page, sheet.getByRole("button", { name: "关闭" }))).toBe(true);
      if (shot) await page.screenshot({ path: resolve(shots, shot) });
      await sheet.getByRole("button", { name: "关闭" }).tap();
      await sheet.waitFor({ state: "detached" });
    };

    // The log sheet for the longest name: channel, then outcome (without saving).
    await page.getByTestId("log-contact").tap();
    await page.getByTestId("pick-sheet").locator('input[type="search"]').fill("中国石油");
    await page.locator(".pick-row", { hasText: "中国石油" }).tap();
    const log = page.getByTestId("log-sheet");
    await log.waitFor();
    await page.waitForTimeout(300);
    expect(await overflow(log)).toEqual([]);
    await page.getByTestId("channel-visit").tap();
    await page.getByTestId("outcome-interested").waitFor();
    expect(await overflow(log)).toEqual([]);
    expect(await inView(page, page.getByTestId("outcome-declined"))).toBe(true);
    await page.screenshot({ path: resolve(shots, "rep-log-320.png") });
    await log.getByRole("button", { name: "关闭" }).tap();
    await log.waitFor({ state: "detached" });

    await page.getByTestId("add-prospect").tap();
    await check("prospect-sheet");
    await page.getByTestId("meter-ratio").tap();
    await check("ratio-sheet");

    await page.goto(`${ts.url}/c/${longOne.id}`);
    await page.getByTestId("customer-name").waitFor();
    await page.getByTestId("card-sell").tap();
    await page.locator('[data-testid="sale-type"]').first().waitFor();
    await check("sale-sheet", "rep-sale-320.png");
    await page.getByTestId("card-revenue").tap();
    await check("revenue-sheet");
    await page.getByTestId("card-complaint").tap();
    await check("complaint-sheet");
    await ctx.close();
  });
});
