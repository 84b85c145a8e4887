package resolution

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The export flattens superscript footnote markers into plain digits glued to
// the preceding word or punctuation ("Strategy2 and", "resolutions,1"). Such a
// digit run is a candidate marker; how sure we are that it is one decides
// what happens when no footnote has that number.
type markerKind int

const (
	notMarker    markerKind = iota // ordinary text: "68/178", "1,000", "Add.1"
	weakMarker                     // a marker only if the footnote exists: "2015,3", "G20"
	strongMarker                   // must be a marker, else the text is wrong: "Strategy9"
)

// symbolAbbrevs are words that, followed by "." and a number, form part of a
// reference ("Add.1", "No.5") rather than end a sentence.
// symbolLookBack bounds how far back a document symbol ("A/C.3/70/L.13") is
// looked for before a "." that precedes digits.
const symbolLookBack = 40

var symbolAbbrevs = map[string]bool{
	"add": true, "corr": true, "rev": true, "amend": true, "suppl": true,
	"no": true, "nos": true, "para": true, "paras": true, "art": true,
	"vol": true, "chap": true, "sect": true, "p": true, "pp": true,
}

// extractMarkers removes footnote markers from s, returning the text without
// them and where they stood. known holds the document's footnote numbers.
func extractMarkers(s string, known map[int]bool) (string, []FootnoteRef, error) {
	var b strings.Builder
	var refs []FootnoteRef
	copied := 0 // s[:copied] has been written to b
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if kind := classifyDigits(s, i, j); kind != notMarker {
			n := atoiSmall(s[i:j])
			switch {
			case known[n]:
				b.WriteString(s[copied:i])
				refs = append(refs, FootnoteRef{Number: n, Position: b.Len()})
				copied = j
			case kind == strongMarker:
				return "", nil, fmt.Errorf("footnote marker %d after %s refers to no footnote", n, quote(lastWords(s[:i])))
			}
		}
		i = j
	}
	if copied == 0 {
		return s, nil, nil
	}
	b.WriteString(s[copied:])
	return b.String(), refs, nil
}

// classifyDigits decides whether the digit run s[i:j] (maximal, so s[i-1]
// is not a digit) could be a footnote marker.
func classifyDigits(s string, i, j int) markerKind {
	// Footnote numbers are small and never start with 0.
	if i == 0 || j-i > 3 || s[i] == '0' {
		return notMarker
	}
	if j < len(s) {
		next, _ := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsSpace(next) && !strings.ContainsRune(`,;:.)]!?"'’”`, next) {
			return notMarker
		}
		// "G20.5", "x2,000": the run continues as a number.
		if (next == '.' || next == ',') && j+1 < len(s) && isDigit(s[j+1]) {
			return notMarker
		}
	}
	before := s[:i]
	prev, size := utf8.DecodeLastRuneInString(before)
	switch {
	case unicode.IsLetter(prev):
		// "Strategy2" is a marker; an acronym like "G20" may be a name.
		if hasLower(trailingLetters(before)) {
			return strongMarker
		}
		return weakMarker
	case prev == ',' || prev == ';' || prev == ':' || prev == '.' || prev == ')':
		rest := before[:len(before)-size]
		afterDigit := rest != "" && isDigit(rest[len(rest)-1])
		if prev == ',' && afterDigit && j-i == 3 {
			return notMarker // thousands separator: "1,000"
		}
		if prev == '.' {
			// Only the last few bytes matter, and bounding the look-back
			// keeps a long line of "x.1" from going quadratic.
			tok := rest[max(0, len(rest)-symbolLookBack):]
			tok = tok[strings.LastIndexAny(tok, " \t(")+1:]
			if strings.Contains(tok, "/") {
				return notMarker // document symbol: "A/70/L.27", "E/CN.15"
			}
			if word := trailingLetters(rest); symbolAbbrevs[strings.ToLower(word)] {
				return notMarker
			} else if !afterDigit && !hasLower(word) {
				return weakMarker // "U.N.1" or an initial
			}
		}
		if afterDigit {
			return weakMarker // "April 2015,3" but also "10:30"
		}
		return strongMarker
	}
	return notMarker
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// atoiSmall converts a run of at most three ASCII digits.
func atoiSmall(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// trailingLetters returns the run of letters at the end of s.
func trailingLetters(s string) string {
	k := len(s)
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:k])
		if !unicode.IsLetter(r) {
			break
		}
		k -= size
	}
	return s[k:]
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// lastWords returns the end of s for an error message.
func lastWords(s string) string {
	const max = 30
	if len(s) <= max {
		return s
	}
	cut := len(s) - max
	for cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut++
	}
	return s[cut:]
}
