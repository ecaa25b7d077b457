DROP INDEX hires_demand_idx;
--bun:split
ALTER TABLE hires DROP COLUMN demand_id;
--bun:split
DROP TABLE demand_matches_seen;
--bun:split
DROP TABLE demand_match_facts;
--bun:split
DROP TABLE demands;
