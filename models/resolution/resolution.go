// Package resolution parses the official text of a General Assembly
// resolution, as exported from the UN document system (ODS), into its
// metadata, preambular and operative paragraphs and footnotes.
//
// The parser is deliberately strict: the text is the source of record for
// CTAP, so anything it cannot place with certainty is refused with a
// *ParseError naming the line, and nothing partial is returned.
package resolution

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Document is one resolution as parsed from its official text.
type Document struct {
	Symbol          string      // "A/RES/70/177"
	Title           string      // as on the title line, footnote markers removed
	AdoptedOn       time.Time   // UTC midnight of the adoption date
	Session         int         // 70 for A/RES/70/177
	CommitteeReport string      // "on the report of the Third Committee (A/70/490)"; "" if absent
	Meeting         string      // "80th plenary meeting"
	Preamble        []Paragraph // numbered 1..n in order
	Operative       []Paragraph // Number is the paragraph's own number, 1..n
	Footnotes       []Footnote
}

// Paragraph is one preambular or operative paragraph.
type Paragraph struct {
	Number     int
	Body       string        // official text, footnote markers removed
	Refs       []FootnoteRef // where the markers stood
	Addressees []Addressee   // operative only
	Theme      Theme         // operative only; "" when no rule matches
}

// FootnoteRef records a footnote marker removed from a paragraph. Position is
// the byte offset into Body just after the text the marker was attached to.
type FootnoteRef struct {
	Number   int
	Position int
}

// Footnote is one footnote of the resolution.
type Footnote struct {
	Number int
	Body   string
}

// ParseError names the 1-based line of the input where parsing failed.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxInputSize bounds the input: a resolution is a few tens of KiB, so
// anything near this is not one, and reading it all would only cost memory.
const maxInputSize = 2 << 20

var (
	duMarkerRe = regexp.MustCompile(`^\[DU\d+\]$`)
	adoptedRe  = regexp.MustCompile(`^Resolution adopted by the General Assembly on (.+)$`)
	bracketRe  = regexp.MustCompile(`^\[(.+)\]$`)
	titleRe    = regexp.MustCompile(`^(\d+)/(\d+)\.\s+(\S.*)$`)
	operRe     = regexp.MustCompile(`^[\t ]+(\d+)\.(?:[\t ]+(.*))?$`)
	meetingRe  = regexp.MustCompile(`^([1-9]\d{0,3})(st|nd|rd|th) plenary meeting$`)
	footnoteRe = regexp.MustCompile(`^(\d+)[\t ]+(\S.*)$`)
	ruleRe     = regexp.MustCompile(`^(?:_{3,}|-{3,})$`)
	odsSymRe   = regexp.MustCompile(`<<ODS DOC SYMBOL1>>(.*?)<<ODS DOC SYMBOL1>>`)
	symbolRe   = regexp.MustCompile(`^A/RES/[1-9]\d*/[1-9]\d*$`)
)

const (
	assemblyLine = "The General Assembly,"
	dateLayout   = "2 January 2006"
)

// rawParagraph is a paragraph before footnote markers are resolved, which
// needs the footnotes that only come at the end of the text.
type rawParagraph struct {
	line   int
	number int
	text   string
}

// parser walks the lines of the text; i is the 0-based index of the next
// line, so i+1 is its line number.
type parser struct {
	lines []string
	i     int
}

func (p *parser) eof() bool { return p.i >= len(p.lines) }

// skipBlank moves past empty (or whitespace-only) lines.
func (p *parser) skipBlank() {
	for !p.eof() && strings.TrimSpace(p.lines[p.i]) == "" {
		p.i++
	}
}

// errf reports an error at line index idx, clamped so that running off the
// end of the text names its last line.
func (p *parser) errf(idx int, format string, args ...any) *ParseError {
	if idx >= len(p.lines) {
		idx = len(p.lines) - 1
	}
	if idx < 0 {
		idx = 0
	}
	return &ParseError{Line: idx + 1, Msg: fmt.Sprintf(format, args...)}
}

// Parse reads the official text of one resolution. Structural problems are
// reported as *ParseError; a failure to read r is returned wrapped as is.
func Parse(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("resolution: reading input: %w", err)
	}
	if len(data) > maxInputSize {
		return nil, &ParseError{
			Line: 1 + bytes.Count(data[:maxInputSize], []byte("\n")),
			Msg:  fmt.Sprintf("input exceeds %d bytes", maxInputSize),
		}
	}
	if off := invalidUTF8(data); off >= 0 {
		return nil, &ParseError{Line: 1 + bytes.Count(data[:off], []byte("\n")), Msg: "invalid UTF-8"}
	}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	if strings.TrimSpace(text) == "" {
		return nil, &ParseError{Line: 1, Msg: "empty input"}
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r") // tolerate CRLF exports
	}
	p := &parser{lines: lines}
	return p.parse()
}

// invalidUTF8 returns the offset of the first invalid byte, or -1.
func invalidUTF8(b []byte) int {
	for off := 0; off < len(b); {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size == 1 {
			return off
		}
		off += size
	}
	return -1
}

