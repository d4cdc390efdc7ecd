package server

import (
	"net/http"
	"strings"
)

// ConsolePath is where Config.Console is served. A bucket name cannot
// start with "-", so no path-style bucket is shadowed; on a virtual-host
// style host the path is an object key, and stays one.
const ConsolePath = "/-/console/"

// serveConsole hands r to the console if there is one and r is for it,
// and reports whether it did.
func (s *Server) serveConsole(w http.ResponseWriter, r *http.Request) bool {
	if s.console == nil || s.virtualBucket(r.Host) != "" {
		return false
	}
	if r.URL.Path != strings.TrimSuffix(ConsolePath, "/") && !strings.HasPrefix(r.URL.Path, ConsolePath) {
		return false
	}
	s.console.ServeHTTP(w, r)
	return true
}
