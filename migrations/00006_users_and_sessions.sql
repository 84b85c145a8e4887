-- +goose Up
-- Donor organizations, users and their invitations, sessions, and the audit
-- trail.

CREATE TABLE donor_organizations (
    id              serial PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name            text NOT NULL UNIQUE,
    name_fr         text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('member_state', 'intergovernmental', 'foundation', 'other')),
    member_state_id int REFERENCES member_states (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'member_state') = (member_state_id IS NOT NULL))
);

CREATE TABLE users (
    id                    bigserial PRIMARY KEY,
    -- An account is who the OpenID Provider says it is: (issuer, subject),
    -- never the email alone.
    issuer                text NOT NULL,
    subject               text NOT NULL,
    email                 text NOT NULL,
    email_verified        boolean NOT NULL DEFAULT false,
    name                  text NOT NULL DEFAULT '',
    status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'disabled')),
    role                  text CHECK (role IN ('viewer', 'focal_point', 'donor', 'secretariat', 'admin')),
    member_state_id       int REFERENCES member_states (id),
    donor_organization_id int REFERENCES donor_organizations (id),
    version               int NOT NULL DEFAULT 1,
    last_sign_in_at       timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (issuer, subject),
    CHECK (status = 'pending' OR role IS NOT NULL),
    CHECK ((role IS NOT DISTINCT FROM 'focal_point') = (member_state_id IS NOT NULL)),
    CHECK ((role IS NOT DISTINCT FROM 'donor') = (donor_organization_id IS NOT NULL))
);
CREATE INDEX users_status_role_id_idx ON users (status, role, id);
CREATE INDEX users_member_state_idx ON users (member_state_id, id) WHERE member_state_id IS NOT NULL;
CREATE INDEX users_lower_email_idx ON users (lower(email));

CREATE TABLE invitations (
    id                    bigserial PRIMARY KEY,
    email                 text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    role                  text NOT NULL CHECK (role IN ('viewer', 'focal_point', 'donor', 'secretariat', 'admin')),
    member_state_id       int REFERENCES member_states (id),
    donor_organization_id int REFERENCES donor_organizations (id),
    invited_by            bigint REFERENCES users (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    expires_at            timestamptz NOT NULL,
    accepted_at           timestamptz,
    accepted_by           bigint REFERENCES users (id),
    revoked_at            timestamptz,
    CHECK ((role = 'focal_point') = (member_state_id IS NOT NULL)),
    CHECK ((role = 'donor') = (donor_organization_id IS NOT NULL))
);
-- One open invitation per email.
CREATE UNIQUE INDEX invitations_open_email_idx ON invitations (email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_created_idx ON invitations (created_at DESC, id DESC);

-- Sessions of the scs session manager, with the user beside the data so one
-- query loads both, and the address and browser for the account page.
CREATE TABLE sessions (
    token        text PRIMARY KEY,
    data         bytea NOT NULL,
    expiry       timestamptz NOT NULL,
    user_id      bigint REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE audit_events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor_email text NOT NULL DEFAULT '',
    action      text NOT NULL,
    target_type text NOT NULL DEFAULT '',
    target_id   text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_action_at_idx ON audit_events (action, at DESC, id DESC);
CREATE INDEX audit_events_actor_at_idx ON audit_events (actor_id, at DESC, id DESC);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE sessions;
DROP TABLE invitations;
DROP TABLE users;
DROP TABLE donor_organizations;
