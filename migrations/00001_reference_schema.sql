-- +goose Up
-- Reference data: Member States, the universal legal instruments, currencies,
-- and the resolutions with their paragraphs and footnotes.

CREATE TABLE member_states (
    id             serial PRIMARY KEY,
    iso3           char(3)  NOT NULL UNIQUE CHECK (iso3 ~ '^[A-Z]{3}$'),
    iso2           char(2)  NOT NULL UNIQUE CHECK (iso2 ~ '^[A-Z]{2}$'),
    m49            char(3)  NOT NULL UNIQUE CHECK (m49 ~ '^[0-9]{3}$'),
    name           text     NOT NULL UNIQUE,
    name_fr        text     NOT NULL,
    regional_group text     NOT NULL CHECK (regional_group IN
        ('african', 'asia_pacific', 'eastern_european', 'latin_american_caribbean', 'western_european_other')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_states_group_name_idx ON member_states (regional_group, name);
CREATE INDEX member_states_lower_name_idx ON member_states (lower(name) text_pattern_ops);

CREATE TABLE instruments (
    id                  serial PRIMARY KEY,
    code                text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    sort_order          int  NOT NULL UNIQUE,
    short_name          text NOT NULL,
    title               text NOT NULL,
    adopted_on          date NOT NULL,
    adopted_at          text NOT NULL,
    depositary          text NOT NULL,
    entry_into_force_on date,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE currencies (
    code         char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    numeric_code char(3) NOT NULL,
    name         text    NOT NULL,
    minor_units  smallint CHECK (minor_units BETWEEN 0 AND 4)
);

CREATE TABLE resolutions (
    id               serial PRIMARY KEY,
    symbol           text NOT NULL UNIQUE,
    title            text NOT NULL,
    adopted_on       date NOT NULL,
    session          int  NOT NULL CHECK (session > 0),
    committee_report text NOT NULL DEFAULT '',
    meeting          text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE paragraphs (
    id            serial PRIMARY KEY,
    resolution_id int  NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('preambular', 'operative')),
    number        int  NOT NULL CHECK (number > 0),
    body          text NOT NULL,
    -- Operative paragraphs only: whom the paragraph addresses and its theme.
    addressees    text[] NOT NULL DEFAULT '{}',
    theme         text,
    UNIQUE (resolution_id, kind, number)
);

CREATE TABLE footnotes (
    id            serial PRIMARY KEY,
    resolution_id int  NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    number        int  NOT NULL CHECK (number > 0),
    body          text NOT NULL,
    UNIQUE (resolution_id, number)
);

-- Where a footnote marker stands in a paragraph: the byte offset into
-- paragraphs.body just after the word or punctuation it follows.
CREATE TABLE footnote_refs (
    paragraph_id    int NOT NULL REFERENCES paragraphs (id) ON DELETE CASCADE,
    footnote_number int NOT NULL,
    position        int NOT NULL CHECK (position >= 0),
    PRIMARY KEY (paragraph_id, position)
);

-- +goose Down
DROP TABLE footnote_refs;
DROP TABLE footnotes;
DROP TABLE paragraphs;
DROP TABLE resolutions;
DROP TABLE currencies;
DROP TABLE instruments;
DROP TABLE member_states;
