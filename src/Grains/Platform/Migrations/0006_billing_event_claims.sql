-- Billing events become a kind of stored work (docs/architecture.md, "Stored work"): an attempt claims its event
-- until claimed_until, so two silos never apply one event at the same time; a claim that outlives its lease
-- without an outcome marks an interrupted attempt. NULL: no attempt holds the event.
ALTER TABLE billing_events ADD COLUMN claimed_until timestamptz NULL;
