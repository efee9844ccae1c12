import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEMO } from "@clubhouse/server";
import { afterAll, describe, expect, it } from "vitest";
import { call } from "../support/harness.ts";
import { serverArgs } from "../support/live.ts";

const root = resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(join(tmpdir(), "clubhouse-start-"));
const running: ChildProcess[] = [];

/** `pnpm start`'s server process on the embedded database, as a user would run it. */
function launch(): { child: ChildProcess; ready: Promise<string>; exited: Promise<{ code: number | null; output: string }> } {
  const child = spawn(process.execPath, serverArgs("main"), {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "info", DEMO_CLUB: "on" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let output = "";
  const ready = new Promise<string>((res, rej) => {
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
      const m = /"url":"([^"]+)"/.exec(output);
      if (m?.[1]) res(m[1]);
    });
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("exit", () => rej(new Error(`exited before listening:\n${output}`)));
  });
  ready.catch(() => {});
  const exited = new Promise<{ code: number | null; output: string }>((res) => child.on("exit", (code) => res({ code, output })));
  return { child, ready, exited };
}

afterAll(() => {
  for (const c of running) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("the server process on the embedded database", () => {
  it("starts with a demo club, refuses a second process on the same data folder, stops cleanly and keeps its data", async () => {
    const first = launch();
    const url = await first.ready;
    expect((await call(url, "GET", "/healthz")).status).toBe(200);
    const rep = await call(url, "POST", "/auth/login", {
      body: { club: DEMO.club, email: DEMO.reps[0]!.email, password: DEMO.reps[0]!.password },
    });
    expect(rep.status).toBe(200);
    expect(rep.body.user.role).toBe("rep");
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    const second = launch();
    const refused = await second.exited;
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/in use by process/);

    first.child.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);

    const again = launch();
    const url2 = await again.ready;
    const admin = await call(url2, "POST", "/auth/login", {
      body: { club: DEMO.club, email: DEMO.admin.email, password: DEMO.admin.password },
    });
    expect(admin.status).toBe(200);
    const people = await call(url2, "GET", "/users?limit=200", { token: admin.body.token });
    expect(people.body.items).toHaveLength(2 + DEMO.reps.length);
    again.child.kill("SIGTERM");
    expect((await again.exited).code).toBe(0);
  }, 120_000);
});
