/**
 * The verified-visits writes of the manager's screens: accept a contact with a reason,
 * set or clear a customer's pin. Each answers the contact or customer as the server
 * has it now; a refusal throws ApiError with the server's code and field codes.
 */
import { ApiError, client, data } from "../api.ts";

/** POST /contacts/:id/accept: the contact, accepted. */
export const acceptContact = (id: string, reason: string) => data(client.contacts[":id"].accept.$post({ param: { id }, json: { reason } }));

/** PUT /customers/:id/pin: the customer, pinned here. */
export const setPin = (id: string, lat: number, lng: number) =>
  data(client.customers[":id"].pin.$put({ param: { id }, json: { lat, lng } }));

/** DELETE /customers/:id/pin: the customer, without a pin. */
export const clearPin = (id: string) => data(client.customers[":id"].pin.$delete({ param: { id } }));

/** The codes a refusal carries (the error's own and its fields'), to word the ones a screen knows. */
export function refusalCodes(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [];
  return [err.code, ...Object.values(err.fieldCodes).map((f) => f.code)];
}
