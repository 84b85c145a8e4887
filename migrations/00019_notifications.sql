-- +goose Up
-- Notifications: what the portal tells each person, in the portal and by
-- email (sent by jobs of River's queue, whose tables migration 16 made),
-- the choices people make about them, donors' declared interests, and the
-- reminders sent for reporting periods.

-- The language a person reads the portal in, for what is sent to them when
-- they are not looking (emails); set when they switch language signed in.
ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-z]{2,3}$');
-- Per kind of event, how the person wants to hear of it: "email",
-- "portal" (in the portal only) or "digest" (one email a day). A kind not
-- listed is "email".
ALTER TABLE users ADD COLUMN notification_delivery jsonb NOT NULL DEFAULT '{}'
    CHECK (jsonb_typeof(notification_delivery) = 'object');

CREATE TABLE notifications (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text   NOT NULL,
    -- What the notification is about, and the page it links to.
    subject_kind text  NOT NULL,
    subject_id  bigint NOT NULL,
    link        text   NOT NULL CHECK (link LIKE '/%'),
    -- The message's data (titles, the State's code, the period), kept as
    -- they were so the message reads the same later.
    params      jsonb  NOT NULL DEFAULT '{}',
    -- How it is delivered, decided from the person's choice when it was
    -- made: email, portal or digest.
    delivery    text   NOT NULL CHECK (delivery IN ('email', 'portal', 'digest')),
    emailed_at  timestamptz,
    read_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- The header's unread count and the person's list, newest first.
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
-- The daily digest finds what waits for it.
CREATE INDEX notifications_digest_idx ON notifications (user_id, id) WHERE delivery = 'digest' AND emailed_at IS NULL;
-- A need shared with donors is announced once per person.
CREATE INDEX notifications_subject_idx ON notifications (subject_kind, subject_id, kind);

-- What a donor organization wants to hear about: needs newly shared with
-- donors whose theme, operative paragraphs and the State's regional group
-- match (an empty list matches anything; an organization with every list
-- empty has declared nothing and hears of nothing).
CREATE TABLE donor_interests (
    donor_organization_id int    PRIMARY KEY REFERENCES donor_organizations (id) ON DELETE CASCADE,
    themes                text[] NOT NULL DEFAULT '{}',
    paragraphs            int[]  NOT NULL DEFAULT '{}',
    regional_groups       text[] NOT NULL DEFAULT '{}',
    version               int    NOT NULL DEFAULT 1,
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Reminders sent to a State's focal points for a reporting period: one per
-- stage ("before-14", "before-3", "overdue-1", "overdue-2", ...), never two,
-- whichever replica's scheduler runs and however often.
CREATE TABLE period_reminders (
    period_id       bigint NOT NULL REFERENCES reporting_periods (id) ON DELETE CASCADE,
    member_state_id int    NOT NULL REFERENCES member_states (id),
    stage           text   NOT NULL CHECK (stage ~ '^(before|overdue)-[0-9]+$'),
    recipients      int    NOT NULL,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, member_state_id, stage)
);

-- +goose Down
DROP TABLE period_reminders;
DROP TABLE donor_interests;
DROP TABLE notifications;
ALTER TABLE users DROP COLUMN notification_delivery;
ALTER TABLE users DROP COLUMN language;
