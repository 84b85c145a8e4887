package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Overflowing is a piece of the page that breaks the layout: the document
// itself when it is wider than the viewport (so the page scrolls sideways),
// or an element whose box sticks out of its container's content box while
// the container neither clips nor scrolls it. Widths are CSS pixels.
type Overflowing struct {
	// Path is a selector path from body to the element ("main > dl.facts >
	// div > dd > code"); "html" for the document.
	Path string `json:"path"`
	// Text is the start of the element's text, to recognise it.
	Text string `json:"text"`
	// Width is the element's border-box width; for the document, its
	// scrollWidth.
	Width float64 `json:"width"`
	// Left and Right are its border box's edges, from the viewport's left.
	Left  float64 `json:"left"`
	Right float64 `json:"right"`
	// Container is the path of the box it sticks out of ("viewport" for
	// the document), with that box's content edges and width.
	Container      string  `json:"container"`
	ContainerLeft  float64 `json:"containerLeft"`
	ContainerRight float64 `json:"containerRight"`
	ContainerWidth float64 `json:"containerWidth"`
	// Scrolls is set for a TableScroll box (.table-scroll) whose table is
	// wider than it, so that it scrolls: allowed on a phone, where a wide
	// table has nowhere else to go, but a sign of a table too wide for a
	// laptop. Width is then the table's, ContainerWidth the box's.
	Scrolls bool `json:"scrolls"`
}

func (o Overflowing) String() string {
	text := ""
	if o.Text != "" {
		text = fmt.Sprintf(" %q", o.Text)
	}
	if o.Scrolls {
		return fmt.Sprintf("%s%s scrolls sideways: its table is %.0f px wide in %.0f px", o.Path, text, o.Width, o.ContainerWidth)
	}
	if o.Path == "html" {
		return fmt.Sprintf("the document is %.0f px wide in a %.0f px viewport: the page scrolls sideways", o.Width, o.ContainerWidth)
	}
	return fmt.Sprintf("%s%s (%.0f px wide, %.0f–%.0f) sticks out of %s (content box %.0f–%.0f, %.0f px wide)",
		o.Path, text, o.Width, o.Left, o.Right, o.Container, o.ContainerLeft, o.ContainerRight, o.ContainerWidth)
}

// FormatOverflow lists a page's overflows, one a line, for a failure
// message.
func FormatOverflow(page string, found []Overflowing) string {
	var sb strings.Builder
	for _, o := range found {
		fmt.Fprintf(&sb, "  %s: %s\n", page, o)
	}
	return sb.String()
}

// overflowTolerance absorbs sub-pixel rounding of boxes laid out at
// fractional positions; a real overflow is whole pixels.
const overflowTolerance = 1

