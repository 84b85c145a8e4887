package resolution

import (
	"regexp"
	"strings"
)

// Addressee is a party an operative paragraph addresses.
type Addressee string

const (
	AddresseeMemberStates     Addressee = "member_states"
	AddresseeOffice           Addressee = "office" // the United Nations Office on Drugs and Crime
	AddresseeSecretaryGeneral Addressee = "secretary_general"
)

// addresseeOrder is the order Addressees are reported in.
var addresseeOrder = []Addressee{AddresseeMemberStates, AddresseeOffice, AddresseeSecretaryGeneral}

// officeName is how resolutions name the Office in full.
const officeName = "United Nations Office on Drugs and Crime"

// addresseeObjects are the objects that identify an addressee when they
// directly follow an operative verb.
var addresseeObjects = []struct {
	text string
	who  Addressee
}{
	{"Member States", AddresseeMemberStates},
	{"all Member States", AddresseeMemberStates},
	{"the " + officeName, AddresseeOffice},
	{"the Secretary-General", AddresseeSecretaryGeneral},
}

// operativeVerbRe finds an operative verb where it governs the paragraph:
// at its start or after "and" ("..., and requests the ..."), optionally
// with "Also"/"Further". Anchoring on "and" keeps verbs inside subordinate
// clauses ("to support those Member States") from counting.
var operativeVerbRe = regexp.MustCompile(`(?i)(?:^|\band\s+)(?:(?:also|further)\s+)?` +
	`(?:urges|calls\s+upon|calls\s+on|requests|encourages|invites|welcomes|stresses|recommends|commends|` +
	`appeals\s+to|reminds|authorizes|expresses\s+(?:its\s+)?(?:deep\s+)?(?:appreciation|gratitude)\s+to)` +
	`(?:\s+(?:also|further))?\s+`)

// objectSepRe joins objects of the same verb: "Member States and the ...".
var objectSepRe = regexp.MustCompile(`^(?:,\s*(?:and\s+)?|\s+and\s+)`)

// addresseesOf returns the parties the operative verbs of body address. When
// no verb has a recognised object, a paragraph naming the Office is taken
// to be about it (e.g. "Welcomes the joint initiatives developed by ...").
func addresseesOf(body string) []Addressee {
	found := map[Addressee]bool{}
	for _, loc := range operativeVerbRe.FindAllStringIndex(body, -1) {
		rest := body[loc[1]:]
		for {
			who, n := leadingObject(rest)
			if n == 0 {
				break
			}
			found[who] = true
			rest = rest[n:]
			sep := objectSepRe.FindString(rest)
			if sep == "" {
				break
			}
			rest = rest[len(sep):]
		}
	}
	if len(found) == 0 && strings.Contains(body, officeName) {
		found[AddresseeOffice] = true
	}
	var out []Addressee
	for _, a := range addresseeOrder {
		if found[a] {
			out = append(out, a)
		}
	}
	return out
}

// leadingObject matches an addressee object at the start of s, returning it
// and its length (0 if none). The object must end at a word boundary.
func leadingObject(s string) (Addressee, int) {
	for _, o := range addresseeObjects {
		if strings.HasPrefix(s, o.text) {
			n := len(o.text)
			if n == len(s) || !isWordByte(s[n]) {
				return o.who, n
			}
		}
	}
	return "", 0
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// Theme is the subject of an operative paragraph, as CTAP groups them.
type Theme string

const (
	ThemeRatification             Theme = "ratification"
	ThemeInternationalCooperation Theme = "international_cooperation"
	ThemeCriminalJustice          Theme = "criminal_justice"
	ThemePreventionHumanRights    Theme = "prevention_human_rights"
	ThemeCapacityBuilding         Theme = "capacity_building"
	ThemeLegalKnowledge           Theme = "legal_knowledge"
	ThemeForeignTerroristFighters Theme = "foreign_terrorist_fighters"
	ThemeInformationSharing       Theme = "information_sharing"
	ThemeKidnappingHostageTaking  Theme = "kidnapping_hostage_taking"
	ThemeInternet                 Theme = "internet"
	ThemeCulturalHeritage         Theme = "cultural_heritage"
	ThemeCoordination             Theme = "coordination"
	ThemeProgrammes               Theme = "programmes"
	ThemeJointInitiatives         Theme = "joint_initiatives"
	ThemeVoluntaryContributions   Theme = "voluntary_contributions"
	ThemeResources                Theme = "resources"
	ThemeReporting                Theme = "reporting"
)

// Themes returns all themes in their canonical order.
func Themes() []Theme {
	return []Theme{
		ThemeRatification, ThemeInternationalCooperation, ThemeCriminalJustice,
		ThemePreventionHumanRights, ThemeCapacityBuilding, ThemeLegalKnowledge,
		ThemeForeignTerroristFighters, ThemeInformationSharing, ThemeKidnappingHostageTaking,
		ThemeInternet, ThemeCulturalHeritage, ThemeCoordination, ThemeProgrammes,
		ThemeJointInitiatives, ThemeVoluntaryContributions, ThemeResources, ThemeReporting,
	}
}

// themeRules are tried in order and the first match wins. The order matters:
// paragraphs touch several subjects ("criminal justice", "human rights"
// recur everywhere), so the most specific phrases come first.
var themeRules = []struct {
	theme Theme
	all   []string // every phrase must occur (lower case)
	any   []string // or at least one of these
}{
	{theme: ThemeReporting, all: []string{"submit to the general assembly", "report"}},
	{theme: ThemeResources, any: []string{"sufficient resources"}},
	{theme: ThemeVoluntaryContributions, any: []string{"voluntary financial contributions", "in-kind"}},
	{theme: ThemeJointInitiatives, any: []string{"joint initiatives"}},
	{theme: ThemeProgrammes, any: []string{"regional and thematic programmes"}},
	{theme: ThemeCulturalHeritage, any: []string{"cultural heritage"}},
	{theme: ThemeInternet, any: []string{"use of the internet"}},
	{theme: ThemeKidnappingHostageTaking, any: []string{"kidnapping and hostage-taking"}},
	{theme: ThemeInformationSharing, any: []string{"sharing of information", "exchange of information"}},
	{theme: ThemeInternationalCooperation, any: []string{"international coordination and cooperation", "mutual legal assistance"}},
	{theme: ThemeRatification, any: []string{"ratification"}},
	{theme: ThemeCoordination, any: []string{"cooperation with international organizations"}},
	{theme: ThemeForeignTerroristFighters, any: []string{"foreign terrorist fighters"}},
	{theme: ThemeCriminalJustice, any: []string{"criminal justice systems"}},
	{theme: ThemePreventionHumanRights, any: []string{"human rights"}},
	{theme: ThemeCapacityBuilding, any: []string{"building the capacity", "capacity-building"}},
	{theme: ThemeLegalKnowledge, any: []string{"specialized legal knowledge"}},
}

// themeOf returns the theme of the first rule body matches, or "".
func themeOf(body string) Theme {
	lower := strings.ToLower(body)
	for _, r := range themeRules {
		ok := len(r.all) > 0 || len(r.any) > 0
		for _, p := range r.all {
			ok = ok && strings.Contains(lower, p)
		}
		if len(r.any) > 0 {
			hit := false
			for _, p := range r.any {
				hit = hit || strings.Contains(lower, p)
			}
			ok = ok && hit
		}
		if ok {
			return r.theme
		}
	}
	return ""
}
