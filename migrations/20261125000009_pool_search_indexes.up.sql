-- The graduate pool's search in two phases (internal/pool, Store.graduates):
-- a walk over at most a few thousand of the newest completions, then the
-- rest of the page from the users' side. These indexes keep both cheap.
-- They are shaped for SQLite, whose planner has no statistics and takes an
-- index that answers a query alone (covering) over one that needs the
-- table; PostgreSQL uses them where its statistics say so (the region
-- index, index-only reads of a trainee's cohorts).
--
-- The walk reads completions newest first with their trainee: with the
-- trainee in the key it reads them in the pool's order (time, then
-- trainee) from the index alone, where the two-column index left SQLite a
-- sort of every run of equal times and a read of every row. It replaces
-- that index, which it serves as well.
DROP INDEX enrolments_status_recorded_idx;
--bun:split
CREATE INDEX enrolments_status_recorded_idx ON enrolments (status, result_recorded_at, trainee_id);
--bun:split
-- A trainee's completions with their cohort: the track and level filter
-- and the course-title search check a graduate's courses from the index
-- alone. It replaces the index on (trainee_id, status), which it serves
-- as well.
DROP INDEX enrolments_trainee_status_idx;
--bun:split
CREATE INDEX enrolments_trainee_status_idx ON enrolments (trainee_id, status, cohort_id);
--bun:split
-- The pool's members (active trainees who opted in) with every column a
-- search checks, so that the walk checks a trainee, and a search by name
-- scans the members, from this index alone. The columns implied by the
-- WHERE are in the key too: without them SQLite reads the table anyway.
-- role leads so that SQLite prefers it to users_role_id_idx.
CREATE INDEX users_pool_idx ON users (role, id, active, pool_opt_in, region, career_stage, search_name)
    WHERE role = 'trainee' AND active AND pool_opt_in;
--bun:split
-- The same members by region: a search in one region finds them directly
-- (none at all, at once, for a region nobody lives in).
CREATE INDEX users_pool_region_idx ON users (region, role, id, active, pool_opt_in, career_stage, search_name)
    WHERE role = 'trainee' AND active AND pool_opt_in;
