-- Search for the support console: trigram indexes that ignore case and accents.
-- Written by hand (drizzle-kit cannot express extensions or expression indexes with operator classes).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION search_normalize(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS orders_customer_name_trgm_idx ON orders USING gin (search_normalize(customer_name) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS orders_email_trgm_idx ON orders USING gin (email gin_trgm_ops);
