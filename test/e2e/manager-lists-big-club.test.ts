import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rowsOf, sql } from "@clubhouse/db";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { pick } from "./pickers.ts";
import {
  clubMonthNow,
  DESKTOP,
  get,
  launchBrowser,
  newContext,
  PASSWORDS,
  PHONE,
  setTargets,
  signInUi,
  startLiveClockServer,
} from "./support.ts";

// A club of more reps than one API page (200): every rep is reachable by typing on
// the targets, customers and reassign screens, owners are named on every customer,
// the users screen counts the whole club, and month close counts its outcomes.
describe("manager's lists in a big club", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  const REPS = 230;
  const shots = join(tmpdir(), "clubhouse-lists-shots");
  const reps = new Map<string, string>(); // name → id
  const customers: Json[] = [];
  let last = "";

  const shiftMonth = (m: string, by: number) => {
    const d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + by, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-lists");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
    // 230 more reps in one statement, as the database's owner (seeding only): 李雷000 … 李雷229
    await ts.db.database.db.execute(sql`
      insert into users (tenant_id, email, name, role, password_hash, created_at)
      select ${club.tenantId}::uuid, 'bulk' || i || '@e2e-lists.test', '李雷' || lpad(i::text, 3, '0'), 'rep',
        (select password_hash from users where id = ${club.rep1.id}::uuid), now() + i * interval '1 millisecond'
      from generate_series(0, ${REPS - 1}) i`);
    for (const r of rowsOf<{ id: string; name: string }>(
      await ts.db.database.db.execute(sql`select id, name from users where tenant_id = ${club.tenantId}::uuid`),
    ))
      reps.set(r.name, r.id);
    // customers of reps far past the 200th
    for (const [name, owner] of [
      ["远洋集团工会", "李雷210"],
      ["首都机场贵宾部", "李雷220"],
      ["金融街控股", "李雷220"],
    ] as const)
      customers.push(await newCustomer(ts.url, club.manager.token, { name, kind: "group", ownerId: reps.get(owner) }));
    // last month closed: 张伟 met his target, 陈静 and three of the new reps did not
    last = shiftMonth(clubMonthNow(), -1);
    const c1 = await newCustomer(ts.url, club.rep1.token, { name: "华润置地", status: "active" });
    await setTargets(ts.url, club.manager.token, last, {
      [club.rep1.id]: 10_000,
      [club.rep2.id]: 10_000,
      [reps.get("李雷201")!]: 10_000,
      [reps.get("李雷202")!]: 10_000,
      [reps.get("李雷203")!]: 10_000,
    });
    await addRevenue(ts.url, club.manager.token, {
      customerId: c1.id,
      repId: club.rep1.id,
      amount: 20_000,
      occurredAt: `${last}-10T12:00:00+08:00`,
    });
    expect((await call(ts.url, "POST", `/months/${last}/close`, { token: club.manager.token })).status).toBe(200);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  async function signIn(opts: BrowserContextOptions = DESKTOP): Promise<Page> {
    const ctx = await newContext(browser, opts);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    return page;
  }

  it("sets a target for the 226th rep, found by typing (zh-CN)", async () => {
    const page = await signIn();
    await page.goto(`${ts.url}/targets`);
    await expect.poll(() => page.getByTestId("targets-total").textContent(), { timeout: 20_000 }).toBe(`共 ${REPS + 2} 位在职营销代表`);
    expect(await page.getByTestId("target-row").count()).toBe(50);
    await page.getByTestId("targets-search").fill("李雷225");
    const row = page.locator(`[data-testid="target-row"][data-rep="${reps.get("李雷225")}"]`);
    await row.waitFor();
    await expect.poll(() => page.getByTestId("target-row").count()).toBe(1);
    expect(await page.getByTestId("targets-total").textContent()).toBe("共 1 位在职营销代表");
    await row.getByRole("textbox", { name: "李雷225 的指标" }).fill("8888");
    await row.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => row.getByRole("button").textContent()).toContain("已保存");
    const quota = await get(ts.url, club.manager.token, `/quota?month=${clubMonthNow()}`);
    expect(quota.reps.find((r: Json) => r.repId === reps.get("李雷225"))?.target).toBe(8888);
    // the pages reach the end of the whole list
    await page.getByTestId("targets-search").fill("");
    await expect.poll(() => page.getByTestId("target-row").count()).toBe(50);
    for (let i = 0; i < 4; i++) {
      const first = await page.getByTestId("target-row").first().getAttribute("data-rep");
      await page.getByTestId("targets-pager").locator('[data-page="next"]').click();
      await expect.poll(() => page.getByTestId("target-row").first().getAttribute("data-rep")).not.toBe(first);
    }
    await expect.poll(() => page.getByTestId("target-row").count()).toBe(REPS + 2 - 200);
    expect(await page.getByTestId("targets-pager-range").textContent()).toBe(`第 201–${REPS + 2} 条，共 ${REPS + 2} 条`);
    await expectAccessible(page);
    await page.screenshot({ path: join(shots, "targets-desktop.png") });
    await page.context().close();
  });

  it("names the owners, filters by a rep past the 200th and reassigns to another, all by typing (zh-CN)", async () => {
    const page = await signIn();
    await page.goto(`${ts.url}/customers`);
    await page.getByTestId("customer-row").first().waitFor({ timeout: 20_000 });
    const ownerCell = (id: string) => page.locator(`[data-testid="customer-row"][data-customer="${id}"] [data-testid="customer-owner"]`);
    expect(await ownerCell(customers[0].id).textContent()).toBe("李雷210");
    expect(await ownerCell(customers[1].id).textContent()).toBe("李雷220");
    // the owner filter: type, choose with the keyboard
    const filter = page.getByTestId("owner-filter");
    const input = filter.getByRole("combobox");
    await input.click();
    await expect.poll(() => input.getAttribute("aria-expanded")).toBe("true");
    await input.fill("李雷22");
    await expect.poll(() => filter.getByRole("option").count()).toBe(10);
    expect(await filter.getByRole("status").textContent()).toBe("共 10 个匹配");
    await input.fill("李雷220");
    await expect.poll(() => filter.getByRole("option").count()).toBe(1);
    await input.press("ArrowDown");
    await input.press("Enter");
    await expect.poll(() => page.getByTestId("customers-total").textContent()).toBe("共 2 位客户");
    expect(await input.inputValue()).toBe("李雷220");
    await expectAccessible(page);
    // reassign one of them to the 229th rep
    await page.getByRole("checkbox", { name: "选择 首都机场贵宾部" }).check();
    await page.getByTestId("reassign-selected").click();
    const dialog = page.getByTestId("reassign-dialog");
    await dialog.waitFor();
    await dialog.getByTestId("reassign-to").getByRole("combobox").click();
    await expect.poll(() => dialog.getByRole("option").count()).toBe(20);
    expect(await dialog.getByRole("status").textContent()).toBe(`显示前 20 个，共 ${REPS + 2} 个匹配；继续输入可缩小范围`);
    await expectAccessible(page);
    await page.screenshot({ path: join(shots, "reassign-picker-desktop.png") });
    await pick(dialog.getByTestId("reassign-to"), "李雷229");
    await dialog.getByTestId("reassign-reason").fill("客户搬到东区，由李雷229接手");
    await dialog.getByTestId("reassign-confirm").click();
    await expect.poll(() => page.getByTestId("reassign-done").textContent()).toBe("已将 1 位客户分配给 李雷229。");
    expect((await get(ts.url, club.manager.token, `/customers/${customers[1].id}`)).ownerId).toBe(reps.get("李雷229"));
    await expect.poll(() => page.getByTestId("customers-total").textContent()).toBe("共 1 位客户");
    await page.context().close();
  });

  it("jumps through the customers by page with the server's total", async () => {
    // 120 more customers, in parallel batches
    for (let i = 0; i < 120; i += 30)
      await Promise.all(
        Array.from({ length: 30 }, (_, j) =>
          newCustomer(ts.url, club.manager.token, {
            name: `批量客户${String(i + j).padStart(3, "0")}`,
            kind: "group",
            ownerId: reps.get("李雷205"),
          }),
        ),
      );
    const total = (await get(ts.url, club.manager.token, "/customers?limit=1")).total;
    const page = await signIn();
    await page.goto(`${ts.url}/customers`);
    await expect.poll(() => page.getByTestId("customers-total").textContent(), { timeout: 20_000 }).toBe(`共 ${total} 位客户`);
    await page.getByTestId("page-size").selectOption("25");
    await expect.poll(() => page.getByTestId("customer-row").count()).toBe(25);
    const pager = page.getByTestId("customers-pager");
    await pager.locator('[data-page="last"]').click();
    await expect.poll(() => page.getByTestId("customer-row").count()).toBe(total % 25 || 25);
    expect(await page.getByTestId("customers-pager-range").textContent()).toBe(
      `第 ${Math.floor((total - 1) / 25) * 25 + 1}–${total} 条，共 ${total} 条`,
    );
    await pager.locator('[data-page="3"]').click();
    await expect.poll(() => page.getByTestId("customers-pager-range").textContent()).toBe(`第 51–75 条，共 ${total} 条`);
    // the rows are the server's third page of 25
    const third = await get(ts.url, club.manager.token, "/customers?limit=25&offset=50");
    expect(await page.getByTestId("customer-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-customer")))).toEqual(
      third.items.map((c: Json) => c.id),
    );
    expect(await pager.locator('[aria-current="page"]').textContent()).toBe("3");
    await expectAccessible(page);
    await page.screenshot({ path: join(shots, "customers-pages-desktop.png"), fullPage: true });
    // the export is every matching customer, not the page
    const href = await page.getByTestId("customers-export").getAttribute("href");
    const csv = await (await fetch(`${ts.url}${href}`, { headers: { authorization: `Bearer ${club.manager.token}` } })).text();
    expect(csv.trim().split("\n").length - 1).toBe(total);
    await page.context().close();
  });

  it("counts every user on the settings' users screen", async () => {
    const page = await signIn();
    await page.goto(`${ts.url}/users`);
    await expect.poll(() => page.getByTestId("users-total").textContent(), { timeout: 20_000 }).toBe(`俱乐部共 ${REPS + 4} 位用户`);
    await page.getByTestId("users-search").fill("李雷22");
    await expect.poll(() => page.getByTestId("users-shown").textContent()).toBe("共 10 位用户符合条件");
    expect(await page.getByTestId("user-row").count()).toBe(10);
    await page.context().close();
  });

  it("counts month close outcomes and shows warnings and removals alone (zh-CN, desktop and phone)", async () => {
    const page = await signIn();
    await page.goto(`${ts.url}/close`);
    await expect
      .poll(() => page.getByTestId("close-counts").textContent(), { timeout: 20_000 })
      .toBe("正常 1 人 · 通报批评 0 人 · 不再聘用 4 人");
    await expect.poll(() => page.getByTestId("close-row").count()).toBe(4);
    expect(await page.locator('[data-testid="close-row"][data-outcome="ok"]').count()).toBe(0);
    await expectAccessible(page);
    await page.screenshot({ path: join(shots, "close-desktop.png") });
    await page.getByTestId("close-flagged-only").uncheck();
    await expect.poll(() => page.getByTestId("close-row").count()).toBe(5);
    await page.getByTestId("close-search").fill("李雷202");
    await expect.poll(() => page.getByTestId("close-row").count()).toBe(1);
    await page.context().close();
    const phone = await signIn(PHONE);
    await phone.goto(`${ts.url}/close`);
    await phone.getByTestId("close-counts").waitFor({ timeout: 20_000 });
    await phone.screenshot({ path: join(shots, "close-phone.png"), fullPage: true });
    await phone.context().close();
  });
});
