-- +goose Up
-- The Secretariat's review queue lists submitted progress reports of every
-- period, oldest first, and the navigation counts them on every page it
-- sees; a focal point's navigation counts their State's returned reports.
CREATE INDEX progress_reports_review_idx ON progress_reports (status_changed_at, id) WHERE status = 'submitted';
CREATE INDEX progress_reports_returned_idx ON progress_reports (member_state_id) WHERE status = 'returned';

-- A need's history was stored with the zero time (0001-01-01) until the
-- model let the database stamp it. Give such events the need's recording
-- time for its creation and its last change for the rest: the best that
-- is known, and in the order the events were written.
UPDATE need_events e SET at = CASE WHEN e.kind = 'created' THEN n.created_at ELSE n.updated_at END
FROM needs n WHERE n.id = e.need_id AND e.at < '1900-01-01';

-- +goose Down
DROP INDEX progress_reports_returned_idx;
DROP INDEX progress_reports_review_idx;
