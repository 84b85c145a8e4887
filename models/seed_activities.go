package models

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// The demo's technical assistance: 45 activities from three years ago to
// the coming months, national and regional, over the demo States, each
// kind in turn, with partners; the past ones delivered with their
// participants by sex and profession (two cancelled), the coming
// ones planned. Each demo need accepted, in delivery or met is answered by
// an activity of its State, and a met one cites it; committed and paid
// demo contributions each fund two activities with a fifth of their
// amount. Kenya's delivered activities wait for its confirmation. Every
// title ends with demoSuffix; import keys "demo-activity-N" keep the seed
// idempotent.

// ActivitySeedCounts counts what a seed of the activities added.
type ActivitySeedCounts struct {
	Activities, States, NeedsLinked, Funded int64
}

// Empty reports whether nothing was added.
func (c ActivitySeedCounts) Empty() bool { return c == ActivitySeedCounts{} }

func (c ActivitySeedCounts) String() string {
	return fmt.Sprintf("%d activities for %d States (%d answering needs, %d funded by contributions)",
		c.Activities, c.States, c.NeedsLinked, c.Funded)
}

// demoActivityCount is how many activities the demo has.
const demoActivityCount = 45

// demoActivityTopics are the subjects the demo's titles cycle through, with
// the paragraphs and theme each falls under.
func demoActivityTopics() []struct {
	Topic      string
	Paragraphs []int32
	Theme      string
} {
	return []struct {
		Topic      string
		Paragraphs []int32
		Theme      string
	}{
		{"ratification and incorporation of the universal instruments", []int32{4, 5}, "ratification"},
		{"investigating and prosecuting terrorism cases", []int32{6, 7}, "criminal_justice"},
		{"countering the financing of terrorism", []int32{8}, "legal_knowledge"},
		{"international cooperation in criminal matters", []int32{9}, "international_cooperation"},
		{"protecting the rights of victims of terrorism", []int32{10}, "prevention_human_rights"},
		{"the rule of law and human rights in counter-terrorism", []int32{11}, "prevention_human_rights"},
		{"foreign terrorist fighters and border control", []int32{12}, "foreign_terrorist_fighters"},
		{"joint initiatives with the Executive Directorate", []int32{13, 14}, "joint_initiatives"},
	}
}

// seedDemoActivities adds the demo's activities once.
func seedDemoActivities(ctx context.Context, db *gorm.DB) (ActivitySeedCounts, error) {
	var c ActivitySeedCounts
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var exists bool
		if err := tx.Raw("SELECT EXISTS (SELECT 1 FROM activities WHERE import_key LIKE 'demo-activity-%')").Scan(&exists).Error; err != nil {
			return err
		}
		if exists {
			return nil
		}
		return insertDemoActivities(tx, Today(), &c)
	})
	if err != nil {
		return ActivitySeedCounts{}, fmt.Errorf("seed demo activities: %w", err)
	}
	return c, nil
}

