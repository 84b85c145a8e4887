package webtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// ActionTimeout bounds every action a Browser runs, so that a missing
// element fails the test instead of hanging it.
const ActionTimeout = 15 * time.Second

// startTimeout bounds the start of Chromium.
const startTimeout = 60 * time.Second

const noChromium = "the browser tests need Chromium: install it (Debian: apt-get install chromium) or set CTAP_CHROMIUM"

// Browser is a headless Chromium driven over the DevTools protocol for one test.
//
// Each Browser runs its own Chromium process with its own profile (so its own
// cookies), so tests that call t.Parallel may each have one. A Browser itself
// is used from the test's goroutine only.
type Browser struct {
	t   testing.TB
	ctx context.Context // the chromedp context of the tab; no deadline

	lastStep string
	shots    []shot

	logMu   sync.Mutex
	stopped bool // no more logging to t once set
}

// shot is the screenshot taken after a step.
type shot struct {
	step string
	png  []byte // nil when the screenshot itself failed
}

// NewBrowser starts Chromium for the test and stops it when the test ends.
// The executable is CTAP_CHROMIUM when set, else chromium, chromium-browser or
// google-chrome on PATH; without one the test fails.
//
// When the test has failed by the end, the screenshot of every step (and one
// of the page as it was at the end) is written to CTAP_SCREENSHOT_DIR/<TestName>
// (by default <repo>/.cache/test-screenshots/<TestName>) and the folder is
// logged.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	exe, err := findChromium()
	if err != nil {
		t.Fatal(err)
	}
	// TempDir first: its removal must come after Chromium has stopped, and
	// cleanups run last-registered first.
	profile := t.TempDir()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &Browser{t: t}
	ctx, cancelCtx := chromedp.NewContext(allocCtx,
		chromedp.WithErrorf(b.logf("chromedp error: ")),
		chromedp.WithLogf(b.logf("chromedp: ")),
	)
	b.ctx = ctx

	t.Cleanup(func() {
		// Close Chromium gracefully, then make sure it is gone: the
		// allocator's cancel waits until the process has exited.
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := chromedp.Cancel(cctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("stopping Chromium: %v", err)
		}
		cancel()
		cancelCtx()
		allocCancel()
		killLeftovers(profile)
		b.logMu.Lock()
		b.stopped = true
		b.logMu.Unlock()
	})

	// The first run starts the browser and binds its life to ctx, which has
	// no deadline; the wait is bounded here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting Chromium (%s): %v", exe, err)
		}
	case <-time.After(startTimeout):
		t.Fatalf("starting Chromium (%s): no answer after %s", exe, startTimeout)
	}

	// Registered after the stop, so it runs before it, with the browser
	// still up for a last screenshot.
	t.Cleanup(b.writeScreenshotsIfFailed)

	// The viewport is the whole 1280x800 window (headless Chromium otherwise
	// keeps room for a window frame it does not draw). Reduced motion makes
	// scrolling instant: chromedp scrolls an element into view and clicks
	// at once, so under the CSS's smooth scrolling a click on an element
	// below the fold lands where the element was, not where it is.
	if err := b.Run(
		chromedp.EmulateViewport(1280, 800),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
			})
			return err
		}),
	); err != nil {
		t.Fatalf("setting up Chromium: %v", err)
	}
	return b
}

// findChromium returns the Chromium executable to use.
func findChromium() (string, error) {
	if p := os.Getenv("CTAP_CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("CTAP_CHROMIUM=%s: %v; %s", p, err, noChromium)
		}
		return found, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if found, err := exec.LookPath(name); err == nil {
			return found, nil
		}
	}
	return "", errors.New(noChromium)
}

// logf sends chromedp's messages to the test log while the test runs.
func (b *Browser) logf(prefix string) func(string, ...any) {
	return func(format string, args ...any) {
		b.logMu.Lock()
		defer b.logMu.Unlock()
		if !b.stopped {
			b.t.Logf(prefix+format, args...)
		}
	}
}

