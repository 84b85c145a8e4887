package models

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The demo's workspace data: needs with their history, progress reports
// with their versions in the closed 2016 period and the period open today,
// and treaty actions for every Member State. Everything is synthetic and
// labelled so: every need's title and every report's narrative ends with
// demoSuffix, every person named in a history is a "(demo)" person. The
// data is deterministic (what varies comes from fixed tables and from a
// hash of the State's and instrument's codes, never from a random source);
// its dates are placed relative to the day the seed runs, so open needs
// stay in the future and closed ones in the past.

// demoSuffix ends every demo title and narrative.
const demoSuffix = " (demo)"

// demoSecretariat is the name the Secretariat's steps are recorded under:
// the demo Secretariat account's.
const demoSecretariat = "Sam Secretariat (demo)"

// WorkspaceSeedCounts counts what a seed of the workspace tables added.
// NeedStates, Periods and TreatyStates count the States and periods that
// received rows.
type WorkspaceSeedCounts struct {
	Needs, NeedEvents, NeedStates               int64
	Reports, Versions, Periods                  int64
	TreatyActions, Incorporations, TreatyStates int64
}

// Empty reports whether nothing was added.
func (c WorkspaceSeedCounts) Empty() bool { return c == WorkspaceSeedCounts{} }

func (c WorkspaceSeedCounts) String() string {
	return fmt.Sprintf("%d needs of %d States (%d history steps), %d progress reports in %d periods (%d versions), %d treaty actions for %d States and %d incorporation levels",
		c.Needs, c.NeedStates, c.NeedEvents, c.Reports, c.Periods, c.Versions, c.TreatyActions, c.TreatyStates, c.Incorporations)
}

// seedDemoWorkspace loads the demo's needs, progress reports and treaty
// actions in one transaction, after making sure a period is open today.
// Each part adds only what is missing, so running it again adds nothing:
// the needs when no demo need exists yet, a report when its State has none
// on that paragraph in that period, a State's actions on an instrument when
// it has none recorded.
func seedDemoWorkspace(ctx context.Context, db *gorm.DB) (WorkspaceSeedCounts, error) {
	var c WorkspaceSeedCounts
	open, err := EnsureDemoPeriod(ctx, db)
	if err != nil {
		return c, fmt.Errorf("open period: %w", err)
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		states, err := ListMemberStates(ctx, tx)
		if err != nil {
			return err
		}
		byISO3 := make(map[string]MemberState, len(states))
		for _, s := range states {
			byISO3[s.ISO3] = s
		}
		now := time.Now().UTC()
		if err := seedDemoNeeds(tx, byISO3, now, &c); err != nil {
			return fmt.Errorf("needs: %w", err)
		}
		closed, err := previousPeriod(tx, open)
		if err != nil {
			return err
		}
		if err := seedDemoProgress(tx, byISO3, open, closed, now, &c); err != nil {
			return fmt.Errorf("progress: %w", err)
		}
		if err := seedTreatyPlan(ctx, tx, states, Today(), &c); err != nil {
			return fmt.Errorf("treaty actions: %w", err)
		}
		return nil
	})
	if err != nil {
		return WorkspaceSeedCounts{}, fmt.Errorf("seed demo workspace: %w", err)
	}
	return c, nil
}

// previousPeriod is the latest period that opened before p (nil when p is
// the first): the period a carry-forward into p copies from.
func previousPeriod(tx *gorm.DB, p ReportingPeriod) (*ReportingPeriod, error) {
	var prev ReportingPeriod
	err := tx.Where("opens_on < ?", p.OpensOn).Order("opens_on DESC, id DESC").Take(&prev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("period before %d: %w", p.ID, err)
	}
	return &prev, nil
}

// demoStates are the States with demo needs and reports: the demo focal
// points' three first, then States from every region that commonly ask
// for counter-terrorism technical assistance.
func demoStates() []string {
	return []string{"KEN", "FRA", "IDN",
		"NGA", "MLI", "NER", "BFA", "TCD", "SOM", "UGA", "TZA", "ETH",
		"TUN", "MAR", "EGY", "JOR", "IRQ", "PAK", "BGD", "PHL", "MYS", "LKA",
		"COL", "PER", "MEX", "UKR", "BIH", "ALB"}
}

// demoFocalName is who the State's steps are recorded under: the demo focal
// point's account for the three States that have one, a labelled stand-in
// for the others.
func demoFocalName(s MemberState) string {
	for _, a := range DemoAccounts() {
		if a.Role == RoleFocalPoint && a.Scope == s.ISO3 {
			return a.Name
		}
	}
	return "Focal point, " + s.Name + demoSuffix
}

// Needs ------------------------------------------------------------------

// demoNeedTemplate is a request the demo States make, in their words.
type demoNeedTemplate struct {
	Title, Description, Beneficiaries string
	Paragraphs                        []int32 // the first decides the theme
	Modality                          string
	CostUSD                           string // "" for a request without an estimate
	Months                            int    // planned duration
}

