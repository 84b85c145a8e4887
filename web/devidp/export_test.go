package devidp

import "time"

// SetClock makes the provider's storage read the time from now, so tests can
// age auth requests and access tokens. ID token times come from the op,
// which always uses time.Now.
func SetClock(p *Provider, now func() time.Time) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.now = now
}
