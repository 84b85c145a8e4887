-- +goose Up
-- The Secretariat's review queue lists submitted progress reports of every
-- period, oldest first, and the navigation counts them on every page it
-- sees; a focal point's navigation counts their State's returned reports.
CREATE INDEX progress_reports_review_idx ON progress_reports (status_changed_at, id) WHERE status = 'submitted';
CREATE INDEX progress_reports_returned_idx ON progress_reports (member_state_id) WHERE status = 'returned';

-- +goose Down
DROP INDEX progress_reports_returned_idx;
DROP INDEX progress_reports_review_idx;
