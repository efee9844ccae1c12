import { createSignal, For, Show } from "solid-js";
import { type Customer, client, data } from "../api.ts";
import { useData } from "../cache.ts";
import { dateTime } from "../format.ts";
import { fieldLabel, valueLabel } from "../i18n/fields.ts";
import { lang, t } from "../i18n/index.ts";
import { FieldError, FormError, Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { allUsers } from "../users.ts";

/** The phone number as a tap-to-call link and the address, when the record has them. */
export function ReachOut(props: { customer: Customer }) {
  const profile = () => (props.customer.profile ?? {}) as { phone?: string; address?: string };
  const tel = () => (profile().phone ?? "").replace(/[^0-9+]/g, "");
  return (
    <Show when={profile().phone || profile().address}>
      <dl class="reach">
        <Show when={profile().phone}>
          <div>
            <dt>{t("customer.phone")}</dt>
            <dd>
              <a
                class="btn secondary call"
                href={`tel:${tel()}`}
                data-testid="card-phone"
                aria-label={t("customer.call", { phone: profile().phone ?? "" })}
              >
                <Icon name="phone" size={18} /> {profile().phone}
              </a>
            </dd>
          </div>
        </Show>
        <Show when={profile().address}>
          <div>
            <dt>{t("customer.address")}</dt>
            <dd data-testid="card-address">{profile().address}</dd>
          </div>
        </Show>
      </dl>
    </Show>
  );
}

export function History(props: { id: string }) {
  const [open, setOpen] = createSignal(false);
  const hist = useData(
    () => (open() ? `history:${props.id}` : null),
    () => data(client.customers[":id"].history.$get({ param: { id: props.id }, query: { limit: "20" } })),
    { persist: false },
  );
  // Owners are recorded by id: shown by name (a rep reads colleagues' names).
  const people = useData(
    () => (open() && hist.data()?.items.some((e) => e.changes.some((ch) => ch.field === "ownerId")) ? "users:names" : null),
    async () => Object.fromEntries((await allUsers()).map((u) => [u.id, u.name])) as Record<string, string>,
    { persist: false },
  );
  const show = (field: string, v: unknown) => (field === "ownerId" && typeof v === "string" ? (people.data()?.[v] ?? "…") : valueLabel(v));
  return (
    <section>
      <button type="button" class="link-btn" aria-expanded={open()} onClick={() => setOpen(!open())}>
        <Icon name="chevron" size={16} style={{ transform: open() ? "rotate(90deg)" : "none" }} /> {t("customer.history")}
      </button>
      <Show when={open()}>
        <Ready when={hist.data()} error={hist.error()}>
          {(h) => (
            <ul class="timeline">
              <For each={h().items}>
                {(e) => (
                  <li>
                    <strong>{t(`change.${e.kind}` as "change.edited")}</strong> · {e.actorName ?? "—"} · {dateTime(e.at)}
                    <For each={e.changes.filter((ch) => ch.field !== "*")}>
                      {(ch) => (
                        <p class="muted small">
                          {fieldLabel(ch.field)}
                          {lang() === "zh-CN" ? "：" : ": "}
                          {show(ch.field, ch.old)} → {show(ch.field, ch.new)}
                        </p>
                      )}
                    </For>
                  </li>
                )}
              </For>
            </ul>
          )}
        </Ready>
      </Show>
    </section>
  );
}

export function EditCustomer(props: { customer: Customer; onSaved: (c: Customer) => void }) {
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  const p = (props.customer.profile ?? {}) as Record<string, string | undefined>;
  const tr = (props.customer.transaction ?? {}) as Record<string, string | undefined>;
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const next = await data(
        client.customers[":id"].$patch({
          param: { id: props.customer.id },
          json: {
            name: s("name"),
            profile: { ...p, phone: s("phone"), address: s("address"), legalRepresentative: s("legalRepresentative") },
            transaction: { ...tr, needs: s("needs"), usageNotes: s("usageNotes") } as never,
          },
        }),
      );
      props.onSaved(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const field = (name: string, label: string, value: string | undefined, path = name, multiline = false) =>
    multiline ? (
      <label class="field">
        <span>{label}</span>
        <textarea name={name} rows={2} value={value ?? ""} aria-describedby={`err-${name}`} />
        <FieldError error={error()} field={path} id={`err-${name}`} />
      </label>
    ) : (
      <label class="field">
        <span>{label}</span>
        <input name={name} value={value ?? ""} aria-describedby={`err-${name}`} />
        <FieldError error={error()} field={path} id={`err-${name}`} />
      </label>
    );
  return (
    <form class="card form" onSubmit={submit} aria-label={t("customer.edit")}>
      {field("name", t("customer.name"), props.customer.name)}
      {field("phone", t("customer.phone"), p.phone, "profile.phone")}
      {field("address", t("customer.address"), p.address, "profile.address")}
      {field("legalRepresentative", t("customer.legalRep"), p.legalRepresentative, "profile.legalRepresentative")}
      {field("needs", t("customer.needs"), tr.needs, "transaction.needs", true)}
      {field("usageNotes", t("customer.usage"), tr.usageNotes, "transaction.usageNotes", true)}
      <FormError
        error={error()}
        shown={["name", "profile.phone", "profile.address", "profile.legalRepresentative", "transaction.needs", "transaction.usageNotes"]}
      />
      <button type="submit" class="btn primary" disabled={busy()}>
        {t("action.save")}
      </button>
    </form>
  );
}
