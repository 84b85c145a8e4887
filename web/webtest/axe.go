package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// AxePath is where axe-core is vendored, relative to the repository root
// (testdata/axe/README.md names the version and its origin).
const AxePath = "testdata/axe/axe.min.js"

// axeTimeout bounds one axe run: injecting the script and checking a long
// page (the 193 Member States) takes a few seconds on a small machine.
const axeTimeout = 90 * time.Second

// AxeViolation is one rule that axe-core found broken on a page, with the
// elements that break it.
type AxeViolation struct {
	Rule    string    `json:"id"`     // e.g. "color-contrast"
	Impact  string    `json:"impact"` // "minor", "moderate", "serious" or "critical"
	Help    string    `json:"help"`   // one sentence: what the rule asks
	HelpURL string    `json:"helpUrl"`
	Tags    []string  `json:"tags"` // e.g. "wcag2aa", "wcag143", "best-practice"
	Nodes   []AxeNode `json:"nodes"`
}

// AxeNode is one element that breaks a rule.
type AxeNode struct {
	Target  string `json:"target"` // CSS selector of the element (" >>> " enters a frame or shadow root)
	HTML    string `json:"html"`   // the element's opening HTML, as axe quotes it
	Impact  string `json:"impact"`
	Summary string `json:"summary"` // axe's failure summary, e.g. the contrast ratio and colours found
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axeScript returns the text of the vendored axe.min.js, read once.
func axeScript() (string, error) {
	axeOnce.Do(func() {
		root, err := repoRoot() // in dex.go
		if err != nil {
			axeErr = fmt.Errorf("finding axe-core: %w", err)
			return
		}
		b, err := os.ReadFile(filepath.Join(root, AxePath))
		if err != nil {
			axeErr = fmt.Errorf("reading the vendored axe-core (see testdata/axe/README.md): %w", err)
			return
		}
		axeSource = string(b)
	})
	return axeSource, axeErr
}

// axeRunJS runs axe-core on the whole document and gives its violations in
// the shape of AxeViolation. Only violations are computed (the passes and
// the incomplete checks would cost time and are not reported).
const axeRunJS = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id,
	impact: v.impact || "",
	help: v.help,
	helpUrl: v.helpUrl,
	tags: v.tags,
	nodes: v.nodes.map(n => ({
		target: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : String(t)).join(" >>> "),
		html: n.html,
		impact: n.impact || v.impact || "",
		summary: n.failureSummary || "",
	})),
})))`

// Axe checks the page now shown with axe-core and returns its violations.
// page names the page in failure messages (e.g. its path).
//
// The vendored axe.min.js is evaluated through the DevTools protocol, which
// the portal's Content-Security-Policy (no inline or foreign script) does not
// govern, so the page is checked exactly as the server sent it. A page left
// since the last check gets axe anew; one that still has it is not injected
// twice.
func (b *Browser) Axe(t testing.TB, page string) []AxeViolation {
	t.Helper()
	src, err := axeScript()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, axeTimeout)
	defer cancel()
	_, err = chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		// The page must have finished loading: axe measures layout.
		if _, err := chromedp.WaitReady(chromedp.CSS("body"))(ctx, tg); err != nil {
			return fmt.Errorf("waiting for the page's body: %w", err)
		}
		loaded, err := chromedp.Evaluate[bool](`typeof window.axe === "object" && typeof window.axe.run === "function"`)(ctx, tg)
		if err != nil {
			return err
		}
		if !loaded {
			// A script ending in a function declaration evaluates to
			// undefined; the void keeps the result small either way.
			if _, err := chromedp.Evaluate[chromedp.Void](src+"\n;void 0;")(ctx, tg); err != nil {
				return fmt.Errorf("injecting axe-core: %w", err)
			}
		}
		return nil
	}))
	var raw []byte
	if err == nil {
		raw, err = chromedp.Run(ctx, chromedp.Evaluate[[]byte](axeRunJS, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		t.Fatalf("axe on %s (%s): %v", page, b.currentURL(), err)
	}
	var out []AxeViolation
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("axe on %s: reading its result: %v", page, err)
	}
	return out
}

// impactRank orders axe's impacts; an unknown one ranks lowest.
func impactRank(impact string) int {
	switch impact {
	case "critical":
		return 4
	case "serious":
		return 3
	case "moderate":
		return 2
	case "minor":
		return 1
	}
	return 0
}

// SeriousOrWorse keeps the violations whose impact is serious or critical,
// and in each only the elements that are (a rule's impact is its worst
// element's).
func SeriousOrWorse(v []AxeViolation) []AxeViolation {
	var out []AxeViolation
	for _, x := range v {
		if impactRank(x.Impact) < impactRank("serious") {
			continue
		}
		nodes := make([]AxeNode, 0, len(x.Nodes))
		for _, n := range x.Nodes {
			if impactRank(n.Impact) >= impactRank("serious") || n.Impact == "" {
				nodes = append(nodes, n)
			}
		}
		x.Nodes = nodes
		out = append(out, x)
	}
	return out
}

// FormatViolations prints one line per element that breaks a rule:
//
//	page: rule (impact): help — element: <target> <html>
//
// followed, indented, by axe's summary of what is wrong with it (for
// color-contrast, the colours and the ratio found).
func FormatViolations(page string, v []AxeViolation) string {
	var sb strings.Builder
	for _, x := range v {
		if len(x.Nodes) == 0 {
			fmt.Fprintf(&sb, "%s: %s (%s): %s\n", page, x.Rule, x.Impact, x.Help)
			continue
		}
		for _, n := range x.Nodes {
			fmt.Fprintf(&sb, "%s: %s (%s): %s — element: %s %s\n", page, x.Rule, x.Impact, x.Help, n.Target, oneLine(n.HTML, 200))
			if s := strings.TrimSpace(n.Summary); s != "" {
				for _, l := range strings.Split(s, "\n") {
					if l = strings.TrimSpace(l); l != "" {
						fmt.Fprintf(&sb, "    %s\n", l)
					}
				}
			}
		}
	}
	return sb.String()
}

// oneLine squeezes an HTML snippet onto one line of at most max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