func insertDemoActivities(tx *gorm.DB, today time.Time, c *ActivitySeedCounts) error {
	var states []MemberState
	if err := tx.Where("iso3 IN ?", demoStates()).Order("id").Find(&states).Error; err != nil {
		return fmt.Errorf("demo States: %w", err)
	}
	byISO := map[string]MemberState{}
	byGroup := map[RegionalGroup][]MemberState{}
	for _, s := range states {
		byISO[s.ISO3] = s
		byGroup[s.RegionalGroup] = append(byGroup[s.RegionalGroup], s)
	}
	var partners []int
	if err := tx.Raw("SELECT id FROM partner_organizations ORDER BY id").Scan(&partners).Error; err != nil {
		return fmt.Errorf("partners: %w", err)
	}
	kinds := ActivityKinds()
	topics := demoActivityTopics()
	order := demoStates()
	reached := map[int]bool{}
	for i := 0; i < demoActivityCount; i++ {
		kind := kinds[i%len(kinds)]
		topic := topics[i%len(topics)]
		main := byISO[order[i%len(order)]]
		served := []MemberState{main}
		if kind == "regional_workshop" || kind == "study_visit" {
			for _, s := range byGroup[main.RegionalGroup] {
				if s.ID != main.ID && len(served) < 3 {
					served = append(served, s)
				}
			}
		}
		// The first five are coming; the others go back 24 days apart.
		start := today.AddDate(0, 0, 20*(5-i))
		if i >= 5 {
			start = today.AddDate(0, 0, -24*(i-4))
		}
		end := start.AddDate(0, 0, 2+i%4)
		a := Activity{
			Kind: kind, Title: demoActivityTitle(kind, topic.Topic, main, len(served) > 1),
			Description: "Synthetic demonstration activity on " + topic.Topic + "." + demoSuffix,
			StartDate:   start, EndDate: end, Online: kind == "elearning", Paragraphs: pq.Int32Array(topic.Paragraphs),
			Themes: pq.StringArray{topic.Theme}, Status: ActivityPlanned, Public: i%3 != 2, Version: 1,
			ImportKey: strPtr(fmt.Sprintf("demo-activity-%d", i+1)),
		}
		if !a.Online {
			a.City = demoCapital(main.ISO3)
			a.PlaceStateID = &main.ID
		}
		switch {
		case !end.Before(today):
		case i == 10 || i == 13: // their States have delivered ones too
			a.Status, a.CancelledOn = ActivityCancelled, &start
		default:
			a.Status, a.DeliveredOn = ActivityDelivered, &end
			a.Participants = demoParticipants(i)
		}
		if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&a).Error; err != nil {
			return fmt.Errorf("demo activity %d: %w", i+1, err)
		}
		c.Activities++
		for _, s := range served {
			if err := tx.Exec("INSERT INTO activity_states (activity_id, member_state_id) VALUES (?, ?)", a.ID, s.ID).Error; err != nil {
				return err
			}
			if !reached[s.ID] {
				reached[s.ID] = true
				c.States++
			}
		}
		p := partners[i%len(partners)]
		if err := tx.Exec("INSERT INTO activity_partners (activity_id, partner_id) VALUES (?, ?)", a.ID, p).Error; err != nil {
			return err
		}
		if i%4 == 0 && len(partners) > 0 && p != partners[0] {
			if err := tx.Exec("INSERT INTO activity_partners (activity_id, partner_id) VALUES (?, ?)", a.ID, partners[0]).Error; err != nil {
				return err
			}
		}
	}
	// Kenya's delivered activities wait for its confirmation; the other
	// States confirmed theirs, most with a rating.
	if err := tx.Exec(`UPDATE activity_states s SET confirmed_at = a.end_date + 7, rating = 3 + (a.id % 3),
			feedback = 'Useful for our practitioners.' || ?, version = 2
		FROM activities a, member_states ms
		WHERE a.id = s.activity_id AND ms.id = s.member_state_id AND a.import_key LIKE 'demo-activity-%'
			AND a.status = 'delivered' AND ms.iso3 <> 'KEN'`, demoSuffix).Error; err != nil {
		return fmt.Errorf("demo confirmations: %w", err)
	}
	// Each demo need accepted, in delivery or met is answered by the latest
	// activity of its State (delivered for a met need, which cites it).
	res := tx.Exec(`INSERT INTO activity_needs (activity_id, need_id)
		SELECT DISTINCT ON (n.id) a.id, n.id FROM needs n
		JOIN activity_states s ON s.member_state_id = n.member_state_id
		JOIN activities a ON a.id = s.activity_id AND a.import_key LIKE 'demo-activity-%' AND a.status <> 'cancelled'
		WHERE n.title LIKE ? AND n.status IN ('accepted', 'in_delivery', 'met')
			AND (n.status <> 'met' OR a.status = 'delivered')
		ORDER BY n.id, (a.status = 'delivered') DESC, a.start_date DESC`, "%"+demoSuffix)
	if res.Error != nil {
		return fmt.Errorf("demo needs answered: %w", res.Error)
	}
	c.NeedsLinked = res.RowsAffected
	if err := tx.Exec(`INSERT INTO need_met_by (need_id, activity_id)
		SELECT an.need_id, an.activity_id FROM activity_needs an JOIN needs n ON n.id = an.need_id
		JOIN activities a ON a.id = an.activity_id
		WHERE n.status = 'met' AND a.status = 'delivered' AND a.import_key LIKE 'demo-activity-%'`).Error; err != nil {
		return fmt.Errorf("demo needs met: %w", err)
	}
	// Each committed or paid financial demo contribution funds two delivered
	// or planned activities with a fifth of its amount each.
	res = tx.Exec(`INSERT INTO activity_funding (activity_id, contribution_id, amount)
		SELECT a.id, c.id, round(c.amount / 5, 2)
		FROM (SELECT id, amount, row_number() OVER (ORDER BY id) AS k FROM contributions
			WHERE title LIKE ? AND kind = 'financial' AND status IN ('committed', 'paid')) c
		JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM activities
			WHERE import_key LIKE 'demo-activity-%' AND status <> 'cancelled') a
			ON a.k IN (c.k * 2 - 1, c.k * 2)`, "%"+demoSuffix)
	if res.Error != nil {
		return fmt.Errorf("demo funding: %w", res.Error)
	}
	c.Funded = res.RowsAffected
	return nil
}