func demoNeedTemplates() []demoNeedTemplate {
	return []demoNeedTemplate{
		{"Legislative review to incorporate the 2005 nuclear terrorism and maritime instruments",
			"Review of the penal code and the counter-terrorism act against the International Convention for the Suppression of Acts of Nuclear Terrorism and the 2005 SUA Protocols, with draft amendments for {state}'s parliamentary drafting office.",
			"Ministry of Justice; Office of the Attorney General", []int32{1, 5}, "legislative_drafting", "65000", 8},
		{"Training of prosecutors and judges on terrorist-financing cases",
			"Three national workshops on investigating and adjudicating terrorist-financing offences, including financial evidence, asset freezing and cooperation with the financial intelligence unit of {state}.",
			"Office of the Director of Public Prosecutions; Judicial Training Institute", []int32{3, 2}, "training", "120000", 10},
		{"Strengthening the central authority for mutual legal assistance and extradition",
			"Mentoring of the central authority of {state} on drafting, transmitting and executing requests for mutual legal assistance and extradition in terrorism cases, with model request templates.",
			"Central Authority, Ministry of Justice", []int32{2}, "mentoring", "85000", 12},
		{"Human-rights-compliant investigation of terrorism offences",
			"Training of investigators on interviewing techniques, detention safeguards and the rights of suspects in terrorism investigations, delivered with the national human rights institution of {state}.",
			"National Police Service; National Human Rights Commission", []int32{4, 3}, "training", "90000.50", 6},
		{"Mentoring a specialised counter-terrorism prosecution unit",
			"A resident adviser for twelve months to support the new specialised prosecution unit of {state} in case strategy, charging decisions and disclosure.",
			"Specialised Counter-Terrorism Prosecution Unit", []int32{5, 3}, "mentoring", "240000", 12},
		{"Case-management and evidence-handling equipment for the counter-terrorism unit",
			"Secure case-management software, evidence lockers and digital forensic workstations for the counter-terrorism investigation unit of {state}, with training of its users.",
			"Anti-Terrorism Police Unit", []int32{3, 13}, "equipment", "175000", 9},
		{"Prosecution, rehabilitation and reintegration of returning foreign terrorist fighters",
			"Expert advice on screening, prosecution and reintegration strategies for returning foreign terrorist fighters and their families, in line with Security Council resolution 2396 (2017), adapted to {state}.",
			"National Counter-Terrorism Centre; Prisons Service; Ministry of Social Affairs", []int32{7}, "expert_advice", "95000", 10},
		{"Advance passenger information and border watch-list connectivity",
			"Connection of the main international airports of {state} to advance passenger information and international watch lists, with standard operating procedures for border officers.",
			"Immigration Department; Civil Aviation Authority", []int32{8}, "equipment", "310000", 14},
		{"Secure information exchange with regional financial intelligence units",
			"Advice and a pilot for the secure, timely exchange of financial intelligence on terrorism financing between {state} and its neighbours' financial intelligence units.",
			"Financial Reporting Centre", []int32{8, 2}, "expert_advice", "70000", 6},
		{"Responding to kidnapping for ransom by terrorist groups",
			"Joint training of police, prosecutors and crisis negotiators of {state} on investigating kidnappings for ransom and on the prohibition of ransom payments to terrorists.",
			"National Police Service; Office of the Director of Public Prosecutions", []int32{9}, "training", "80000", 5},
		{"Investigating terrorist use of the Internet and electronic evidence",
			"Training of investigators and prosecutors of {state} on open-source investigation, preservation requests to service providers abroad and the admissibility of electronic evidence.",
			"Cybercrime Unit; Office of the Director of Public Prosecutions", []int32{10}, "training", "110000", 8},
		{"Protecting cultural property from trafficking that finances terrorism",
			"A study visit for customs, police and heritage officials of {state} to learn how partners trace and seize cultural property trafficked to finance terrorist groups.",
			"Customs Authority; Department of Antiquities", []int32{11}, "study_visit", "45000", 3},
		{"Legal and institutional advice for a national counter-terrorism coordination mechanism",
			"Advice on the mandate, membership and legal basis of a national coordination committee bringing together the agencies of {state} that counter terrorism.",
			"Office of the National Security Adviser", []int32{12}, "expert_advice", "55000", 6},
		{"Joining the regional programme on criminal justice responses to terrorism",
			"Integration of {state} into the Office's regional programme, with a national workplan, focal points in each agency and a steering committee.",
			"Ministry of Foreign Affairs; Ministry of Justice", []int32{13}, "other", "", 12},
		{"Joint follow-up visit on the implementation of counter-terrorism resolutions",
			"A joint follow-up visit with the Counter-Terrorism Committee Executive Directorate to review the recommendations made to {state} and plan the assistance that answers them.",
			"Ministry of Foreign Affairs", []int32{14}, "expert_advice", "40000", 2},
		{"Study visit on support to victims of terrorism in criminal proceedings",
			"A study visit for prosecutors and victim-support officers of {state} on the role of victims of terrorism in criminal proceedings, compensation and protection.",
			"Office of the Director of Public Prosecutions; Victim Support Service", []int32{4}, "study_visit", "38000", 2},
		{"Drafting implementing regulations for the Terrorist Financing Convention",
			"Drafting of regulations on the freezing of terrorist assets and on the supervision of non-profit organizations at risk of abuse, so that {state}'s law meets the Convention.",
			"Ministry of Finance; Financial Reporting Centre", []int32{1, 2}, "legislative_drafting", "60000", 6},
		{"Maritime law-enforcement training on unlawful acts at sea",
			"Training for the coast guard and maritime prosecutors of {state} on the offences of the SUA Convention and its protocols, boarding procedures and evidence at sea.",
			"Coast Guard; Maritime Prosecution Office", []int32{5, 1}, "training", "135000", 7},
		{"Preventing radicalisation to violence in prisons",
			"Mentoring of prison managers of {state} on risk assessment, the management of violent extremist prisoners and disengagement programmes respecting human rights.",
			"Prisons Service", []int32{4, 7}, "mentoring", "150000", 12},
		{"Counter-terrorism module for the national judicial academy",
			"Adaptation of the Office's counter-terrorism legal training curriculum to the law of {state} and training of the academy's trainers.",
			"National Judicial Academy", []int32{6}, "training", "50000", 6},
		{"Case statistics on terrorism offences for national and United Nations reporting",
			"Advice on collecting and publishing statistics on terrorism cases investigated, prosecuted and adjudicated in {state}, to inform its reports to the Secretary-General.",
			"National Bureau of Statistics; Office of the Director of Public Prosecutions", []int32{17, 12}, "expert_advice", "30000", 4},
		{"Aviation security legislation for the Beijing instruments",
			"Drafting of the amendments that {state}'s civil aviation and penal laws need to ratify the 2010 Beijing Convention and Protocol.",
			"Civil Aviation Authority; Ministry of Justice", []int32{1}, "legislative_drafting", "42000.75", 5},
	}
}

// demoNeedSpec is one demo need: which State asks, what, and how far it
// has gone.
type demoNeedSpec struct {
	ISO3       string
	Status     NeedStatus
	Variant    int // which path reaches Status (demoNeedPath)
	Visibility NeedVisibility
	Priority   string
	Edited     bool // edited while a draft
}

// demoNeedSpecs lists the demo needs. Kenya's cover every status, with two
// drafts (one reopened after a withdrawal) and one under review so that its
// focal point's workspace has something to act on; France and Indonesia
// have a few; the other States three each, cycling through the statuses,
// visibilities and priorities.
func demoNeedSpecs() []demoNeedSpec {
	specs := []demoNeedSpec{
		{"KEN", NeedDraft, 0, VisibilityState, "high", true},
		{"KEN", NeedDraft, 1, VisibilityDonors, "medium", false},
		{"KEN", NeedSubmitted, 0, VisibilityPublic, "high", false},
		{"KEN", NeedUnderReview, 0, VisibilityState, "medium", true},
		{"KEN", NeedAccepted, 0, VisibilityDonors, "high", false},
		{"KEN", NeedInDelivery, 0, VisibilityPublic, "medium", false},
		{"KEN", NeedMet, 0, VisibilityPublic, "low", false},
		{"KEN", NeedDeclined, 0, VisibilityState, "low", false},
		{"FRA", NeedSubmitted, 0, VisibilityDonors, "medium", false},
		{"FRA", NeedAccepted, 0, VisibilityState, "low", true},
		{"FRA", NeedMet, 0, VisibilityPublic, "medium", false},
		{"FRA", NeedWithdrawn, 0, VisibilityState, "low", false},
		{"IDN", NeedDraft, 0, VisibilityState, "high", false},
		{"IDN", NeedUnderReview, 0, VisibilityDonors, "high", false},
		{"IDN", NeedInDelivery, 0, VisibilityPublic, "medium", true},
		{"IDN", NeedMet, 0, VisibilityDonors, "medium", false},
		{"IDN", NeedWithdrawn, 2, VisibilityPublic, "low", false},
	}
	cycle := []NeedStatus{NeedSubmitted, NeedUnderReview, NeedAccepted, NeedInDelivery, NeedMet, NeedDeclined, NeedWithdrawn, NeedDraft}
	for i, iso3 := range demoStates()[3:] {
		for k := 0; k < 3; k++ {
			specs = append(specs, demoNeedSpec{
				ISO3:       iso3,
				Status:     cycle[(i*3+k)%len(cycle)],
				Variant:    i + k,
				Visibility: NeedVisibilities()[(i+k)%3],
				Priority:   NeedPriorities[(i*2+k)%3],
				Edited:     (i+k)%4 == 0,
			})
		}
	}
	return specs
}

