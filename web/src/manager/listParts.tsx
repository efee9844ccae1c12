import { For, Show } from "solid-js";
import { describe } from "../rep/errors.ts";
import { Modal } from "./Modal.tsx";

/** A list's status filter (Promotions, Complaints): one pressed button of a segmented row. */
export function StatusFilter<S extends string>(props: {
  legend: string;
  options: readonly S[];
  value: S;
  onChange: (s: S) => void;
  label: (s: S) => string;
  testid: (s: S) => string;
}) {
  return (
    <fieldset class="seg">
      <legend class="sr-only">{props.legend}</legend>
      <For each={props.options}>
        {(s) => (
          <button
            type="button"
            aria-pressed={props.value === s}
            classList={{ active: props.value === s }}
            onClick={() => props.onChange(s)}
            data-testid={props.testid(s)}
          >
            {props.label(s)}
          </button>
        )}
      </For>
    </fieldset>
  );
}

/**
 * A decision that takes a written text (a promotion refused, a complaint resolved): a
 * dialog with the text, its check's message, the server's refusal, back and submit.
 */
export function TextDecision(props: {
  open: boolean;
  onClose: () => void;
  title: string;
  description: string;
  testid: string;
  /** what is decided on, quoted above the text */
  quote?: string | undefined;
  label: string;
  rows: number;
  maxLength: number;
  value: string;
  onInput: (v: string) => void;
  /** the text's own check; `errorId` names its message */
  error: string;
  errorId: string;
  inputTestid: string;
  saveError: unknown;
  busy: boolean;
  cancel: string;
  submit: string;
  submitTestid: string;
  onSubmit: (e: SubmitEvent) => void;
}) {
  return (
    <Modal open={props.open} onClose={props.onClose} title={props.title} description={props.description} testid={props.testid}>
      <form class="stack-form" onSubmit={(e) => props.onSubmit(e)}>
        <Show when={props.quote !== undefined}>
          <p class="muted small complaint-quote">{props.quote}</p>
        </Show>
        <label class="field">
          <span>{props.label}</span>
          <textarea
            rows={props.rows}
            maxLength={props.maxLength}
            value={props.value}
            aria-invalid={!!props.error}
            aria-describedby={props.error ? props.errorId : undefined}
            data-testid={props.inputTestid}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
        </label>
        <Show when={props.error}>
          <span class="field-error" id={props.errorId} role="alert">
            {props.error}
          </span>
        </Show>
        <Show when={props.saveError}>
          <p class="form-error" role="alert">
            {describe(props.saveError)}
          </p>
        </Show>
        <div class="modal-actions">
          <button type="button" class="btn secondary" onClick={() => props.onClose()}>
            {props.cancel}
          </button>
          <button type="submit" class="btn primary" disabled={props.busy} data-testid={props.submitTestid}>
            {props.submit}
          </button>
        </div>
      </form>
    </Modal>
  );
}
