-- +goose Up
-- Reporting periods and the States' progress against each operative
-- paragraph of the resolution: one report per State, period and paragraph,
-- with every saved version kept.

CREATE TABLE reporting_periods (
    id         bigserial PRIMARY KEY,
    -- {"en": "...", "fr": "..."}; English is required.
    title      jsonb NOT NULL CHECK (jsonb_typeof(title) = 'object' AND coalesce(title ->> 'en', '') <> ''),
    opens_on   date NOT NULL,
    due_on     date NOT NULL,
    closes_on  date NOT NULL,
    version    int  NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (opens_on <= due_on AND due_on <= closes_on)
);
-- The current period (open today, latest) and the lists, newest first.
CREATE INDEX reporting_periods_opens_idx ON reporting_periods (opens_on DESC, id DESC);

INSERT INTO reporting_periods (title, opens_on, due_on, closes_on) VALUES (
    '{"en": "Report to the seventy-first session (2016)", "fr": "Rapport à la soixante et onzième session (2016)"}',
    '2016-01-01', '2016-05-31', '2016-06-30');

CREATE TABLE progress_reports (
    id               bigserial PRIMARY KEY,
    member_state_id  int    NOT NULL REFERENCES member_states (id),
    period_id        bigint NOT NULL REFERENCES reporting_periods (id),
    paragraph_number int    NOT NULL CHECK (paragraph_number BETWEEN 1 AND 999),
    -- Where the State stands on the paragraph, on the fixed scale.
    implementation   text   NOT NULL CHECK (implementation IN ('not_started', 'planned', 'in_progress',
        'substantially_implemented', 'fully_implemented', 'not_applicable')),
    narrative        text   NOT NULL DEFAULT '' CHECK (char_length(narrative) <= 10000),
    measures         text   NOT NULL DEFAULT '' CHECK (char_length(measures) <= 5000),
    -- [{"label": "...", "url": "https://..."}]
    evidence         jsonb  NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(evidence) = 'array'),
    -- The report's workflow.
    status           text   NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'returned', 'validated')),
    return_comment   text   NOT NULL DEFAULT '' CHECK (char_length(return_comment) <= 2000),
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    version          int    NOT NULL DEFAULT 1,
    updated_by       text   NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (member_state_id, period_id, paragraph_number)
);
-- The distribution of statuses of one paragraph in one period.
CREATE INDEX progress_reports_distribution_idx ON progress_reports (period_id, paragraph_number, status, implementation);
-- The Secretariat's queue: submitted reports by age.
CREATE INDEX progress_reports_queue_idx ON progress_reports (period_id, status_changed_at, id) WHERE status = 'submitted';

-- Every saved version of a report: each edit and each workflow step makes
-- one, so any version can be read beside the one before.
CREATE TABLE progress_report_versions (
    id             bigserial PRIMARY KEY,
    report_id      bigint NOT NULL REFERENCES progress_reports (id) ON DELETE CASCADE,
    version        int    NOT NULL,
    kind           text   NOT NULL CHECK (kind IN ('saved', 'transition', 'carried')),
    implementation text   NOT NULL,
    narrative      text   NOT NULL DEFAULT '',
    measures       text   NOT NULL DEFAULT '',
    evidence       jsonb  NOT NULL DEFAULT '[]',
    status         text   NOT NULL,
    return_comment text   NOT NULL DEFAULT '',
    note           text   NOT NULL DEFAULT '',
    saved_by_id    bigint REFERENCES users (id),
    saved_by       text   NOT NULL DEFAULT '',
    saved_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report_id, version)
);

-- +goose Down
DROP TABLE progress_report_versions;
DROP TABLE progress_reports;
DROP TABLE reporting_periods;
