/**
 * The card list price (docs/regulation.md, 第五条 一: 不得随意高于或低于规定之价格):
 * a card sells at its list price; another price needs a manager's recorded approval.
 * Pure, in fen.
 */

/** The price of a sale: the list price unless another was asked for. */
export function salePriceFen(askedFen: number | undefined, listPriceFen: number): number {
  return askedFen ?? listPriceFen;
}

/** Whether a sale at `priceFen` needs a manager's approval: any price but the list price does. */
export function needsPriceApproval(priceFen: number, listPriceFen: number): boolean {
  return priceFen !== listPriceFen;
}
