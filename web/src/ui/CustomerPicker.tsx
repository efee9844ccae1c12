import { client, data } from "../api.ts";
import { t } from "../i18n/index.ts";
import { type Choice, Combobox } from "./Combobox.tsx";
import { PICKER_PAGE } from "./RepPicker.tsx";

/**
 * Choose a customer by typing part of its name (GET /customers?q=…, the name search
 * every list uses): every customer the reader may see is reachable, with its owner
 * beside its name.
 */
export function CustomerPicker(props: {
  label: string;
  hideLabel?: boolean;
  value: Choice | null;
  onChange: (customer: Choice | null) => void;
  ownerId?: string;
  clearLabel?: string;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string | undefined;
  testid?: string;
}) {
  async function search(q: string) {
    const page = await data(
      client.customers.$get({
        query: { limit: String(PICKER_PAGE), ...(q ? { q } : {}), ...(props.ownerId ? { ownerId: props.ownerId } : {}) },
      }),
    );
    return {
      items: page.items.map((c) => ({ id: c.id, label: c.name, ...(c.ownerName ? { hint: c.ownerName } : {}) })),
      total: page.total,
    };
  }
  return (
    <Combobox
      label={props.label}
      value={props.value}
      onChange={props.onChange}
      search={search}
      placeholder={props.placeholder ?? t("picker.typeCustomer")}
      {...(props.hideLabel ? { hideLabel: true } : {})}
      {...(props.clearLabel !== undefined ? { clearLabel: props.clearLabel } : {})}
      {...(props.invalid !== undefined ? { invalid: props.invalid } : {})}
      describedBy={props.describedBy}
      {...(props.testid ? { testid: props.testid } : {})}
    />
  );
}
