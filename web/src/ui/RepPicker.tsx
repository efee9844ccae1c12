import { client, data } from "../api.ts";
import { t } from "../i18n/index.ts";
import { type Choice, Combobox } from "./Combobox.tsx";

/** How many matches a picker asks for at a time: typing narrows the rest. */
export const PICKER_PAGE = 20;

/**
 * Choose a rep by typing part of their name or e-mail (GET /users?role=rep&q=…): the
 * club's every rep is reachable however many there are. `enabledOnly` leaves disabled
 * reps out (a new owner must be enabled); `exclude` leaves out ids (the current owner).
 */
export function RepPicker(props: {
  label: string;
  hideLabel?: boolean;
  value: Choice | null;
  onChange: (rep: Choice | null) => void;
  enabledOnly?: boolean;
  exclude?: readonly string[];
  clearLabel?: string;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string | undefined;
  testid?: string;
}) {
  async function search(q: string) {
    const skip = new Set(props.exclude ?? []);
    const page = await data(
      client.users.$get({
        query: {
          role: "rep",
          limit: String(PICKER_PAGE + skip.size),
          ...(q ? { q } : {}),
          ...(props.enabledOnly ? { disabled: "false" } : {}),
        },
      }),
    );
    const left = page.items.filter((u) => !skip.has(u.id));
    return {
      items: left.slice(0, PICKER_PAGE).map((u) => ({
        id: u.id,
        label: u.name,
        ...(u.disabled ? { hint: `(${t("settings.disabled")})` } : u.email ? { hint: u.email } : {}),
      })),
      total: Math.max(0, page.total - (page.items.length - left.length)),
    };
  }
  return (
    <Combobox
      label={props.label}
      value={props.value}
      onChange={props.onChange}
      search={search}
      placeholder={props.placeholder ?? t("picker.typeRep")}
      {...(props.hideLabel ? { hideLabel: true } : {})}
      {...(props.clearLabel !== undefined ? { clearLabel: props.clearLabel } : {})}
      {...(props.invalid !== undefined ? { invalid: props.invalid } : {})}
      describedBy={props.describedBy}
      {...(props.testid ? { testid: props.testid } : {})}
    />
  );
}