// Context returns the chromedp context of the browser's tab, for custom
// actions. It has no deadline; derive one for each call.
func (b *Browser) Context() context.Context { return b.ctx }

// run runs one action under the per-action timeout.
func run[T any](b *Browser, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, ActionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("not done after %s: %w", ActionTimeout, err)
	}
	return v, err
}

// Run executes actions in order, each under the per-action timeout, without
// a step or a screenshot; it returns the first error.
func (b *Browser) Run(actions ...chromedp.Action[chromedp.Void]) error {
	for i, a := range actions {
		if _, err := run(b, a); err != nil {
			if len(actions) > 1 {
				return fmt.Errorf("action %d of %d: %w", i+1, len(actions), err)
			}
			return err
		}
	}
	return nil
}

// Step runs actions as one named step of a journey and records a full-page
// screenshot after it, also when an action fails. A failing action fails the
// test with the step's name, the page's URL and the error.
func (b *Browser) Step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.lastStep = name
	err := b.Run(actions...)
	b.record(name)
	if err != nil {
		b.t.Fatalf("step %q failed on %s: %v", name, b.currentURL(), err)
	}
}

// record keeps a screenshot of the page as it is now under the step's name.
func (b *Browser) record(step string) {
	png, err := run(b, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("step %q: no screenshot: %v", step, err)
		png = nil
	}
	b.shots = append(b.shots, shot{step: step, png: png})
}

// currentURL is the page's URL for messages; it never fails.
func (b *Browser) currentURL() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown URL: " + err.Error() + ")"
	}
	return u
}

// where names the place of a helper's failure.
func (b *Browser) where() string {
	if b.lastStep == "" {
		return "before the first step"
	}
	return fmt.Sprintf("after step %q", b.lastStep)
}

// value runs a helper's action and fails the test when it fails.
func value[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := run(b, a)
	if err != nil {
		b.t.Fatalf("%s (%s, on %s): %v", what, b.where(), b.currentURL(), err)
	}
	return v
}

// Location returns the URL of the page.
func (b *Browser) Location() string {
	b.t.Helper()
	return value(b, "reading the location", chromedp.Location())
}

// Title returns the title of the page.
func (b *Browser) Title() string {
	b.t.Helper()
	return value(b, "reading the title", chromedp.Title())
}

// Text returns the visible text of the first element matching the CSS
// selector, waiting up to the action timeout for it to appear.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	v, err := run(b, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		if !b.Exists(sel) {
			err = fmt.Errorf("no element matches: %w", err)
		}
		b.t.Fatalf("reading the text of %q (%s, on %s): %v", sel, b.where(), b.currentURL(), err)
	}
	return strings.TrimSpace(v)
}

// HTML returns the outer HTML of the document.
func (b *Browser) HTML() string {
	b.t.Helper()
	return value(b, "reading the HTML", chromedp.Evaluate[string](`document.documentElement.outerHTML`))
}

// Exists reports whether the CSS selector matches an element now, without
// waiting.
func (b *Browser) Exists(sel string) bool {
	b.t.Helper()
	return value(b, fmt.Sprintf("looking for %q", sel),
		chromedp.Evaluate[bool](`document.querySelector(`+jsString(sel)+`) !== null`))
}

// SetViewport resizes the page's viewport, in CSS pixels.
func (b *Browser) SetViewport(width, height int) {
	b.t.Helper()
	value(b, fmt.Sprintf("setting the viewport to %dx%d", width, height),
		chromedp.EmulateViewport(int64(width), int64(height)))
}

// Screenshot returns a full-page PNG of the page now.
func (b *Browser) Screenshot() []byte {
	b.t.Helper()
	return value(b, "taking a screenshot", chromedp.FullScreenshot(100))
}

