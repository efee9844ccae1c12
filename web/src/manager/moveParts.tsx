import { type JSX, Show } from "solid-js";
import { t } from "../i18n/index.ts";
import type { Choice } from "../ui/Combobox.tsx";
import { RepPicker } from "../ui/RepPicker.tsx";

/**
 * The fields of moving customers to another rep (Reassign, HandoverDialog): a field's
 * error under it, the receiving rep, and the reason with its hint. `form` names the
 * form, so each error is `<form>-<field>-error`.
 */

/** A field's error message, when it has one. */
export function FieldError(props: { form: string; field: string; error: string | undefined }) {
  return (
    <Show when={props.error}>
      <span class="field-error" id={`${props.form}-${props.field}-error`} role="alert">
        {props.error}
      </span>
    </Show>
  );
}

/** A rep to move the customers to (enabled reps only), with the field's error. */
export function ReceiverField(props: {
  form: string;
  field: string;
  label: string;
  value: Choice | null;
  onChange: (rep: Choice | null) => void;
  exclude: readonly string[];
  error: string | undefined;
  testid: string;
  /** what comes before the picker in the field (the receivers chosen so far) */
  children?: JSX.Element;
}) {
  return (
    <div class="field">
      {props.children}
      <RepPicker
        label={props.label}
        value={props.value}
        onChange={props.onChange}
        enabledOnly
        exclude={props.exclude}
        invalid={Boolean(props.error)}
        describedBy={props.error ? `${props.form}-${props.field}-error` : undefined}
        testid={props.testid}
      />
      <FieldError form={props.form} field={props.field} error={props.error} />
    </div>
  );
}

/** Why the customers move: kept in their history; the hint says so. */
export function ReasonField(props: { form: string; value: string; onInput: (v: string) => void; error: string | undefined }) {
  return (
    <label class="field">
      <span>{t("reassign.reason")}</span>
      <textarea
        rows={3}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={Boolean(props.error)}
        aria-describedby={props.error ? `${props.form}-reason-error` : `${props.form}-reason-hint`}
        data-testid={`${props.form}-reason`}
      />
      <span class="muted small" id={`${props.form}-reason-hint`}>
        {t("reassign.reasonHint")}
      </span>
      <FieldError form={props.form} field="reason" error={props.error} />
    </label>
  );
}
