import { Dialog } from "@kobalte/core/dialog";
import type { JSX } from "solid-js";
import { t } from "../i18n/index.ts";
import { Icon } from "../ui/icons.tsx";

/** A bottom sheet for the phone: a labelled, described dialog (focus trapped, Escape closes). */
export function Sheet(props: { open: boolean; onClose: () => void; title: string; sub?: string; testid: string; children: JSX.Element }) {
  return (
    <Dialog open={props.open} onOpenChange={(o) => !o && props.onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay class="sheet-overlay" />
        <div class="sheet-position">
          <Dialog.Content class="sheet" data-testid={props.testid}>
            <div class="sheet-head">
              <div>
                <Dialog.Title class="sheet-title">{props.title}</Dialog.Title>
                <Dialog.Description class="sheet-sub">{props.sub ?? ""}</Dialog.Description>
              </div>
              <Dialog.CloseButton class="icon-btn" aria-label={t("action.close")}>
                <Icon name="declined" />
              </Dialog.CloseButton>
            </div>
            {props.children}
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}

/** A field's own error message, announced; linked from its input by `aria-describedby`. */
export function FieldMsg(props: { id: string; msg: string | undefined }) {
  return (
    <span class="field-error" id={props.id} role={props.msg ? "alert" : undefined} hidden={!props.msg}>
      {props.msg}
    </span>
  );
}
