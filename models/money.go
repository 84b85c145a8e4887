package models

import (
	"strings"

	"github.com/shopspring/decimal"
)

// maxAmount bounds every amount CTAP stores (NUMERIC(19,4) holds less than
// 10^15): a larger figure is a typing mistake.
var maxAmount = decimal.New(1, 15)

// Money is a decimal amount in an ISO 4217 currency. Amounts are never
// floats: they are read, stored (NUMERIC columns) and added as decimals.
type Money struct {
	Amount   decimal.Decimal
	Currency string
}

// parseAmount reads an amount as people type it ("12 500.50", "12,500.50"
// and "12500.5" alike), rounded half to even to the currency's minor units.
// Problems are reported against field.
func parseAmount(p Problems, field, raw string, cur Currency) (decimal.Decimal, bool) {
	s := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", "", "_", "").Replace(strings.TrimSpace(raw))
	if s == "" || len(s) > 40 {
		p.Add(field, "validation.amount")
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	if err != nil || strings.ContainsAny(s, "eE") {
		p.Add(field, "validation.amount")
		return decimal.Decimal{}, false
	}
	if d.IsNegative() {
		p.Add(field, "validation.amount_negative")
		return decimal.Decimal{}, false
	}
	if d.GreaterThanOrEqual(maxAmount) {
		p.Add(field, "validation.amount_too_large")
		return decimal.Decimal{}, false
	}
	return RoundToCurrency(d, cur), true
}

// minorUnits is a currency's number of decimals (two when ISO 4217 gives
// none, as for gold or special drawing rights).
func minorUnits(cur Currency) int32 {
	if cur.MinorUnits != nil {
		return int32(*cur.MinorUnits)
	}
	return 2
}

// RoundToCurrency rounds half to even to the currency's minor units.
func RoundToCurrency(d decimal.Decimal, cur Currency) decimal.Decimal {
	return d.RoundBank(minorUnits(cur))
}

// FormatAmount writes an amount with its currency's minor units, e.g.
// "12500.50"; the views group the digits for the reader's language.
func FormatAmount(d decimal.Decimal, cur Currency) string {
	return d.StringFixedBank(minorUnits(cur))
}
