-- +goose Up
-- Treaty status under operative paragraph 1 of A/RES/70/177: what each
-- Member State has done about each universal instrument (signature, and one
-- act of consent to be bound), and how far the instrument is incorporated in
-- its national law. The status shown (not party, signatory, party) is
-- derived from the actions by the application, never stored.

CREATE TABLE treaty_actions (
    id              bigserial PRIMARY KEY,
    member_state_id int  NOT NULL REFERENCES member_states (id),
    instrument_id   int  NOT NULL REFERENCES instruments (id),
    kind            text NOT NULL CHECK (kind IN
        ('signature', 'ratification', 'acceptance', 'approval', 'accession', 'succession')),
    action_date     date NOT NULL,
    version         int  NOT NULL DEFAULT 1,
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (member_state_id, instrument_id, kind)
);
-- At most one act of consent (anything but a signature) per State and
-- instrument.
CREATE UNIQUE INDEX treaty_actions_one_consent_idx ON treaty_actions (member_state_id, instrument_id)
    WHERE kind <> 'signature';
-- The matrix reads every action up to a date.
CREATE INDEX treaty_actions_date_idx ON treaty_actions (action_date, member_state_id, instrument_id);

-- How far a State has incorporated an instrument in its national law, with
-- a reference to the legislation.
CREATE TABLE treaty_incorporations (
    id              bigserial PRIMARY KEY,
    member_state_id int  NOT NULL REFERENCES member_states (id),
    instrument_id   int  NOT NULL REFERENCES instruments (id),
    level           text NOT NULL CHECK (level IN ('none', 'drafting', 'partial', 'complete')),
    note            text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
    version         int  NOT NULL DEFAULT 1,
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (member_state_id, instrument_id)
);

-- +goose Down
DROP TABLE treaty_incorporations;
DROP TABLE treaty_actions;
