-- Leave room in each page so re-dating a line (a PO slip moves thousands) is a HOT update that
-- does not touch the line's indexes.
ALTER TABLE order_lines SET (fillfactor = 70);
