export interface BoardRow {
  rank: number;
  repId: string;
  name: string;
  /** the team the rep is in now (null: none): the team race sums these rows */
  teamId: string | null;
  revenue: number;
  target: number | null;
  attainment: number | null;
  contacts: { inPerson: number; existing: number; prospect: number; visits: number; demos: number; calls: number; letters: number };
  ratio: { existing: number; prospect: number; required: number; shortfall: number; compliant: boolean };
}
