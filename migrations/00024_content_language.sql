-- +goose Up
-- What people write (a need, a contribution's or an activity's
-- description, a progress report's narrative and measures, the
-- Secretariat's wording of a report) is stored as written, in one of the
-- six official languages of the United Nations, with that language: the
-- page marks the text with its lang attribute, so that a screen reader
-- pronounces it right, and search stems it in its own language.
-- Records written before the choice existed were written in English.
CREATE DOMAIN ctap_language AS text
    CHECK (VALUE IN ('ar', 'zh', 'en', 'fr', 'ru', 'es'));

ALTER TABLE needs ADD COLUMN language ctap_language NOT NULL DEFAULT 'en';
ALTER TABLE contributions ADD COLUMN language ctap_language NOT NULL DEFAULT 'en';
ALTER TABLE activities ADD COLUMN language ctap_language NOT NULL DEFAULT 'en';
ALTER TABLE progress_reports ADD COLUMN language ctap_language NOT NULL DEFAULT 'en';
ALTER TABLE progress_report_versions ADD COLUMN language ctap_language NOT NULL DEFAULT 'en';
ALTER TABLE reports ADD COLUMN language ctap_language NOT NULL DEFAULT 'en';

-- +goose Down
ALTER TABLE reports DROP COLUMN language;
ALTER TABLE progress_report_versions DROP COLUMN language;
ALTER TABLE progress_reports DROP COLUMN language;
ALTER TABLE activities DROP COLUMN language;
ALTER TABLE contributions DROP COLUMN language;
ALTER TABLE needs DROP COLUMN language;
DROP DOMAIN ctap_language;
