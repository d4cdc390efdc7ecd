package credentials

import (
	"net/http"
	"os"
	"strings"
	"time"
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

// filePath returns the override in envKey if set (even empty), else def,
// with $VAR and a leading ~ expanded (Python's expandvars, expanduser).
func (w *world) filePath(envKey, def string) string {
	p := def
	if v, ok := w.env(envKey); ok {
		p = v
	}
	return w.expandUser(w.expandVars(p))
}

// expandVars is posixpath.expandvars: $name and ${name} with name made of
// ASCII word characters; unknown variables stay as written.
func (w *world) expandVars(p string) string {
	if !strings.Contains(p, "$") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		if p[i] != '$' || i+1 >= len(p) {
			b.WriteByte(p[i])
			i++
			continue
		}
		var name string
		end := i + 1
		if p[i+1] == '{' {
			j := strings.IndexByte(p[i+2:], '}')
			if j < 0 {
				b.WriteByte(p[i])
				i++
				continue
			}
			name = p[i+2 : i+2+j]
			end = i + 2 + j + 1
		} else {
			for end < len(p) && isWordByte(p[end]) {
				end++
			}
			if end == i+1 {
				b.WriteByte(p[i])
				i++
				continue
			}
			name = p[i+1 : end]
		}
		if v, ok := w.env(name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(p[i:end])
		}
		i = end
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// expandUser is posixpath.expanduser for "~" and "~/..." (the world's
// home directory); "~user" is left as written.
func (w *world) expandUser(p string) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	i := strings.IndexByte(p[1:], '/')
	if i < 0 {
		i = len(p)
	} else {
		i++
	}
	if i != 1 {
		return p
	}
	home := strings.TrimRight(w.home, "/")
	if r := home + p[i:]; r != "" {
		return r
	}
	return "/"
}

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
