-- Each gram row carries its customer's name, so that a name search can read one gram's
-- customers in the list's order (name, id) from an index and stop at a page.
ALTER TABLE "customer_name_grams" ADD COLUMN "name" text;
--> statement-breakpoint
-- Backfill: both tables force row-level security, which would hide every row from an
-- owner that is not a superuser (no club is set here); lift it for this transaction.
ALTER TABLE customers NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE customer_name_grams NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
UPDATE customer_name_grams g SET name = c.name FROM customers c WHERE c.tenant_id = g.tenant_id AND c.id = g.customer_id;
--> statement-breakpoint
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE customer_name_grams FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "customer_name_grams" ALTER COLUMN "name" SET NOT NULL;
--> statement-breakpoint
CREATE INDEX "customer_name_grams_order_idx" ON "customer_name_grams" USING btree ("tenant_id","gram","name","customer_id");
--> statement-breakpoint
CREATE OR REPLACE FUNCTION customer_name_grams_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.name IS NOT DISTINCT FROM OLD.name THEN
      RETURN NEW;
    END IF;
    DELETE FROM customer_name_grams WHERE tenant_id = OLD.tenant_id AND customer_id = OLD.id;
  END IF;
  INSERT INTO customer_name_grams (tenant_id, gram, customer_id, name)
  SELECT NEW.tenant_id, g, NEW.id, NEW.name FROM customer_name_grams_of(NEW.name) AS g;
  RETURN NEW;
END $$;