// PressTab presses the Tab key n times, as a user does, through the
// browser's input dispatch.
func (b *Browser) PressTab(n int) {
	b.t.Helper()
	for i := range n {
		value(b, fmt.Sprintf("pressing Tab (%d of %d)", i+1, n), chromedp.KeyEvent(kb.Tab))
	}
}

// ActiveElement describes the focused element.
type ActiveElement struct {
	Tag  string // lower case, e.g. "a"; "body" when nothing has focus
	ID   string
	Name string // the name attribute
	Text string // visible text, trimmed
	Href string // the href attribute as written, e.g. "#main"

	// OutlineVisible is true when the element shows a focus indicator: an
	// outline whose style is not none, whose width is above zero and whose
	// colour is not transparent, or a box shadow.
	OutlineVisible bool
	Outline        string // computed outline, e.g. "3px solid rgb(0, 0, 0)"
	BoxShadow      string // computed box-shadow
}

const activeElementJS = `(() => {
	const e = document.activeElement || document.body;
	const s = getComputedStyle(e);
	return {
		tag: e.tagName.toLowerCase(),
		id: e.id || "",
		name: e.getAttribute("name") || "",
		text: (e.innerText || e.textContent || "").trim(),
		href: e.getAttribute("href") || "",
		outlineStyle: s.outlineStyle,
		outlineWidth: s.outlineWidth,
		outlineColor: s.outlineColor,
		boxShadow: s.boxShadow,
	};
})()`

// ActiveElement returns the element that has the focus now.
func (b *Browser) ActiveElement() ActiveElement {
	b.t.Helper()
	var r struct {
		Tag          string `json:"tag"`
		ID           string `json:"id"`
		Name         string `json:"name"`
		Text         string `json:"text"`
		Href         string `json:"href"`
		OutlineStyle string `json:"outlineStyle"`
		OutlineWidth string `json:"outlineWidth"`
		OutlineColor string `json:"outlineColor"`
		BoxShadow    string `json:"boxShadow"`
	}
	raw := value(b, "reading the focused element", chromedp.Evaluate[[]byte](activeElementJS))
	if err := json.Unmarshal(raw, &r); err != nil {
		b.t.Fatalf("reading the focused element (%s): %v", b.where(), err)
	}
	width, _ := strconv.ParseFloat(strings.TrimSuffix(r.OutlineWidth, "px"), 64)
	outline := r.OutlineStyle != "none" && r.OutlineStyle != "" && width > 0 && !transparent(r.OutlineColor)
	shadow := r.BoxShadow != "none" && r.BoxShadow != ""
	return ActiveElement{
		Tag: r.Tag, ID: r.ID, Name: r.Name, Text: r.Text, Href: r.Href,
		OutlineVisible: outline || shadow,
		Outline:        strings.TrimSpace(r.OutlineWidth + " " + r.OutlineStyle + " " + r.OutlineColor),
		BoxShadow:      r.BoxShadow,
	}
}

// transparent reports whether a computed colour has no opacity.
func transparent(c string) bool {
	c = strings.ReplaceAll(c, " ", "")
	return c == "transparent" || (strings.HasPrefix(c, "rgba(") && strings.HasSuffix(c, ",0)"))
}

// WaitNavigation runs the actions and then waits until the navigation they
// start has finished: the new page has loaded, or the fragment navigation
// within the page is done.
func WaitNavigation(actions ...chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.RunResponse(ctx, actions...)
		return err
	})
}

// Click clicks the first element matching the CSS selector as a user does:
// it waits until the element is visible, scrolls it to the middle of the
// viewport, checks that nothing covers it there, and presses the mouse at
// the centre of its first box.
//
// Prefer it to chromedp.Click, which clicks the centre of the element's
// first content quad: for a link that starts with a visually hidden span
// (as the footnote markers do), that is the span's clipped 1px box, and the
// click lands on the paragraph behind it.
func Click(sel string) chromedp.Action[chromedp.Void] {
	return clickElement(`document.querySelector(`+jsString(sel)+`)`, sel)
}

