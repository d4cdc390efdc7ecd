package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// location is one side of a client command: an S3 URL or a local path.
type location struct {
	s3     bool
	bucket string
	key    string // key or prefix, may be ""
	path   string // local path
}

func (l location) String() string {
	if l.s3 {
		return "s3://" + l.bucket + "/" + l.key
	}
	return l.path
}

// parseLocation parses "s3://bucket/key" (aws-cli's form) or a local path.
// "-" is stdin/stdout.
func parseLocation(arg string) (location, error) {
	rest, ok := strings.CutPrefix(arg, "s3://")
	if !ok {
		if arg == "" {
			return location{}, errors.New("empty path")
		}
		return location{path: arg}, nil
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return location{}, fmt.Errorf("%q: missing bucket name (expected s3://bucket/key)", arg)
	}
	return location{s3: true, bucket: bucket, key: key}, nil
}

// filterRule is one --include or --exclude pattern.
type filterRule struct {
	include bool
	pattern string
	re      *regexp.Regexp
}

// filters applies aws-cli's --include/--exclude rules: everything is
// included by default, rules apply in the order given, and the last rule
// that matches decides. Patterns are matched against the path relative to
// the source, with fnmatch semantics ("*" also matches "/"), which is what
// aws-cli's joining of the pattern to the source directory amounts to.
type filters struct{ rules []filterRule }

// filterFlag is a pflag.Value that appends to a shared, ordered rule list,
// so "--exclude '*' --include '*.txt'" keeps its order across both flags.
type filterFlag struct {
	f       *filters
	include bool
}

func (ff filterFlag) String() string { return "" }
func (ff filterFlag) Type() string   { return "pattern" }
func (ff filterFlag) Set(v string) error {
	re, err := globRegexp(v)
	if err != nil {
		return err
	}
	ff.f.rules = append(ff.f.rules, filterRule{include: ff.include, pattern: v, re: re})
	return nil
}

func (f *filters) match(rel string) bool {
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
