-- +goose Up
-- Technical-assistance needs: what a Member State asks for, with the
-- operative paragraphs it answers, its workflow and its history.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE needs (
    id                       bigserial PRIMARY KEY,
    member_state_id          int  NOT NULL REFERENCES member_states (id),
    title                    text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description              text NOT NULL DEFAULT '' CHECK (char_length(description) <= 10000),
    -- Operative paragraph numbers of the resolution the need answers.
    paragraphs               int[] NOT NULL DEFAULT '{}',
    theme                    text NOT NULL,
    priority                 text NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    beneficiary_institutions text NOT NULL DEFAULT '' CHECK (char_length(beneficiary_institutions) <= 2000),
    modality                 text NOT NULL CHECK (modality IN
        ('legislative_drafting', 'training', 'mentoring', 'equipment', 'study_visit', 'expert_advice', 'other')),
    -- A decimal amount in the currency's own units, never a float.
    estimated_cost           numeric(19, 4) CHECK (estimated_cost >= 0 AND estimated_cost < 1e15),
    cost_currency            char(3) REFERENCES currencies (code),
    target_start             date,
    target_end               date,
    visibility               text NOT NULL DEFAULT 'state' CHECK (visibility IN ('state', 'donors', 'public')),
    status                   text NOT NULL DEFAULT 'draft' CHECK (status IN
        ('draft', 'submitted', 'under_review', 'accepted', 'in_delivery', 'met', 'declined', 'withdrawn')),
    status_changed_at        timestamptz NOT NULL DEFAULT now(),
    version                  int  NOT NULL DEFAULT 1,
    created_by               bigint REFERENCES users (id),
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    CHECK ((estimated_cost IS NULL) = (cost_currency IS NULL)),
    CHECK (target_end IS NULL OR target_start IS NULL OR target_end >= target_start)
);
-- The list's filters and orders: by State, status, visibility, and the
-- keyset orders (updated, created, title, target start).
CREATE INDEX needs_updated_idx ON needs (updated_at DESC, id DESC);
CREATE INDEX needs_state_updated_idx ON needs (member_state_id, updated_at DESC, id DESC);
CREATE INDEX needs_status_updated_idx ON needs (status, updated_at DESC, id DESC);
CREATE INDEX needs_visibility_status_idx ON needs (visibility, status, updated_at DESC, id DESC);
CREATE INDEX needs_created_idx ON needs (created_at DESC, id DESC);
CREATE INDEX needs_title_idx ON needs (lower(title), id);
CREATE INDEX needs_target_idx ON needs ((coalesce(target_start, 'infinity'::date)), id);
CREATE INDEX needs_paragraphs_idx ON needs USING gin (paragraphs);
CREATE INDEX needs_title_trgm_idx ON needs USING gin (lower(title) gin_trgm_ops);
-- The Secretariat's queue: submitted needs by age.
CREATE INDEX needs_queue_idx ON needs (status, status_changed_at, id) WHERE status IN ('submitted', 'under_review');

-- Every step of a need's life: its creation, each edit (with the fields it
-- changed) and each transition with its note.
CREATE TABLE need_events (
    id          bigserial PRIMARY KEY,
    need_id     bigint NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor_name  text NOT NULL DEFAULT '',
    kind        text NOT NULL CHECK (kind IN ('created', 'edited', 'transition')),
    from_status text,
    to_status   text,
    note        text NOT NULL DEFAULT '',
    changed     text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX need_events_need_idx ON need_events (need_id, at, id);

-- +goose Down
DROP TABLE need_events;
DROP TABLE needs;
