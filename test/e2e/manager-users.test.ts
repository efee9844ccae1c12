import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import { call, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, get, launchBrowser, newContext, PASSWORDS, signInUi, startLiveClockServer } from "./support.ts";

// The manager's users screen: every user of a big club (more than one API page), with
// the total; rename, role, password and disable through PATCH /users/:id, with a
// confirmation for what takes effect at once, in the reader's language.
describe("manager's users screen", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  const EXTRA = 205;

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-users");
    // more reps than one page of the API (200) holds
    for (let i = 0; i < EXTRA; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, EXTRA - i) }, (_, j) =>
          call(ts.url, "POST", "/users", {
            token: club.admin.token,
            body: {
              email: `bulk${i + j}@e2e-users.test`,
              name: `销售员${String(i + j).padStart(3, "0")}`,
              role: "rep",
              password: "bulk rep pass 1",
            },
          }).then((r) => {
            if (r.status !== 201) throw new Error(`user: ${r.status}`);
          }),
        ),
      );
    }
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const user = async (id: string) => get(ts.url, club.admin.token, `/users/${id}`);
  const rowOf = (page: Page, id: string) => page.locator(`[data-testid="user-row"][data-user="${id}"]`);

  it("lists every user past the first page with the total, and edits a rep with checks and confirmations (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const patches: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "PATCH" && r.url().includes("/api/v1/users/")) patches.push(r.postData() ?? "");
    });
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await page.getByRole("link", { name: "用户" }).click();
    await page.waitForURL(/\/users$/);
    const total = page.getByTestId("users-total");
    await expect.poll(() => total.textContent(), { timeout: 20_000 }).toBe(`俱乐部共 ${EXTRA + 4} 位用户`);
    // a page at a time, the server's count of every match: the last page holds the rest
    await expect.poll(() => page.getByTestId("user-row").count()).toBe(50);
    await expect.poll(() => page.getByTestId("users-shown").textContent()).toBe(`共 ${EXTRA + 4} 位用户符合条件`);
    for (let p = 0; p < Math.floor((EXTRA + 4) / 50); p++) {
      const first = await page.getByTestId("user-row").first().getAttribute("data-user");
      await page.getByTestId("users-pager").locator('[data-page="next"]').click();
      await expect.poll(() => page.getByTestId("user-row").first().getAttribute("data-user")).not.toBe(first);
    }
    expect(await page.getByTestId("user-row").count()).toBe((EXTRA + 4) % 50);
    expect(await page.getByTestId("users-pager").locator('[data-page="next"]').isDisabled()).toBe(true);
    // the last one created is on the third API page
    await page.getByTestId("users-search").fill(`bulk${EXTRA - 1}@`);
    await expect.poll(() => page.getByTestId("user-row").count()).toBe(1);
    await expect.poll(() => page.getByTestId("users-shown").textContent()).toBe("共 1 位用户符合条件");
    await page.getByTestId("users-search").fill("");
    await expectAccessible(page);

    // rename rep1: the name is checked before anything is sent
    await rowOf(page, club.rep1.id).getByTestId("user-edit").click();
    const edit = page.getByTestId("user-edit-dialog");
    await edit.waitFor();
    expect(await edit.getAttribute("role")).toBe("dialog");
    await expectAccessible(page);
    await edit.getByTestId("edit-name").fill("   ");
    await edit.getByTestId("edit-password").fill("short");
    await edit.getByTestId("edit-save").click();
    await expect.poll(() => edit.locator("#edit-name-error").textContent()).toBe("请填写姓名（1 至 120 个字）。");
    expect(await edit.locator("#edit-password-error").textContent()).toBe("密码需为 10 至 200 个字符。");
    expect(await edit.getByTestId("edit-name").getAttribute("aria-invalid")).toBe("true");
    expect(patches).toEqual([]);
    await edit.getByTestId("edit-password").fill("");
    await edit.getByTestId("edit-name").fill("张伟");
    await edit.getByTestId("edit-save").click();
    await page.getByTestId("users-notice").waitFor();
    expect(await page.getByTestId("users-notice").textContent()).toBe("已保存：张伟。");
    expect((await user(club.rep1.id)).name).toBe("张伟");
    expect(patches).toEqual([JSON.stringify({ name: "张伟" })]);

    // a new password ends the rep's sessions: it is confirmed first, in an alertdialog
    await rowOf(page, club.rep1.id).getByTestId("user-edit").click();
    await edit.getByTestId("edit-password").fill("brand new pass 9");
    await edit.getByTestId("edit-save").click();
    const confirm = page.getByTestId("user-confirm-dialog");
    await confirm.waitFor();
    expect(await confirm.getAttribute("role")).toBe("alertdialog");
    expect(await confirm.getByTestId("user-confirm-text").textContent()).toContain("张伟 的密码将被重置，其所有登录会话立即结束");
    await expectAccessible(page);
    await confirm.getByTestId("user-confirm").click();
    await page.getByTestId("users-notice").waitFor();
    expect((await call(ts.url, "GET", "/me", { token: club.rep1.token })).status).toBe(401);
    expect(
      (
        await call(ts.url, "POST", "/auth/login", {
          body: { club: club.slug, email: `rep1@${club.slug}.test`, password: "brand new pass 9" },
        })
      ).status,
    ).toBe(200);

    // a manager makes a rep a manager: what they see changes at once, so it is confirmed
    expect((await call(ts.url, "GET", "/diary", { token: club.rep2.token })).status).toBe(403);
    await rowOf(page, club.rep2.id).getByTestId("user-edit").click();
    await edit.getByTestId("edit-role").selectOption("manager");
    await edit.getByTestId("edit-save").click();
    await confirm.waitFor();
    expect(await confirm.getByTestId("user-confirm-text").textContent()).toContain("的角色将改为营销部经理");
    // cancel: nothing is sent, the form comes back as it was
    await confirm.getByRole("button", { name: "取消" }).click();
    await edit.waitFor();
    expect(await edit.getByTestId("edit-role").inputValue()).toBe("manager");
    expect((await user(club.rep2.id)).role).toBe("rep");
    await edit.getByTestId("edit-save").click();
    await confirm.getByTestId("user-confirm").click();
    await expect.poll(() => rowOf(page, club.rep2.id).getByTestId("user-role").textContent()).toBe("营销部经理");
    expect((await user(club.rep2.id)).role).toBe("manager");
    // at once: the same session now reads what only managers read
    expect((await call(ts.url, "GET", "/diary", { token: club.rep2.token })).status).toBe(200);

    // disable a rep: confirmed, then every session of theirs ends
    const victim = (await get(ts.url, club.admin.token, "/users?role=rep&limit=5")).items.find((u: { email: string }) =>
      u.email.startsWith("bulk0@"),
    );
    const victimToken = (
      await call(ts.url, "POST", "/auth/login", { body: { club: club.slug, email: victim.email, password: "bulk rep pass 1" } })
    ).body.token;
    await page.getByTestId("users-search").fill("bulk0@");
    await rowOf(page, victim.id).getByTestId("user-disable").click();
    const disable = page.getByTestId("user-disable-dialog");
    await disable.waitFor();
    expect(await disable.getAttribute("role")).toBe("alertdialog");
    expect(await disable.textContent()).toContain("将立即在所有设备上退出登录");
    await expectAccessible(page);
    await disable.getByTestId("user-disable-confirm").click();
    await expect.poll(() => rowOf(page, victim.id).getByTestId("user-state").textContent()).toBe("已停用");
    expect((await user(victim.id)).disabled).toBe(true);
    expect((await call(ts.url, "GET", "/me", { token: victimToken })).status).toBe(401);
    await ctx.close();
  });

  it("shows the server's field error next to the field, in English too", async () => {
    const ctx = await newContext(browser, { ...DESKTOP, locale: "en-US" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `admin@${club.slug}.test`, "correct horse battery");
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/users`);
    await expect.poll(() => page.getByTestId("users-total").textContent(), { timeout: 20_000 }).toBe(`${EXTRA + 4} users in the club`);
    // the email is taken: only the server knows
    await page.getByTestId("add-name").fill("Li Na");
    await page.getByTestId("add-email").fill(`rep1@${club.slug}.test`);
    await page.getByTestId("add-password").fill("a fine password");
    await page.getByTestId("add-user").click();
    await expect.poll(() => page.locator("#add-email-error").textContent()).toBe("This email is already used in this club.");
    // client-side: a short password is refused before sending
    await page.getByTestId("add-email").fill("lina@e2e-users.test");
    await page.getByTestId("add-password").fill("short");
    await page.getByTestId("add-user").click();
    await expect.poll(() => page.locator("#add-password-error").textContent()).toBe("A password has 10 to 200 characters.");
    await page.getByTestId("add-password").fill("a fine password");
    await page.getByTestId("add-user").click();
    await expect.poll(() => page.getByTestId("users-total").textContent()).toBe(`${EXTRA + 5} users in the club`);
    await page.getByTestId("users-search").fill("lina@");
    await expect.poll(() => page.getByTestId("users-shown").textContent()).toBe("Matching: 1");
    // the admin edits a manager's role; the dialog speaks English
    await page.getByTestId("users-search").fill(`mgr@${club.slug}`);
    await rowOf(page, club.manager.id).getByTestId("user-edit").click();
    await page.getByTestId("edit-role").selectOption("rep");
    await page.getByTestId("edit-save").click();
    const confirm = page.getByTestId("user-confirm-dialog");
    await confirm.waitFor();
    expect(await confirm.getByTestId("user-confirm-text").textContent()).toContain("becomes Rep. What they see changes at once");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await page.keyboard.press("Escape");
    await expectAccessible(page);
    await ctx.close();
  });
});
