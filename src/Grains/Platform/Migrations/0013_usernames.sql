-- Usernames: optional, chosen on the profile, unique ignoring case; what invitations and @mentions name.
ALTER TABLE users ADD COLUMN username text NULL;
ALTER TABLE users ADD CONSTRAINT users_username_format CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$');
CREATE UNIQUE INDEX users_username_key ON users (lower(username)) WHERE username IS NOT NULL;
