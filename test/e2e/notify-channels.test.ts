import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import type { TestServer } from "../support/harness.ts";
import { type Receiver, startReceiver } from "../support/receiver.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");

// Settings → Channels (docs/notify.md): a manager adds a WeCom bot, sends a test
// message that a local receiver gets, and reads the delivery log; the bot's key is
// never shown back.
describe("manager's notification channels", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let bot: Receiver;
  const KEY = "e2e-wecom-key-5f1c2d9a";

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-notify");
    bot = await startReceiver();
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
    await bot?.close();
  });

  it("adds a WeCom bot, sends a test message and shows the log (zh-CN), never the key", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/settings`);
    const section = page.getByTestId("channels");
    await expect.poll(() => section.textContent()).toContain("还没有通知渠道");

    await page.getByTestId("channel-add").click();
    const form = page.getByTestId("channel-form");
    await form.locator('input[name="name"]').fill("销售一部群");
    // a bad address first: the field says why, in Chinese
    await form.locator('input[name="url"]').fill("ftp://example.com/x");
    await form.locator('input[name="url"]').evaluate((el) => el.removeAttribute("type"));
    await form.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => form.textContent()).toContain("格式不对");
    await form.locator('input[name="url"]').fill(`${bot.url}/cgi-bin/webhook/send?key=${KEY}`);
    await form.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => page.getByTestId("channel-row").count()).toBe(1);
    expect(await section.textContent()).toContain("企业微信群机器人");
    expect(await page.content()).not.toContain(KEY);
    await expectAccessible(page);

    await page.getByTestId("channel-test").click();
    await expect.poll(() => page.getByTestId("channel-notice").textContent()).toContain("测试消息已送达");
    expect(bot.got).toHaveLength(1);
    expect(bot.got[0]!.query.get("key")).toBe(KEY);
    expect(bot.got[0]!.body.markdown.content).toContain("【测试消息】");

    await page.getByRole("button", { name: "发送记录" }).click();
    const log = page.getByTestId("channel-log");
    await expect.poll(() => log.textContent()).toContain("已送达");
    expect(await log.textContent()).toContain("测试消息");
    expect(await page.content()).not.toContain(KEY);
    await section.screenshot({ animations: "disabled", path: `${shots}/manager-channels.png` });
    await ctx.close();
  });
  it("fits a phone (360×740): the list, the form and the log without sideways scrolling", async () => {
    const ctx = await newContext(browser, { ...PHONE, locale: "zh-CN" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/settings`);
    const section = page.getByTestId("channels");
    await expect.poll(() => page.getByTestId("channel-row").count()).toBe(1);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "发送记录" }).click();
    await expect.poll(() => page.getByTestId("channel-log").textContent()).toContain("已送达");
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByTestId("channel-add").click();
    await expect.poll(() => page.getByTestId("channel-form").isVisible()).toBe(true);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await section.screenshot({ animations: "disabled", path: `${shots}/manager-channels-phone.png` });
    await ctx.close();
  });
});
