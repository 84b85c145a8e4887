package resolution

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLargeInputs feeds near-limit inputs shaped to hit each scanning loop;
// a quadratic path would show up as a test that does not finish.
func TestLargeInputs(t *testing.T) {
	const budget = maxInputSize - 4096
	head := "Resolution adopted by the General Assembly on 1 January 2000\n1/1.\tT\n\tThe General Assembly,\n"
	tail := "1st plenary meeting\n1 January 2000\n"
	fill := func(unit string) string { return strings.Repeat(unit, (budget-len(head)-200)/len(unit)) }
	manyNotes := func() string {
		var b strings.Builder
		for n := 1; b.Len() < budget-300; n++ {
			fmt.Fprintf(&b, "%d N.\n", n)
		}
		return b.String()
	}()
	tests := []struct {
		name  string
		input string
		ok    bool
	}{
		{"dotted markers", head + "\tx" + fill("ab.1.") + "\n\t1.\tUrges Member States;\n" + tail + "1 Note.\n", true},
		{"verbs", head + "\tx,1\n\t1.\tUrges Member States" + fill(" and requests Member States, Member States and the Secretary-General") + ";\n" + tail + "1 Note.\n", true},
		{"digits", head + "\tx,1 " + fill("1234567 ") + "\n\t1.\tUrges Member States;\n" + tail + "1 Note.\n", true},
		{"operative paragraphs", head + "\tx,1\n" + func() string {
			var b strings.Builder
			for n := 1; b.Len() < budget-300; n++ {
				fmt.Fprintf(&b, "\t%d.\tx\n", n)
			}
			return b.String()
		}() + tail + "1 Note.\n", true},
		{"footnotes", head + "\tx,1\n\t1.\tUrges Member States;\n" + tail + manyNotes, false},
		{"blank lines", head + fill("\n"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(strings.NewReader(tt.input))
			if (err == nil) != tt.ok {
				t.Fatalf("len %d: err = %v, want ok %v", len(tt.input), err, tt.ok)
			}
			t.Logf("%d bytes in %v", len(tt.input), time.Since(start))
		})
	}
}