// demoNeedPath is the sequence of statuses by which a need reaches status,
// from its creation as a draft. Variants give draft and withdrawn needs
// different histories.
func demoNeedPath(status NeedStatus, variant int) []NeedStatus {
	review := []NeedStatus{NeedDraft, NeedSubmitted, NeedUnderReview}
	switch status {
	case NeedDraft:
		if variant%2 == 1 {
			return []NeedStatus{NeedDraft, NeedWithdrawn, NeedDraft} // withdrawn, then reopened
		}
		return []NeedStatus{NeedDraft}
	case NeedSubmitted:
		return review[:2]
	case NeedUnderReview:
		return review
	case NeedAccepted:
		return append(review, NeedAccepted)
	case NeedInDelivery:
		return append(review, NeedAccepted, NeedInDelivery)
	case NeedMet:
		return append(review, NeedAccepted, NeedInDelivery, NeedMet)
	case NeedDeclined:
		return append(review, NeedDeclined)
	case NeedWithdrawn:
		switch variant % 3 {
		case 1:
			return append(review, NeedWithdrawn)
		case 2:
			return append(review, NeedAccepted, NeedWithdrawn)
		}
		return []NeedStatus{NeedDraft, NeedSubmitted, NeedWithdrawn}
	}
	return nil
}

// needTransition finds the workflow's step from → to, so that the seed
// only writes histories the portal itself could have made.
func needTransition(from, to NeedStatus) (Transition[NeedStatus], bool) {
	for _, t := range NeedWorkflow {
		if t.From == from && t.To == to {
			return t, true
		}
	}
	return Transition[NeedStatus]{}, false
}

// checkedNeedPath is demoNeedPath with each step's actor, refused when a
// step is not in the workflow table.
func checkedNeedPath(status NeedStatus, variant int) ([]NeedStatus, []Actor, error) {
	path := demoNeedPath(status, variant)
	if len(path) == 0 || path[0] != NeedDraft || path[len(path)-1] != status {
		return nil, nil, fmt.Errorf("no path to need status %q", status)
	}
	actors := []Actor{ActorState} // the State creates its draft
	for i := 1; i < len(path); i++ {
		t, ok := needTransition(path[i-1], path[i])
		if !ok {
			return nil, nil, fmt.Errorf("the need workflow has no step %s → %s", path[i-1], path[i])
		}
		actors = append(actors, t.Who)
	}
	return path, actors, nil
}

// demoNeedNote is what the person making a step wrote.
func demoNeedNote(from, to NeedStatus) string {
	switch to {
	case NeedSubmitted:
		return "Submitted after consultation of the ministries concerned."
	case NeedUnderReview:
		return "Review started: checking the fit with the regional programme and the partners already active."
	case NeedAccepted:
		return "Accepted: fits the Office's programme for the next biennium; funding is being sought from donors."
	case NeedInDelivery:
		return "Delivery started with the first expert mission."
	case NeedMet:
		return "Met: the activities were delivered and the final report shared with the focal point."
	case NeedDeclined:
		return "Declined: this duplicates assistance already delivered under the regional programme; the Office invites the State to join its next session instead."
	case NeedDraft:
		return "Reopened as a draft to update the scope and the costs."
	case NeedWithdrawn:
		switch from {
		case NeedDraft:
			return "Withdrawn: superseded by a broader request."
		case NeedSubmitted:
			return "Withdrawn: the ministry will fund the activity from the national budget."
		case NeedUnderReview:
			return "Withdrawn: national priorities changed with the new counter-terrorism strategy."
		}
		return "Withdrawn: a bilateral partner now covers this activity."
	}
	return ""
}

// demoLocalCurrency is the currency some of a State's requests are costed
// in, with a rounded rate per US dollar; the others are costed in USD.
func demoLocalCurrency(iso3 string) (string, int64, bool) {
	switch iso3 {
	case "KEN":
		return "KES", 130, true
	case "IDN":
		return "IDR", 15500, true
	case "NGA":
		return "NGN", 1500, true
	case "MLI", "NER", "BFA":
		return "XOF", 600, true
	case "PHL":
		return "PHP", 56, true
	case "PAK":
		return "PKR", 280, true
	case "COL":
		return "COP", 4000, true
	case "MEX":
		return "MXN", 17, true
	case "UKR":
		return "UAH", 40, true
	}
	return "", 0, false
}

