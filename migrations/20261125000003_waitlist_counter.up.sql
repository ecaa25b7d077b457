-- The last waitlist number a cohort handed out, and how many of its waitlist
-- have left the line (promoted, withdrawn, cancelled). Taking the next number
-- is one conditional UPDATE ... RETURNING that also takes the cohort's row
-- lock, so a registration rush spends as little time as possible holding
-- it; numbers are gapless, so a newcomer's place in line is
-- waitlist_seq_last - waitlist_left without counting rows.
ALTER TABLE cohorts ADD COLUMN waitlist_seq_last BIGINT NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE cohorts ADD COLUMN waitlist_left BIGINT NOT NULL DEFAULT 0;
--bun:split
UPDATE cohorts SET waitlist_seq_last = COALESCE((SELECT MAX(e.waitlist_seq) FROM enrolments AS e WHERE e.cohort_id = cohorts.id), 0);
