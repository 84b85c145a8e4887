// Command statenames writes the part of migration 25 that names the 193
// Member States in Arabic, Chinese, Russian and Spanish: CLDR's names of
// their countries, through golang.org/x/text/language/display (the UN's
// official short names in those languages are not in the project). It
// reads the States' codes from migration 2 and prints SQL:
//
//	go run ./tools/statenames > names.sql
//
// models' tests check that the stored names are still CLDR's.
package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

func main() {
	src, err := os.ReadFile("migrations/00002_member_states.sql")
	if err != nil {
		fmt.Fprintln(os.Stderr, "statenames: run from the repository's root:", err)
		os.Exit(1)
	}
	codes := regexp.MustCompile(`\('([A-Z]{3})', '[A-Z]{2}', '\d{3}'`).FindAllStringSubmatch(string(src), -1)
	if len(codes) != 193 {
		fmt.Fprintf(os.Stderr, "statenames: found %d States in migration 2, want 193\n", len(codes))
		os.Exit(1)
	}
	langs := []string{"ar", "zh", "ru", "es"}
	fmt.Println("UPDATE member_states AS m SET name_ar = n.ar, name_zh = n.zh, name_ru = n.ru, name_es = n.es FROM (VALUES")
	for i, c := range codes {
		region := language.MustParseRegion(c[1])
		names := make([]string, len(langs))
		for j, l := range langs {
			name := display.Regions(language.MustParse(l)).Name(region)
			if name == "" {
				fmt.Fprintf(os.Stderr, "statenames: CLDR has no %s name for %s\n", l, c[1])
				os.Exit(1)
			}
			names[j] = "'" + strings.ReplaceAll(name, "'", "''") + "'"
		}
		sep := ","
		if i == len(codes)-1 {
			sep = ""
		}
		fmt.Printf("    ('%s', %s)%s\n", c[1], strings.Join(names, ", "), sep)
	}
	fmt.Println(") AS n (iso3, ar, zh, ru, es) WHERE m.iso3 = n.iso3;")
}