// seedDemoNeeds adds the demo needs with their histories, unless demo
// needs exist already.
func seedDemoNeeds(tx *gorm.DB, states map[string]MemberState, now time.Time, c *WorkspaceSeedCounts) error {
	var exists bool
	if err := tx.Raw("SELECT EXISTS (SELECT 1 FROM needs WHERE title LIKE ?)", "%"+demoSuffix).Scan(&exists).Error; err != nil {
		return err
	}
	if exists {
		return nil
	}
	templates := demoNeedTemplates()
	themes := NeedThemes()
	today := civilDay(now)
	seen := map[string]int{} // needs per State so far, to vary the requests
	var needs []Need
	var histories [][]NeedEvent
	for j, sp := range demoNeedSpecs() {
		s, ok := states[sp.ISO3]
		if !ok {
			return fmt.Errorf("no Member State %s", sp.ISO3)
		}
		path, actors, err := checkedNeedPath(sp.Status, sp.Variant)
		if err != nil {
			return err
		}
		si := indexOf(demoStates(), sp.ISO3)
		k := seen[sp.ISO3]
		seen[sp.ISO3]++
		// 7 is prime to the number of templates: a State's requests differ.
		t := templates[(si*3+k*7)%len(templates)]

		// The history: created, perhaps an edit of the draft, then each
		// transition, spaced by some days and ending in the past.
		events := []NeedEvent{{Kind: "created", ToStatus: strPtr(string(NeedDraft)), ActorName: demoFocalName(s), Changed: pq.StringArray{}}}
		costed := t.CostUSD != "" && j%6 != 5
		if sp.Edited {
			changed := pq.StringArray{"description", "target_start", "target_end"}
			if costed {
				changed = pq.StringArray{"description", "estimated_cost"}
			}
			events = append(events, NeedEvent{Kind: "edited", ActorName: demoFocalName(s), Changed: changed})
		}
		for i := 1; i < len(path); i++ {
			name := demoFocalName(s)
			if actors[i] == ActorSecretariat {
				name = demoSecretariat
			}
			events = append(events, NeedEvent{Kind: "transition", FromStatus: strPtr(string(path[i-1])), ToStatus: strPtr(string(path[i])),
				ActorName: name, Note: demoNeedNote(path[i-1], path[i]), Changed: pq.StringArray{}})
		}
		gap := time.Duration(9+j%12) * 24 * time.Hour
		created := now.Add(-time.Duration(len(events))*gap - time.Duration(5+(j*11)%90)*24*time.Hour).Truncate(time.Minute)
		for i := range events {
			events[i].At = created.Add(time.Duration(i)*gap + time.Duration(i*3)*time.Hour)
		}
		last := events[len(events)-1].At
		lastStatus := created
		for _, e := range events {
			if e.ToStatus != nil {
				lastStatus = e.At
			}
		}

		n := Need{
			MemberStateID: s.ID, Title: t.Title + demoSuffix,
			Description:             strings.ReplaceAll(t.Description, "{state}", s.Name) + " Synthetic demo request.",
			Paragraphs:              sortedParagraphs(t.Paragraphs),
			Theme:                   themes[t.Paragraphs[0]-1],
			Priority:                sp.Priority,
			BeneficiaryInstitutions: t.Beneficiaries,
			Modality:                t.Modality,
			Visibility:              sp.Visibility,
			Status:                  sp.Status,
			StatusChangedAt:         lastStatus,
			Version:                 len(events), // every step after the creation made a version
			CreatedAt:               created,
			UpdatedAt:               last,
		}
		if costed {
			cost, err := decimal.NewFromString(t.CostUSD)
			if err != nil {
				return fmt.Errorf("cost of %q: %w", t.Title, err)
			}
			code := "USD"
			if local, rate, ok := demoLocalCurrency(sp.ISO3); ok && k%2 == 1 {
				code, cost = local, cost.Mul(decimal.NewFromInt(rate)).Round(0)
			} else if sp.ISO3 == "FRA" {
				code = "EUR"
			}
			n.EstimatedCost = decimal.NullDecimal{Decimal: cost, Valid: true}
			n.CostCurrency = strPtr(code)
		}
		months := time.Duration(t.Months) * 30 * 24 * time.Hour
		switch sp.Status {
		case NeedInDelivery:
			start := today.AddDate(0, 0, -(30 + (j*17)%150))
			end := today.AddDate(0, 0, 60+(j*23)%240)
			n.TargetStart, n.TargetEnd = &start, &end
		case NeedMet:
			end := civilDay(last).AddDate(0, 0, -10)
			start := civilDay(end.Add(-months))
			n.TargetStart, n.TargetEnd = &start, &end
		default:
			if j%7 != 6 {
				start := today.AddDate(0, 0, 45+(j*29)%300)
				end := civilDay(start.Add(months))
				n.TargetStart, n.TargetEnd = &start, &end
			}
		}
		needs = append(needs, n)
		histories = append(histories, events)
	}
	if err := tx.Create(&needs).Error; err != nil {
		return err
	}
	var events []NeedEvent
	for i, h := range histories {
		for _, e := range h {
			e.NeedID = needs[i].ID
			events = append(events, e)
		}
	}
	if err := tx.CreateInBatches(events, 500).Error; err != nil {
		return fmt.Errorf("history: %w", err)
	}
	c.Needs += int64(len(needs))
	c.NeedEvents += int64(len(events))
	c.NeedStates += int64(len(seen))
	return nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func sortedParagraphs(p []int32) pq.Int32Array {
	out := append(pq.Int32Array{}, p...)
	sortInt32(out)
	return out
}

// Progress ---------------------------------------------------------------

// demoProgressText is what a State writes about one operative paragraph:
// {state} and {year} are filled in.
type demoProgressText struct {
	Narrative, Measures, Revision string
	EvidenceLabel, EvidenceSlug   string
}

// demoProgressTexts are indexed by paragraph number - 1.
func demoProgressTexts() []demoProgressText {
	return []demoProgressText{
		{"{state} reviewed its position on the nineteen universal instruments against terrorism. The Cabinet approved in {year} the accession to the instruments it is not yet party to, and the implementing bill is before Parliament.",
			"Inter-ministerial review of the instruments; accession bill tabled; legislative incorporation plan adopted.",
			"The dates of deposit of the instruments of accession are now given for each instrument.",
			"Accession bill and explanatory memorandum", "accession-bill"},
		{"{state}'s central authority handled its requests for mutual legal assistance in terrorism cases within the agreed deadlines, and {state} concluded a regional agreement on extradition in {year}. Officials executing requests were trained.",
			"Central authority staffed and trained; regional extradition agreement signed; request templates published.",
			"Figures on the requests sent, received and executed in terrorism cases are added.",
			"Regional extradition agreement", "extradition-agreement"},
		{"Terrorism cases in {state} are handled by a specialised prosecution unit and a designated court division with case-management standards; trial delays fell in {year}.",
			"Specialised prosecution unit created; case-management standards adopted; judges designated.",
			"The number of cases tried and their average duration are added.",
			"Directive establishing the specialised unit", "prosecution-unit-directive"},
		{"{state} trained its investigators on human-rights-compliant investigation of terrorism offences, and an independent body now oversees detention in terrorism cases.",
			"Training on interviewing and detention safeguards; oversight of detention by the human rights commission.",
			"The oversight body's findings for the period are summarised.",
			"Detention oversight regulations", "detention-oversight"},
		{"Investigators, prosecutors and judges of {state} took part in workshops on the universal instruments, delivered with the United Nations Office on Drugs and Crime.",
			"Six national workshops; trainers trained; training materials translated.",
			"Participants are now counted by institution and by sex.",
			"Training report", "training-report"},
		{"The national judicial academy of {state} included modules of the counter-terrorism legal training curriculum in its regular programme from {year}.",
			"Curriculum modules adapted to national law; trainers certified.",
			"The modules adopted and the number of trainees are listed.",
			"Judicial academy programme", "judicial-academy-programme"},
		{"{state} adopted procedures for screening, prosecuting, rehabilitating and reintegrating returning foreign terrorist fighters and their families.",
			"Screening procedure at border posts; reintegration programme piloted in two regions.",
			"The numbers of returnees screened and prosecuted are added where the law allows.",
			"Returnee screening procedure", "returnee-procedure"},
		{"{state} connected its main airports to advance passenger information and to international watch lists, and shares information on foreign terrorist fighters through the regional police cooperation platform.",
			"Advance passenger information operational; watch-list access extended to border posts.",
			"The border posts connected are listed.",
			"Border management regulations", "border-regulations"},
		{"{state} adopted a protocol for responding to kidnappings for ransom committed by terrorist groups, which forbids ransom payments to terrorists and sets out cooperation with other States.",
			"Response protocol adopted; negotiators and investigators trained jointly.",
			"The coordination arrangements with neighbouring States are described.",
			"Kidnapping response protocol", "kidnapping-protocol"},
		{"A cybercrime unit of {state} investigates terrorist use of the Internet and sends preservation requests to service providers abroad under an agreed procedure.",
			"Cybercrime unit staffed; electronic evidence guidelines issued to prosecutors.",
			"The number of preservation and disclosure requests sent is added.",
			"Electronic evidence guidelines", "electronic-evidence-guidelines"},
		{"Customs, police and the antiquities authority of {state} cooperate to trace cultural property trafficked to finance terrorism; an inventory of protected sites was completed in {year}.",
			"Joint customs–heritage task force; inventory of protected sites.",
			"The seizures made in the period are listed.",
			"Cultural property inventory", "cultural-property-inventory"},
		{"A national counter-terrorism coordination committee of {state}, chaired by the national security adviser, meets every quarter and coordinates the assistance received.",
			"Coordination committee established by decree; quarterly meetings held.",
			"The committee's membership and its meetings in the period are listed.",
			"Decree establishing the coordination committee", "coordination-decree"},
		{"{state} takes part in the regional programme on criminal justice responses to terrorism and agreed a national workplan under it in {year}.",
			"National workplan agreed; agency focal points designated.",
			"The activities of the workplan delivered in the period are listed.",
			"National workplan", "national-workplan"},
		{"{state} hosted a joint follow-up visit of the Counter-Terrorism Committee Executive Directorate and the Office and is implementing its recommendations.",
			"Follow-up visit hosted; recommendations assigned to lead agencies.",
			"Progress on each recommendation is now reported.",
			"Follow-up visit recommendations (public summary)", "follow-up-summary"},
		{"{state} supported the Office's technical assistance against terrorism with a voluntary contribution and hosted two regional workshops in kind.",
			"Voluntary contribution paid; regional workshops hosted.",
			"The amount and the projects it funds are added.",
			"Contribution agreement", "contribution-agreement"},
		{"{state} supported, in the General Assembly, sufficient resources for the Office's activities against terrorism.",
			"Statements in the Fifth and Third Committees.",
			"The statements made are referenced.",
			"Statement to the Third Committee", "third-committee-statement"},
		{"{state} sent its information for the Secretary-General's report on the implementation of the resolution within the deadline.",
			"Contribution to the Secretary-General's report submitted.",
			"The date of transmission is added.",
			"Note verbale transmitting the contribution", "note-verbale"},
	}
}

// demoReturnComments are the Secretariat's reasons for returning a report.
func demoReturnComments() []string {
	return []string{
		"Please add the dates of entry into force and a reference to the legislation that implements these measures.",
		"The narrative describes plans only; please state which measures were adopted during the period.",
		"Please attach evidence, such as a link to the law or to the training report, for the measures listed.",
		"Figures are missing; please add them or explain why they are not available.",
	}
}

// demoImplementation is where a State stands on a paragraph it wrote
// about: somewhere between planned and fully implemented, the paragraph on
// the Secretariat's resources not applicable to half of them. (A draft
// still without a narrative is not started.)
func demoImplementation(i, p int) Implementation {
	if p == 16 && i%2 == 0 {
		return ImplNotApplicable
	}
	scale := []Implementation{ImplPlanned, ImplInProgress, ImplSubstantially, ImplFully, ImplInProgress, ImplSubstantially}
	return scale[(i+p*2)%len(scale)]
}

// progressPlan is the sequence of steps a demo report went through.
type progressPlan []string

// The steps of a plan: the State saves (or carries forward) and submits,
// the Secretariat validates or returns.
const (
	stepSave     = "save"
	stepCarry    = "carry"
	stepSubmit   = "submit"
	stepValidate = "validate"
	stepReturn   = "return"
)

func planDraft() progressPlan       { return progressPlan{stepSave} }
func planDraftEdited() progressPlan { return progressPlan{stepSave, stepSave} }
func planCarried() progressPlan     { return progressPlan{stepCarry} }
func planSubmitted() progressPlan   { return progressPlan{stepSave, stepSubmit} }
func planReturned() progressPlan    { return progressPlan{stepSave, stepSubmit, stepReturn} }
func planValidated() progressPlan   { return progressPlan{stepSave, stepSubmit, stepValidate} }
func planResubmitted() progressPlan {
	return progressPlan{stepSave, stepSubmit, stepReturn, stepSave, stepSubmit}
}
func planRevalidated() progressPlan {
	return progressPlan{stepSave, stepSubmit, stepReturn, stepSave, stepSubmit, stepValidate}
}

// demoReport is one planned report: its State, paragraph, plan and whether
// its draft narrative is still empty.
type demoReport struct {
	State     MemberState
	Index     int // the State's place in demoStates
	Paragraph int
	Plan      progressPlan
	Empty     bool
}

// kenyaOpenPlans is Kenya's progress in the open period, what its focal
// point's workspace shows: paragraph 2 not started (a browser journey
// reports on it), two reports returned with a comment, drafts to finish,
// some submitted and some validated.
func kenyaOpenPlans() map[int]progressPlan {
	return map[int]progressPlan{
		1: planValidated(), 3: planReturned(), 4: planDraft(), 5: planSubmitted(), 6: planDraftEdited(),
		7: planReturned(), 8: planCarried(), 12: planValidated(), 13: planResubmitted(), 15: planDraft(), 17: planValidated(),
	}
}

// demoClosedPlan is a State's report in the closed period: mostly
// validated, some returned and never resubmitted, some submitted and never
// reviewed, a few left in draft. ok is false for a paragraph it did not
// report on.
func demoClosedPlan(i, p int) (progressPlan, bool) {
	if (i+p)%5 == 0 {
		return nil, false
	}
	switch (i*7 + p*3) % 10 {
	case 0:
		return planDraft(), true
	case 1:
		return planSubmitted(), true
	case 2:
		return planReturned(), true
	case 3:
		return planRevalidated(), true
	}
	return planValidated(), true
}

// demoOpenPlan is a State's report in the open period.
func demoOpenPlan(i, p int, reportedBefore bool) (progressPlan, bool, bool) {
	if (i+2*p)%4 == 0 {
		return nil, false, false
	}
	switch (i*5 + p*3) % 9 {
	case 0:
		return planDraft(), false, true
	case 1:
		return planDraft(), true, true // started, narrative still to write
	case 2:
		if reportedBefore {
			return planCarried(), false, true
		}
		return planDraftEdited(), false, true
	case 3:
		return planSubmitted(), false, true
	case 4:
		return planReturned(), false, true
	case 5:
		return planResubmitted(), false, true
	}
	return planValidated(), false, true
}

// seedDemoProgress adds the demo States' reports in the closed period
// before the open one (when there is one) and in the open period, each
// with the versions the portal would have kept. A report that exists
// already is left alone.
func seedDemoProgress(tx *gorm.DB, states map[string]MemberState, open ReportingPeriod, closed *ReportingPeriod, now time.Time, c *WorkspaceSeedCounts) error {
	var closedReports, openReports []demoReport
	reportedBefore := map[[2]int]bool{}
	for i, iso3 := range demoStates() {
		s, ok := states[iso3]
		if !ok {
			return fmt.Errorf("no Member State %s", iso3)
		}
		for p := 1; p <= len(demoProgressTexts()); p++ {
			if plan, ok := demoClosedPlan(i, p); ok && closed != nil {
				closedReports = append(closedReports, demoReport{State: s, Index: i, Paragraph: p, Plan: plan})
				reportedBefore[[2]int{s.ID, p}] = true
			}
		}
		for p := 1; p <= len(demoProgressTexts()); p++ {
			var r demoReport
			if iso3 == "KEN" {
				plan, ok := kenyaOpenPlans()[p]
				if !ok {
					continue
				}
				if plan[0] == stepCarry && !reportedBefore[[2]int{s.ID, p}] {
					plan = planDraft() // nothing to carry from
				}
				r = demoReport{State: s, Index: i, Paragraph: p, Plan: plan}
			} else {
				plan, empty, ok := demoOpenPlan(i, p, reportedBefore[[2]int{s.ID, p}])
				if !ok {
					continue
				}
				r = demoReport{State: s, Index: i, Paragraph: p, Plan: plan, Empty: empty}
			}
			openReports = append(openReports, r)
		}
	}
	var prior map[[2]int]ProgressReport
	if closed != nil {
		end := closed.ClosesOn.Add(17 * time.Hour)
		before := c.Reports
		var err error
		if prior, err = insertDemoReports(tx, *closed, closed.OpensOn.Add(8*time.Hour), end, nil, nil, closedReports, c); err != nil {
			return err
		}
		if c.Reports > before {
			c.Periods++
		}
	}
	start := open.OpensOn
	if !now.After(start) {
		start = now.Add(-time.Hour)
	}
	before := c.Reports
	if _, err := insertDemoReports(tx, open, start, now, closed, prior, openReports, c); err != nil {
		return err
	}
	if c.Reports > before {
		c.Periods++
	}
	return nil
}

// progressTransition finds the workflow's step from → to.
func progressTransition(from, to ProgressStatus) (Transition[ProgressStatus], bool) {
	for _, t := range ProgressWorkflow {
		if t.From == from && t.To == to {
			return t, true
		}
	}
	return Transition[ProgressStatus]{}, false
}

// insertDemoReports writes the planned reports of one period, their steps
// spread between start and end, and returns each planned report as it
// ends, by State and paragraph. A carried report copies, as CarryForward
// does, its State's report in the period from (as prior holds it).
func insertDemoReports(tx *gorm.DB, p ReportingPeriod, start, end time.Time, from *ReportingPeriod, prior map[[2]int]ProgressReport,
	plans []demoReport, c *WorkspaceSeedCounts) (map[[2]int]ProgressReport, error) {
	texts := demoProgressTexts()
	comments := demoReturnComments()
	year := strconv.Itoa(p.OpensOn.Year())
	span := end.Sub(start)
	final := make(map[[2]int]ProgressReport, len(plans))
	var versions []ProgressVersion
	for _, d := range plans {
		t := texts[d.Paragraph-1]
		fill := strings.NewReplacer("{state}", d.State.Name, "{year}", year)
		focal := demoFocalName(d.State)
		r := ProgressReport{
			MemberStateID: d.State.ID, PeriodID: p.ID, ParagraphNumber: d.Paragraph,
			Implementation: demoImplementation(d.Index, d.Paragraph),
			Narrative:      fill.Replace(t.Narrative) + demoSuffix,
			Measures:       t.Measures,
			Evidence:       EvidenceList{},
			Status:         ProgressDraft,
		}
		if d.Empty {
			r.Implementation, r.Narrative, r.Measures = ImplNotStarted, "", ""
		} else if (d.Index+d.Paragraph)%3 != 0 {
			r.Evidence = EvidenceList{{Label: t.EvidenceLabel,
				URL: "https://laws.example.org/" + strings.ToLower(d.State.ISO3) + "/" + t.EvidenceSlug + "-" + year}}
		}
		// Each step at its own moment: the reports start at different
		// times of the period and their steps follow in order.
		base := float64((d.Index*17+d.Paragraph*5)%50) / 100
		var snaps []ProgressVersion
		saves := 0
		for k, step := range d.Plan {
			at := start.Add(time.Duration(float64(span) * (base + (1-base)*float64(k+1)/float64(len(d.Plan)+1)))).Truncate(time.Second)
			v := ProgressVersion{Kind: "transition", SavedBy: focal, SavedAt: at}
			switch step {
			case stepSave, stepCarry:
				v.Kind = "saved"
				if step == stepCarry {
					before, ok := prior[[2]int{d.State.ID, d.Paragraph}]
					if from == nil || !ok {
						return nil, fmt.Errorf("report %s/%d carried from no report", d.State.ISO3, d.Paragraph)
					}
					v.Kind, v.Note = "carried", fmt.Sprintf("period %d", from.ID)
					r.Implementation, r.Narrative, r.Measures = before.Implementation, before.Narrative, before.Measures
					r.Evidence = append(EvidenceList{}, before.Evidence...)
				}
				if saves > 0 { // a later save revises the text
					if r.Status == ProgressReturned {
						r.Narrative = strings.TrimSuffix(r.Narrative, demoSuffix) + " " + t.Revision + demoSuffix
						r.Evidence = append(append(EvidenceList{}, r.Evidence...), Evidence{Label: t.EvidenceLabel + " (annex)",
							URL: "https://laws.example.org/" + strings.ToLower(d.State.ISO3) + "/" + t.EvidenceSlug + "-annex-" + year})
					} else {
						r.Measures += " Further measures are being prepared."
					}
				}
				saves++
			default:
				to := map[string]ProgressStatus{stepSubmit: ProgressSubmitted, stepValidate: ProgressValidated, stepReturn: ProgressReturned}[step]
				tr, ok := progressTransition(r.Status, to)
				if !ok {
					return nil, fmt.Errorf("the progress workflow has no step %s → %s", r.Status, to)
				}
				if to == ProgressSubmitted && r.Narrative == "" && r.Implementation != ImplNotApplicable {
					return nil, fmt.Errorf("report %s/%d submitted without a narrative", d.State.ISO3, d.Paragraph)
				}
				if tr.Who == ActorSecretariat {
					v.SavedBy = demoSecretariat
				}
				// As TransitionProgress does: a return records its comment,
				// a validation clears it, a resubmission keeps it.
				switch to {
				case ProgressReturned:
					r.ReturnComment = comments[(d.Index+d.Paragraph)%len(comments)]
					v.Note = r.ReturnComment
				case ProgressValidated:
					r.ReturnComment = ""
				}
				r.Status, r.StatusChangedAt = to, at
			}
			r.Version, r.UpdatedBy = k+1, v.SavedBy
			v.Version, v.Implementation, v.Narrative, v.Measures = r.Version, r.Implementation, r.Narrative, r.Measures
			v.Evidence, v.Status, v.ReturnComment = append(EvidenceList{}, r.Evidence...), r.Status, r.ReturnComment
			snaps = append(snaps, v)
			if k == 0 {
				r.CreatedAt, r.StatusChangedAt = at, at
			}
			r.UpdatedAt = at
		}
		final[[2]int{d.State.ID, d.Paragraph}] = r
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
		if res.Error != nil {
			return nil, fmt.Errorf("report %s/%d/%d: %w", d.State.ISO3, p.ID, d.Paragraph, res.Error)
		}
		if res.RowsAffected == 0 {
			continue // the State has reported on it already
		}
		for _, v := range snaps {
			v.ReportID = r.ID
			versions = append(versions, v)
		}
		c.Reports++
	}
	if len(versions) > 0 {
		if err := tx.CreateInBatches(versions, 500).Error; err != nil {
			return nil, fmt.Errorf("versions: %w", err)
		}
	}
	c.Versions += int64(len(versions))
	return final, nil
}

// Treaties ---------------------------------------------------------------

// treatyProfile is how widely an instrument is ratified, in thousandths of
// the States: parties, and signatories that have not (yet) ratified.
// Signable is false for an instrument never open for signature.
type treatyProfile struct {
	Party, SignatoryOnly int
	Signable             bool
}

// treatyProfiles approximate the real picture: the aviation, protected
// persons, hostages and financing conventions are nearly universal, the
// 2005–2014 instruments far less so.
func treatyProfiles() map[string]treatyProfile {
	return map[string]treatyProfile{
		"tokyo-1963":                    {960, 5, true},
		"hague-1970":                    {965, 5, true},
		"montreal-1971":                 {965, 5, true},
		"protected-persons-1973":        {925, 10, true},
		"hostages-1979":                 {910, 10, true},
		"cppnm-1980":                    {840, 15, true},
		"airports-protocol-1988":        {900, 15, true},
		"sua-1988":                      {860, 10, true},
		"fixed-platforms-1988":          {800, 10, true},
		"plastic-explosives-1991":       {800, 15, true},
		"terrorist-bombings-1997":       {880, 20, true},
		"terrorist-financing-1999":      {970, 10, true},
		"nuclear-terrorism-2005":        {620, 80, true},
		"cppnm-amendment-2005":          {660, 0, false},
		"sua-protocol-2005":             {270, 40, true},
		"fixed-platforms-protocol-2005": {240, 40, true},
		"beijing-convention-2010":       {280, 90, true},
		"beijing-protocol-2010":         {280, 90, true},
		"montreal-protocol-2014":        {220, 50, true},
	}
}

// treatySignatureWindow is how long an instrument stays open for signature
// after its adoption, about two years for most of them.
const treatySignatureWindow = 730

// stateSince returns, for a State that became independent (or a Member)
// after some instruments were adopted, the day it could first act, and
// whether it succeeded to the treaties of the State it came from.
func stateSince(iso3 string) (time.Time, bool, bool) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	switch iso3 {
	case "SVN", "HRV":
		return d(1991, time.June, 25), true, true
	case "MKD":
		return d(1991, time.September, 8), true, true
	case "BIH":
		return d(1992, time.March, 3), true, true
	case "CZE", "SVK":
		return d(1993, time.January, 1), true, true
	case "MNE":
		return d(2006, time.June, 3), true, true
	case "EST", "LVA", "LTU":
		return d(1991, time.September, 6), false, true
	case "ARM", "AZE", "GEO", "KAZ", "KGZ", "MDA", "TJK", "TKM", "UZB":
		return d(1991, time.December, 26), false, true
	case "NAM":
		return d(1990, time.March, 21), false, true
	case "ERI":
		return d(1993, time.May, 24), false, true
	case "PLW":
		return d(1994, time.October, 1), false, true
	case "TLS":
		return d(2002, time.May, 20), false, true
	case "SSD":
		return d(2011, time.July, 9), false, true
	}
	return time.Time{}, false, false
}

