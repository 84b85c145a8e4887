-- Each contribution carries its US-dollar equivalent and what was received
-- of it, kept by the database itself: every list, total, breakdown and
-- export reads them instead of converting 100,000 contributions on every
-- page. The conversion stays in one place, contribution_equivalents(): the
-- UN operational rate of the value date's month, rounded half to even to
-- cents; NULL when that month has no rate. Triggers keep the figures right
-- when a contribution, one of its instalments or a rate changes.

-- +goose Up
ALTER TABLE contributions
    ADD COLUMN usd_amount      numeric(19, 2),
    ADD COLUMN received_amount numeric(19, 4) NOT NULL DEFAULT 0,
    ADD COLUMN received_usd    numeric(19, 2);

COMMENT ON COLUMN contributions.usd_amount IS
    'amount in US dollars at the UN operational rate of the value date''s month, half to even to cents; NULL without a rate (kept by contribution_equivalents)';
COMMENT ON COLUMN contributions.received_amount IS
    'what was received: the amount of a paid contribution, the paid instalments of a committed one, else 0 (kept by contribution_equivalents)';
COMMENT ON COLUMN contributions.received_usd IS
    'received_amount in US dollars, converted as usd_amount (kept by contribution_equivalents)';

-- +goose StatementBegin
CREATE FUNCTION contribution_equivalents() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rate numeric;
BEGIN
    NEW.received_amount := CASE NEW.status
        WHEN 'paid' THEN NEW.amount
        WHEN 'committed' THEN coalesce((SELECT sum(i.amount) FROM contribution_instalments i
            WHERE i.contribution_id = NEW.id AND i.paid_on IS NOT NULL), 0)
        ELSE 0 END;
    IF NEW.currency = 'USD' THEN
        NEW.usd_amount := NEW.amount;
        NEW.received_usd := NEW.received_amount;
    ELSE
        SELECT r.units_per_usd INTO rate FROM exchange_rates r
        WHERE r.currency = NEW.currency AND r.month = date_trunc('month', NEW.value_date)::date;
        -- Without a rate, rate is NULL and so are the equivalents.
        NEW.usd_amount := round_half_even(NEW.amount / rate, 2);
        NEW.received_usd := round_half_even(NEW.received_amount / rate, 2);
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER contributions_equivalents BEFORE INSERT OR UPDATE ON contributions
    FOR EACH ROW EXECUTE FUNCTION contribution_equivalents();

-- An instalment paid, changed or removed: its contribution's received
-- amount is read again (the update fires contributions_equivalents).
-- +goose StatementBegin
CREATE FUNCTION contribution_instalment_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE contributions SET received_amount = received_amount WHERE id = OLD.contribution_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.contribution_id <> OLD.contribution_id) THEN
        UPDATE contributions SET received_amount = received_amount WHERE id = NEW.contribution_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER contribution_instalments_changed AFTER INSERT OR UPDATE OR DELETE ON contribution_instalments
    FOR EACH ROW EXECUTE FUNCTION contribution_instalment_changed();

-- A rate added, changed or removed: the contributions of its currency and
-- month are converted again.
-- +goose StatementBegin
CREATE FUNCTION exchange_rate_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE contributions SET usd_amount = NULL
        WHERE currency = OLD.currency AND value_date >= OLD.month AND value_date < (OLD.month + interval '1 month');
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.currency <> OLD.currency OR NEW.month <> OLD.month) THEN
        UPDATE contributions SET usd_amount = NULL
        WHERE currency = NEW.currency AND value_date >= NEW.month AND value_date < (NEW.month + interval '1 month');
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER exchange_rates_changed AFTER INSERT OR UPDATE OR DELETE ON exchange_rates
    FOR EACH ROW EXECUTE FUNCTION exchange_rate_changed();

CREATE INDEX contributions_currency_month_idx ON contributions (currency, value_date);

UPDATE contributions SET received_amount = received_amount;

-- +goose Down
DROP INDEX contributions_currency_month_idx;
DROP TRIGGER exchange_rates_changed ON exchange_rates;
DROP FUNCTION exchange_rate_changed();
DROP TRIGGER contribution_instalments_changed ON contribution_instalments;
DROP FUNCTION contribution_instalment_changed();
DROP TRIGGER contributions_equivalents ON contributions;
DROP FUNCTION contribution_equivalents();
ALTER TABLE contributions DROP COLUMN usd_amount, DROP COLUMN received_amount, DROP COLUMN received_usd;
