import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { pick } from "./pickers.ts";
import { DESKTOP, get, launchBrowser, newContext, PASSWORDS, signInUi, startLiveClockServer } from "./support.ts";

// The manager moves customers to another rep, chosen in the table or all of one rep,
// with a reason that each customer's history keeps.
describe("manager reassigns customers", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let rep3: { id: string };
  const mine: Json[] = [];
  const theirs: Json[] = [];

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-reassign");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
    rep3 = await addUser(ts.url, club.admin.token, "rep", "rep3@e2e-reassign.test");
    await call(ts.url, "PATCH", `/users/${rep3.id}`, { token: club.admin.token, body: { name: "王磊" } });
    for (const name of ["华润置地", "中信银行工会", "国贸大酒店"])
      mine.push(await newCustomer(ts.url, club.rep1.token, { name, status: "active" }));
    for (const name of ["联想集团", "京东方科技"]) theirs.push(await newCustomer(ts.url, club.rep2.token, { name, status: "active" }));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const ownerOf = async (id: string) => (await get(ts.url, club.manager.token, `/customers/${id}`)).ownerId;
  const select = (page: Page, id: string) =>
    page.locator(`[data-testid="customer-row"][data-customer="${id}"] [data-testid="customer-select"]`);

  it("moves the selected customers with a reason, then all of one rep (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.getByRole("link", { name: "客户", exact: true }).click();
    await page.getByTestId("customer-row").first().waitFor();

    await page.getByRole("checkbox", { name: "选择 华润置地" }).check();
    await select(page, mine[1].id).check();
    await expect.poll(() => page.getByTestId("selection-bar").textContent()).toContain("已选 2 位客户");
    await expectAccessible(page);
    await page.getByTestId("reassign-selected").click();
    const dialog = page.getByTestId("reassign-dialog");
    await dialog.waitFor();
    expect(await dialog.getAttribute("role")).toBe("dialog");
    expect(await dialog.textContent()).toContain("所选 2 位客户将转给另一位营销代表。");
    // nothing chosen: refused before sending
    await dialog.getByTestId("reassign-confirm").click();
    await expect.poll(() => dialog.locator("#reassign-toRepId-error").textContent()).toBe("请选择一位在职营销代表。");
    expect(await dialog.locator("#reassign-reason-error").textContent()).toBe("请填写原因（不超过 500 字）。");
    await expectAccessible(page);
    await pick(dialog.getByTestId("reassign-to"), "陈静");
    await dialog.getByTestId("reassign-reason").fill("张伟调往高尔夫业务线");
    await dialog.getByTestId("reassign-confirm").click();
    await expect.poll(() => page.getByTestId("reassign-done").textContent()).toBe("已将 2 位客户分配给 陈静。");
    expect(await ownerOf(mine[0].id)).toBe(club.rep2.id);
    expect(await ownerOf(mine[1].id)).toBe(club.rep2.id);
    expect(await ownerOf(mine[2].id)).toBe(club.rep1.id);
    const history = await get(ts.url, club.manager.token, `/customers/${mine[0].id}/history`);
    expect(history.items.find((h: Json) => h.kind === "reassigned")).toMatchObject({
      actorId: club.manager.id,
      changes: [
        { field: "ownerId", old: club.rep1.id, new: club.rep2.id },
        { field: "reason", old: null, new: "张伟调往高尔夫业务线" },
      ],
    });
    expect(await page.getByTestId("selection-bar").count()).toBe(0);
    // the table shows the new owner without a reload
    await expect.poll(() => page.locator(`[data-testid="customer-row"][data-customer="${mine[0].id}"]`).textContent()).toContain("陈静");

    // every customer of 陈静 (her two and the two just given) goes to 王磊
    await page.getByTestId("reassign-all").click();
    await dialog.waitFor();
    await pick(dialog.getByTestId("reassign-from"), "陈静");
    await pick(dialog.getByTestId("reassign-to"), "王磊");
    await dialog.getByTestId("reassign-reason").fill("陈静休产假");
    await dialog.getByTestId("reassign-confirm").click();
    await expect.poll(() => page.getByTestId("reassign-done").textContent()).toBe("已将 4 位客户分配给 王磊。");
    for (const c of [mine[0], mine[1], ...theirs]) expect(await ownerOf(c.id)).toBe(rep3.id);
    expect(await ownerOf(mine[2].id)).toBe(club.rep1.id);
    await ctx.close();
  });

  it("says it in English, plurals right", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "en-US" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/customers`);
    await page.getByTestId("customer-row").first().waitFor();
    await select(page, mine[2].id).check();
    await expect.poll(() => page.getByTestId("selection-bar").textContent()).toContain("1 customer selected");
    await select(page, theirs[0].id).check();
    await expect.poll(() => page.getByTestId("selection-bar").textContent()).toContain("2 customers selected");
    await select(page, theirs[0].id).uncheck();
    await page.getByTestId("reassign-selected").click();
    const dialog = page.getByTestId("reassign-dialog");
    expect(await dialog.textContent()).toContain("1 selected customer goes to another rep.");
    await pick(dialog.getByTestId("reassign-to"), "王磊");
    await dialog.getByTestId("reassign-reason").fill("Territory change");
    await page.keyboard.press("Tab");
    await dialog.getByTestId("reassign-confirm").press("Enter");
    await expect.poll(() => page.getByTestId("reassign-done").textContent()).toBe("1 customer now belongs to 王磊.");
    expect(await ownerOf(mine[2].id)).toBe(rep3.id);
    await expectAccessible(page);
    await ctx.close();
  });
});
