-- The catalogue filtered by track and level ("BMS courses at level 3", what
-- a trainee looking for their next course asks) pages in id order. With
-- equality on both, this index hands the rows over already in id order from
-- the cursor on, so a page reads about as many rows as it shows; the
-- (track, status, id) and (level, status, id) indexes each serve one of the
-- filters alone but leave the other to be checked row by row. Status is not
-- in the key: the public list's status = 'published' is checked on the
-- rows walked (drafts and archived courses are few), and the admin's list
-- by track and level, which has no status, is served by the same index.
CREATE INDEX courses_track_level_id_idx ON courses (track, level, id);
