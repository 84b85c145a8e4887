package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// startProfile asks the server's profiles listener (addr, "" for none) for
// a CPU profile over the page's measured run, and returns the function
// that waits for it, writes it to bench/out/cpu-<name>.pprof, then takes a
// heap profile (heap-<name>.pprof): the profile then covers the load of
// this page only, never the bench's sign-ins or PostgreSQL's own run.
func startProfile(addr, name string, run time.Duration) func() error {
	if addr == "" {
		return func() error { return nil }
	}
	seconds := max(1, int(run.Seconds())-1)
	done := make(chan error, 1)
	go func() {
		done <- fetchProfile(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, seconds), "cpu-"+name)
	}()
	return func() error {
		if err := <-done; err != nil {
			return err
		}
		return fetchProfile("http://"+addr+"/debug/pprof/heap", "heap-"+name)
	}
}

func fetchProfile(url, name string) error {
	resp, err := http.Get(url)
	if err != nil {
		return fmt.Errorf("profile %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile %s: %s", name, resp.Status)
	}
	f, err := os.Create(filepath.Join("bench", "out", name+".pprof"))
	if err != nil {
		return fmt.Errorf("profile %s: %w", name, err)
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("profile %s: %w", name, err)
	}
	return f.Close()
}
