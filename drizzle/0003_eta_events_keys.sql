ALTER TABLE "eta_events" DROP CONSTRAINT "eta_events_order_line_id_order_lines_id_fk";
--> statement-breakpoint
ALTER TABLE "eta_events" DROP CONSTRAINT "eta_events_order_fk";
