import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { clubMonthNow, DESKTOP, get, launchBrowser, newContext, PASSWORDS, setTargets, signInUi, startLiveClockServer } from "./support.ts";

const shiftMonth = (month: string, by: number) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const i = y * 12 + (m - 1) + by;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
};

// The manager's rules at the desk: a closed month's targets are read-only with the
// reason, closing a month and dropping a prospect ask first, certificates wait for
// the year's end, and the board says what pace is and never calls everyone on pace
// beside a row with an alarm level.
describe("manager's desk: closed months, confirmations, awards, pace", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let month: string;
  let last: string;
  let lastYear: number;
  let prospect: Json;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-desk-rules");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
    // alarms from the first day, so the board shows levels whatever the date
    const s = await call(ts.url, "PATCH", "/settings", { token: club.admin.token, body: { alarmGraceDays: 0 } });
    expect(s.status).toBe(200);
    month = clubMonthNow();
    last = shiftMonth(month, -1);
    lastYear = Number(month.slice(0, 4)) - 1;
    const c1 = await newCustomer(ts.url, club.rep1.token, { name: "华润置地", status: "active" });
    const c2 = await newCustomer(ts.url, club.rep2.token, { name: "中信银行工会", status: "active" });
    // last year: 张伟 beat his target (a final podium); this year likewise (a provisional one)
    await setTargets(ts.url, club.manager.token, `${lastYear}-12`, { [club.rep1.id]: 10_000 });
    await addRevenue(ts.url, club.manager.token, {
      customerId: c1.id,
      repId: club.rep1.id,
      amount: 20_000,
      occurredAt: `${lastYear}-12-10T12:00:00+08:00`,
    });
    await setTargets(ts.url, club.manager.token, last, { [club.rep1.id]: 10_000, [club.rep2.id]: 10_000 });
    await setTargets(ts.url, club.manager.token, month, { [club.rep1.id]: 10_000, [club.rep2.id]: 100_000 });
    await addRevenue(ts.url, club.manager.token, { customerId: c1.id, amount: 30_000, occurredAt: new Date().toISOString() });
    await addRevenue(ts.url, club.manager.token, { customerId: c2.id, amount: 100, occurredAt: new Date().toISOString() });
    expect((await call(ts.url, "POST", `/months/${last}/close`, { token: club.manager.token })).status).toBe(200);
    // a prospect with three visits waits for review
    prospect = await newCustomer(ts.url, club.rep1.token, { name: "京东方科技集团" });
    for (const d of [3, 2, 1]) {
      const res = await call(ts.url, "POST", "/contacts", {
        token: club.rep1.token,
        headers: { "Idempotency-Key": crypto.randomUUID() },
        body: { customerId: prospect.id, channel: "visit", occurredAt: new Date(Date.now() - d * 3_600_000).toISOString() },
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  async function signIn(locale: string): Promise<Page> {
    const ctx = await newContext(browser, { ...DESKTOP, locale });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    return page;
  }

  it("shows a closed month's targets read-only with the reason, an open month's editable (zh-CN, en)", async () => {
    const page = await signIn("zh-CN");
    await page.getByRole("link", { name: "指标" }).click();
    await page.waitForURL(/\/targets$/);
    // this month: open, an input per rep
    await page.locator("table input").first().waitFor();
    expect(await page.getByTestId("targets-closed").count()).toBe(0);
    await page.getByRole("button", { name: "上个月" }).click();
    await page.getByTestId("targets-closed").waitFor();
    expect(await page.getByTestId("targets-closed").textContent()).toContain("本月已结算，目标不可修改");
    expect(await page.locator("table input").count()).toBe(0);
    await expectAccessible(page);
    // the server agrees: the month's targets are refused
    const refused = await call(ts.url, "PUT", `/targets/${club.rep1.id}/${last}`, { token: club.manager.token, body: { amount: 1 } });
    expect(refused.status).toBe(422);
    await page.context().close();

    const en = await signIn("en-US");
    await en.goto(`${ts.url}/targets`);
    await en.getByRole("button", { name: "Previous month" }).click();
    await en.getByTestId("targets-closed").waitFor();
    expect(await en.getByTestId("targets-closed").textContent()).toContain("This month is closed; targets can't change.");
    await en.context().close();
  });

  it("asks before closing a month again, in the reader's language", async () => {
    const page = await signIn("zh-CN");
    await page.goto(`${ts.url}/close`);
    const before = (await get(ts.url, club.manager.token, `/months/${last}/results`)) as Json;
    expect(before.closed).toBe(true);
    await page.getByText(/^结算于/).waitFor();
    await page.getByTestId("close-month").click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    expect(await dialog.getByRole("heading").textContent()).toMatch(/^再次结算 .+？$/);
    expect(await dialog.textContent()).toContain("此操作不可撤销");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "取消" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByTestId("close-month").click();
    await page.getByRole("alertdialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("alertdialog").waitFor({ state: "hidden" });
    await page.getByTestId("close-month").click();
    await page.getByTestId("close-confirm-yes").click();
    await page.getByRole("alertdialog").waitFor({ state: "hidden" });
    await page.getByRole("cell", { name: "张伟" }).waitFor();
    await page.context().close();

    const en = await signIn("en-US");
    await en.goto(`${ts.url}/close`);
    await en.getByText(/^Closed/).waitFor();
    await en.getByTestId("close-month").click();
    const d = en.getByRole("alertdialog");
    await d.waitFor();
    expect(await d.getByRole("heading").textContent()).toMatch(/^Close .+ again\?$/);
    expect(await d.textContent()).toContain("This cannot be undone.");
    await d.getByRole("button", { name: "Cancel" }).click();
    await en.context().close();
  });

  it("asks before dropping a prospect; cancelling keeps it", async () => {
    const page = await signIn("zh-CN");
    await page.goto(`${ts.url}/review`);
    await page.getByRole("cell", { name: "京东方科技集团" }).waitFor();
    await page.getByTestId("review-drop").click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    expect(await dialog.getByRole("heading").textContent()).toBe("放弃 京东方科技集团？");
    expect(await dialog.textContent()).toContain("张伟");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "保留" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(((await get(ts.url, club.manager.token, `/customers/${prospect.id}`)) as Json).status).toBe("prospect");
    await page.getByTestId("review-drop").click();
    await page.getByTestId("drop-confirm-yes").click();
    await page.getByRole("cell", { name: "京东方科技集团" }).waitFor({ state: "detached" });
    expect(((await get(ts.url, club.manager.token, `/customers/${prospect.id}`)) as Json).status).toBe("dropped");
    await page.context().close();
  });

  it("keeps certificates for a finished year; opens the certificate page when it is (zh-CN, en)", async () => {
    const page = await signIn("zh-CN");
    await page.getByRole("link", { name: "年度奖" }).click();
    await page.waitForURL(/\/awards$/);
    const cert = page.getByTestId("certificate");
    await cert.waitFor();
    expect(await cert.isDisabled()).toBe(true);
    expect(await page.getByTestId("certificate-later").textContent()).toBe("年度结束后才能打印证书");
    // the reason is the button's description
    const described = await cert.getAttribute("aria-describedby");
    expect(await page.locator(`#${described}`).textContent()).toBe("年度结束后才能打印证书");
    await expectAccessible(page);

    await page.getByRole("button", { name: "上一年" }).click();
    const link = page.getByRole("link", { name: "打印证书" });
    await link.waitFor();
    const [tab] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
    const res = await tab.waitForLoadState().then(() => tab.evaluate(() => document.contentType));
    expect(res).toBe("text/html");
    expect(await tab.locator("body").textContent()).toContain("张伟");
    await page.context().close();

    const en = await signIn("en-US");
    await en.goto(`${ts.url}/awards`);
    await en.getByTestId("certificate-later").waitFor();
    expect(await en.getByTestId("certificate-later").textContent()).toBe("Certificates can be printed once the year is over");
    await en.context().close();
  });

  it("labels pace as attainment against the elapsed month; no 'everyone on pace' beside an alarm level", async () => {
    // every alarm acknowledged: the panel is empty while 陈静's row is far below pace
    const alarms = (await get(ts.url, club.manager.token, "/alarms?status=unacknowledged&limit=200")) as Json;
    for (const a of alarms.items as Json[]) {
      expect((await call(ts.url, "POST", `/alarms/${a.id}/acknowledge`, { token: club.manager.token })).status).toBe(200);
    }
    const page = await signIn("zh-CN");
    const row = page.locator(`[data-rep="${club.rep2.id}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator(".chip").textContent()).toContain("20%");
    expect(await row.getByTestId("pace").textContent()).toMatch(/时间进度达成 [\d.]+%/);
    expect(await row.getByTestId("pace").getAttribute("title")).toContain("完成率 ÷ 本月已过时间");
    expect(await page.getByTestId("pace-legend").textContent()).toContain("时间进度达成 = 本月完成率 ÷ 本月已过时间比例");
    const empty = page.getByTestId("alarms-empty");
    await expect.poll(() => empty.textContent()).toContain("看板上有 1 位销售代表低于进度");
    expect(await empty.textContent()).not.toContain("全员进度正常");
    await expectAccessible(page);
    await page.context().close();

    const en = await signIn("en-US");
    const enRow = en.locator(`[data-rep="${club.rep2.id}"]`);
    await enRow.getByTestId("pace").waitFor();
    expect(await enRow.getByTestId("pace").textContent()).toMatch(/time-pace [\d.]+%/);
    expect(await en.getByTestId("pace-legend").textContent()).toContain("the share of the month elapsed");
    await expect.poll(() => en.getByTestId("alarms-empty").textContent()).toContain("1 rep is below pace on the board.");
    await en.context().close();
  });
});
