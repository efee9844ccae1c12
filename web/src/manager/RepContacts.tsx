import { A } from "@solidjs/router";
import { createResource, createSignal, For, Show } from "solid-js";
import { client, data } from "../api.ts";
import { acceptable, type Checks, type ContactCheck, checkOf, checksOf, verifiedShare } from "../board/checks.ts";
import { clubMonth, dateTime, monthLabel, pct } from "../format.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import { liveState } from "../live.ts";
import { ErrorBox, Ready, TableHead } from "../ui/common.tsx";
import { AcceptDialog, type AcceptTarget } from "./AcceptDialog.tsx";
import { CheckMark, ChecksFacts } from "./CheckParts.tsx";

/** The rep's quota row of this month on the managers' live boards (its checks change live). */
function liveChecks(repId: string): Checks | null | undefined {
  const reps = (liveState.boards() as { quota?: { reps?: { repId: string }[] } }).quota?.reps;
  if (!Array.isArray(reps)) return undefined;
  return checksOf(reps.find((r) => r.repId === repId));
}

/**
 * This month's verified visits of one rep: the share and its figures, live from the
 * managers' boards (GET /quota's row of the month until they have come).
 */
export function MonthChecks(props: { repId: string; version: number }) {
  const [row] = createResource(
    () => ({ rep: props.repId, v: props.version }),
    async ({ rep }) => checksOf((await data(client.quota.$get({ query: { month: clubMonth() } }))).reps.find((r) => r.repId === rep)),
  );
  const checks = () => {
    const live = liveChecks(props.repId);
    return live === undefined ? (row() ?? null) : live;
  };
  return (
    <section class="card" aria-labelledby="rep-checks-title" data-testid="rep-checks">
      <div class="row gap spread">
        <h2 id="rep-checks-title">{t("checks.monthTitle", { month: monthLabel(clubMonth()) })}</h2>
        <Show when={checks()}>
          {(c) => (
            <span class="check-share-big" title={t("checks.shareHelp")}>
              <span class="sr-only">{t("checks.share")} </span>
              <span data-testid="rep-verified-pct">{c().inPerson ? pct(verifiedShare(c())) : "—"}</span>
            </span>
          )}
        </Show>
      </div>
      <Show
        when={checks()}
        fallback={row.error ? <ErrorBox error={row.error} /> : <p class="muted">{row.loading ? "…" : t("checks.noVisits")}</p>}
      >
        {(c) => (
          <>
            <ChecksFacts checks={c()} testid="rep-checks-facts" />
            <Show when={c().offSite + c().noPosition + c().noPin > 0}>
              <p class="muted small">{t("checks.toAccept")}</p>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

/**
 * The rep's contacts this month with the customer, channel, outcome and each in-person
 * contact's check; an off-site or unverified one carries "接受" (accept with a reason),
 * an accepted one who accepted it, when and why.
 */
export function RepContacts(props: { repId: string; onAccepted: () => void }) {
  const [unverifiedOnly, setUnverifiedOnly] = createSignal(false);
  const [page, { refetch }] = createResource(
    () => ({ repId: props.repId, only: unverifiedOnly() }),
    async ({ repId, only }) => {
      const query: { repId: string; month: string; limit: string; check?: "unverified" } = { repId, month: clubMonth(), limit: "200" };
      if (only) query.check = "unverified";
      const contacts = await data(client.contacts.$get({ query }));
      // the names of the customers these contacts are with (a rep may have more customers than a page, and
      // a contact may be with a customer since given to another rep)
      const ids = [...new Set(contacts.items.map((c) => c.customerId))];
      const customers = ids.length ? await data(client.customers.$get({ query: { ids: ids.join(","), limit: "200" } })) : { items: [] };
      return { items: contacts.items, more: contacts.nextCursor !== null, names: new Map(customers.items.map((c) => [c.id, c.name])) };
    },
  );
  // checks changed here since the list was read (an acceptance answers the contact's new check)
  const [changed, setChanged] = createSignal<ReadonlyMap<string, ContactCheck | null>>(new Map());
  const [accepting, setAccepting] = createSignal<AcceptTarget | null>(null);
  const [done, setDone] = createSignal(false);
  const checkFor = (c: { id: string }) => (changed().has(c.id) ? (changed().get(c.id) ?? null) : checkOf(c));
  const positionOf = (c: unknown) => {
    const p = (c as { position?: { accuracy?: unknown } | null }).position;
    return p && typeof p.accuracy === "number" ? p.accuracy : null;
  };
  return (
    <section class="card span2" aria-labelledby="rep-contacts-title" data-testid="rep-contacts">
      <div class="row gap spread wrap">
        <h2 id="rep-contacts-title">
          {t("repDetail.contacts", { month: monthLabel(clubMonth()) })}{" "}
          <Show when={page()}>
            {(p) => (
              <span class="muted small" data-testid="rep-contacts-count">
                {t("repDetail.contactsN", { n: p().items.length })}
                {p().more ? "+" : ""}
              </span>
            )}
          </Show>
        </h2>
        <label class="row gap small check-filter">
          <input
            type="checkbox"
            checked={unverifiedOnly()}
            onChange={(e) => setUnverifiedOnly(e.currentTarget.checked)}
            data-testid="rep-unverified-only"
          />
          {t("checks.unverifiedOnly")}
        </label>
      </div>
      <Show when={done()}>
        <p class="banner ok" role="status" data-testid="accept-done">
          {t("checks.acceptDone")}
        </p>
      </Show>
      <Show when={!page.error} fallback={<ErrorBox error={page.error} retry={refetch} />}>
        <Ready when={page()} error={page.error}>
          {(p) => (
            <Show
              when={p().items.length > 0}
              fallback={<p class="muted">{unverifiedOnly() ? t("checks.noneUnverified") : t("repDetail.noContacts")}</p>}
            >
              <div class="check-table-scroll">
                <table class="table">
                  <TableHead
                    columns={[
                      t("repDetail.when"),
                      t("repDetail.customer"),
                      t("repDetail.channel"),
                      t("repDetail.outcome"),
                      t("checks.column"),
                      "",
                    ]}
                  />
                  <tbody>
                    <For each={p().items}>
                      {(c) => {
                        const check = () => checkFor(c);
                        const name = () => p().names.get(c.customerId) ?? "—";
                        const channel = () => t(`channel.${c.channel}` as MessageKey);
                        return (
                          <tr
                            data-testid="rep-contact"
                            data-contact={c.id}
                            classList={{ muted: c.voided, "check-row-open": acceptable(check(), c.voided) }}
                          >
                            <td>{dateTime(c.occurredAt)}</td>
                            <td>
                              <A href={`/c/${c.customerId}`}>{name()}</A>
                            </td>
                            <td>{channel()}</td>
                            <td>{c.outcome ? t(`outcome.${c.outcome}` as "outcome.none") : "—"}</td>
                            <td class="check-cell" data-testid="rep-contact-check">
                              <CheckMark check={check()} accuracy={positionOf(c)} />
                            </td>
                            <td>
                              <Show when={acceptable(check(), c.voided) ? check() : null}>
                                {(x) => (
                                  <button
                                    type="button"
                                    class="btn secondary small"
                                    aria-label={t("checks.acceptLabel", {
                                      channel: channel(),
                                      customer: name(),
                                      time: dateTime(c.occurredAt),
                                    })}
                                    onClick={() => {
                                      setDone(false);
                                      setAccepting({
                                        id: c.id,
                                        channel: c.channel,
                                        occurredAt: c.occurredAt,
                                        customer: name(),
                                        check: x(),
                                      });
                                    }}
                                    data-testid="rep-contact-accept"
                                  >
                                    {t("checks.accept")}
                                  </button>
                                )}
                              </Show>
                            </td>
                          </tr>
                        );
                      }}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          )}
        </Ready>
      </Show>
      <AcceptDialog
        target={accepting()}
        onClose={() => setAccepting(null)}
        onDone={(id, check) => {
          setChanged(new Map([...changed(), [id, check]]));
          setAccepting(null);
          setDone(true);
          props.onAccepted();
        }}
        onStale={() => {
          setChanged(new Map());
          void refetch();
          props.onAccepted();
        }}
      />
    </section>
  );
}
