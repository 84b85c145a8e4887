// Command bench drives a running ctap with a load generator (vegeta) and
// reports, per page: requests/s, p50, p99, errors, SQL statements per
// request (from the server's own metric) and the server's peak memory. It
// writes the figures as JSON and compares them with an earlier run,
// flagging a page more than 20% slower. `make bench` builds the server,
// loads the scale data, starts it and runs this.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// page is one address to drive, as one role.
type page struct {
	Name  string // what the report calls it
	Path  string
	Route string // the route pattern, for the statement metric
	As    string // demo account email, "" for anonymous
}

var pages = []page{
	{"home", "/", "/", ""},
	{"resolution", "/paragraphs", "/paragraphs", ""},
	{"paragraph", "/paragraphs/15", "/paragraphs/:n", ""},
	{"states", "/states", "/states", ""},
	{"state", "/states/KEN", "/states/:iso3", ""},
	{"instruments", "/instruments", "/instruments", ""},
	{"donors", "/donors", "/donors", ""},
	{"state (focal point)", "/states/KEN", "/states/:iso3", "focal.ken@example.org"},
	{"account (viewer)", "/account", "/account", "viewer@example.org"},
	{"users, 50 rows (admin)", "/admin/users", "/admin/users", "admin@example.org"},
	{"audit, 50 rows (admin)", "/admin/audit", "/admin/audit", "admin@example.org"},
	{"needs, 50 rows (focal point)", "/needs", "/needs", "focal.ken@example.org"},
	{"needs, 50 rows (Secretariat)", "/needs", "/needs", "secretariat@example.org"},
	{"state (Secretariat)", "/states/KEN", "/states/:iso3", "secretariat@example.org"},
	{"progress (focal point)", "/states/KEN/progress", "/states/:iso3/progress", "focal.ken@example.org"},
	{"instruments (focal point)", "/instruments", "/instruments", "focal.ken@example.org"},
	{"review queue (Secretariat)", "/review", "/review", "secretariat@example.org"},
	{"needs CSV, 1,000 rows (Secretariat)", "/needs?" + exportFilter + "&format=csv", "/needs", "secretariat@example.org"},
}

// exportFilter picks about 1,000 of the 2,000 needs a unit of
// `ctap seed --scale` adds (the bench loads 10 units): one theme's needs in
// two statuses. The run reports the rows the export returned.
const exportFilter = "status=accepted&priority=high"

// Result is one page's figures.
type Result struct {
	Page          string  `json:"page"`
	Path          string  `json:"path"`
	As            string  `json:"as"`
	RequestsPerS  float64 `json:"requests_per_s"`
	P50Ms         float64 `json:"p50_ms"`
	P99Ms         float64 `json:"p99_ms"`
	Errors        uint64  `json:"errors"`
	Requests      uint64  `json:"requests"`
	SQLPerRequest float64 `json:"sql_per_request"`
	PeakRSSMB     float64 `json:"peak_rss_mb"`
}

