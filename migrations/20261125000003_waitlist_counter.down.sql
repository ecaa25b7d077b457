ALTER TABLE cohorts DROP COLUMN waitlist_left;
--bun:split
ALTER TABLE cohorts DROP COLUMN waitlist_seq_last;