// overflowJS measures the page as laid out, once its fonts are in (a
// fallback font has other widths). For every element it compares the
// inline end of its border box (the right edge, or the left one in a
// right-to-left container) with that of the content box of its container:
// the nearest ancestor that makes a box of its own (not display: inline or
// contents, whose boxes are their lines). An element is not checked when
//   - its container, or a box between, clips or scrolls it (overflow other
//     than visible): that is the one place content may be wider, as a
//     .table-scroll is;
//   - it is positioned absolute: out of the flow, it is measured against
//     the viewport instead, and reported when it lies past it with no box
//     to clip it (even when visually hidden: it still widens the page);
//   - it is positioned fixed: it moves with the viewport, not the page;
//   - it is visually hidden (clip or clip-path), empty (no width) or not
//     rendered, or inside an SVG (the charts' own check measures their text).
//
// The text directly in a block is measured too (through a Range), so that
// a long word in a paragraph sticks out as a paragraph's child would. Each
// .table-scroll whose table is wider than it is listed as scrolling.
const overflowJS = `(async () => {
	await document.fonts.ready;
	const tolerance = TOLERANCE;
	const doc = document.documentElement;
	const found = [];
	const name = el => {
		if (el === document.body) return "body";
		let s = el.localName;
		if (el.id) return s + "#" + el.id;
		const classes = [...el.classList].filter(c => c !== "").slice(0, 3);
		if (classes.length) s += "." + classes.join(".");
		const same = el.parentElement ? [...el.parentElement.children].filter(c => c.localName === el.localName) : [];
		if (same.length > 1 && !classes.length) s += ":nth-of-type(" + (same.indexOf(el) + 1) + ")";
		return s;
	};
	const path = el => {
		const parts = [];
		for (let e = el; e && e !== doc; e = e.parentElement) {
			parts.unshift(name(e));
			if (e.id || e === document.body) break;
		}
		return parts.join(" > ");
	};
	const text = el => (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
	const clips = s => s.overflowX !== "visible";
	const hidden = s => s.display === "none" || s.visibility === "hidden" ||
		(s.clip !== "auto" && s.clip !== "") || (s.clipPath !== "none" && s.clipPath !== "");
	// container returns the box el is laid out in, or null when a box on
	// the way clips or scrolls it.
	const container = el => {
		for (let p = el.parentElement; p; p = p.parentElement) {
			const s = getComputedStyle(p);
			if (p !== document.body && p !== doc && clips(s)) return null;
			if (s.display !== "inline" && s.display !== "contents") return p;
		}
		return null;
	};
	const contentBox = (el, s) => {
		const r = el.getBoundingClientRect();
		const left = r.left + el.clientLeft + parseFloat(s.paddingLeft);
		// clientWidth leaves out a vertical scrollbar as well as the borders.
		const right = r.left + el.clientLeft + el.clientWidth - parseFloat(s.paddingRight);
		return {left, right};
	};
	const report = (box, label, c, cs, textOf) => {
		const cb = contentBox(c, cs);
		// The inline end edge: a box may hang out at the start (a
		// negative margin lining up a link's text with the text above)
		// without widening anything.
		if (cs.direction === "rtl" ? box.left >= cb.left - tolerance : box.right <= cb.right + tolerance) return;
		found.push({
			path: label, text: textOf, width: box.width, left: box.left, right: box.right,
			container: path(c), containerLeft: cb.left, containerRight: cb.right, containerWidth: cb.right - cb.left, scrolls: false,
		});
	};
	if (doc.scrollWidth > doc.clientWidth + tolerance) {
		found.push({path: "html", text: "", width: doc.scrollWidth, left: 0, right: doc.scrollWidth,
			container: "viewport", containerLeft: 0, containerRight: doc.clientWidth, containerWidth: doc.clientWidth});
	}
	for (const box of document.querySelectorAll(".table-scroll")) {
		if (box.scrollWidth > box.clientWidth + tolerance) {
			const r = box.getBoundingClientRect();
			found.push({path: path(box), text: text(box).slice(0, 40), width: box.scrollWidth, left: r.left, right: r.right,
				container: path(box), containerLeft: r.left, containerRight: r.right, containerWidth: box.clientWidth, scrolls: true});
		}
	}
	// escapes reports whether an absolutely positioned element is laid out
	// past the viewport's edge with no box to clip or scroll it: its
	// containing block (offsetParent) and that block's ancestors do not
	// clip. Boxes between it and its containing block do not clip it, which
	// is how a visually hidden label in a scrolled table can widen the
	// whole page.
	const escapes = (el, r) => {
		if (r.right <= doc.clientWidth + tolerance && r.left >= -tolerance) return false;
		for (let p = el.offsetParent; p && p !== document.body && p !== doc; p = p.parentElement) {
			if (clips(getComputedStyle(p))) return false;
		}
		return true;
	};
	const hiddenAncestor = new WeakSet();
	for (const el of document.body.querySelectorAll("*")) {
		if (el.closest("svg") && el.localName !== "svg") continue;
		if (el.parentElement && hiddenAncestor.has(el.parentElement)) { hiddenAncestor.add(el); continue; }
		const s = getComputedStyle(el);
		if (s.display === "none") { hiddenAncestor.add(el); continue; }
		if (s.position === "absolute") {
			const r = el.getBoundingClientRect();
			if (escapes(el, r)) {
				found.push({path: path(el), text: text(el), width: r.width, left: r.left, right: r.right,
					container: "viewport", containerLeft: 0, containerRight: doc.clientWidth, containerWidth: doc.clientWidth, scrolls: false});
			}
		}
		if (hidden(s)) { hiddenAncestor.add(el); continue; }
		if (s.display === "contents") continue;
		const c = container(el);
		if (c && s.position !== "absolute" && s.position !== "fixed") {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.height > 0) report(r, path(el), c, getComputedStyle(c), text(el));
		}
		// The text directly in el, against el's own content box. Text in
		// an inline element is measured with the element, above.
		if (s.display === "inline" || (clips(s) && el !== document.body)) continue;
		for (const n of el.childNodes) {
			if (n.nodeType !== Node.TEXT_NODE || n.data.trim() === "") continue;
			const range = document.createRange();
			range.selectNodeContents(n);
			const r = range.getBoundingClientRect();
			if (r.width > 0) report(r, path(el) + " (its text)", el, s, n.data.trim().replace(/\s+/g, " ").slice(0, 60));
		}
	}
	return found;
})()`

// Overflow measures the page now shown and returns what breaks its layout
// (see Overflowing): the document when it scrolls sideways, and every
// element or text that sticks out of its container's content box while
// the container does not clip or scroll it. A table wrapped in TableScroll
// scrolls in its own box: such a box is reported with Scrolls set, for the
// caller to allow on a phone. page names the page in failure messages.
func (b *Browser) Overflow(t testing.TB, page string) []Overflowing {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, ActionTimeout)
	defer cancel()
	// The page must have finished loading: the check measures layout.
	_, err := chromedp.Run(ctx, chromedp.WaitReady(chromedp.CSS("body")))
	var out []byte
	if err == nil {
		js := strings.Replace(overflowJS, "TOLERANCE", fmt.Sprint(overflowTolerance), 1)
		out, err = chromedp.Run(ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		t.Fatalf("measuring the layout of %s (%s): %v", page, b.currentURL(), err)
	}
	var found []Overflowing
	if err := json.Unmarshal(out, &found); err != nil {
		t.Fatalf("measuring the layout of %s: reading the result: %v", page, err)
	}
	return found
}
