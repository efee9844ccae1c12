-- The live boards read "contacts today": every rep's row of one club day. The primary key
-- (tenant, rep, day) answers it only by a probe per rep (10 ms for a club of 500 reps,
-- at every board recompute); this index answers it directly. The day never changes, so
-- the counter updates of a contact stay heap-only.
CREATE INDEX "rep_day_contacts_day_idx" ON "rep_day_contacts" USING btree ("tenant_id","day");