func (p *parser) parse() (*Document, error) {
	doc := &Document{}

	// Header: "[DU1]", then the adoption line.
	for !p.eof() && (strings.TrimSpace(p.lines[p.i]) == "" || duMarkerRe.MatchString(strings.TrimSpace(p.lines[p.i]))) {
		p.i++
	}
	if p.eof() {
		return nil, p.errf(p.i, "missing %q line", "Resolution adopted by the General Assembly on <date>")
	}
	m := adoptedRe.FindStringSubmatch(strings.TrimSpace(p.lines[p.i]))
	if m == nil {
		return nil, p.errf(p.i, "expected %q, found %s", "Resolution adopted by the General Assembly on <date>", quote(p.lines[p.i]))
	}
	adopted, err := time.Parse(dateLayout, m[1])
	if err != nil {
		return nil, p.errf(p.i, "invalid adoption date %q", m[1])
	}
	doc.AdoptedOn = adopted
	p.i++

	// Optional "[on the report of ... (A/70/490)]" (or "[without reference
	// to a Main Committee ...]"): any bracketed line at this point.
	p.skipBlank()
	if !p.eof() {
		if m := bracketRe.FindStringSubmatch(strings.TrimSpace(p.lines[p.i])); m != nil && !duMarkerRe.MatchString(m[0]) {
			doc.CommitteeReport = strings.TrimSpace(m[1])
			p.i++
		}
	}

	// Title: "70/177.\tTitle". A title line without the number is accepted
	// too, the symbol then having to come from the trailer.
	p.skipBlank()
	titleIdx := p.i
	if p.eof() || strings.TrimSpace(p.lines[p.i]) == assemblyLine || startsIndented(p.lines[p.i]) {
		return nil, p.errf(p.i, "missing title line")
	}
	rawTitle := strings.TrimSpace(p.lines[p.i])
	if m := titleRe.FindStringSubmatch(rawTitle); m != nil {
		if m[1][0] == '0' || m[2][0] == '0' {
			return nil, p.errf(p.i, "invalid resolution number %s/%s", m[1], m[2])
		}
		doc.Symbol = "A/RES/" + m[1] + "/" + m[2]
		rawTitle = strings.TrimSpace(m[3])
	}
	p.i++

	p.skipBlank()
	if p.eof() || strings.TrimSpace(p.lines[p.i]) != assemblyLine {
		return nil, p.errf(p.i, "expected %q", assemblyLine)
	}
	p.i++

	pre, ops, err := p.paragraphs()
	if err != nil {
		return nil, err
	}
	doc.Meeting = strings.TrimSpace(p.lines[p.i])
	p.i++

	// The closing date repeats the adoption date.
	p.skipBlank()
	if p.eof() {
		return nil, p.errf(p.i, "missing date line after %q", doc.Meeting)
	}
	closing, err := time.Parse(dateLayout, strings.TrimSpace(p.lines[p.i]))
	if err != nil {
		return nil, p.errf(p.i, "expected the date line, found %s", quote(p.lines[p.i]))
	}
	if !closing.Equal(doc.AdoptedOn) {
		return nil, p.errf(p.i, "date %s differs from adoption date %s", closing.Format(dateLayout), doc.AdoptedOn.Format(dateLayout))
	}
	p.i++

	notes, noteLines, err := p.footnotes()
	if err != nil {
		return nil, err
	}
	doc.Footnotes = notes

	if err := p.trailer(doc, titleIdx); err != nil {
		return nil, err
	}
	sess, err := strconv.Atoi(strings.Split(doc.Symbol, "/")[2])
	if err != nil || sess < 1 {
		return nil, p.errf(titleIdx, "invalid session in symbol %s", doc.Symbol)
	}
	doc.Session = sess

	// Markers can only be told from ordinary numbers now that the
	// footnotes are known.
	known := make(map[int]bool, len(notes))
	for _, n := range notes {
		known[n.Number] = true
	}
	used := make(map[int]bool, len(notes))
	title, titleRefs, err := extractMarkers(rawTitle, known)
	if err != nil {
		return nil, p.errf(titleIdx, "%v", err)
	}
	doc.Title = title
	for _, r := range titleRefs {
		used[r.Number] = true
	}
	build := func(raws []rawParagraph) ([]Paragraph, error) {
		out := make([]Paragraph, 0, len(raws))
		for _, rp := range raws {
			body, refs, err := extractMarkers(rp.text, known)
			if err != nil {
				return nil, &ParseError{Line: rp.line, Msg: err.Error()}
			}
			for _, r := range refs {
				used[r.Number] = true
			}
			out = append(out, Paragraph{Number: rp.number, Body: body, Refs: refs})
		}
		return out, nil
	}
	if doc.Preamble, err = build(pre); err != nil {
		return nil, err
	}
	if doc.Operative, err = build(ops); err != nil {
		return nil, err
	}
	for i, n := range notes {
		if !used[n.Number] {
			return nil, &ParseError{Line: noteLines[i], Msg: fmt.Sprintf("footnote %d is never referenced", n.Number)}
		}
	}
	for i := range doc.Operative {
		op := &doc.Operative[i]
		op.Addressees = addresseesOf(op.Body)
		op.Theme = themeOf(op.Body)
	}
	return doc, nil
}