// treatyPlanRow is what the seed records of one State on one instrument.
type treatyPlanRow struct {
	StateID, InstrumentID int
	Signature             *time.Time
	ConsentKind           TreatyActionKind
	Consent               *time.Time
	Level                 IncorporationLevel // "" for no row
	Note                  string
}

// treatyHash is the seed's only source of variety: a stable hash of a
// State's and an instrument's codes.
func treatyHash(iso3, code string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(iso3 + "/" + code))
	return h.Sum64()
}

// planTreaty decides one State's record on one instrument as of today:
// parties signed then ratified (or, less often, accepted or approved) or
// acceded (succeeded, for the States born of a dissolution), all dated
// between the instrument's adoption and yesterday; signatories signed in
// the signature window; the rest did nothing. The levels of incorporation
// follow the status.
func planTreaty(s MemberState, in Instrument, today time.Time) treatyPlanRow {
	row := treatyPlanRow{StateID: s.ID, InstrumentID: in.ID}
	prof, ok := treatyProfiles()[in.Code]
	if !ok {
		prof = treatyProfile{500, 50, true}
	}
	h := treatyHash(s.ISO3, in.Code)
	u := func(i uint) int { return int((h >> (i * 10)) % 1000) } // independent digits of the hash
	yesterday := today.AddDate(0, 0, -1)
	adopted := civilDay(in.AdoptedOn)
	first := adopted
	since, successor, young := stateSince(s.ISO3)
	if young && since.After(first) {
		first = since
	}
	if !first.Before(yesterday) {
		return row
	}
	windowEnd := adopted.AddDate(0, 0, treatySignatureWindow)
	canSign := prof.Signable && first.Before(windowEnd)
	signDate := func() time.Time {
		days := int(minTime(windowEnd, yesterday).Sub(first).Hours() / 24)
		return first.AddDate(0, 0, u(2)%max(days, 1))
	}
	party := u(0) < prof.Party
	signatory := !party && u(0) < prof.Party+prof.SignatoryOnly && canSign

	switch {
	case party && canSign && u(1) < 550:
		sig := signDate()
		consent := sig.AddDate(0, 0, 120+u(3)*2) // within about six years
		if consent.After(yesterday) {
			consent = yesterday
		}
		kind := TreatyRatification
		switch u(4) % 20 {
		case 0:
			kind = TreatyAcceptance
		case 1:
			kind = TreatyApproval
		}
		row.Signature, row.ConsentKind, row.Consent = &sig, kind, &consent
	case party:
		kind := TreatyAccession
		var consent time.Time
		if successor && adopted.Before(since) {
			// A successor State declares its succession soon after its
			// independence.
			kind, consent = TreatySuccession, since.AddDate(0, 0, 30+u(3)%700)
		} else {
			from := first.AddDate(0, 0, 180)
			days := int(yesterday.Sub(from).Hours() / 24)
			if days < 1 {
				from, days = first, max(int(yesterday.Sub(first).Hours()/24), 1)
			}
			// Most accessions come in the instrument's first decades: the
			// square of a uniform fraction leans towards the start.
			x := float64(u(3)*1000+u(2)) / 1e6
			consent = from.AddDate(0, 0, int(float64(days)*x*x))
		}
		if consent.After(yesterday) {
			consent = yesterday
		}
		row.ConsentKind, row.Consent = kind, &consent
	case signatory:
		sig := signDate()
		row.Signature = &sig
	}

	lv := u(5)
	switch {
	case row.Consent != nil:
		switch {
		case lv < 400:
			row.Level = IncorporationComplete
		case lv < 800:
			row.Level = IncorporationPartial
		case lv < 950:
			row.Level = IncorporationDrafting
		default:
			row.Level = IncorporationNone
		}
	case row.Signature != nil:
		row.Level = IncorporationDrafting
		if lv < 500 {
			row.Level = IncorporationNone
		}
	case lv < 300:
		row.Level = IncorporationNone
	}
	switch row.Level {
	case IncorporationComplete:
		row.Note = "The offences of the " + in.ShortName + " are in the penal code and the counter-terrorism act" + demoSuffix + "."
	case IncorporationPartial:
		row.Note = "Some offences of the " + in.ShortName + " are not yet criminalized; amendments are planned" + demoSuffix + "."
	case IncorporationDrafting:
		row.Note = "Implementing legislation is being drafted" + demoSuffix + "."
	}
	return row
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// kenyaTreatyOverrides leave Kenya short of two recent instruments, so a
// journey can record a ratification: it has signed the Beijing Convention
// but not ratified it, and done nothing about the 2014 Montreal Protocol.
func kenyaTreatyOverrides(row treatyPlanRow, code string) treatyPlanRow {
	switch code {
	case "beijing-convention-2010":
		sig := time.Date(2011, time.March, 15, 0, 0, 0, 0, time.UTC)
		return treatyPlanRow{StateID: row.StateID, InstrumentID: row.InstrumentID, Signature: &sig,
			Level: IncorporationDrafting, Note: "Implementing legislation is being drafted" + demoSuffix + "."}
	case "montreal-protocol-2014":
		return treatyPlanRow{StateID: row.StateID, InstrumentID: row.InstrumentID}
	}
	return row
}

// seedTreatyPlan records every State's planned actions and levels on every
// instrument, where the State has recorded none on that instrument yet (a
// State's own record is never mixed with the plan), in two statements.
func seedTreatyPlan(ctx context.Context, tx *gorm.DB, states []MemberState, today time.Time, c *WorkspaceSeedCounts) error {
	insts, err := ListInstruments(ctx, tx)
	if err != nil {
		return err
	}
	var (
		aState, aInst pq.Int64Array
		aKind, aDate  pq.StringArray
		iState, iInst pq.Int64Array
		iLevel, iNote pq.StringArray
	)
	for _, s := range states {
		for _, in := range insts {
			row := planTreaty(s, in, today)
			if s.ISO3 == "KEN" {
				row = kenyaTreatyOverrides(row, in.Code)
			}
			if row.Signature != nil {
				aState, aInst = append(aState, int64(s.ID)), append(aInst, int64(in.ID))
				aKind, aDate = append(aKind, string(TreatySignature)), append(aDate, row.Signature.Format("2006-01-02"))
			}
			if row.Consent != nil {
				aState, aInst = append(aState, int64(s.ID)), append(aInst, int64(in.ID))
				aKind, aDate = append(aKind, string(row.ConsentKind)), append(aDate, row.Consent.Format("2006-01-02"))
			}
			if row.Level != "" {
				iState, iInst = append(iState, int64(s.ID)), append(iInst, int64(in.ID))
				iLevel, iNote = append(iLevel, string(row.Level)), append(iNote, row.Note)
			}
		}
	}
	var added []struct{ MemberStateID int }
	// NOT EXISTS sees the table as it was before the statement, so both
	// actions of a pair go in together or not at all.
	err = tx.Raw(`INSERT INTO treaty_actions (member_state_id, instrument_id, kind, action_date)
		SELECT v.s, v.i, v.k, v.d FROM unnest(?::int[], ?::int[], ?::text[], ?::date[]) AS v (s, i, k, d)
		WHERE NOT EXISTS (SELECT 1 FROM treaty_actions t WHERE t.member_state_id = v.s AND t.instrument_id = v.i)
		ON CONFLICT DO NOTHING
		RETURNING member_state_id`, aState, aInst, aKind, aDate).Scan(&added).Error
	if err != nil {
		return err
	}
	statesAdded := map[int]bool{}
	for _, a := range added {
		statesAdded[a.MemberStateID] = true
	}
	res := tx.Exec(`INSERT INTO treaty_incorporations (member_state_id, instrument_id, level, note)
		SELECT v.s, v.i, v.l, v.n FROM unnest(?::int[], ?::int[], ?::text[], ?::text[]) AS v (s, i, l, n)
		ON CONFLICT (member_state_id, instrument_id) DO NOTHING`, iState, iInst, iLevel, iNote)
	if res.Error != nil {
		return fmt.Errorf("incorporation: %w", res.Error)
	}
	c.TreatyActions += int64(len(added))
	c.TreatyStates += int64(len(statesAdded))
	c.Incorporations += res.RowsAffected
	return nil
}
