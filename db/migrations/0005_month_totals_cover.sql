-- A club's month of customer totals in customer order with every column, so the tier
-- analysis and the business mix read it from the index alone; it serves every
-- (tenant, month) lookup the index it replaces did.
CREATE INDEX "customer_month_totals_month_cover_idx" ON "customer_month_totals" USING btree ("tenant_id","month","customer_id","business_line","amount_fen");--> statement-breakpoint
DROP INDEX "customer_month_totals_month_idx";--> statement-breakpoint
-- Name search goes through customer_name_grams (0004); under forced row-level security
-- LIKE never used this index, and every customer write paid for it.
DROP INDEX "customers_name_lower_idx";