// paragraphs reads the preambular and operative paragraphs, leaving p.i on
// the meeting line that closes them.
func (p *parser) paragraphs() (pre, ops []rawParagraph, err error) {
	for ; !p.eof(); p.i++ {
		line := p.lines[p.i]
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			continue
		case meetingRe.MatchString(t):
			if m := meetingRe.FindStringSubmatch(t); m[2] != ordinalSuffix(m[1]) {
				return nil, nil, p.errf(p.i, "misspelt meeting number %s%s", m[1], m[2])
			}
			if len(ops) == 0 {
				return nil, nil, p.errf(p.i, "no operative paragraphs")
			}
			return pre, ops, nil
		case !startsIndented(line):
			// Paragraphs are indented; anything else here is out of place
			// (a lost page header, a stray note, a missing meeting line).
			return nil, nil, p.errf(p.i, "unexpected line %s", quote(line))
		}
		if m := operRe.FindStringSubmatch(line); m != nil {
			n, err := strconv.Atoi(m[1])
			if err != nil {
				return nil, nil, p.errf(p.i, "invalid paragraph number %q", m[1])
			}
			switch want := len(ops) + 1; {
			case n != want && len(ops) == 0:
				return nil, nil, p.errf(p.i, "first operative paragraph is numbered %d, want 1", n)
			case n != want:
				return nil, nil, p.errf(p.i, "operative paragraph %d follows paragraph %d", n, len(ops))
			}
			body := strings.TrimSpace(m[2])
			if body == "" {
				return nil, nil, p.errf(p.i, "operative paragraph %d is empty", n)
			}
			ops = append(ops, rawParagraph{line: p.i + 1, number: n, text: body})
			continue
		}
		if len(ops) > 0 {
			return nil, nil, p.errf(p.i, "unexpected unnumbered paragraph after operative paragraph %d", len(ops))
		}
		pre = append(pre, rawParagraph{line: p.i + 1, number: len(pre) + 1, text: t})
	}
	return nil, nil, p.errf(p.i, "missing meeting line (e.g. %q)", "80th plenary meeting")
}

// footnotes reads the "N text" lines up to the trailer, returning them with
// their line numbers.
func (p *parser) footnotes() ([]Footnote, []int, error) {
	var notes []Footnote
	var lines []int
	for ; !p.eof(); p.i++ {
		t := strings.TrimSpace(p.lines[p.i])
		if t == "" {
			continue
		}
		if isTrailerStart(t) {
			break
		}
		m := footnoteRe.FindStringSubmatch(t)
		if m == nil {
			return nil, nil, p.errf(p.i, "unexpected line in footnotes %s", quote(p.lines[p.i]))
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return nil, nil, p.errf(p.i, "invalid footnote number %q", m[1])
		}
		// Numbers so far are exactly 1..len(notes), so this is a repeat.
		if n <= len(notes) {
			return nil, nil, p.errf(p.i, "duplicate footnote %d", n)
		}
		if want := len(notes) + 1; n != want {
			return nil, nil, p.errf(p.i, "footnote %d follows footnote %d", n, len(notes))
		}
		notes = append(notes, Footnote{Number: n, Body: m[2]})
		lines = append(lines, p.i+1)
	}
	return notes, lines, nil
}

// isTrailerStart reports whether a (trimmed) line begins the ODS trailer of
// job numbers, symbols, rules and page furniture.
func isTrailerStart(t string) bool {
	return strings.HasPrefix(t, "[DU1]<<") || strings.HasPrefix(t, "<<ODS") || ruleRe.MatchString(t)
}

// trailer takes the symbol from "<<ODS DOC SYMBOL1>>" when the title line
// did not give it, and otherwise checks that the two agree: a mismatch means
// the text is not the document it claims to be.
func (p *parser) trailer(doc *Document, titleIdx int) error {
	for ; !p.eof(); p.i++ {
		m := odsSymRe.FindStringSubmatch(p.lines[p.i])
		if m == nil {
			continue
		}
		sym := strings.TrimSpace(m[1])
		if !symbolRe.MatchString(sym) {
			continue
		}
		switch {
		case doc.Symbol == "":
			doc.Symbol = sym
		case doc.Symbol != sym:
			return p.errf(p.i, "document symbol %s differs from %s on the title line", sym, doc.Symbol)
		}
		break
	}
	if doc.Symbol == "" {
		return p.errf(titleIdx, "no document symbol on the title line or in the trailer")
	}
	return nil
}

// ordinalSuffix returns the English suffix for the decimal number n: "st"
// for "1" and "21", "th" for "11".
func ordinalSuffix(n string) string {
	if len(n) >= 2 && n[len(n)-2] == '1' {
		return "th"
	}
	switch n[len(n)-1] {
	case '1':
		return "st"
	case '2':
		return "nd"
	case '3':
		return "rd"
	}
	return "th"
}

func startsIndented(line string) bool {
	return line != "" && (line[0] == '\t' || line[0] == ' ')
}

// quote shortens a line for an error message, on a rune boundary.
func quote(s string) string {
	const max = 60
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}
