import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, get, launchBrowser, newContext, PASSWORDS, signInUi, startLiveClockServer } from "./support.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// The manager's queues: every open complaint with its 48-hour clock, oldest first,
// resolved from the desk; and plan versus actual per rep and week.
describe("manager's desk: complaints and plan adherence", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  const complaint: Record<string, Json> = {};

  /** Runs `fn` with the server's clock `ago` ms in the past. */
  async function at<T>(ago: number, fn: () => Promise<T>): Promise<T> {
    ts.clock.now = () => new Date(Date.now() - ago);
    try {
      return await fn();
    } finally {
      ts.clock.now = () => new Date();
    }
  }
  const contact = async (token: string, customerId: string, channel: string, occurredAt: Date) => {
    const res = await call(ts.url, "POST", "/contacts", {
      token,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { customerId, channel, occurredAt: occurredAt.toISOString() },
    });
    expect(res.status).toBe(201);
  };
  const plan = async (token: string, customerId: string, day: string) => {
    const res = await call(ts.url, "POST", "/plans", { token, body: { customerId, day, channel: "visit" } });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-desk-queues");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
    const a = await newCustomer(ts.url, club.rep1.token, { name: "华润置地", status: "active" });
    const b = await newCustomer(ts.url, club.rep2.token, { name: "中信银行工会", status: "active" });
    const c = await newCustomer(ts.url, club.rep1.token, { name: "国贸大酒店", status: "active" });
    const log = (customerId: string, channel: string, summary: string) =>
      call(ts.url, "POST", "/complaints", { token: club.manager.token, body: { customerId, channel, summary } }).then((r) => {
        expect(r.status).toBe(201);
        return r.body as Json;
      });
    // logged newest first, to show the screen orders them oldest first
    complaint.fresh = await log(c.id, "wechat", "宴会厅空调太冷");
    complaint.late = await at(50.5 * HOUR, () => log(a.id, "phone", "会员卡积分未到账"));
    complaint.soon = await at(46.5 * HOUR, () => log(b.id, "letter", "高尔夫预约被取消"));

    // plans: this week 张伟 plans two visits and keeps one, 陈静 plans one and calls someone else
    const today = ((await get(ts.url, club.manager.token, "/diary")) as Json).day as string;
    await plan(club.rep1.token, a.id, today);
    await plan(club.rep1.token, c.id, today);
    await contact(club.rep1.token, a.id, "visit", new Date());
    await plan(club.rep2.token, b.id, today);
    await contact(club.rep2.token, b.id, "phone", new Date());
    const d = await newCustomer(ts.url, club.rep2.token, { name: "万达商业管理", status: "active" });
    await contact(club.rep2.token, d.id, "visit", new Date());
    // a week ago: 张伟 planned one visit and made it
    await at(7 * DAY, async () => {
      const lastWeek = ((await get(ts.url, club.manager.token, "/diary")) as Json).day as string;
      await plan(club.rep1.token, c.id, lastWeek);
      await contact(club.rep1.token, c.id, "visit", new Date(Date.now() - 7 * DAY));
    });
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
  const rowTexts = (page: Page) => page.getByTestId("complaint-row").allTextContents();
  const clockOf = (page: Page, id: string) =>
    page.locator(`[data-testid="complaint-row"][data-id="${id}"] [data-testid="complaint-clock"]`);

  it("lists open complaints oldest first with the 48-hour clock in English plurals", async () => {
    const page = await signIn("en-US");
    await page.getByRole("link", { name: "Complaints" }).click();
    await page.waitForURL(/\/complaints$/);
    await page.getByTestId("complaints-table").waitFor();
    const rows = await rowTexts(page);
    expect(rows.map((r) => (r.includes("华润置地") ? "late" : r.includes("中信") ? "soon" : "fresh"))).toEqual(["late", "soon", "fresh"]);
    expect(await clockOf(page, complaint.late!.id).textContent()).toBe("■ overdue by 2 hours");
    expect(await clockOf(page, complaint.soon!.id).textContent()).toBe("○ 1 hour left");
    expect(await clockOf(page, complaint.fresh!.id).textContent()).toBe("○ 47 hours left");
    expect(await page.getByTestId("complaints-summary").textContent()).toBe("3 open complaints, 1 overdue");
    expect(rows[0]).toContain("张伟");
    expect(rows[0]).toContain("Phone");
    expect(rows[2]).toContain("WeChat");
    await expectAccessible(page);
    await page.context().close();
  });

  it("resolves a complaint from the desk and files it under resolved (zh-CN)", async () => {
    const page = await signIn("zh-CN");
    await page.getByRole("link", { name: "客户投诉" }).click();
    await page.getByTestId("complaints-table").waitFor();
    expect(await clockOf(page, complaint.late!.id).textContent()).toBe("■ 已超时 2 小时");
    expect(await clockOf(page, complaint.soon!.id).textContent()).toBe("○ 剩余 1 小时");
    expect(await page.getByTestId("complaints-summary").textContent()).toBe("未处理 3 项，其中超时 1 项");
    await expectAccessible(page);

    await page.getByRole("button", { name: "处理 华润置地 的投诉" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("会员卡积分未到账");
    await expectAccessible(page);
    // nothing written: refused before sending
    await dialog.getByTestId("resolution-save").click();
    await expect.poll(() => dialog.locator("#resolution-error").textContent()).toBe("请填写处理结果（不超过 2000 字）。");
    await dialog.getByRole("textbox", { name: "处理结果" }).fill("已补录积分并致电致歉");
    await dialog.getByTestId("resolution-save").click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => page.getByTestId("complaint-row").count()).toBe(2);
    expect(await page.getByTestId("complaints-summary").textContent()).toBe("未处理 2 项，其中超时 0 项");
    const resolved = (await get(ts.url, club.manager.token, "/complaints?status=resolved")) as Json;
    expect(resolved.items.map((i: Json) => [i.id, i.resolution])).toEqual([[complaint.late!.id, "已补录积分并致电致歉"]]);

    await page.getByTestId("complaints-resolved").click();
    await expect.poll(() => page.getByTestId("complaint-row").count()).toBe(1);
    expect(await page.getByTestId("complaint-row").textContent()).toContain("已补录积分并致电致歉");
    expect(await page.getByTestId("complaints-resolved").getAttribute("aria-pressed")).toBe("true");
    await expectAccessible(page);
    await page.getByTestId("complaints-open").click();
    await expect.poll(() => page.getByTestId("complaint-row").count()).toBe(2);
    await page.context().close();
  });

  it("shows plan versus actual per rep for the chosen week and the weeks before (zh-CN, en)", async () => {
    const page = await signIn("zh-CN");
    await page.getByRole("link", { name: "访问计划执行" }).click();
    await page.waitForURL(/\/plans$/);
    await page.getByTestId("plans-table").waitFor();
    const row = (rep: string) => page.locator(`[data-testid="plans-row"][data-rep="${rep}"]`);
    await expect.poll(() => row(club.rep1.id).getByTestId("planned").textContent()).toBe("2");
    expect(await row(club.rep1.id).getByTestId("kept").textContent()).toBe("1 (其中当天完成 1)");
    expect(await row(club.rep1.id).getByTestId("adherence").textContent()).toBe("50%");
    expect(await row(club.rep1.id).getByTestId("earlier").first().textContent()).toBe("100% 1/1");
    expect(await row(club.rep2.id).getByTestId("planned").textContent()).toBe("1");
    expect(await row(club.rep2.id).getByTestId("kept").textContent()).toBe("0");
    expect(await row(club.rep2.id).getByTestId("unplanned").textContent()).toBe("2");
    expect(await row(club.rep2.id).getByTestId("adherence").textContent()).toBe("0%");
    await expectAccessible(page);
    const thisWeek = await page.getByTestId("plans-week").inputValue();
    expect(thisWeek).toMatch(/^\d{4}-W\d{2}$/);

    // the previous week, by its button
    await page.getByRole("button", { name: "上一周" }).click();
    await expect.poll(() => row(club.rep1.id).getByTestId("planned").textContent()).toBe("1");
    expect(await row(club.rep1.id).getByTestId("adherence").textContent()).toBe("100%");
    expect(await row(club.rep2.id).getByTestId("adherence").textContent()).toBe("无计划");
    // back to this week by picking it
    await page.getByTestId("plans-week").fill(thisWeek);
    await page.getByTestId("plans-week").dispatchEvent("change");
    await expect.poll(() => row(club.rep1.id).getByTestId("planned").textContent()).toBe("2");
    await page.context().close();

    const en = await signIn("en-US");
    await en.goto(`${ts.url}/plans`);
    const enRow = en.locator(`[data-testid="plans-row"][data-rep="${club.rep1.id}"]`);
    await expect.poll(() => enRow.getByTestId("kept").textContent()).toBe("1 (of which on the day 1)");
    expect(await en.getByRole("columnheader", { name: "Adherence" }).count()).toBe(1);
    await en.getByRole("button", { name: "Previous week" }).click();
    await expect.poll(() => en.locator(`[data-rep="${club.rep2.id}"] [data-testid="adherence"]`).textContent()).toBe("no plans");
    await expectAccessible(en);
    await en.context().close();
  });
});
