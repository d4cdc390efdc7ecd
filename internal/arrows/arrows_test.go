package arrows

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/s3kit/s3kit"

// allowed lists, for each package prefix, the module-internal and
// third-party prefixes it may import. The standard library is always
// allowed. The most specific rule (longest prefix) applies.
var allowed = map[string][]string{
	"internal/ini": {"internal/secret"},
	// internal/secret masks secrets and writes the files that hold them,
	// for every package that shows or stores one; it imports nothing.
	"internal/secret": {},
	"internal/s3xml":  {},
	"sigv4":           {},
	// policy is AWS's policy language and evaluation logic; stdlib only.
	"policy":       {},
	"credentials":  {"internal/ini", "internal/secret", "sigv4", "credentials"},
	"s3":           {"credentials", "sigv4", "internal/s3xml", "golang.org/x/sync"},
	"transfer":     {"s3", "sigv4", "golang.org/x/sync", "golang.org/x/sys"},
	"storage":      {"storage"},
	"storage/disk": {"storage", "go.etcd.io/bbolt", "golang.org/x/sync", "golang.org/x/sys"},
	"server":       {"sigv4", "storage", "internal/s3xml", "internal/secret", "golang.org/x/sync", "server/notify", "policy"},
	// server/notify is the event outbox and webhook delivery; stdlib only.
	"server/notify":   {},
	"s3test":          {"server", "storage", "sigv4"},
	"internal/cli":    {"*"},
	"cmd":             {"internal/cli"},
	"internal/arrows": {},
	"bench":           {"*"},
	"tests":           {"*"},
}

// forbidden are arrows design.md names explicitly; they are checked even
// where a rule above would allow them, so a loosened rule cannot hide them.
var forbidden = map[string][]string{
	"server":  {"s3", "transfer", "credentials", "internal/cli"},
	"sigv4":   {"credentials", "s3", "server", "storage"},
	"storage": {"server", "s3", "credentials", "transfer"},
}

type pkg struct {
	ImportPath string
	Imports    []string
}

func TestDependencyArrows(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		rule, ok := ruleFor(rel)
		if !ok {
			t.Errorf("package %s has no dependency rule: add it to allowed in this test and to design.md's table", rel)
			continue
		}
		for _, imp := range p.Imports {
			if isStdlib(imp) {
				continue
			}
			target := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if imp == module {
				target = ""
			}
			if target == rel {
				continue
			}
			if bad := matchAny(rel, target, forbidden); bad {
				t.Errorf("%s imports %s: forbidden by design.md", rel, target)
				continue
			}
			if !permitted(rule, target) {
				t.Errorf("%s imports %s: not among its allowed dependencies %v", rel, target, rule)
			}
		}
	}
	if n < 5 {
		t.Fatalf("go list returned only %d packages", n)
	}
}

func ruleFor(rel string) ([]string, bool) {
	best, found := "", false
	for prefix := range allowed {
		if hasPathPrefix(rel, prefix) && (!found || len(prefix) > len(best)) {
			best, found = prefix, true
		}
	}
	return allowed[best], found
}

func permitted(rule []string, target string) bool {
	for _, a := range rule {
		if a == "*" || hasPathPrefix(target, a) {
			return true
		}
	}
	return false
}

func matchAny(rel, target string, m map[string][]string) bool {
	for prefix, targets := range m {
		if !hasPathPrefix(rel, prefix) {
			continue
		}
		for _, f := range targets {
			if hasPathPrefix(target, f) {
				return true
			}
		}
	}
	return false
}

func hasPathPrefix(s, prefix string) bool {
	return s == prefix || strings.HasPrefix(s, prefix+"/")
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && !strings.HasPrefix(path, module)
}

func TestRuleLookup(t *testing.T) {
	// A sanity check of the matcher itself, so a bug in it cannot make the
	// arrows test pass vacuously.
	if permitted(allowed["server"], "s3") {
		t.Error("server must not be permitted to import s3")
	}
	if !matchAny("server", "credentials", forbidden) {
		t.Error("server→credentials must be forbidden")
	}
	if r, _ := ruleFor("storage/disk"); !permitted(r, "go.etcd.io/bbolt") {
		t.Error("storage/disk should be allowed bbolt")
	}
	if hasPathPrefix("s3test", "s3") {
		t.Error("s3test is not under s3")
	}
}