// Report is a whole run.
type Report struct {
	Date        string   `json:"date"`
	Connections int      `json:"connections"`
	DurationS   float64  `json:"duration_s"`
	Results     []Result `json:"results"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8099", "the running ctap")
	pid := flag.Int("pid", 0, "the server's process ID, for its memory")
	conns := flag.Int("connections", 16, "concurrent connections")
	duration := flag.Duration("duration", 20*time.Second, "how long to drive each page")
	warmup := flag.Duration("warmup", 2*time.Second, "warm-up before each page's measurement")
	password := flag.String("password", "demo", "the demo accounts' password")
	out := flag.String("out", "bench/out/results.json", "where to write the figures")
	compare := flag.String("compare", "", "an earlier results file to compare with (default: the previous -out, else bench/baseline.json)")
	flag.Parse()

	if *compare == "" {
		for _, f := range []string{*out, "bench/baseline.json"} {
			if _, err := os.Stat(f); err == nil {
				*compare = f
				break
			}
		}
	}
	var previous *Report
	if *compare != "" {
		if b, err := os.ReadFile(*compare); err == nil {
			previous = &Report{}
			if err := json.Unmarshal(b, previous); err != nil {
				previous = nil
			}
		}
	}

	cookies := map[string]string{}
	for _, p := range pages {
		if p.As == "" || cookies[p.As] != "" {
			continue
		}
		c, err := signIn(*base, p.As, *password)
		if err != nil {
			fail("sign in as %s: %v", p.As, err)
		}
		cookies[p.As] = c
	}

	report := Report{Date: time.Now().UTC().Format(time.RFC3339), Connections: *conns, DurationS: duration.Seconds()}
	for _, p := range pages {
		header := http.Header{"Accept-Encoding": {"gzip"}}
		if p.As != "" {
			header.Set("Cookie", cookies[p.As])
		}
		target := vegeta.Target{Method: http.MethodGet, URL: *base + p.Path, Header: header}
		attack(target, *conns, *warmup, nil) // warm-up, not measured
		sumBefore, countBefore := sqlMetric(*base, p.Route)
		mem := startMemorySampler(*pid)
		var m vegeta.Metrics
		attack(target, *conns, *duration, &m)
		peak := mem.stop()
		sumAfter, countAfter := sqlMetric(*base, p.Route)
		r := Result{
			Page: p.Name, Path: p.Path, As: p.As,
			RequestsPerS: round(m.Throughput, 0),
			P50Ms:        round(float64(m.Latencies.P50)/1e6, 2),
			P99Ms:        round(float64(m.Latencies.P99)/1e6, 2),
			Requests:     m.Requests,
			PeakRSSMB:    round(peak, 1),
		}
		for code, n := range m.StatusCodes {
			if code != "200" {
				r.Errors += uint64(n)
			}
		}
		if dc := countAfter - countBefore; dc > 0 {
			r.SQLPerRequest = round((sumAfter-sumBefore)/dc, 2)
		}
		report.Results = append(report.Results, r)
		fmt.Fprintf(os.Stderr, "%-28s %8.0f req/s  p99 %6.2f ms\n", p.Name, r.RequestsPerS, r.P99Ms)
	}

	print(report, previous)
	if err := os.MkdirAll(dirOf(*out), 0o755); err == nil {
		b, _ := json.MarshalIndent(report, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			fail("write %s: %v", *out, err)
		}
		fmt.Printf("\nfigures written to %s", *out)
		if previous != nil {
			fmt.Printf(" (compared with %s)", *compare)
		}
		fmt.Println()
	}
}

func attack(t vegeta.Target, conns int, d time.Duration, m *vegeta.Metrics) {
	a := vegeta.NewAttacker(
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow), vegeta.Timeout(10*time.Second),
	)
	for res := range a.Attack(vegeta.NewStaticTargeter(t), vegeta.Rate{Freq: 0}, d, "bench") {
		if m != nil {
			m.Add(res)
		}
	}
	if m != nil {
		m.Close()
	}
}

// print writes the table, flagging pages more than 20% slower than before.
func print(r Report, previous *Report) {
	before := map[string]Result{}
	if previous != nil {
		for _, p := range previous.Results {
			before[p.Page] = p
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "page\treq/s\tp50 ms\tp99 ms\terrors\tSQL/req\tpeak MB\t\t")
	for _, p := range r.Results {
		flag := ""
		if b, ok := before[p.Page]; ok {
			if p.RequestsPerS < b.RequestsPerS*0.8 || p.P99Ms > b.P99Ms*1.2 {
				flag = fmt.Sprintf("SLOWER than before (%.0f req/s, p99 %.2f ms)", b.RequestsPerS, b.P99Ms)
			}
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%d\t%.1f\t%.1f\t%s\t\n", p.Page, p.RequestsPerS, p.P50Ms, p.P99Ms, p.Errors, p.SQLPerRequest, p.PeakRSSMB, flag)
	}
	tw.Flush()
}

// signIn goes through the development provider as a browser would and
// returns the session cookies.
func signIn(base, email, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(base + "/auth/login")
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	form := resp.Request.URL
	if resp.StatusCode != http.StatusOK || !strings.Contains(form.Path, "/login") {
		return "", fmt.Errorf("expected the provider's sign-in form, got %s %s", resp.Status, form)
	}
	resp, err = c.PostForm(form.String(), url.Values{
		"username": {email}, "password": {password}, "authRequestID": {form.Query().Get("authRequestID")},
	})
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sign-in ended with %s at %s", resp.Status, resp.Request.URL)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}

// sqlMetric reads the server's statements-per-request histogram for a
// GET route: its sum and count.
func sqlMetric(base, route string) (sum, count float64) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	label := `{method="GET",route="` + route + `"}`
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "ctap_sql_statements_per_request_sum"+label):
			sum, _ = strconv.ParseFloat(strings.Fields(line)[1], 64)
		case strings.HasPrefix(line, "ctap_sql_statements_per_request_count"+label):
			count, _ = strconv.ParseFloat(strings.Fields(line)[1], 64)
		}
	}
	return sum, count
}

// memorySampler reads the server's resident memory every 50 ms.
type memorySampler struct {
	stopc chan struct{}
	wg    sync.WaitGroup
	peak  float64
}

func startMemorySampler(pid int) *memorySampler {
	s := &memorySampler{stopc: make(chan struct{})}
	if pid == 0 {
		return s
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if mb := rssMB(pid); mb > s.peak {
				s.peak = mb
			}
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *memorySampler) stop() float64 {
	close(s.stopc)
	s.wg.Wait()
	return s.peak
}

func rssMB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func round(f float64, digits int) float64 {
	p := 1.0
	for i := 0; i < digits; i++ {
		p *= 10
	}
	return float64(int64(f*p+0.5)) / p
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}
