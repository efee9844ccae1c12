import type { ServiceContext } from "../deps.ts";

/**
 * Re-evaluates the live pace level of these reps after their revenue changed
 * (called after the write committed). Filled in by the quotas module.
 */
export async function paceAfterRevenue(_ctx: ServiceContext, _repIds: string[]): Promise<void> {}
