import type { ClubDay, ClubMonth } from "../time/club-time.ts";

// ── the plan ─────────────────────────────────────────────────────────────────

export type Tier = "A" | "B" | "C";
export type PlanStatus = "prospect" | "active" | "churned" | "dropped";

export interface PlannedCustomer {
  n: number;
  name: string;
  kind: "group" | "individual";
  owner: number;
  status: PlanStatus;
  createdAt: Date;
  activeSince: Date | null;
  /** when it churned or was dropped */
  endedAt: Date | null;
  tier: Tier | null;
  levelFen: number;
  lastRefreshedAt: Date;
  profile: Record<string, unknown>;
  features: Record<string, unknown>;
  cardsHeld: string[];
}

export interface PlannedEntry {
  customer: number;
  rep: number;
  amountFen: number;
  line: string;
  at: Date;
  month: ClubMonth;
  /** a card sale's entry: the card type's index */
  card?: { type: number; newCardCustomer: boolean };
}

export interface PlannedContact {
  customer: number;
  rep: number;
  channel: "visit" | "demo" | "phone" | "letter";
  target: "existing" | "prospect";
  outcome: "none" | "interested" | "signed" | "declined";
  at: Date;
}

export interface PlannedComplaint {
  customer: number;
  channel: string;
  summary: string;
  openedAt: Date;
  resolvedAt: Date | null;
}

export interface PlannedDiary {
  rep: number;
  day: ClubDay;
  submittedAt: Date | null;
  text: { workingTime: string; targets: string; progress: string };
  comment?: string;
}

export interface PlannedVisit {
  rep: number;
  customer: number;
  day: ClubDay;
  channel: "visit" | "demo" | "phone" | null;
  note: string | null;
}

export interface DemoPlan {
  now: Date;
  today: ClubDay;
  month: ClubMonth;
  /** first month with revenue and targets (January of last year) */
  firstMonth: ClubMonth;
  months: ClubMonth[];
  customers: PlannedCustomer[];
  entries: PlannedEntry[];
  contacts: PlannedContact[];
  /** targets[rep][month] in fen */
  targets: Map<number, Map<ClubMonth, number>>;
  complaints: PlannedComplaint[];
  diaries: PlannedDiary[];
  plans: PlannedVisit[];
  /** when the club began (before its first data) */
  since: Date;
}
