CREATE TABLE "customer_name_grams" (
	"tenant_id" uuid NOT NULL,
	"gram" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "customer_name_grams_tenant_id_gram_customer_id_pk" PRIMARY KEY("tenant_id","gram","customer_id")
);
--> statement-breakpoint
CREATE INDEX "customer_name_grams_customer_idx" ON "customer_name_grams" USING btree ("tenant_id","customer_id");
--> statement-breakpoint
CREATE INDEX "customer_name_grams_order_idx" ON "customer_name_grams" USING btree ("tenant_id","gram","name","customer_id");
--> statement-breakpoint
-- The grams of a name: every character and every pair of adjacent characters of its
-- lower-cased form (characters, not bytes), each once.
CREATE OR REPLACE FUNCTION customer_name_grams_of(name text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT DISTINCT substr(lower(name), i, n)
  FROM generate_series(1, 2) AS n, generate_series(1, char_length(name)) AS i
  WHERE i + n - 1 <= char_length(name)
$$;
--> statement-breakpoint
-- Kept with the name in the same statement: a customer created, imported or renamed
-- has its grams replaced. Each gram row carries the name, so that a search reads one
-- gram's customers in the list's order (name, id) from an index and stops at a page.
-- Runs as the caller (the app role, under its club's scope).
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
--> statement-breakpoint
CREATE TRIGGER customer_name_grams_sync AFTER INSERT OR UPDATE OF name ON customers
  FOR EACH ROW EXECUTE FUNCTION customer_name_grams_sync();
--> statement-breakpoint
-- Backfill, so a database that already holds customers can search them. customers
-- forces row-level security, which would hide every row from an owner that is not a
-- superuser (no club is set here); lift it for this transaction.
ALTER TABLE customers NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO customer_name_grams (tenant_id, gram, customer_id, name)
SELECT c.tenant_id, g, c.id, c.name FROM customers c, customer_name_grams_of(c.name) AS g;
--> statement-breakpoint
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
