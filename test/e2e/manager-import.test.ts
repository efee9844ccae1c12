import iconv from "iconv-lite";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import type { Json, TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, get, launchBrowser, newContext, PASSWORDS, signInUi, startLiveClockServer } from "./support.ts";

// The Import screen as a Chinese club uses it: a GB18030 file from Excel/WPS goes up as
// its bytes and reads back identical; a refused file shows every problem in Chinese.
describe("manager's Import screen", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;

  /** Today in club time as a Chinese spreadsheet writes it: 2026/12/5. */
  const today = () => {
    const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()).split("-");
    return `${y}/${Number(m)}/${Number(d)}`;
  };

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-import");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  async function openImport(page: Page) {
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.getByRole("link", { name: "导入" }).click();
    await page.waitForURL(/\/import$/);
    await page.getByRole("heading", { name: "CSV 导入" }).waitFor();
  }
  async function send(page: Page, kind: "营业收入" | "客户", name: string, bytes: Buffer) {
    await page.getByRole("button", { name: kind, exact: true }).click();
    await page.locator('input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: bytes });
    await page.getByRole("button", { name: "导入", exact: true }).click();
  }

  it("imports a GB18030 file of Chinese names through the screen; they read back identical (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const uploads: { type: string }[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().includes("/import")) uploads.push({ type: r.headers()["content-type"] ?? "" });
    });
    await openImport(page);

    const names = ["欧阳娜娜", "上海宏达贸易有限公司", "𠮷野家（徐汇店）", "龘靐齉"];
    const customersCsv = `客户名称,类型,负责人,电话\n${names.map((n, i) => `${n},${i % 2 ? "团体" : "个人"},rep1,1380000000${i}`).join("\r\n")}\r\n`;
    const gb = iconv.encode(customersCsv, "gb18030");
    await send(page, "客户", "客户名单.csv", gb);
    const done = page.getByRole("status").filter({ hasText: "导入成功" });
    await done.waitFor({ timeout: 20_000 });
    expect(await done.textContent()).toContain("导入成功：客户名单.csv 已保存 4 行");
    expect(await page.getByTestId("import-file-name").textContent()).toBe("客户名单.csv");
    // the file went as it is, with no charset chosen by the browser (the server found GB18030 itself)
    expect(uploads.map((u) => u.type)).toEqual(["text/csv"]);
    const list: Json[] = (await get(ts.url, club.manager.token, "/customers?limit=200")).items;
    for (const [i, n] of names.entries()) {
      const c = list.find((x) => x.name === n);
      expect(c, n).toBeTruthy();
      expect(c).toMatchObject({ kind: i % 2 ? "group" : "individual", ownerId: club.rep1.id });
    }

    // revenue for them by name, Chinese headers and labels, ¥ amounts and a club date — GB18030 too
    // a time of today that has passed whenever the test runs (money more than 5 minutes ahead is refused)
    const revenueCsv = `客户,金额,业务,日期,单号\n欧阳娜娜,"¥3,600.00",餐饮,${today()},收银-001\n龘靐齉,￥88,水疗,${today()} 00:01,收银-002\n`;
    await send(page, "营业收入", "收入.csv", iconv.encode(revenueCsv, "gb18030"));
    await expect.poll(() => done.textContent(), { timeout: 20_000 }).toContain("导入成功：收入.csv 已保存 2 行");
    expect(await done.textContent()).toContain("合计 ¥3,688.00");
    const ledger: Json[] = (await get(ts.url, club.manager.token, "/revenue?limit=50")).items;
    const byRef = new Map(ledger.map((e) => [e.externalRef, e]));
    expect(byRef.get("收银-001")).toMatchObject({
      customerId: list.find((x) => x.name === "欧阳娜娜").id,
      amount: 3600,
      businessLine: "catering",
    });
    expect(byRef.get("收银-002")).toMatchObject({ customerId: list.find((x) => x.name === "龘靐齉").id, amount: 88, businessLine: "spa" });

    // the templates are linked, and download as UTF-8 with a BOM
    const zhLink = page.getByRole("link", { name: "模板（中文表头）" });
    const href = await zhLink.getAttribute("href");
    expect(href).toBe("/api/v1/revenue/import/template.csv?lang=zh-CN");
    const tpl = await page.request.get(`${ts.url}${href}`);
    expect(tpl.status()).toBe(200);
    expect([...(await tpl.body()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(await page.getByRole("link", { name: "模板（英文表头）" }).getAttribute("href")).toBe(
      "/api/v1/revenue/import/template.csv?lang=en",
    );
    await expectAccessible(page);
    await ctx.close();
  });

  it("a refused file shows every row's problem in Chinese, the count equal to the rows shown, page by page (zh-CN)", async () => {
    await newCustomer(ts.url, club.rep1.token, { name: "重名会所", status: "active" });
    await newCustomer(ts.url, club.rep2.token, { name: "重名会所", status: "active" });
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await openImport(page);

    const bad = [
      "客户,金额,业务,日期,营销代表",
      `重名会所,"¥3,600.00",餐饮,${today()},`,
      `查无此人,100,水疗,${today()},`,
      `欧阳娜娜,"3,60.00",客房,${today()},`,
      `欧阳娜娜,-5,高尔夫,${today()},`,
      `欧阳娜娜,100,赌场,${today()},`,
      `欧阳娜娜,100,健身,2099/1/1,`,
      `欧阳娜娜,100,健身,1999-12-31 10:00,`,
      `欧阳娜娜,100,健身,明天,`,
      `欧阳娜娜,100,健身,${today()},不存在的代表`,
    ];
    // and enough more bad rows for a second and third page
    for (let i = 0; i < 230; i++) bad.push(`欧阳娜娜,abc,餐饮,${today()},`);
    await send(page, "营业收入", "有错的收入.csv", iconv.encode(`${bad.join("\n")}\n`, "gb18030"));
    const alert = page.locator(".import-errors [role=alert]");
    await alert.waitFor({ timeout: 20_000 });
    const expected = 9 + 230;
    expect(await alert.textContent()).toBe(`文件未导入：发现 ${expected} 处问题。未保存任何数据。请修正以下各行后重新上传整个文件。`);

    const rows = page.locator(".import-errors tbody tr");
    const seen: string[] = [];
    for (let p = 1; p <= 3; p++) {
      await expect.poll(() => page.getByText(`第 ${p} / 3 页`).count()).toBeGreaterThan(0);
      const texts = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
      for (const [where, what] of texts) {
        // every sentence is Chinese: no Latin-only line, none of the server's English
        expect(where, where).toMatch(/^第 \d+ 行 /);
        expect(what, what).toMatch(/[\u4e00-\u9fff]/);
        expect(what, what).not.toMatch(/\b(must|is|not|the|line)\b/i);
        seen.push(`${where}|${what}`);
      }
      if (p < 3) await page.getByRole("button", { name: "下一页" }).click();
    }
    expect(seen.length).toBe(expected);
    expect(new Set(seen).size).toBe(expected);
    const text = seen.join("\n");
    expect(text).toContain("第 2 行 客户|有 2 条同名记录，请改用编号或电子邮箱");
    expect(text).toContain("第 3 行 客户|本俱乐部没有这个编号、名称或电子邮箱");
    expect(text).toContain("第 7 行 日期|");
    expect(text).toContain("第 10 行 营销代表|本俱乐部没有这个编号、名称或电子邮箱");
    expect(text).toContain("第 240 行 金额|");
    // nothing of the refused file was stored
    const ledger: Json[] = (await get(ts.url, club.manager.token, "/revenue?limit=50")).items;
    expect(ledger.length).toBe(2);

    await page.getByRole("button", { name: "上一页" }).click();
    await page.getByRole("button", { name: "上一页" }).click();
    await page.getByText("第 1 / 3 页").waitFor();
    await page.locator("details summary").click();
    await expectAccessible(page);
    await ctx.close();
  });

  it("screenshot: the Import screen with row errors, 1440×900, zh-CN", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await openImport(page);
    const bad = [
      "客户,金额,业务,日期,营销代表,单号",
      `重名会所,"¥3,600.00",餐饮,${today()},,POS-1`,
      `查无此人,100,水疗,${today()},,POS-2`,
      `欧阳娜娜,"3,60.00",客房,${today()},,POS-3`,
      `欧阳娜娜,100,赌场,${today()},,POS-4`,
      `欧阳娜娜,100,健身,2099/1/1,,POS-5`,
      `欧阳娜娜,100,健身,${today()},不存在的代表,POS-6`,
      `龘靐齉,0,餐饮,${today()},,POS-6`,
    ];
    await send(page, "营业收入", "十二月收入.csv", iconv.encode(`${bad.join("\n")}\n`, "gb18030"));
    const card = page.locator(".import-errors");
    await card.locator("[role=alert]").waitFor({ timeout: 20_000 });
    await card.evaluate((el) => el.scrollIntoView({ block: "end" }));
    await page.screenshot({ path: "docs/screenshots/manager-import-errors.png" });
    await ctx.close();
  });
});
