ALTER TABLE "eta_events" ADD COLUMN "basis_date" date;--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "slip_floor_days" integer;--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_slip_floor" CHECK ("suppliers"."slip_floor_days" is null or "suppliers"."slip_allowance_days" is null or "suppliers"."slip_floor_days" <= "suppliers"."slip_allowance_days");