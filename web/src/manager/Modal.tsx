import { Dialog } from "@kobalte/core/dialog";
import type { JSX } from "solid-js";
import { t } from "../i18n/index.ts";
import { Icon } from "../ui/icons.tsx";
import "./manager.css";

/**
 * A centred dialog for the desk (Kobalte: focus trap, Escape, labelled by its title and
 * described by its text). `alert` makes it an alertdialog: for what cannot be undone.
 */
export function Modal(props: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: string;
  alert?: boolean;
  testid?: string;
  wide?: boolean;
  children: JSX.Element;
}) {
  return (
    <Dialog open={props.open} onOpenChange={(o) => !o && props.onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay class="sheet-overlay" />
        <div class="modal-position">
          <Dialog.Content
            class="modal"
            classList={{ wide: props.wide }}
            role={props.alert ? "alertdialog" : "dialog"}
            data-testid={props.testid}
          >
            <div class="sheet-head">
              <Dialog.Title class="sheet-title">{props.title}</Dialog.Title>
              <Dialog.CloseButton class="icon-btn" aria-label={t("action.close")}>
                <Icon name="declined" size={20} />
              </Dialog.CloseButton>
            </div>
            {props.description ? <Dialog.Description class="modal-text">{props.description}</Dialog.Description> : null}
            {props.children}
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}
