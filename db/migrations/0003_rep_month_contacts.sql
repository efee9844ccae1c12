CREATE TABLE "rep_month_contacts" (
	"tenant_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"month" text NOT NULL,
	"existing_in_person" integer DEFAULT 0 NOT NULL,
	"prospect_in_person" integer DEFAULT 0 NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	"demos" integer DEFAULT 0 NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"letters" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rep_month_contacts_tenant_id_rep_id_month_pk" PRIMARY KEY("tenant_id","rep_id","month")
);
--> statement-breakpoint
CREATE INDEX "rep_month_contacts_month_idx" ON "rep_month_contacts" USING btree ("tenant_id","month","rep_id");
--> statement-breakpoint
-- Backfill from the day rows, so a database that already holds contacts agrees.
-- rep_day_contacts forces row-level security, which would hide every row from an
-- owner that is not a superuser (no club is set here); lift it for this transaction.
ALTER TABLE rep_day_contacts NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO rep_month_contacts (tenant_id, rep_id, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
SELECT tenant_id, rep_id, month, sum(existing_in_person)::int, sum(prospect_in_person)::int, sum(visits)::int, sum(demos)::int,
  sum(calls)::int, sum(letters)::int
FROM rep_day_contacts GROUP BY 1, 2, 3;
--> statement-breakpoint
ALTER TABLE rep_day_contacts FORCE ROW LEVEL SECURITY;
