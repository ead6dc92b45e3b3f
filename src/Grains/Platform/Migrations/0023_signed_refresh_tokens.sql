-- Refresh tokens are now signed (HMAC) instead of random: the session keeps only the generation of its current token,
-- and a rotation updates that one row instead of marking a token row used, inserting its successor (two index entries
-- and a foreign-key check) and updating the session. NULL: a session whose token is still a hashed row of
-- refresh_tokens (issued before, or a cookie session, which has none); its next rotation moves it to generation 1.
ALTER TABLE device_sessions ADD COLUMN refresh_generation bigint NULL;

-- Rotations and last-seen touches change no indexed column: room on the page lets PostgreSQL update in place (HOT),
-- with no new index entries. Applies to pages written from now on.
ALTER TABLE device_sessions SET (fillfactor = 80);
