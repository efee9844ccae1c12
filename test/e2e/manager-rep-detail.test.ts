import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { pick } from "./pickers.ts";
import { clubMonthNow, DESKTOP, get, launchBrowser, newContext, PASSWORDS, setTargets, signInUi, startLiveClockServer } from "./support.ts";

const back = (month: string, n: number) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const i = y * 12 + (m - 1) - n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
};

// From a board row to the rep: the year month by month, contacts and the 1:3 ratio,
// alarms, the month-close ladder and the last week's diaries.
describe("manager drills down from the board to a rep", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  const month = clubMonthNow();

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-repdetail");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
    await setTargets(ts.url, club.manager.token, month, { [club.rep1.id]: 100_000, [club.rep2.id]: 100_000 });
    // last month: 张伟 had a target and sold nothing; the close removes him and suspends his bonus
    await setTargets(ts.url, club.manager.token, back(month, 1), { [club.rep1.id]: 60_000, [club.rep2.id]: 10_000 });
    const closed = await call(ts.url, "POST", `/months/${back(month, 1)}/close`, { token: club.manager.token });
    expect(closed.status).toBe(200);
    const c = await newCustomer(ts.url, club.rep1.token, { name: "华润置地（北京）有限公司", status: "active" });
    await addRevenue(ts.url, club.manager.token, { customerId: c.id, amount: 45_000, occurredAt: new Date().toISOString() });
    const contact = await call(ts.url, "POST", "/contacts", {
      token: club.rep1.token,
      headers: { "Idempotency-Key": "e2e-repdetail-visit" },
      body: { customerId: c.id, channel: "visit", occurredAt: new Date(Date.now() - 3_600_000).toISOString(), outcome: "interested" },
    });
    expect([200, 201]).toContain(contact.status);
    const today = (await get(ts.url, club.manager.token, "/diary")).day;
    await call(ts.url, "PUT", `/diary/${today}`, { token: club.rep1.token, body: { notes: "拜访华润置地" } });
    expect((await call(ts.url, "POST", `/diary/${today}/submit`, { token: club.rep1.token })).status).toBe(200);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("opens the rep's page from the board row (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.locator(`[data-testid="board-row"][data-rep="${club.rep1.id}"] [data-testid="board-rep-link"]`).click();
    await page.waitForURL(new RegExp(`/manager/reps/${club.rep1.id}$`));
    await expect.poll(() => page.getByTestId("rep-name").textContent()).toBe("张伟");

    // this month in the trend, 45% of target; last month 0%
    const row = (m: string) => page.locator(`[data-testid="trend-attainment"][data-month="${m}"]`);
    await expect.poll(() => row(month).textContent()).toBe("45%");
    if (back(month, 1).slice(0, 4) === month.slice(0, 4)) expect(await row(back(month, 1)).textContent()).toBe("0%");

    // the ladder: last month's close, its reason, and the bonus suspended since then
    const ladder = page.locator(`[data-testid="ladder-row"][data-month="${back(month, 1)}"]`);
    await expect.poll(() => ladder.textContent()).toContain("不再聘用");
    expect(await ladder.textContent()).toContain("当月完成率低于20%");
    expect(await page.getByTestId("rep-bonus").textContent()).toMatch(/^自 .+ 起暂停部门奖金$/);

    // contacts of the month with the customer's name, and the 1:3 verdict
    await expect.poll(() => page.getByTestId("rep-contact").count()).toBe(1);
    expect(await page.getByTestId("rep-contact").textContent()).toContain("华润置地（北京）有限公司");
    expect(await page.getByTestId("rep-contact").textContent()).toContain("访问");
    expect(await page.getByTestId("rep-contacts-count").textContent()).toBe("1 次联系");
    // one visit to an existing customer and none to a prospect: one prospect visit short
    expect(await page.getByTestId("rep-ratio-verdict").textContent()).toBe("本月还需拜访潜在客户 1 次。");

    // the alarm the close raised, in Chinese
    await expect.poll(() => page.getByTestId("rep-alarm").count()).toBeGreaterThan(0);
    // today's diary, submitted; the link opens it on the diaries screen
    const diary = page.locator('[data-testid="rep-diary"]').first();
    expect(await diary.textContent()).toContain("已提交");
    await expectAccessible(page);
    await diary.getByRole("link").click();
    await page.waitForURL(/\/diaries\/\d{4}-\d{2}-\d{2}\?rep=/);
    await expect.poll(() => page.getByTestId("diary-text").textContent()).toContain("拜访华润置地");
    await ctx.close();
  });

  it("reads in English, and an unknown rep is said plainly", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "en-US" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/manager/reps/${club.rep1.id}`);
    await expect.poll(() => page.getByTestId("rep-contacts-count").textContent()).toBe("1 contact");
    expect(await page.getByTestId("rep-ratio-verdict").textContent()).toBe("1 more prospect visit this month.");
    expect(await page.getByTestId("rep-trend").textContent()).toContain(`Attainment by month, ${month.slice(0, 4)}`);
    await expect.poll(() => page.locator(`[data-testid="ladder-row"][data-month="${back(month, 1)}"]`).textContent()).toContain("Removal");
    await expectAccessible(page);
    // a rep leaves: every customer of theirs goes to a colleague from this page
    await page.getByTestId("rep-reassign-all").click();
    const dialog = page.getByTestId("reassign-dialog");
    await dialog.waitFor();
    expect(await dialog.getByTestId("reassign-from").getByRole("combobox").inputValue()).toBe("张伟");
    await pick(dialog.getByTestId("reassign-to"), "陈静");
    await dialog.getByTestId("reassign-reason").fill("Zhang Wei leaves the club");
    await expectAccessible(page);
    await dialog.getByTestId("reassign-confirm").click();
    await expect.poll(() => page.getByTestId("reassign-done").textContent()).toBe("1 customer now belongs to 陈静.");
    const left = await get(ts.url, club.manager.token, `/customers?ownerId=${club.rep1.id}`);
    expect(left.items).toEqual([]);
    await page.goto(`${ts.url}/manager/reps/00000000-0000-4000-8000-000000000000`);
    await page.getByText("This rep is not in the club.").waitFor();
    await ctx.close();
  });
});
