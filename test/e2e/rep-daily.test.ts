import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { cuttableProxy, eventually, get, launchBrowser, newContext, PASSWORDS, PHONE, signInUi, startLiveClockServer } from "./support.ts";

// A rep's daily jobs on a 360×740 phone, Chinese first: add a prospect (offline too),
// contact the neediest customers first, find names by pinyin, sign out safely
// offline, open a card offline, see the 1:3 detail and their own rank.

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });
const DAY = 86_400_000;

describe("a rep's daily jobs on the phone", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-daily");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const visit = async (token: string, customerId: string, daysAgo: number, channel = "visit") => {
    const res = await call(ts.url, "POST", "/contacts", {
      token,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { customerId, channel, occurredAt: new Date(Date.now() - daysAgo * DAY).toISOString(), outcome: "interested" },
    });
    if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const customersNamed = async (token: string, name: string) =>
    ((await get(ts.url, token, "/customers?limit=200")).items as Json[]).filter((c) => c.name === name);
  const signedIn = async (ctx: BrowserContext, base: string, who: { email: string; password: string } = rep1()) => {
    const page = await ctx.newPage();
    await signInUi(page, base, club.slug, who.email, who.password);
    await page.getByTestId("log-contact").waitFor();
    return page;
  };
  const rep1 = () => ({ email: `rep1@${club.slug}.test`, password: PASSWORDS.rep1 });

  it("adds a prospect offline: stored on the phone, sent exactly once (even after a lost answer), its contact after it", async () => {
    const network = await cuttableProxy(ts.url);
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx, network.url);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 20_000 });

    network.cut();
    await ctx.setOffline(true);
    await page.getByTestId("add-prospect").tap();
    await page.getByTestId("prospect-sheet").waitFor();
    await expectAccessible(page);
    // Checked on the phone before it is saved, in Chinese.
    await page.getByTestId("prospect-save").tap();
    await page.getByText("请填写客户名称。").waitFor();
    await page.getByTestId("prospect-phone").fill("电话");
    await page.getByTestId("prospect-save").tap();
    await page.getByText("请填写正确的电话号码").waitFor();
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-new-prospect.png` });

    const name = "万科物业-离线新客";
    await page.getByTestId("prospect-name").fill(name);
    await page.getByTestId("prospect-kind-individual").tap();
    await page.getByTestId("prospect-phone").fill("138 0013 8000");
    await page.getByTestId("prospect-note").fill("想了解团体会籍");
    await page.getByTestId("prospect-save").tap();
    await page.getByTestId("prospect-sheet").waitFor({ state: "detached" });

    // On the phone at once, and a contact can be logged against it while still offline.
    const row = page.locator(`[data-testid="customer-row"][data-name="${name}"]`);
    await row.waitFor();
    await row.locator('[data-testid="new-chip"]').waitFor();
    await row.tap();
    await page.getByTestId("channel-visit").tap();
    await page.getByTestId("outcome-interested").tap();
    await page.getByTestId("log-done").tap();
    await page.getByTestId("log-sheet").waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("outbox-banner").textContent()).toContain("1 位新潜在客户");
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-new-prospect-offline.png` });

    // A reload offline keeps both (shell from the service worker, queue from the device).
    await page.reload();
    await page.locator(`[data-testid="customer-row"][data-name="${name}"]`).waitFor({ timeout: 20_000 });
    expect(await customersNamed(club.rep1.token, name)).toHaveLength(0);

    // The first answer is lost on the way back: the server has the customer, the phone does not know.
    let lost = 0;
    await page.route("**/api/v1/customers", async (route) => {
      if (route.request().method() === "POST" && lost === 0) {
        lost++;
        await route.fetch();
        return route.abort("connectionreset");
      }
      return route.fallback();
    });
    network.restore();
    await ctx.setOffline(false);
    const created = await eventually(
      async () => {
        const found = await customersNamed(club.rep1.token, name);
        return found.length > 0 && lost > 0 ? found : undefined;
      },
      20_000,
      "the prospect on the server",
    );
    // The contact waits for the customer, then goes out against the server's id.
    const contacts = await eventually(
      async () => {
        const items = (await get(ts.url, club.rep1.token, `/contacts?customerId=${created[0].id}`)).items as Json[];
        return items.length > 0 ? items : undefined;
      },
      40_000,
      "the contact against the new prospect",
    );
    await page.getByTestId("outbox-banner").waitFor({ state: "detached", timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 2_000));
    const stored = await customersNamed(club.rep1.token, name);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: "individual",
      status: "prospect",
      profile: { phone: "138 0013 8000" },
      transaction: { needs: "想了解团体会籍" },
    });
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ channel: "visit", target: "prospect" });
    expect(lost).toBe(1);
    // The row is the server's customer now (no "on phone" chip), and it shows once.
    await expect.poll(() => page.locator(`[data-testid="customer-row"][data-name="${name}"]`).count()).toBe(1);
    await expect.poll(() => page.locator(`[data-name="${name}"] [data-testid="new-chip"]`).count()).toBe(0);
    await ctx.close();
    await network.close();
  });

  it("ranks 'contact now' by need and finds names by pinyin and initials", async () => {
    const rep = club.rep2;
    const make = (name: string, status = "active", profile?: Record<string, string>) =>
      newCustomer(ts.url, rep.token, { name, status, ...(profile ? { profile } : {}) });
    const recent = await make("丁-上周刚见");
    const longAgo = await make("戊-一个月没见");
    const late10 = await make("乙-逾期十天");
    const late60 = await make("甲-逾期两个月");
    await make("丙-从未拜访", "prospect");
    await make("华润置地");
    await make("中信银行工会");
    await visit(rep.token, recent.id, 1);
    await visit(rep.token, longAgo.id, 30);
    // Tier C (no spend): a visit every ⌊365/6⌋ = 60 days.
    await visit(rep.token, late10.id, 70);
    await visit(rep.token, late60.id, 120);
    const overdue = (await get(ts.url, rep.token, "/reps/overdue")).items as Json[];
    const days = Object.fromEntries(overdue.map((o) => [o.name, o.daysOverdue]));

    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx, ts.url, { email: `rep2@${club.slug}.test`, password: PASSWORDS.rep2 });
    const names = () => page.getByTestId("customer-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-name")));
    await expect.poll(names).toContain("丙-从未拜访");
    const order = (await names()).filter((n) => /^[甲乙丙丁戊]-/.test(n ?? ""));
    expect(order).toEqual(["甲-逾期两个月", "乙-逾期十天", "丙-从未拜访", "戊-一个月没见", "丁-上周刚见"]);
    // The days shown are the server's figures.
    const tag = page.locator('[data-name="甲-逾期两个月"] .tag-overdue');
    expect(await tag.textContent()).toContain(String(days["甲-逾期两个月"]));

    const search = page.getByTestId("customer-search");
    for (const q of ["hua", "hr", "huarun"]) {
      await search.fill(q);
      await expect.poll(names).toEqual(["华润置地"]);
    }
    await search.fill("zxyh");
    await expect.poll(names).toEqual(["中信银行工会"]);
    await search.fill("华润");
    await expect.poll(names).toEqual(["华润置地"]);
    await search.fill("hr");
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-pinyin-search.png` });
    // The big "log contact" picker finds them the same way.
    await search.fill("");
    await page.getByTestId("log-contact").tap();
    const pick = page.getByTestId("pick-sheet");
    await pick.locator('input[type="search"]').fill("zx");
    await expect.poll(() => pick.locator(".pick-row .row-name").allTextContents()).toEqual(["中信银行工会"]);
    await ctx.close();
  });

  it("opens a customer card offline from the list the phone holds, with tap-to-call and the address", async () => {
    const c = await newCustomer(ts.url, club.rep1.token, {
      name: "国贸大酒店-卡片",
      status: "active",
      profile: { phone: "010-6505 2288", address: "北京市朝阳区建国门外大街1号" },
    });
    const network = await cuttableProxy(ts.url);
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx, network.url);
    await page.locator(`[data-testid="customer-row"][data-name="${c.name}"]`).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 20_000 });
    network.cut();
    await ctx.setOffline(true);
    // Never opened before: the card comes from the list this phone saved.
    await page.locator(`[data-name="${c.name}"]`).locator("xpath=..").locator(".row-card").tap();
    await page.getByTestId("customer-name").waitFor();
    expect(await page.getByTestId("customer-name").textContent()).toBe(c.name);
    const tel = page.getByTestId("card-phone");
    expect(await tel.getAttribute("href")).toBe("tel:01065052288");
    expect(await tel.textContent()).toContain("010-6505 2288");
    expect(await page.getByTestId("card-address").textContent()).toBe("北京市朝阳区建国门外大街1号");
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-card-offline.png` });
    await expectAccessible(page, ".card-page");
    await ctx.close();
    await network.close();
  });

  it("shows the 1:3 detail behind the meter and the rep's own rank; no visits is neutral, not compliant", async () => {
    const fresh = await makeClub(ts.url, "e2e-ratio");
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, fresh.slug, `rep1@${fresh.slug}.test`, PASSWORDS.rep1);
    await page.getByTestId("log-contact").waitFor();
    const meter = page.getByTestId("meter-ratio");
    await expect.poll(() => meter.textContent()).toContain("本月还没有拜访");
    expect(await page.getByTestId("ratio-value").getAttribute("class")).not.toContain("good");
    await page.getByTestId("my-rank").waitFor();
    // Nothing sold yet: not a place on the board (a tie at ¥0).
    expect(await page.getByTestId("my-rank").textContent()).toContain("本月还未上榜");

    // Four visits to existing customers, none to a prospect; revenue puts rep1 second of two.
    const existing = await newCustomer(ts.url, fresh.rep1.token, { name: "老客户", status: "active" });
    const other = await newCustomer(ts.url, fresh.rep2.token, { name: "别人的客户", status: "active" });
    for (let i = 0; i < 4; i++) await visit(fresh.rep1.token, existing.id, 0);
    await addRevenue(ts.url, fresh.manager.token, { customerId: existing.id, amount: 20_000, occurredAt: new Date().toISOString() });
    await addRevenue(ts.url, fresh.manager.token, { customerId: other.id, amount: 50_000, occurredAt: new Date().toISOString() });
    await page.reload();
    await expect.poll(() => page.getByTestId("ratio-value").textContent(), { timeout: 15_000 }).toBe("2");
    await expect.poll(() => page.getByTestId("my-rank-value").textContent(), { timeout: 15_000 }).toBe("第 2 名 / 共 2 人");
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-home-rank.png` });

    await meter.tap();
    const sheet = page.getByTestId("ratio-sheet");
    await sheet.waitFor();
    expect(await page.getByTestId("ratio-existing").textContent()).toBe("4");
    expect(await page.getByTestId("ratio-prospect").textContent()).toBe("0");
    expect(await page.getByTestId("ratio-required").textContent()).toBe("2");
    expect(await page.getByTestId("ratio-shortfall").textContent()).toBe("2");
    expect(await page.getByTestId("ratio-verdict").textContent()).toBe("本月还需拜访潜在客户 2 次。");
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-ratio-sheet.png` });
    await expectAccessible(page);
    await page.keyboard.press("Escape");
    await sheet.waitFor({ state: "detached" });

    // English, with its plurals: one visit short reads "1 more prospect visit".
    const prospect = await newCustomer(ts.url, fresh.rep1.token, { name: "潜在客户" });
    await visit(fresh.rep1.token, prospect.id, 0);
    await page.evaluate(() => localStorage.setItem("clubhouse.lang", "en"));
    await page.reload();
    await expect.poll(() => page.getByTestId("ratio-value").textContent(), { timeout: 15_000 }).toBe("1");
    expect(await meter.textContent()).toContain("1 more prospect visit");
    expect(await meter.textContent()).not.toContain("visits");
    expect(await page.getByTestId("my-rank-value").textContent()).toBe("#2 of 2");
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-home-en.png` });
    await meter.focus();
    await page.keyboard.press("Enter");
    await sheet.waitFor();
    expect(await page.getByTestId("ratio-verdict").textContent()).toBe("1 more prospect visit this month.");
    await ctx.close();
  });

  it("signing out offline forgets the session on the phone at once, warns about unsent contacts, and ends it on the server when back online", async () => {
    const target = await newCustomer(ts.url, club.rep1.token, { name: "联想集团-登出", status: "active" });
    const network = await cuttableProxy(ts.url);
    const ctx = await newContext(browser, PHONE);
    const page = await signedIn(ctx, network.url);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 20_000 });
    const cookies = await ctx.cookies();
    const session = cookies.find((c) => c.httpOnly);
    expect(session).toBeDefined();
    const cookie = `${session!.name}=${session!.value}`;
    const me = () => call(ts.url, "GET", "/me", { headers: { cookie } });
    expect((await me()).status).toBe(200);

    network.cut();
    await ctx.setOffline(true);
    await page.locator(`[data-testid="customer-row"][data-name="${target.name}"]`).tap();
    await page.getByTestId("channel-phone").tap();
    await page.getByTestId("outcome-none").tap();
    await page.getByTestId("log-done").tap();
    await page.getByTestId("log-sheet").waitFor({ state: "detached" });

    await page.locator('nav.tabbar a[href="/me"]').tap();
    await page.getByTestId("sign-out").tap();
    await page.getByTestId("sign-out-confirm").waitFor();
    expect(await page.getByTestId("sign-out-pending").textContent()).toContain("本机还有 1 条记录未上传");
    await page.screenshot({ animations: "disabled", path: `${shots}/rep-sign-out-offline.png` });
    await expectAccessible(page);
    // Not yet: staying signed in keeps everything.
    await page.getByTestId("sign-out-cancel").tap();
    await page.getByTestId("sign-out-confirm").waitFor({ state: "detached" });
    await page.getByTestId("sign-out").tap();
    await page.getByTestId("sign-out-confirm-button").tap();

    await page.getByTestId("sign-in").waitFor();
    expect(await page.getByTestId("login-notice").textContent()).toContain("已在本机退出");
    expect(await page.locator('input[name="club"]').inputValue()).toBe(club.slug);
    const cached = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("clubhouse.cache.")));
    expect(cached, `kept: ${cached.join(", ")}`).toEqual([]);
    // Reopening the app offline does not bring the session back.
    await page.reload();
    await page.getByTestId("sign-in").waitFor({ timeout: 20_000 });
    // The server has not heard yet…
    expect((await me()).status).toBe(200);
    // …and does as soon as the network returns.
    network.restore();
    await ctx.setOffline(false);
    await eventually(async () => (await me()).status === 401, 30_000, "the old session ended on the server");
    await expect.poll(() => page.getByTestId("login-notice").count()).toBe(0);
    // The contact is still on the phone, and goes out when its rep signs in again.
    expect((await get(ts.url, club.rep1.token, `/contacts?customerId=${target.id}`)).items).toHaveLength(0);
    await page.locator('input[name="email"]').fill(rep1().email);
    await page.locator('input[name="password"]').fill(rep1().password);
    await page.getByTestId("sign-in").click();
    await eventually(
      async () => ((await get(ts.url, club.rep1.token, `/contacts?customerId=${target.id}`)).items as Json[]).length === 1,
      20_000,
      "the contact sent after signing in again",
    );
    await ctx.close();
    await network.close();
  });

  it("says an expired session has expired, in the reader's language, with the club filled in", async () => {
    for (const [locale, text] of [
      ["zh-CN", "登录已过期，请重新登录"],
      ["en-US", "Your session has expired, please sign in again"],
    ] as const) {
      const ctx = await newContext(browser, { ...PHONE, locale });
      const page = await signedIn(ctx, ts.url);
      const session = (await ctx.cookies()).find((c) => c.httpOnly)!;
      // The session ends elsewhere (signed out on the server, say).
      expect((await call(ts.url, "POST", "/auth/logout", { headers: { cookie: `${session.name}=${session.value}` } })).status).toBe(204);
      await page.reload();
      await page.getByTestId("login-notice").waitFor();
      expect(await page.getByTestId("login-notice").textContent()).toBe(text);
      expect(await page.locator('input[name="club"]').inputValue()).toBe(club.slug);
      if (locale === "zh-CN") {
        await page.screenshot({ animations: "disabled", path: `${shots}/rep-session-expired.png` });
        await expectAccessible(page);
      }
      await ctx.close();
    }
  });
});