// demoActivityTitle names a demo activity.
func demoActivityTitle(kind ActivityKind, topic string, main MemberState, regional bool) string {
	labels := map[ActivityKind]string{
		"legislative_assistance": "Legislative assistance", "national_workshop": "National workshop",
		"regional_workshop": "Regional workshop", "training_course": "Training course",
		"training_of_trainers": "Training of trainers", "mentoring": "Mentoring programme", "expert_advice": "Expert advice",
		"study_visit": "Study visit", "tool_publication": "Handbook", "elearning": "E-learning course",
	}
	where := " for " + main.Name
	if regional {
		where = " hosted by " + main.Name
	}
	return labels[kind] + " on " + topic + where + demoSuffix
}

// demoParticipants are the participants of the i-th demo activity: by sex,
// and by profession adding up to the same number.
func demoParticipants(i int) Participants {
	p := Participants{Women: 8 + i%7, Men: 10 + i%9, SexNotStated: i % 3}
	total := p.Total()
	p.Prosecutors = total * 3 / 10
	p.Judges = total * 2 / 10
	p.Police = total * 2 / 10
	p.Legislators = total / 10
	p.CentralAuthority = total / 20
	p.FinancialIntelligence = total / 20
	p.OtherProfession = total - p.Prosecutors - p.Judges - p.Police - p.Legislators - p.CentralAuthority - p.FinancialIntelligence
	return p
}

// demoCapital is where a demo activity in the State takes place.
func demoCapital(iso3 string) string {
	capitals := map[string]string{
		"KEN": "Nairobi", "FRA": "Paris", "IDN": "Jakarta", "NGA": "Abuja", "MLI": "Bamako", "NER": "Niamey",
		"BFA": "Ouagadougou", "TCD": "N'Djamena", "SOM": "Mogadishu", "UGA": "Kampala", "TZA": "Dodoma",
		"ETH": "Addis Ababa", "TUN": "Tunis", "MAR": "Rabat", "EGY": "Cairo", "JOR": "Amman", "IRQ": "Baghdad",
		"PAK": "Islamabad", "BGD": "Dhaka", "PHL": "Manila", "MYS": "Kuala Lumpur", "LKA": "Colombo",
		"COL": "Bogotá", "PER": "Lima", "MEX": "Mexico City", "UKR": "Kyiv", "BIH": "Sarajevo", "ALB": "Tirana",
	}
	if c, ok := capitals[iso3]; ok {
		return c
	}
	return "Vienna"
}
