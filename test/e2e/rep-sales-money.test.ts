import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { get, launchBrowser, newContext, PASSWORDS, PHONE, setTargets, signInUi, startLiveClockServer } from "./support.ts";

// Money on the rep's phone, Chinese first: a card sold at its list price (another
// price needs a manager, and the screen says the server refuses it), other revenue
// checked on the phone and refused for a closed month in words, and a complaint
// with the server's 48-hour clock.

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });

/** The previous club month (Asia/Shanghai), YYYY-MM, and a day in it. */
function lastMonth(): { month: string; day: string } {
  const p = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" }).formatToParts(new Date());
  const y = Number(p.find((x) => x.type === "year")?.value);
  const m = Number(p.find((x) => x.type === "month")?.value);
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const month = `${py}-${String(pm).padStart(2, "0")}`;
  return { month, day: `${month}-10` };
}

const monthName = (month: string, lang: string) =>
  new Intl.DateTimeFormat(lang, { timeZone: "UTC", year: "numeric", month: "long" }).format(new Date(`${month}-15T00:00:00Z`));

describe("money and complaints on the rep's phone", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let gold: Json;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-sales");
    const made = await call(ts.url, "POST", "/card-types", { token: club.manager.token, body: { name: "金卡", listPrice: 38_000 } });
    expect(made.status).toBe(201);
    gold = made.body;
    await call(ts.url, "POST", "/card-types", { token: club.manager.token, body: { name: "白金卡", listPrice: 88_000 } });
    // Last month is closed (a month with targets is judged and closed): its results are final.
    await setTargets(ts.url, club.manager.token, lastMonth().month, { [club.rep1.id]: 10_000 });
    const close = await call(ts.url, "POST", `/months/${lastMonth().month}/close`, { token: club.manager.token });
    expect(close.status).toBe(200);
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
  const openCard = async (page: Page, id: string) => {
    await page.goto(`${ts.url}/c/${id}`);
    await page.getByTestId("customer-name").waitFor();
  };

  it("sells a card at its list price; another price says a manager must approve it; a refusal is shown by its code; the prospect becomes a card customer", async () => {
    const prospect = await newCustomer(ts.url, club.rep1.token, { name: "京东方科技集团", status: "prospect" });
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx);
    await openCard(page, prospect.id);
    await expect.poll(() => page.locator(".card-head .muted").textContent()).toContain("潜在客户");

    await page.getByTestId("card-sell").tap();
    const sheet = page.getByTestId("sale-sheet");
    await sheet.waitFor();
    expect(await sheet.getAttribute("role")).toBe("dialog");
    // Nothing picked: checked on the phone.
    await page.getByTestId("sale-submit").tap();
    await page.getByText("请选择卡种。").waitFor();
    await page.locator('[data-testid="sale-type"][data-name="金卡"]').tap();
    expect(await page.getByTestId("sale-price").inputValue()).toBe("38000");
    await expect.poll(() => sheet.textContent()).toContain("标准价 ¥38,000.00");

    // Another price: the screen says what the server does, and does not send it.
    await page.getByTestId("sale-price").fill("30000");
    await page.getByTestId("sale-offlist").waitFor();
    expect(await page.getByTestId("sale-offlist").textContent()).toContain("非标准价须经经理批准");
    expect(await page.getByTestId("sale-offlist").textContent()).toContain("服务器会拒绝");
    expect(await page.getByTestId("sale-submit").isDisabled()).toBe(true);
    await expectAccessible(page, '[data-testid="sale-sheet"]');
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-card-sale-off-list.png` });
    await page.getByRole("button", { name: "改回标准价" }).tap();
    expect(await page.getByTestId("sale-price").inputValue()).toBe("38000");
    // Money is checked on the phone.
    await page.getByTestId("sale-price").fill("12.345");
    await page.getByTestId("sale-submit").tap();
    await page.getByText("请输入大于 0 的金额（元），最多两位小数。").waitFor();
    await page.getByTestId("sale-price").fill("38000");

    // The manager changes the list price meanwhile: the server refuses the old price (422), shown in Chinese, never its English.
    const changed = await call(ts.url, "PATCH", `/card-types/${gold.id}`, { token: club.manager.token, body: { listPrice: 40_000 } });
    expect(changed.status).toBe(200);
    await page.getByTestId("sale-submit").tap();
    await page.getByTestId("sale-refused").waitFor();
    expect(await page.getByTestId("sale-refused").textContent()).toContain("标准价已变更");
    expect(await sheet.textContent()).not.toMatch(/list price|manager's approval/);
    await expect.poll(() => page.getByTestId("sale-price").inputValue()).toBe("40000");
    expect((await get(ts.url, club.rep1.token, `/card-sales?customerId=${prospect.id}`)).items).toHaveLength(0);

    await page.getByTestId("sale-submit").tap();
    await sheet.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("card-done").textContent()).toContain("已售出：金卡，¥40,000.00");
    await expect.poll(() => page.locator(".card-head .muted").textContent()).toContain("现有卡客户");
    const sales = (await get(ts.url, club.rep1.token, `/card-sales?customerId=${prospect.id}`)).items as Json[];
    expect(sales.map((s) => [s.price, s.repId])).toEqual([[40_000, club.rep1.id]]);
    expect((await get(ts.url, club.rep1.token, `/customers/${prospect.id}`)).status).toBe("active");
    await ctx.close();
  });

  it("says the same in English", async () => {
    const prospect = await newCustomer(ts.url, club.rep1.token, { name: "Xiaomi marketing", status: "prospect" });
    const ctx = await newContext(browser, { ...PHONE, locale: "en-US" });
    const page = await signedIn(ctx);
    await openCard(page, prospect.id);
    await page.getByTestId("card-sell").tap();
    await page.locator('[data-testid="sale-type"][data-name="白金卡"]').tap();
    await page.getByTestId("sale-price").fill("80000");
    await expect
      .poll(() => page.getByTestId("sale-offlist").textContent())
      .toContain("Another price needs a manager's approval (rule 5, 1.1). This phone cannot record it");
    await page.keyboard.press("Escape");
    await page.getByTestId("sale-sheet").waitFor({ state: "detached" });

    // Membership money from a prospect is a card sale: the line is not offered.
    await page.getByTestId("card-revenue").tap();
    await page.getByTestId("revenue-sheet").waitFor();
    expect(await page.getByTestId("revenue-line-membership").count()).toBe(0);
    expect(await page.getByTestId("revenue-card-only").textContent()).toContain("Membership money from a prospect is a card sale");
    await page.getByTestId("revenue-amount").fill("1,200.5");
    await page.getByTestId("revenue-line-golf").tap();
    await page.getByTestId("revenue-day").fill(lastMonth().day);
    await page.getByTestId("revenue-submit").tap();
    await expect
      .poll(() => page.getByTestId("revenue-refused").textContent())
      .toBe(
        `Refused: ${monthName(lastMonth().month, "en")} is closed. Its results are final, so nothing can be added to it. Record it in the current month.`,
      );
    await ctx.close();
  });

  it("records other revenue for an own customer: checked on the phone, a closed month refused in words, today by default", async () => {
    const customer = await newCustomer(ts.url, club.rep1.token, { name: "国贸大酒店", status: "active" });
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx);
    await openCard(page, customer.id);
    await page.getByTestId("card-revenue").tap();
    const sheet = page.getByTestId("revenue-sheet");
    await sheet.waitFor();
    // Business lines from the club's settings, in Chinese; membership allowed for a card customer.
    await page.getByTestId("revenue-line-membership").waitFor();
    expect(await page.getByTestId("revenue-line-catering").textContent()).toContain("餐饮");

    await page.getByTestId("revenue-amount").fill("12.345");
    await page.getByTestId("revenue-submit").tap();
    await page.getByText("请输入大于 0 的金额（元），最多两位小数。").waitFor();
    await page.getByText("请选择业务。").waitFor();
    // No future day.
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
    await page.getByTestId("revenue-day").fill(tomorrow);
    await page.getByTestId("revenue-amount").fill("1288.5");
    await page.getByTestId("revenue-line-catering").tap();
    await page.getByTestId("revenue-submit").tap();
    await page.getByText("日期不能晚于今天。").waitFor();
    await expectAccessible(page, '[data-testid="revenue-sheet"]');

    // A closed month: the server's 422, in words.
    await page.getByTestId("revenue-day").fill(lastMonth().day);
    await page.getByTestId("revenue-submit").tap();
    await expect.poll(() => page.getByTestId("revenue-refused").textContent()).toContain(`${monthName(lastMonth().month, "zh-CN")} 已结账`);
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-revenue-closed-month.png` });
    expect((await get(ts.url, club.rep1.token, `/revenue?customerId=${customer.id}`)).items).toHaveLength(0);

    // Today (the default after the sheet reopens) goes through.
    await page.keyboard.press("Escape");
    await sheet.waitFor({ state: "detached" });
    await page.getByTestId("card-revenue").tap();
    const today = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
    expect(await page.getByTestId("revenue-day").inputValue()).toBe(today);
    await page.getByTestId("revenue-amount").fill("1288.5");
    await page.getByTestId("revenue-line-catering").tap();
    await page.getByTestId("revenue-submit").tap();
    await sheet.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("card-done").textContent()).toContain("¥1,288.50");
    const entries = (await get(ts.url, club.rep1.token, `/revenue?customerId=${customer.id}`)).items as Json[];
    expect(entries.map((e) => [e.amount, e.businessLine, e.repId])).toEqual([[1288.5, "catering", club.rep1.id]]);
    await ctx.close();
  });

  it("logs a complaint from the card and shows the server's 48-hour clock: time left, and overdue", async () => {
    const customer = await newCustomer(ts.url, club.rep1.token, { name: "中信银行总行工会", status: "active" });
    // One complaint logged 50 hours ago (the server's clock set back for it).
    const realNow = ts.clock.now;
    ts.clock.now = () => new Date(Date.now() - 50 * 3_600_000);
    const old = await call(ts.url, "POST", "/complaints", {
      token: club.rep1.token,
      body: { customerId: customer.id, channel: "phone", summary: "上周宴会上菜太慢" },
    });
    ts.clock.now = realNow;
    expect(old.status).toBe(201);

    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx);
    await openCard(page, customer.id);
    await page.getByTestId("complaint-item").first().waitFor();
    await expect.poll(() => page.getByTestId("complaint-clock").first().textContent()).toMatch(/已超时 [12] 小时/);

    await page.getByTestId("card-complaint").tap();
    await page.getByTestId("complaint-sheet").waitFor();
    await page.getByTestId("complaint-submit").tap();
    await page.getByText("请填写投诉内容。").waitFor();
    await page.getByTestId("complaint-channel-wechat").tap();
    await page.getByTestId("complaint-summary").fill("球场预订被取消，没有提前通知");
    await expectAccessible(page, '[data-testid="complaint-sheet"]');
    await page.getByTestId("complaint-submit").tap();
    await page.getByTestId("complaint-sheet").waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("card-done").textContent()).toContain("投诉已登记");
    await expect.poll(() => page.getByTestId("complaint-item").count()).toBe(2);
    // Newest first: the new one has (about) 48 hours left; its due time is the server's dueAt.
    await expect.poll(() => page.getByTestId("complaint-clock").first().textContent()).toMatch(/剩余 4[78] 小时/);
    const listed = (await get(ts.url, club.rep1.token, `/complaints?customerId=${customer.id}`)).items as Json[];
    expect(listed[0].channel).toBe("wechat");
    expect(listed[0].overdue).toBe(false);
    expect(listed[1].overdue).toBe(true);
    await expectAccessible(page, '[data-testid="complaint-list"]');
    await page.getByTestId("complaint-list").scrollIntoViewIfNeeded();
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-complaints.png` });
    await ctx.close();
  });
});
