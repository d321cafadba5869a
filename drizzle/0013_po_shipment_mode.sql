ALTER TABLE "purchase_orders" ADD COLUMN "slip_floor_days" integer;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD COLUMN "slip_allowance_days" integer;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_slip" CHECK ("purchase_orders"."slip_allowance_days" is null or "purchase_orders"."slip_allowance_days" >= 0);--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_slip_floor" CHECK ("purchase_orders"."slip_floor_days" is null or "purchase_orders"."slip_allowance_days" is null or "purchase_orders"."slip_floor_days" <= "purchase_orders"."slip_allowance_days");--> statement-breakpoint
-- The sweep finds due lines through their PO and SKU (lib/eta/sweep.ts): an index on ship_start
-- made every re-date of every line rewrite every index of order_lines (no HOT update).
DROP INDEX IF EXISTS "order_lines_waiting_start_idx";
