package transfer

import (
	"fmt"
	"regexp"
	"strings"
)

// Filter selects keys with aws-cli's --include/--exclude rules: everything
// is included by default, rules apply in the order they were added, and the
// last rule that matches decides. Patterns are matched against the key
// relative to the tree's root ("/"-separated), with Python fnmatch
// semantics ("*" also matches "/"), which is what aws-cli's joining of the
// pattern to the source directory amounts to.
//
// The zero Filter includes everything. A Filter is not safe for concurrent
// modification; Match may be called concurrently once it is built.
type Filter struct{ rules []filterRule }

// filterRule is one include or exclude pattern.
type filterRule struct {
	include bool
	re      *regexp.Regexp
}

// Include adds a rule that includes keys matching pattern.
func (f *Filter) Include(pattern string) error { return f.add(true, pattern) }

// Exclude adds a rule that excludes keys matching pattern.
func (f *Filter) Exclude(pattern string) error { return f.add(false, pattern) }

func (f *Filter) add(include bool, pattern string) error {
	re, err := globRegexp(pattern)
	if err != nil {
		return err
	}
	f.rules = append(f.rules, filterRule{include: include, re: re})
	return nil
}

// Match reports whether the relative key rel passes the filter.
func (f Filter) Match(rel string) bool {
	ok := true
	for _, r := range f.rules {
		if r.re.MatchString(rel) {
			ok = r.include
		}
	}
	return ok
}

// globRegexp translates a Python fnmatch pattern into a regexp.
func globRegexp(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := i + 1
			if j < len(p) && p[j] == '!' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for j < len(p) && p[j] != ']' {
				j++
			}
			if j >= len(p) {
				b.WriteString(`\[`) // no closing bracket: a literal "["
				continue
			}
			class := p[i+1 : j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			} else if strings.HasPrefix(class, "^") {
				class = `\` + class
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile("(?s)" + b.String())
	if err != nil {
		return nil, fmt.Errorf("bad pattern %q: %w", p, err)
	}
	return re, nil
}
