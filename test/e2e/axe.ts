import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { expect } from "vitest";

/** axe-core on what the page shows now, WCAG 2.1 A and AA: no violations. */
export async function expectAccessible(page: Page, include?: string) {
  // What the page settles on, not a frame of a flash or a slide (colours mid-animation
  // are not what anyone reads); infinite animations (a pulsing dot) are left running.
  await page
    .waitForFunction(
      () =>
        document.getAnimations().every((a) => a.effect?.getTiming().iterations === Number.POSITIVE_INFINITY || a.playState !== "running"),
      null,
      {
        timeout: 5_000,
      },
    )
    .catch(() => {});
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
  if (include) builder = builder.include(include);
  const result = await builder.analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(summary).toEqual([]);
}
