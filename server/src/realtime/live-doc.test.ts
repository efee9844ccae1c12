import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BEGIN, END, liveContract, withLiveContract } from "./live-doc.ts";

const doc = readFileSync(resolve(import.meta.dirname, "../../../docs/realtime.md"), "utf8");

describe("docs/realtime.md's live contract", () => {
  it("is what `pnpm docs:live` writes from the table of events", () => {
    // On failure: run `pnpm docs:live` and commit docs/realtime.md.
    expect(doc).toBe(withLiveContract(doc));
  });

  it("names every event once, between its markers", () => {
    const section = liveContract();
    expect(section.startsWith(BEGIN) && section.endsWith(END)).toBe(true);
    for (const e of ["contact:logged", "revenue:recorded", "card:sold", "quota:alarm", "promotion:changed", "board:delta"])
      expect(section.split(`| \`${e}\` |`)).toHaveLength(2);
  });

  it("replaces only what is between the markers", () => {
    const stale = `# before\n${BEGIN}\nold\n${END}\nafter\n`;
    expect(withLiveContract(stale)).toBe(`# before\n${liveContract()}\nafter\n`);
    expect(() => withLiveContract("no markers")).toThrow(/markers/);
  });
});
