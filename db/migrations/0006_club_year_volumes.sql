-- Money booked per club and club year, each entry counted by its size (a reversal
-- too), capped so that every sum the app reads (months, quarters, years, a month
-- across customers) stays exact: below 2^53 fen and below 2^46 yuan with cents.
CREATE TABLE "club_year_volumes" (
	"tenant_id" uuid NOT NULL,
	"year" text NOT NULL,
	"volume_fen" bigint NOT NULL,
	CONSTRAINT "club_year_volumes_tenant_id_year_pk" PRIMARY KEY("tenant_id","year"),
	CONSTRAINT "club_year_volumes_cap" CHECK ("club_year_volumes"."volume_fen" between 0 and 1000000000000000)
);
--> statement-breakpoint
ALTER TABLE "customer_month_totals" ADD CONSTRAINT "customer_month_totals_amount_range" CHECK ("customer_month_totals"."amount_fen" between -1000000000000000 and 1000000000000000);--> statement-breakpoint
ALTER TABLE "rep_month_totals" ADD CONSTRAINT "rep_month_totals_amount_range" CHECK ("rep_month_totals"."amount_fen" between -1000000000000000 and 1000000000000000);--> statement-breakpoint
INSERT INTO "club_year_volumes" ("tenant_id", "year", "volume_fen")
SELECT "tenant_id", left("month", 4), sum(abs("amount_fen")) FROM "revenue_entries" GROUP BY 1, 2;
