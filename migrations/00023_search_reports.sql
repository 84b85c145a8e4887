-- +goose Up
-- Issued reports of the Secretary-General are searched too. Their
-- generated wording is a message of the catalogue filled with the report's
-- figures, so the database cannot index it from the stored document: the
-- application renders the report as plain text in each language when it
-- issues it (models.TransitionReport), in the same UPDATE that issues it,
-- and an issued report never changes again (reports_issued_frozen), so the
-- text never goes stale. Drafts have no text: nothing in them is found.
-- Each language's text is stemmed in its own language.
ALTER TABLE reports
    ADD COLUMN search_text_en text,
    ADD COLUMN search_text_fr text,
    ADD CONSTRAINT reports_search_text_issued
        CHECK ((search_text_en IS NULL AND search_text_fr IS NULL) OR status = 'issued');
ALTER TABLE reports ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', coalesce(search_text_en, '')), 'B') ||
    setweight(to_tsvector('ctap_fr', coalesce(search_text_fr, '')), 'B')) STORED;
CREATE INDEX reports_search_idx ON reports USING gin (search_doc);

-- +goose Down
ALTER TABLE reports DROP COLUMN search_doc;
ALTER TABLE reports DROP CONSTRAINT reports_search_text_issued;
ALTER TABLE reports DROP COLUMN search_text_fr, DROP COLUMN search_text_en;
