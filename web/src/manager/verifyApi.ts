/**
 * The verified-visits writes of the manager's screens: accept a contact with a reason,
 * set or clear a customer's pin. Each answers the contact or customer as the server
 * has it now; a refusal throws ApiError with the server's code and field codes.
 */
import { ApiError, type Customer, type ErrorBody, NetworkError } from "../api.ts";

async function send<T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new NetworkError((err as Error).message || "network error");
  }
  const json = (await res.json().catch(() => null)) as Partial<ErrorBody> | null;
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.fields ?? {}, e?.fieldCodes ?? {});
  }
  return json as T;
}

/** POST /contacts/:id/accept: the contact, accepted. */
export const acceptContact = (id: string, reason: string) => send<Record<string, unknown>>("POST", `/contacts/${id}/accept`, { reason });

/** PUT /customers/:id/pin: the customer, pinned here. */
export const setPin = (id: string, lat: number, lng: number) => send<Customer>("PUT", `/customers/${id}/pin`, { lat, lng });

/** DELETE /customers/:id/pin: the customer, without a pin. */
export const clearPin = (id: string) => send<Customer>("DELETE", `/customers/${id}/pin`);

/** The codes a refusal carries (the error's own and its fields'), to word the ones a screen knows. */
export function refusalCodes(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [];
  return [err.code, ...Object.values(err.fieldCodes).map((f) => f.code)];
}
