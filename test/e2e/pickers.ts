import type { Locator } from "playwright-core";

/**
 * Choose in a type-ahead picker (web/src/ui/Combobox.tsx) as a person does: type part
 * of the name, wait for the server's matches, click the one whose name it is.
 */
export async function pick(picker: Locator, typed: string, name = typed): Promise<void> {
  const input = picker.getByRole("combobox");
  await input.click();
  await input.fill(typed);
  const option = picker.getByRole("option").filter({ has: picker.page().getByText(name, { exact: true }) });
  await option.first().waitFor({ timeout: 10_000 });
  await option.first().click();
}
