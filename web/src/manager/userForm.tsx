import { Show } from "solid-js";
import { ApiError } from "../api.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";

/** The server's rules for these fields (server/src/auth/schemas.ts), checked before sending. */
export const NAME_MAX = 120;
const PASSWORD_MIN = 10;
const PASSWORD_MAX = 200;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const ruleOf: Record<string, MessageKey> = {
  name: "users.nameRule",
  password: "users.passwordRule",
  email: "users.emailRule",
  role: "users.roleRule",
};

export type Errors = Record<string, string>;

export function checkName(v: string): string | undefined {
  const n = v.trim();
  return n.length < 1 || n.length > NAME_MAX ? t("users.nameRule") : undefined;
}
export function checkPassword(v: string, optional: boolean): string | undefined {
  if (optional && v === "") return undefined;
  return v.length < PASSWORD_MIN || v.length > PASSWORD_MAX ? t("users.passwordRule") : undefined;
}

/** The server's field errors, as the rule of each field in the reader's language; the rest as one line. */
export function serverErrors(err: unknown): { fields: Errors; form: string } {
  if (!(err instanceof ApiError)) return { fields: {}, form: describe(err) };
  if (err.status === 409 && err.fields.email) return { fields: { email: t("users.emailTaken") }, form: "" };
  const fields: Errors = {};
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.fields)) {
    const rule = ruleOf[k];
    if (rule) fields[k] = t(rule);
    else rest[k] = v;
  }
  const form = Object.keys(fields).length && !Object.keys(rest).length ? "" : describe(new ApiError(err.status, err.code, "", rest));
  return { fields, form };
}

export function FieldMsg(props: { errors: Errors; field: string; id: string }) {
  return (
    <Show when={props.errors[props.field]}>
      <span class="field-error" id={props.id} role="alert">
        {props.errors[props.field]}
      </span>
    </Show>
  );
}
