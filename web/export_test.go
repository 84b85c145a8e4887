package web

// AdvertiseEndSession makes the discovered OpenID Provider advertise
// endpoint as its end_session_endpoint, as discovery of a provider that has
// one would: Dex v2.45.1, which the interoperability tests run, has none.
// Call it once discovery has succeeded (SignInReady).
func (s *Server) AdvertiseEndSession(endpoint string) {
	p, err := s.oidc.get()
	if err != nil {
		panic("AdvertiseEndSession before discovery: " + err.Error())
	}
	advertised := *p
	advertised.endSession = endpoint
	s.oidc.ready.Store(&advertised)
}
