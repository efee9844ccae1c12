import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import { call, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, get, launchBrowser, newContext, PASSWORDS, signInUi, startLiveClockServer } from "./support.ts";

const shift = (day: string, by: number) => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + by, 12)).toISOString().slice(0, 10);
};

// The manager reads each rep's work diary by day, sees which are late as the API
// says, and comments.
describe("manager's diaries", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let today: string;
  let past: string;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-diaries");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
    today = (await get(ts.url, club.manager.token, "/diary")).day;
    // two club days ago: its deadline (10:00 the next day) has passed whatever the hour
    past = shift(today, -2);
    const put = await call(ts.url, "PUT", `/diary/${past}`, {
      token: club.rep1.token,
      body: { workingTime: "9:00–18:00", targets: "拜访华润置地", progress: "约好下周演示", notes: "客户关心团体会籍价格" },
    });
    expect(put.status).toBe(200);
    expect((await call(ts.url, "POST", `/diary/${past}/submit`, { token: club.rep1.token })).status).toBe(200);
    await call(ts.url, "PUT", `/diary/${today}`, { token: club.rep2.token, body: { notes: "今天三次拜访" } });
    expect((await call(ts.url, "POST", `/diary/${today}/submit`, { token: club.rep2.token })).status).toBe(200);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("shows late and on-time diaries by day, reads one and comments (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.getByRole("link", { name: "工作日志" }).click();
    await page.waitForURL(/\/diaries$/);
    await page.getByTestId("diaries-table").waitFor();
    await expectAccessible(page);

    const state = (rep: string) => page.locator(`[data-testid="diary-row"][data-rep="${rep}"] [data-testid="diary-state"]`);
    await page.goto(`${ts.url}/diaries/${today}`);
    await expect.poll(() => state(club.rep2.id).textContent()).toMatch(/^✓ 已提交 \d{2}:\d{2}$/);
    expect(await state(club.rep1.id).textContent()).toBe("○ 尚未提交");
    expect(await page.getByTestId("diaries-summary").textContent()).toContain("已提交 1/2 · 迟交 0");
    await page.getByTestId("diaries-late").click();
    await page.getByText("当天没有工作日志。").waitFor();

    // two days ago: rep1 submitted after the deadline, rep2 never did
    await page.getByTestId("diaries-day").fill(past);
    await page.getByTestId("diaries-day").dispatchEvent("change");
    await page.waitForURL(new RegExp(`/diaries/${past}`));
    await expect.poll(() => state(club.rep1.id).textContent()).toMatch(/^▲ 迟交，/);
    expect(await state(club.rep2.id).textContent()).toBe("■ 逾期未交");
    await page.getByTestId("diaries-all").click();
    await expect.poll(() => page.getByTestId("diaries-summary").textContent()).toContain("已提交 1/2 · 迟交 2");

    // read rep1's diary and comment on it
    await page.getByRole("button", { name: "查看 张伟 的日志" }).click();
    const reader = page.getByTestId("diary-reader");
    await reader.getByTestId("diary-text").waitFor();
    expect(await reader.getByTestId("diary-text").textContent()).toContain("拜访华润置地");
    expect(await reader.getByTestId("diary-text").textContent()).toContain("客户关心团体会籍价格");
    await expectAccessible(page);
    // an empty comment is refused before sending
    await reader.getByTestId("diary-comment-save").click();
    await expect.poll(() => reader.locator("#comment-error").textContent()).toBe("请填写批注（不超过 2000 字）。");
    await reader.getByTestId("diary-comment").fill("演示前先确认预算和决策人。");
    await reader.getByTestId("diary-comment-save").click();
    await reader.getByTestId("diary-comment-saved").waitFor();
    const saved = await get(ts.url, club.rep1.token, `/diary/${past}`);
    expect(saved.managerComment).toBe("演示前先确认预算和决策人。");
    expect(saved.commentedBy).toBe(club.manager.id);
    await expect.poll(() => page.locator(`[data-testid="diary-row"][data-rep="${club.rep1.id}"]`).textContent()).toContain("已批注");
    // a reload keeps the chosen rep (in the address) and shows the saved comment
    await page.reload();
    await expect.poll(() => page.getByTestId("diary-comment").inputValue()).toBe("演示前先确认预算和决策人。");
    await ctx.close();
  });

  it("speaks English too", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "en-US" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/diaries/${past}`);
    const state = (rep: string) => page.locator(`[data-testid="diary-row"][data-rep="${rep}"] [data-testid="diary-state"]`);
    await expect.poll(() => state(club.rep2.id).textContent()).toBe("■ Not submitted, past due");
    expect(await state(club.rep1.id).textContent()).toMatch(/^▲ Submitted late, /);
    expect(await page.getByTestId("diaries-summary").textContent()).toContain("1 of 2 submitted · 2 late");
    await page.getByRole("button", { name: "Read 陈静's diary" }).click();
    await page.getByTestId("diary-text").waitFor();
    expect(await page.getByTestId("diary-text").textContent()).toContain("Nothing written.");
    await expectAccessible(page);
    await ctx.close();
  });
});
