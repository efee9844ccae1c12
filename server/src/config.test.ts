import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("DATABASE_READ_URL", () => {
  it("is optional: unset, every read stays on the primary", () => {
    const c = loadConfig({ DATABASE_URL: "postgres://app@db/clubhouse" });
    expect(c.DATABASE_READ_URL).toBeUndefined();
    expect(c.DATABASE_READ_WAIT_MS).toBe(100);
  });

  it("takes a standby's URL and a wait", () => {
    const c = loadConfig({
      DATABASE_URL: "postgres://app@primary/clubhouse",
      DATABASE_READ_URL: "postgres://app@standby/clubhouse",
      DATABASE_READ_WAIT_MS: "250",
    });
    expect(c).toMatchObject({ DATABASE_READ_URL: "postgres://app@standby/clubhouse", DATABASE_READ_WAIT_MS: 250 });
  });

  it("is refused without DATABASE_URL (the embedded database has no standby), and so is a bad wait", () => {
    expect(() => loadConfig({ DATABASE_READ_URL: "postgres://app@standby/clubhouse" })).toThrow(/DATABASE_READ_URL: needs DATABASE_URL/);
    expect(() =>
      loadConfig({ DATABASE_URL: "postgres://a@p/c", DATABASE_READ_URL: "postgres://a@s/c", DATABASE_READ_WAIT_MS: "-1" }),
    ).toThrow(/DATABASE_READ_WAIT_MS/);
  });
});
