/**
 * The one text order the rules sort by: UTF-16 code units, the same on every
 * machine and in every locale (never `localeCompare`). Periods (`YYYY-MM`,
 * `YYYY-MM-DD`, ISO weeks) sort by date in it; ids sort the same everywhere.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
