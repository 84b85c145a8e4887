package views

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"ctap/web/reqctx"
)

// In Arabic an amount with its code, and a time with "UTC", are isolated
// left to right with Unicode's isolates (without CLDR's right-to-left
// mark, which would put a minus sign after the digits there); in a
// left-to-right language they are written as before. Views.Amount is a
// <bdi dir="ltr">.
func TestFiguresWithLatinCodesAreIsolatedInArabicOnly(t *testing.T) {
	cat := mustCatalogue()
	in := func(tag string) context.Context {
		return reqctx.WithLocalizer(reqctx.WithCatalogue(context.Background(), cat), cat.Localizer(tag))
	}
	amount := decimal.RequireFromString("-1234.5")
	if got, want := formatMoney(in("ar"), amount, "NOK"), "\u2066-1,234.50\u00a0NOK\u2069"; got != want {
		t.Errorf("Arabic writes the amount %q, want %q", got, want)
	}
	if got, want := formatMoney(in("en"), amount, "NOK"), "-1,234.50\u00a0NOK"; got != want {
		t.Errorf("English writes the amount %q, want %q", got, want)
	}
	at := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)
	if got := formatDateTime(in("ar"), at); !strings.HasSuffix(got, " \u206614:30 UTC\u2069") {
		t.Errorf("Arabic writes the date and time %q", got)
	}
	if got := formatDateTime(in("fr"), at); !strings.HasSuffix(got, " 14:30 UTC") || strings.ContainsRune(got, '\u2066') {
		t.Errorf("French writes the date and time %q", got)
	}
	var b strings.Builder
	if err := Amount(formatUSD(in("ar"), decimal.RequireFromString("100000")), "USD").Render(in("ar"), &b); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "<bdi class=\"amount\" dir=\"ltr\">100,000.00\u00a0USD</bdi>"; got != want {
		t.Errorf("Amount renders %q, want %q", got, want)
	}
}
