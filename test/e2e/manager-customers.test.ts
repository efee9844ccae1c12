import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, get, launchBrowser, newContext, PASSWORDS, seedClub, signInUi, startLiveClockServer } from "./support.ts";

const { parse } = createRequire(new URL("../../server/package.json", import.meta.url))("csv-parse/sync") as {
  parse: (text: string, options: { bom: boolean }) => string[][];
};

// The manager's customers table in Chinese: how many match, sorted by a header, the
// export of the same rows in Chinese.
describe("manager's customers table", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Awaited<ReturnType<typeof seedClub>>;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await seedClub(ts.url, "e2e-customers");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const rowIds = (page: Page) => page.getByTestId("customer-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-customer")));
  const apiIds = async (query: string) =>
    ((await get(ts.url, club.manager.token, `/customers?${query}&limit=200`)).items as Json[]).map((c) => c.id);

  it("shows the count, sorts by a header, and exports the filtered rows in Chinese (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.getByRole("link", { name: "客户", exact: true }).click();
    await page.getByTestId("customer-row").first().waitFor();

    await expect.poll(() => page.getByTestId("customers-total").textContent()).toBe("共 12 位客户");
    // owners by name, last month's spend and the last contact in club time
    const first = page.locator(`[data-testid="customer-row"][data-customer="${club.customers[0].id}"]`);
    expect(await first.textContent()).toContain("张伟");
    expect(await first.textContent()).toContain("¥18,000.00");
    const owners = await page.locator('[data-testid="customer-row"] td:nth-child(5)').allTextContents();
    expect(owners.length).toBe(12);
    expect(new Set(owners)).toEqual(new Set(["张伟", "陈静"]));

    // by name first; a click on 上月消费 sorts by it, largest first, again the other way
    const spend = page.getByRole("columnheader", { name: "上月消费" });
    expect(await page.getByRole("columnheader", { name: "名称" }).getAttribute("aria-sort")).toBe("ascending");
    expect(await spend.getAttribute("aria-sort")).toBe("none");
    await spend.getByRole("button").click();
    await expect.poll(() => spend.getAttribute("aria-sort")).toBe("descending");
    const byspend = await apiIds("sort=spend&dir=desc");
    await expect.poll(() => rowIds(page)).toEqual(byspend);
    expect(byspend[0]).toBe(club.customers[1].id); // ¥25,000 last month
    // from the keyboard: the header's button takes focus and Enter sorts the other way
    await spend.getByRole("button").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => spend.getAttribute("aria-sort")).toBe("ascending");
    await expect.poll(() => rowIds(page)).toEqual(await apiIds("sort=spend&dir=asc"));

    // a filter: the count follows, and the export carries the filters, the order and the language
    await page.getByLabel("状态").selectOption({ label: "现有卡客户" });
    await expect.poll(() => page.getByTestId("customers-total").textContent()).toBe("共 10 位客户");
    const shown = await apiIds("status=active&sort=spend&dir=asc");
    await expect.poll(() => rowIds(page)).toEqual(shown);
    const href = (await page.getByTestId("customers-export").getAttribute("href"))!;
    const params = new URL(href, ts.url).searchParams;
    expect(Object.fromEntries(params)).toEqual({ status: "active", sort: "spend", dir: "asc", lang: "zh-CN" });
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, bytes: [...new Uint8Array(await res.clone().arrayBuffer()).slice(0, 3)], text: await res.text() };
    }, href);
    expect(csv.status).toBe(200);
    expect(csv.bytes).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parse(csv.text, { bom: true });
    expect(header!.slice(0, 4)).toEqual(["编号", "名称", "类型", "状态"]);
    expect(header).toContain("上月消费（元）");
    expect(rows.map((r) => r[0])).toEqual(shown);
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(["现有客户"]));

    await expectAccessible(page);
    // the screenshot: active customers, largest spend first
    await spend.getByRole("button").click();
    await expect.poll(() => rowIds(page)).toEqual(await apiIds("status=active&sort=spend&dir=desc"));
    await page.screenshot({ path: "docs/screenshots/manager-customers.png" });
    await ctx.close();
  });
});
