// Package console is the web console that "s3kit serve" offers at Path:
// static pages embedded in the binary that sign their own requests to the
// server's S3 API with SigV4, in the browser, so the console can do exactly
// what the signed-in key may do and nothing more. Serving the pages needs
// no credentials; they hold no secret and reveal nothing but the region.
package console

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// Path is where the console is served; it ends in a slash. A bucket name
// cannot start with "-", so the path never shadows a path-style bucket.
const Path = "/-/console/"

// ContentSecurityPolicy is sent with every console response: scripts and
// styles only from the console itself (no inline script), requests only to
// the same origin, images also from blob: URLs (the preview of an object
// fetched with a signed request), and no framing, against clickjacking.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

//go:embed assets
var assets embed.FS

// Options configure the console.
type Options struct {
	// Region is the region the console signs its requests for.
	Region string
}

// contentTypes are the types of the console's files, set explicitly so
// they never depend on the host's MIME tables.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".json": "application/json",
}

// Handler serves the console's files under Path, and Path+"config.json",
// which tells the pages the region to sign for. Path without its slash
// redirects to Path.
func Handler(o Options) http.Handler {
	files, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	config, _ := json.Marshal(map[string]string{"region": o.Region})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The pages are small and change with the binary; revalidating
		// them costs little and never serves a stale console after an
		// upgrade.
		h.Set("Cache-Control", "no-cache")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.URL.Path+"/" == Path {
			http.Redirect(w, r, Path, http.StatusMovedPermanently)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if name == "config.json" {
			h.Set("Content-Type", contentTypes[".json"])
			w.Write(config)
			return
		}
		if name == "" {
			name = "index.html"
		}
		ctype, known := contentTypes[path.Ext(name)]
		b, err := fs.ReadFile(files, name)
		if !known || err != nil {
			http.NotFound(w, r)
			return
		}
		h.Set("Content-Type", ctype)
		w.Write(b)
	})
}
