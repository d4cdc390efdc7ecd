package credentials

import (
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/ini"
)

// world is the outside world a resolution reads: environment, home
// directory, clock and HTTP client. Nothing else is read from the process.
type world struct {
	lookup  func(string) (string, bool)
	environ func() []string
	home    string
	client  *http.Client
	now     func() time.Time
}

func newWorld(o Options) *world {
	w := &world{lookup: o.LookupEnv, environ: o.Environ, home: o.Home, client: o.HTTPClient, now: o.Now}
	if w.lookup == nil {
		w.lookup = os.LookupEnv
		if w.environ == nil {
			w.environ = os.Environ
		}
	}
	if w.environ == nil {
		w.environ = w.environFromLookup
	}
	if w.home == "" {
		if h, ok := w.lookup("HOME"); ok && h != "" {
			w.home = h
		} else if h, err := os.UserHomeDir(); err == nil {
			w.home = h
		}
	}
	if w.client == nil {
		w.client = &http.Client{}
	}
	if w.now == nil {
		w.now = time.Now
	}
	return w
}

// environFromLookup builds a child environment when only LookupEnv was
// given: the process environment with every variable re-read through
// lookup, so unset ones disappear.
func (w *world) environFromLookup() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if v, ok := w.lookup(k); ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// env returns an environment variable and whether it is set.
func (w *world) env(key string) (string, bool) { return w.lookup(key) }

// getenv returns an environment variable, "" when unset.
func (w *world) getenv(key string) string {
	v, _ := w.lookup(key)
	return v
}

// expandVars is posixpath.expandvars over the world's environment.
func (w *world) expandVars(p string) string { return ini.ExpandVars(p, w.lookup) }

// expandUser is posixpath.expanduser with the world's home directory.
func (w *world) expandUser(p string) string { return ini.ExpandUser(p, w.home) }

// display shortens a path under the home directory to "~/..." for
// messages, as users write it.
func (w *world) display(p string) string {
	if w.home != "" && w.home != "/" {
		if rest, ok := strings.CutPrefix(p, strings.TrimRight(w.home, "/")+"/"); ok {
			return "~/" + rest
		}
	}
	return p
}
