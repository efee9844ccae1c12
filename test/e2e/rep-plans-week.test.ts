import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import type { Json, TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { eventually, get, launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

// Visit plans on the rep's phone: plan this week's visits from the customer list,
// today's plan on the home screen (ticked once a contact is logged), plan versus
// actual for the week as the server counts it.

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });

const today = () => new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });

describe("visit plans on the rep's phone", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-plans");
    for (const name of ["华润置地（北京）有限公司", "中信银行总行工会", "国贸大酒店"])
      await newCustomer(ts.url, club.rep1.token, { name, status: "active" });
    await newCustomer(ts.url, club.rep1.token, { name: "京东方科技集团", status: "prospect" });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const signedIn = async (ctx: BrowserContext) => {
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `rep1@${club.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    return page;
  };
  const myPlans = async () => (await get(ts.url, club.rep1.token, `/plans?from=${today()}&to=${today()}`)).items as Json[];

  it("plans today's visits, refuses a double, shows them on the home screen ticked once contacted, and plan vs. actual", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx);
    await page.getByTestId("today-plan").waitFor();
    await expect.poll(() => page.getByTestId("today-plan").textContent()).toContain("今天没有计划。");

    await page.getByRole("link", { name: "计划" }).tap();
    await page.getByTestId("plan-adherence").waitFor();
    await page.getByTestId("plan-customer").first().waitFor();
    // Nothing chosen: checked on the phone.
    await page.getByTestId("plan-submit").tap();
    await page.getByText("请至少选择一位客户。").waitFor();
    await page.getByTestId(`plan-day-${today()}`).tap();
    expect(await page.getByTestId(`plan-day-${today()}`).getAttribute("aria-pressed")).toBe("true");
    await page.locator('[data-testid="plan-customer"][data-name="华润置地（北京）有限公司"]').check();
    await page.locator('[data-testid="plan-customer"][data-name="京东方科技集团"]').check();
    expect(await page.getByTestId("plan-submit").textContent()).toContain("加入计划（2 位）");
    await page.getByTestId("plan-submit").tap();
    await expect.poll(() => page.getByTestId("plan-done").textContent()).toContain("已计划 2 次拜访。");
    await expect.poll(() => page.getByTestId("plan-item").count()).toBe(2);
    expect((await myPlans()).length).toBe(2);
    await expect.poll(() => page.getByTestId("adh-planned").textContent()).toBe("2");
    expect(await page.getByTestId("adh-kept").textContent()).toContain("0");

    // The same customer again on the same day: the server's conflict, in words.
    await page.getByTestId(`plan-day-${today()}`).tap();
    await page.locator('[data-testid="plan-customer"][data-name="华润置地（北京）有限公司"]').check();
    await page.getByTestId("plan-submit").tap();
    await expect.poll(() => page.getByTestId("plan-refused").textContent()).toBe("华润置地（北京）有限公司 当天已在计划中。");
    expect((await myPlans()).length).toBe(2);
    await expectAccessible(page);
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-plans-form.png` });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-plans-week.png` });

    // Home: today's plan, not yet contacted; a visit logged from it ticks it.
    await page.getByRole("link", { name: "今天" }).tap();
    const item = page.locator('[data-testid="today-plan-item"][data-name="华润置地（北京）有限公司"]');
    await item.waitFor();
    expect(await item.getAttribute("data-done")).toBe("no");
    expect(await page.getByTestId("today-plan-item").count()).toBe(2);
    await item.locator("button").tap();
    await page.getByTestId("channel-visit").tap();
    await page.getByTestId("outcome-interested").tap();
    await page.getByTestId("log-done").tap();
    await page.getByTestId("log-sheet").waitFor({ state: "detached" });
    await expect.poll(() => item.getAttribute("data-done")).toBe("yes");
    expect(await item.textContent()).toContain("今天已联系");
    const other = page.locator('[data-testid="today-plan-item"][data-name="京东方科技集团"]');
    expect(await other.getAttribute("data-done")).toBe("no");
    await expectAccessible(page, '[data-testid="today-plan"]');
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-home-today-plan.png` });

    // Plan vs. actual as the server counts it: one of two kept.
    await eventually(async () => ((await get(ts.url, club.rep1.token, "/plans/adherence")).items as Json[])[0]?.kept === 1, 15_000, "kept");
    await page.getByRole("link", { name: "计划" }).tap();
    await expect.poll(() => page.getByTestId("adh-kept").textContent()).toContain("1");
    expect(await page.getByTestId("adh-kept").textContent()).toContain("1 · 50%");
    const kept = page.locator('[data-testid="plan-item"][data-name="华润置地（北京）有限公司"]');
    await expect.poll(() => kept.textContent()).toContain("已完成");
    expect(await page.locator('[data-testid="plan-item"][data-name="京东方科技集团"]').textContent()).toContain("未完成");
    await ctx.close();
  });

  it("speaks English with plurals", async () => {
    const ctx = await newContext(browser, { ...PHONE, locale: "en-US" });
    const page = await signedIn(ctx);
    await page.getByRole("link", { name: "Plans" }).tap();
    await page.getByTestId("plan-customer").first().waitFor();
    await page.locator('[data-testid="plan-customer"][data-name="国贸大酒店"]').check();
    expect(await page.getByTestId("plan-submit").textContent()).toContain("Plan 1 visit");
    await page.locator('[data-testid="plan-customer"][data-name="中信银行总行工会"]').check();
    expect(await page.getByTestId("plan-submit").textContent()).toContain("Plan 2 visits");
    await page.getByTestId("plan-submit").tap();
    await expect.poll(() => page.getByTestId("plan-done").textContent()).toContain("2 visits planned.");
    await expect.poll(() => page.getByTestId("adh-planned").textContent()).toBe("4");
    await ctx.close();
  });
});
