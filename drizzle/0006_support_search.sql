-- Support search "as the agent types": prefix lookups by order number, SKU and tracking number
-- across every merchant an agent serves (the per-merchant indexes need the merchant first).
CREATE INDEX IF NOT EXISTS orders_number_prefix_idx ON orders (number text_pattern_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS order_lines_sku_code_prefix_idx ON order_lines (sku_code text_pattern_ops, placed_at);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS shipments_tracking_prefix_idx ON shipments (tracking_number text_pattern_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS orders_email_prefix_idx ON orders (email text_pattern_ops);
