import { type Accessor, createSignal } from "solid-js";
import { DEFAULT_CLUB_SETTINGS } from "../../../server/src/regulation/defaults.ts";
import { visitCheck } from "../../../server/src/regulation/visit-check.ts";
import { type Customer, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import type { VisitFields } from "../offline/contact-body.ts";
import { located, queue, sent } from "../offline/outbox.ts";
import { me } from "../session.ts";
import { markPositionNoteSeen, positionNoteSeen, takePosition } from "./position.ts";
import type { CheckView, Reading } from "./VisitCheck.tsx";

/**
 * The log sheet's part of a verified visit (第六条): the first-time note, "I am at
 * this customer" while the customer has no pin, the one reading of the position at
 * logging, and the result — previewed on the phone by the server's own rule
 * (regulation/visit-check.ts, the club's radius), then the server's once it has the contact.
 */
export function useVisitCheck(customer: Accessor<Customer | null>, savedKey: Accessor<string | null>) {
  const settings = useData(
    () => (customer() ? "settings" : null),
    () => data(client.settings.$get()),
  );
  const userId = () => me()?.user.id ?? "";
  const [seen, setSeen] = createSignal(false);
  const [pinHere, setPinHere] = createSignal(false);
  const [asked, setAsked] = createSignal(false);
  const [reading, setReading] = createSignal<Reading | null>(null);
  const [occurredAt, setOccurredAt] = createSignal("");
  let current = "";

  const pin = () => customer()?.pin ?? null;
  const radiusM = () => settings.data()?.visitRadiusM ?? DEFAULT_CLUB_SETTINGS.visitRadiusM;
  const canPin = () => !!customer() && pin() === null;

  const preview = (): CheckView | null => {
    const r = reading();
    if (!r || r === "locating") return null;
    const p = pin();
    const res = visitCheck({
      inPerson: true,
      position: "position" in r ? { ...r.position, takenAt: new Date(r.position.takenAt) } : null,
      pin: p && !asked() ? { lat: p.lat, lng: p.lng } : null,
      radiusM: radiusM(),
      occurredAt: new Date(occurredAt()),
    });
    return res ? { state: res.state, distanceM: res.distanceM, accepted: null } : null;
  };

  return {
    noteSeen: () => seen() || positionNoteSeen(userId()),
    seeNote: () => {
      markPositionNoteSeen(userId());
      setSeen(true);
    },
    retentionDays: () => settings.data()?.positionRetentionDays ?? DEFAULT_CLUB_SETTINGS.positionRetentionDays,
    canPin,
    pinHere,
    setPinHere,
    /** What the queued contact carries before its position is read. */
    fields: (): VisitFields => ({ locating: true, ...(canPin() && pinHere() ? { pinHere: true } : {}) }),
    /** Read the position once for the contact just saved; the outbox sends it with the answer. */
    read(key: string, at: string) {
      current = key;
      markPositionNoteSeen(userId());
      setAsked(canPin() && pinHere());
      setOccurredAt(at);
      setReading("locating");
      void takePosition().then((r) => {
        located(key, r);
        if (current === key) setReading(r);
      });
    },
    reading,
    asked,
    preview,
    /** The server's verdict once it has the contact (sent while the sheet is still open). */
    confirmed: (): CheckView | null | undefined => sent().find((s) => s.key === savedKey())?.check ?? undefined,
    pinDropped: () => !!(queue().find((q) => q.key === savedKey()) ?? sent().find((s) => s.key === savedKey()))?.pinDropped,
    reset() {
      current = "";
      setReading(null);
      setPinHere(false);
      setAsked(false);
      setSeen(false);
    },
  };
}
