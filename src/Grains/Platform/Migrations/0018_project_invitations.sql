-- Invitations of an address that has no verified account yet. An invitation becomes membership only once the owner
-- of the address has verified it: the transaction that verifies an address claims that address's open invitations
-- (accepted_by, next_attempt_at = now), and the stored-work piece turns each claimed one into membership through the
-- project's grain. An open invitation is never due (next_attempt_at = 'infinity') until then.

CREATE TABLE project_invitations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id      bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    -- Normalised as accounts store theirs, so the verified address finds it.
    email           text        NOT NULL,
    role            text        NOT NULL,
    invited_by      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL,
    -- The last time it was emailed (created or resent); a resend also moves expires_at.
    sent_at         timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    -- The account that verified the address, set in that very transaction.
    accepted_by     bigint      NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The stored-work columns.
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT 'infinity',
    claimed_until   timestamptz NULL,
    processed_at    timestamptz NULL,
    outcome         text        NULL,
    last_error      text        NULL,
    CONSTRAINT project_invitations_role_known CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    CONSTRAINT project_invitations_outcome_known CHECK (outcome IS NULL OR outcome IN ('accepted', 'already_member', 'failed'))
);
-- One open invitation per address and project.
CREATE UNIQUE INDEX project_invitations_open ON project_invitations (project_id, email) WHERE processed_at IS NULL;
-- The verifying transaction's claim: the address's invitations nobody has taken up.
CREATE INDEX project_invitations_by_email ON project_invitations (email) WHERE processed_at IS NULL AND accepted_by IS NULL;
CREATE INDEX project_invitations_due ON project_invitations (next_attempt_at) WHERE processed_at IS NULL;
