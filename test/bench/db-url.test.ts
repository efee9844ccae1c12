import { describe, expect, it } from "vitest";
import { withDatabase, withoutPassword } from "./db-url.ts";

describe("withDatabase", () => {
  it.each([
    ["postgres://postgres@127.0.0.1:5432/postgres", "postgres://postgres@127.0.0.1:5432/clubhouse_bench"],
    ["postgres://postgres:postgres@127.0.0.1:5432/postgres", "postgres://postgres:postgres@127.0.0.1:5432/clubhouse_bench"],
    [
      "postgres://postgres:p%40ss%2Fw0rd@db.example.com:6543/postgres?sslmode=require&application_name=bench",
      "postgres://postgres:p%40ss%2Fw0rd@db.example.com:6543/clubhouse_bench?sslmode=require&application_name=bench",
    ],
    ["postgres://postgres@127.0.0.1:5432", "postgres://postgres@127.0.0.1:5432/clubhouse_bench"],
    ["postgres://postgres@127.0.0.1:5432/", "postgres://postgres@127.0.0.1:5432/clubhouse_bench"],
    ["postgres://postgres@127.0.0.1:5432?sslmode=disable", "postgres://postgres@127.0.0.1:5432/clubhouse_bench?sslmode=disable"],
    ["postgresql:///postgres?host=/var/run/postgresql", "postgresql:///clubhouse_bench?host=/var/run/postgresql"],
    ["postgres://postgres@[::1]:5432/template1", "postgres://postgres@[::1]:5432/clubhouse_bench"],
  ])("%s", (url, expected) => {
    expect(withDatabase(url, "clubhouse_bench")).toBe(expected);
  });

  it("keeps a user named like the database it replaces", () => {
    const u = new URL(withDatabase("postgres://postgres@127.0.0.1:40123/postgres", "postgres_copy"));
    expect(u.username).toBe("postgres");
    expect(u.pathname).toBe("/postgres_copy");
    expect(u.port).toBe("40123");
  });

  it("refuses what is not a URL", () => {
    expect(() => withDatabase("host=127.0.0.1 dbname=postgres", "x")).toThrow();
  });
});

describe("withoutPassword", () => {
  it.each([
    [
      "postgres://postgres:secret@127.0.0.1:5432/clubhouse_bench?sslmode=require",
      "postgres://postgres:***@127.0.0.1:5432/clubhouse_bench?sslmode=require",
    ],
    ["postgres://postgres@127.0.0.1:5432/clubhouse_bench", "postgres://postgres@127.0.0.1:5432/clubhouse_bench"],
    ["postgresql:///clubhouse_bench?host=/var/run/postgresql", "postgresql:///clubhouse_bench?host=/var/run/postgresql"],
  ])("%s", (url, expected) => {
    expect(withoutPassword(url)).toBe(expected);
  });
});