// ClickAndWait clicks the first element matching the CSS selector (see
// Click) and waits for the navigation the click starts (see WaitNavigation).
func ClickAndWait(sel string) chromedp.Action[chromedp.Void] {
	return WaitNavigation(Click(sel))
}

// ClickLink clicks the link whose visible text is text inside the first
// element matching the CSS selector scope, as a user picks a link by its
// words, and waits for the navigation it starts.
func ClickLink(scope, text string) chromedp.Action[chromedp.Void] {
	expr := `[...(document.querySelector(` + jsString(scope) + `)?.querySelectorAll("a") ?? [])]` +
		`.find(a => a.innerText.trim() === ` + jsString(text) + `) ?? null`
	return WaitNavigation(clickElement(expr, fmt.Sprintf("the link %q in %q", text, scope)))
}

// clickElement clicks the element that the JavaScript expression gives;
// what names it in errors.
func clickElement(expr, what string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitVisible(chromedp.JSPath(expr))(ctx, t); err != nil {
			return fmt.Errorf("waiting for %s to be visible: %w", what, err)
		}
		var p struct {
			X, Y    float64
			Covered string
		}
		raw, err := chromedp.Evaluate[[]byte](clickPointJS+"("+expr+")")(ctx, t)
		if err == nil {
			err = json.Unmarshal(raw, &p)
		}
		if err != nil {
			return fmt.Errorf("locating %s: %w", what, err)
		}
		if p.Covered != "" {
			return fmt.Errorf("cannot click %s: at its centre (%.0f, %.0f) the page shows %s", what, p.X, p.Y, p.Covered)
		}
		if _, err := chromedp.MouseClickXY(p.X, p.Y)(ctx, t); err != nil {
			return fmt.Errorf("clicking %s: %w", what, err)
		}
		return nil
	})
}

// clickPointJS scrolls an element to the middle of the viewport and gives
// the centre of its first box, with what covers that point if it is not
// the element.
const clickPointJS = `(el => {
	el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
	const r = el.getClientRects()[0] || el.getBoundingClientRect();
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	const hit = document.elementFromPoint(x, y);
	const ok = hit !== null && (hit === el || el.contains(hit));
	return {X: x, Y: y, Covered: ok ? "" : (hit === null ? "nothing (outside the viewport)" : hit.outerHTML.slice(0, 160))};
})`

// SelectOption chooses, in the select element matching the CSS selector, the
// option whose text is label, and fires the input and change events as a
// user's choice does.
func SelectOption(sel, label string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitReady(chromedp.CSS(sel))(ctx, t); err != nil {
			return err
		}
		msg, err := chromedp.Evaluate[string](selectOptionJS+"("+jsString(sel)+", "+jsString(label)+")")(ctx, t)
		if err != nil {
			return err
		}
		if msg != "" {
			return fmt.Errorf("select %q: %s", sel, msg)
		}
		return nil
	})
}

const selectOptionJS = `((sel, label) => {
	const s = document.querySelector(sel);
	if (!(s instanceof HTMLSelectElement)) return "not a select element";
	const texts = [...s.options].map(o => o.text.trim());
	const i = texts.indexOf(label);
	if (i < 0) return "no option " + JSON.stringify(label) + "; the options are " + JSON.stringify(texts);
	s.selectedIndex = i;
	s.dispatchEvent(new Event("input", {bubbles: true}));
	s.dispatchEvent(new Event("change", {bubbles: true}));
	return "";
})`

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// writeScreenshotsIfFailed writes the steps' screenshots when the test has
// failed, with one more of the page as it is at the end.
func (b *Browser) writeScreenshotsIfFailed() {
	if !b.t.Failed() {
		return
	}
	if png, err := run(b, chromedp.FullScreenshot(100)); err == nil {
		b.shots = append(b.shots, shot{step: "at the end of the failed test", png: png})
	}
	if len(b.shots) == 0 {
		return
	}
	dir := screenshotDir(b.t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("screenshots not written: %v", err)
		return
	}
	// Screenshots of an earlier run would mix with these.
	old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	for i, s := range b.shots {
		if s.png == nil {
			continue
		}
		name := fmt.Sprintf("%02d-%s.png", i+1, Slug(s.step, 60, "step"))
		if err := os.WriteFile(filepath.Join(dir, name), s.png, 0o644); err != nil {
			b.t.Logf("screenshot %s not written: %v", name, err)
		}
	}
	b.t.Logf("screenshots of the browser steps: %s", dir)
}

