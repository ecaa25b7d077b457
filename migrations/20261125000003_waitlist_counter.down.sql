ALTER TABLE cohorts DROP COLUMN waitlist_seq_last;
