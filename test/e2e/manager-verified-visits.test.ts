import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import {
  clubMonthNow,
  DESKTOP,
  daytimeContext,
  daytimeShiftMs,
  get,
  launchBrowser,
  PASSWORDS,
  PHONE,
  setTargets,
  signInUi,
  startLiveClockServer,
} from "./support.ts";

// Verified visits on the manager's desk (第六条: 如实反映…严格统计数字): the board's
// verified share per rep, the drill-down's checks with "accept with a reason", the
// customer's location set from the customers list, the club's visit radius.

/** Metres north as degrees of latitude (one degree is 2πR/360 with R = 6,371,008.8 m). */
const north = (m: number) => (m * 360) / (2 * Math.PI * 6_371_008.8);
const SITE = { lat: 31.2304, lng: 121.4737 };
const near = (metres: number) => ({ lat: SITE.lat + north(metres), lng: SITE.lng, accuracy: 20 });
/** Where the manager's browser says it is when asked for "my position". */
const DESK = { latitude: 39.9087, longitude: 116.3975, accuracy: 12 };
const PHONE_SHOTS = process.env.PHONE_SHOTS;

describe("manager: verified visits", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let site: Json;
  let bare: Json;
  let offSiteId = "";
  /** Visits are logged hours back and read as today's: the clocks keep clear of the club's midnight. */
  const shift = daytimeShiftMs();

  const log = async (body: Record<string, unknown>, minutesAgo: number) => {
    const res = await call(ts.url, "POST", "/contacts", {
      token: club.rep1.token,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: {
        customerId: site.id,
        channel: "visit",
        outcome: "interested",
        occurredAt: new Date(ts.clock.now().getTime() - minutesAgo * 60_000).toISOString(),
        ...body,
      },
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    ts = await startLiveClockServer(shift);
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-verified");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
    await call(ts.url, "PATCH", `/users/${club.manager.id}`, { token: club.admin.token, body: { name: "王经理" } });
    await setTargets(ts.url, club.manager.token, clubMonthNow(undefined, ts.clock.now()), {
      [club.rep1.id]: 100_000,
      [club.rep2.id]: 100_000,
    });
    site = await newCustomer(ts.url, club.rep1.token, { name: "华润置地（北京）有限公司", status: "prospect" });
    bare = await newCustomer(ts.url, club.rep1.token, { name: "万科企业股份有限公司", status: "prospect" });
    expect((await call(ts.url, "PUT", `/customers/${site.id}/pin`, { token: club.manager.token, body: SITE })).status).toBe(200);
    // 张伟's month: one visit on site (120 m), one 2 km away, one where the phone gave no position
    expect((await log({ position: near(120) }, 180)).check).toMatchObject({ state: "on_site", distanceM: 120 });
    const away = await log({ channel: "demo", position: near(2000) }, 120);
    expect(away.check).toMatchObject({ state: "off_site", distanceM: 2000, accepted: null });
    offSiteId = away.id;
    expect((await log({ positionError: "denied" }, 60)).check).toMatchObject({ state: "no_position" });
    // 张伟 submits today's diary: the diaries list then carries its figures
    const today = (await get(ts.url, club.manager.token, "/diary")).day;
    await call(ts.url, "PUT", `/diary/${today}`, { token: club.rep1.token, body: { notes: "拜访华润置地" } });
    expect((await call(ts.url, "POST", `/diary/${today}/submit`, { token: club.rep1.token })).status).toBe(200);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const row = (page: Page, rep: string) => page.locator(`[data-testid="board-row"][data-rep="${rep}"]`);

  it("the board shows each rep's verified share; accepting the visit away changes the mark and the share live (zh-CN)", async () => {
    const ctx = await daytimeContext(browser, DESKTOP, shift);
    const board = await ctx.newPage();
    await signInUi(board, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await board.waitForURL(/\/board$/);
    // 1 of 3 in person verified, one of them away from the customer
    await expect.poll(() => row(board, club.rep1.id).getByTestId("verified-pct").textContent()).toBe("33.3%");
    expect(await row(board, club.rep1.id).getByTestId("verified-away").textContent()).toContain("1 次不在附近");
    expect(await board.getByTestId("board-checks-head").textContent()).toBe("核实率");
    expect(await row(board, club.rep2.id).getByTestId("board-checks").textContent()).toBe("暂无拜访");
    expect(await row(board, club.rep1.id).getByTestId("verified-share").getAttribute("title")).toBe(
      "上门 3 次：在客户处 1，已接受 0，不在附近 1，未取得位置 1，客户尚无位置 0",
    );
    await expect.poll(() => board.getByTestId("board-verified-total").textContent()).toContain("33.3%");
    await expectAccessible(board);
    await board.screenshot({ path: "docs/screenshots/manager-verified-board.png", animations: "disabled" });

    // the drill-down in a second tab: the month's checks and each contact's mark
    const detail = await ctx.newPage();
    await detail.goto(`${ts.url}/manager/reps/${club.rep1.id}`);
    await expect.poll(() => detail.getByTestId("rep-verified-pct").textContent()).toBe("33.3%");
    expect(await detail.getByTestId("checks-off-site").textContent()).toBe("1");
    expect(await detail.getByTestId("checks-no-position").textContent()).toBe("1");
    await expect.poll(() => detail.getByTestId("rep-contact").count()).toBe(3);
    const away = detail.locator(`[data-testid="rep-contact"][data-contact="${offSiteId}"]`);
    expect(await away.getByTestId("check-chip").textContent()).toContain("不在客户附近 · 2 公里");
    expect(await away.getByTestId("check-chip").getAttribute("data-state")).toBe("off_site");
    // on site: no action; away and no position: 接受
    expect(await detail.getByTestId("rep-contact-accept").count()).toBe(2);
    expect(await detail.locator('[data-testid="check-chip"][data-state="on_site"]').textContent()).toContain("已核实在客户处 · 120 米");

    await away.getByTestId("rep-contact-accept").click();
    const dialog = detail.getByTestId("accept-dialog");
    await dialog.waitFor();
    expect(await dialog.getByTestId("accept-what").textContent()).toContain("华润置地（北京）有限公司");
    // too short a reason is said next to the field, nothing is sent
    await dialog.getByTestId("accept-reason").fill("好");
    await dialog.getByTestId("accept-confirm").click();
    await dialog.getByText("请填写 2 到 500 个字的原因。").waitFor();
    await dialog.getByTestId("accept-reason").fill("客户搬到新办公室接待，地址尚未更新");
    await expectAccessible(detail);
    await detail.screenshot({ path: "docs/screenshots/manager-accept-visit.png", animations: "disabled" });
    await dialog.getByTestId("accept-confirm").click();
    await detail.getByTestId("accept-done").waitFor();
    expect(await away.getByTestId("check-accepted").textContent()).toContain("王经理");
    expect(await away.getByTestId("check-accepted").textContent()).toContain("客户搬到新办公室接待，地址尚未更新");
    expect(await away.getByTestId("check-chip").getAttribute("data-accepted")).toBe("yes");
    expect(await away.getByTestId("rep-contact-accept").count()).toBe(0);
    // the month's figures and the board move without a reload
    await expect.poll(() => detail.getByTestId("rep-verified-pct").textContent()).toBe("66.6%");
    expect(await detail.getByTestId("checks-accepted").textContent()).toBe("1");
    await expect.poll(() => row(board, club.rep1.id).getByTestId("verified-pct").textContent()).toBe("66.6%");
    expect(await row(board, club.rep1.id).getByTestId("verified-away").count()).toBe(0);

    // the server has it: accepted by the manager, with the reason
    const saved = await get(ts.url, club.manager.token, `/contacts/${offSiteId}`);
    expect(saved.check.accepted).toMatchObject({ by: club.manager.id, reason: "客户搬到新办公室接待，地址尚未更新" });
    // a second acceptance (another manager's tab) is refused and said so
    const again = await call(ts.url, "POST", `/contacts/${offSiteId}/accept`, { token: club.admin.token, body: { reason: "再次接受" } });
    expect(again.status).toBe(409);

    // only unverified: the visit without a position is left
    await detail.getByTestId("rep-unverified-only").check();
    await expect.poll(() => detail.getByTestId("rep-contact").count()).toBe(1);
    expect(await detail.getByTestId("check-chip").textContent()).toContain("未取得位置");

    // the day's diary figures and the diaries list show the day's checks
    const today = (await get(ts.url, club.manager.token, "/diary")).day;
    await detail.goto(`${ts.url}/diaries/${today}?rep=${club.rep1.id}`);
    await expect.poll(() => detail.getByTestId("checks-inline").textContent()).toContain("拜访核实 66.6%（3 次中 2 次）");
    expect(await detail.getByTestId("checks-inline").textContent()).toContain("1 次未核实");
    expect(await detail.locator(`[data-testid="diary-row"][data-rep="${club.rep1.id}"] [data-testid="verified-pct"]`).textContent()).toBe(
      "66.6%",
    );
    await ctx.close();
  });

  it("sets a customer's location in the customers list: typed, then from the manager's own position; cleared (English)", async () => {
    const ctx = await daytimeContext(browser, { ...DESKTOP, locale: "en-US", permissions: ["geolocation"], geolocation: DESK }, shift);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/customers`);
    const cell = page.locator(`[data-testid="customer-row"][data-customer="${bare.id}"] [data-testid="customer-pin-cell"]`);
    await expect.poll(() => cell.textContent()).toContain("No location");
    expect(await page.locator(`[data-testid="customer-row"][data-customer="${site.id}"] [data-testid="pin-set-tag"]`).count()).toBe(1);
    await cell.getByTestId("pin-open").click();
    const dialog = page.getByTestId("pin-dialog");
    await dialog.waitFor();
    await dialog.getByTestId("pin-none").waitFor();
    // out of range: said next to the field
    await dialog.getByTestId("pin-lat").fill("95");
    await dialog.getByTestId("pin-lng").fill("121.5");
    await dialog.getByTestId("pin-save").click();
    await dialog.getByText("Enter a latitude between −90 and 90.").waitFor();
    await dialog.getByTestId("pin-lat").fill("22.5431");
    await dialog.getByTestId("pin-lng").fill("114.0579");
    await expectAccessible(page);
    await dialog.getByTestId("pin-save").click();
    await dialog.getByTestId("pin-said").waitFor();
    await expect.poll(() => dialog.getByTestId("pin-coords").textContent()).toBe("22.54310, 114.05790");
    expect(await dialog.getByTestId("pin-shown").textContent()).toContain("Set by 王经理");
    expect((await get(ts.url, club.manager.token, `/customers/${bare.id}`)).pin).toMatchObject({
      lat: 22.5431,
      lng: 114.0579,
      source: "manager",
      by: club.manager.id,
    });

    // "use my position": the browser's position (granted) fills the fields
    await dialog.getByTestId("pin-use-mine").click();
    await expect.poll(() => dialog.getByTestId("pin-lat").inputValue()).toBe("39.908700");
    expect(await dialog.getByTestId("pin-lng").inputValue()).toBe("116.397500");
    expect(await dialog.getByTestId("pin-note").textContent()).toBe("Your position (±12 m) was filled in. Check it before saving.");
    await dialog.getByTestId("pin-save").click();
    await expect.poll(async () => (await get(ts.url, club.manager.token, `/customers/${bare.id}`)).pin?.lat).toBe(39.9087);

    // cleared after a confirmation
    await dialog.getByTestId("pin-clear").click();
    await dialog.getByTestId("pin-clear-yes").click();
    await dialog.getByTestId("pin-none").waitFor();
    expect((await get(ts.url, club.manager.token, `/customers/${bare.id}`)).pin).toBeNull();
    await page.keyboard.press("Escape");
    await expect.poll(() => cell.textContent()).toContain("No location");
    await ctx.close();
  });

  it("a position the browser may not read leaves the fields to type; the admin's visit radius persists", async () => {
    const ctx = await daytimeContext(browser, { ...DESKTOP, permissions: [] }, shift);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `admin@${club.slug}.test`, "correct horse battery");
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/customers`);
    const cell = page.locator(`[data-testid="customer-row"][data-customer="${bare.id}"] [data-testid="customer-pin-cell"]`);
    await cell.getByTestId("pin-open").click();
    const dialog = page.getByTestId("pin-dialog");
    await dialog.getByTestId("pin-lat").fill("30.1");
    await dialog.getByTestId("pin-use-mine").click();
    await expect.poll(() => dialog.getByTestId("pin-note").textContent()).toBe("浏览器未获准读取位置。请允许定位，或手动输入坐标。");
    expect(await dialog.getByTestId("pin-lat").inputValue()).toBe("30.1");
    await page.keyboard.press("Escape");

    await page.goto(`${ts.url}/settings`);
    const radius = page.getByTestId("settings-radius");
    await expect.poll(() => radius.inputValue()).toBe("300");
    expect(await page.getByTestId("settings-retention").inputValue()).toBe("90");
    await radius.fill("500");
    await page.getByTestId("settings-retention").fill("30");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("✓ 已保存").waitFor();
    await page.reload();
    await expect.poll(() => page.getByTestId("settings-radius").inputValue()).toBe("500");
    expect(await page.getByTestId("settings-retention").inputValue()).toBe("30");
    const s = await get(ts.url, club.admin.token, "/settings");
    expect(s).toMatchObject({ visitRadiusM: 500, positionRetentionDays: 30 });
    await expectAccessible(page);
    await ctx.close();
  });

  it.skipIf(!PHONE_SHOTS)("the new parts at 360×740", async () => {
    const ctx = await daytimeContext(browser, PHONE, shift);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await row(page, club.rep1.id).waitFor();
    await page.screenshot({ path: `${PHONE_SHOTS}/board.png`, fullPage: true });
    await page.goto(`${ts.url}/manager/reps/${club.rep1.id}`);
    await page.getByTestId("rep-contact").first().waitFor();
    await page.screenshot({ path: `${PHONE_SHOTS}/rep.png`, fullPage: true });
    await page.getByTestId("rep-contact-accept").first().click();
    await page.getByTestId("accept-dialog").waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${PHONE_SHOTS}/accept.png` });
    await page.keyboard.press("Escape");
    await page.goto(`${ts.url}/customers`);
    await page.getByTestId("customer-row").first().waitFor();
    await page.screenshot({ path: `${PHONE_SHOTS}/customers.png`, fullPage: true });
    await page.getByTestId("pin-open").first().click();
    await page.getByTestId("pin-dialog").waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${PHONE_SHOTS}/pin.png` });
    await page.keyboard.press("Escape");
    await page.goto(`${ts.url}/settings`);
    await page.getByTestId("settings-radius").waitFor();
    await page.getByTestId("settings-radius").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${PHONE_SHOTS}/settings.png` });
    await ctx.close();
  });
});
