-- +goose Up
-- The report of the Secretary-General to the General Assembly that
-- operative paragraph 17 of A/RES/70/177 asks for: one per reporting
-- period, generated from what States and the Secretariat recorded, then
-- edited by the Secretariat and issued.
--
-- The document itself (its numbered paragraphs with their figures, the
-- links each figure was counted from, their tables, the Secretariat's
-- wording and the excerpts it quotes) is one JSON document: the page and
-- the DOCX are rendered from it without recounting anything, and a
-- version is a copy of it.
CREATE TABLE reports (
    id           bigserial PRIMARY KEY,
    period_id    bigint NOT NULL UNIQUE REFERENCES reporting_periods (id),
    status       text   NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'issued')),
    content      jsonb  NOT NULL CHECK (jsonb_typeof(content) = 'object'),
    generated_at timestamptz NOT NULL DEFAULT now(),
    issued_at    timestamptz,
    version      int    NOT NULL DEFAULT 1,
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'issued') = (issued_at IS NOT NULL))
);
-- The reports by status, latest first (the issued ones, for search).
CREATE INDEX reports_status_idx ON reports (status, updated_at DESC);

-- Every generation, edit, choice of excerpts and step of a report, as it
-- was after the change: what the version page shows.
CREATE TABLE report_versions (
    id          bigserial PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    version     int    NOT NULL,
    kind        text   NOT NULL CHECK (kind IN ('generated', 'regenerated', 'edited', 'excerpts', 'transition')),
    status      text   NOT NULL,
    content     jsonb  NOT NULL,
    note        text   NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    saved_by_id bigint REFERENCES users (id),
    saved_by    text   NOT NULL DEFAULT '',
    saved_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report_id, version)
);

-- An issued report is a document of the General Assembly: it never
-- changes, whatever the application asks.
-- +goose StatementBegin
CREATE FUNCTION reports_refuse_change_when_issued() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'issued' THEN
        RAISE EXCEPTION 'report % is issued and cannot change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER reports_issued_frozen BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_refuse_change_when_issued();

-- +goose Down
DROP TABLE report_versions;
DROP TABLE reports;
DROP FUNCTION reports_refuse_change_when_issued();
