package handlers

import (
	"net/url"
	"strings"
)

// LocalPath returns p when it is a path on this site, "/" otherwise, so a
// "next" parameter can never send the user to another host.
func LocalPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	if strings.ContainsAny(p, "\r\n\t") {
		return "/"
	}
	return p
}