// screenshotDir is the folder for a test's screenshots.
func screenshotDir(testName string) string {
	base := os.Getenv("CTAP_SCREENSHOT_DIR")
	if base == "" {
		root, err := repoRoot() // in dex.go
		if err != nil {
			root = "."
		}
		base = filepath.Join(root, ".cache", "test-screenshots")
	}
	parts := strings.Split(testName, "/")
	for i, p := range parts {
		parts[i] = strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				return r
			}
			return '_'
		}, p)
	}
	return filepath.Join(append([]string{base}, parts...)...)
}

// Slug makes a name into a file name of at most max bytes: lower case
// letters and digits joined by hyphens; fallback when nothing is left.
func Slug(s string, max int, fallback string) string {
	var sb strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			sb.WriteRune(r)
			hyphen = false
		} else {
			hyphen = true
		}
		if sb.Len() >= max {
			break
		}
	}
	if sb.Len() == 0 {
		return fallback
	}
	return sb.String()
}

// killLeftovers kills the Chromium helper processes (renderer, zygote, ...)
// that still use the test's profile after the browser has stopped, so that
// the profile can be removed. They are found by the --user-data-dir on their
// command line, which is unique to this Browser. Without /proc it does
// nothing.
func killLeftovers(profile string) {
	want := "--user-data-dir=" + profile
	for range 3 {
		entries, err := os.ReadDir("/proc")
		if err != nil {
			return
		}
		found := 0
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if err != nil {
				continue
			}
			for _, arg := range strings.Split(string(cmdline), "\x00") {
				if arg == want {
					if p, err := os.FindProcess(pid); err == nil {
						p.Kill()
						found++
					}
					break
				}
			}
		}
		if found == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// NewBrowserAs starts a Browser (see NewBrowser) for one of several people
// in a test, named who (e.g. "focal point", "secretariat"). When the test
// fails, the screenshots of its steps, and one of its page at the end, are
// written to the subfolder of the test's folder named after who, so that
// every browser's are kept: NewBrowser's own, one folder per test, keep
// only the browser started first.
func NewBrowserAs(t testing.TB, who string) *Browser {
	t.Helper()
	b := NewBrowser(t)
	// Registered after NewBrowser's cleanups, so it runs before them, with
	// the browser still up. It hands the steps over: NewBrowser's own
	// writer then has only its last screenshot left.
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		if png, err := run(b, chromedp.FullScreenshot(100)); err == nil {
			b.shots = append(b.shots, shot{step: "at the end of the failed test", png: png})
		}
		shots := b.shots
		b.shots = nil
		dir := filepath.Join(screenshotDir(t.Name()), Slug(who, 40, "browser"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Logf("screenshots of %s not written: %v", who, err)
			return
		}
		old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
		for _, f := range old {
			os.Remove(f)
		}
		for i, s := range shots {
			if s.png == nil {
				continue
			}
			name := fmt.Sprintf("%02d-%s.png", i+1, Slug(s.step, 60, "step"))
			if err := os.WriteFile(filepath.Join(dir, name), s.png, 0o644); err != nil {
				t.Logf("screenshot %s not written: %v", name, err)
			}
		}
		t.Logf("screenshots of the browser steps of %s: %s", who, dir)
	})
	return b
}
