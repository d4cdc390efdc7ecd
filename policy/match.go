package policy

import (
	"strings"
	"unicode/utf8"
)

// tokKind is one element of a compiled pattern.
type tokKind uint8

const (
	tokLit  tokKind = iota // literal text
	tokStar                // '*': any run of characters, including '/' and ':'
	tokOne                 // '?': exactly one character
	tokVar                 // ${key}: the request's value of key, taken literally
)

type tok struct {
	kind tokKind
	s    string // literal text, or the default of a variable ("" when none)
	def  bool   // the variable has a default
	key  keyRef // the variable's key
}

// patKind picks a fast path so that most patterns never walk a token list.
type patKind uint8

const (
	patExact  patKind = iota // lit equals the subject
	patAny                   // "*": everything
	patPrefix                // lit followed by one trailing '*'
	patToks                  // anything else: walk toks
)

// pattern is a string compiled once at parse time: wildcards split out,
// policy variables resolved to keys, so matching allocates nothing.
type pattern struct {
	raw  string
	kind patKind
	lit  string
	toks []tok
	fold bool // ASCII case-insensitive (actions, *IgnoreCase)
}

// compileOpts say which syntax a pattern string may use.
type compileOpts struct {
	wild bool // '*' and '?' are wildcards
	vars bool // ${...} are policy variables (Version 2012-10-17 only)
	fold bool
}

// compilePattern splits s into tokens. It reports false when a policy
// variable is not closed or names no key.
func compilePattern(s string, o compileOpts) (pattern, bool) {
	p := pattern{raw: s, fold: o.fold}
	var toks []tok
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, tok{kind: tokLit, s: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case o.wild && c == '*':
			flush()
			if n := len(toks); n == 0 || toks[n-1].kind != tokStar {
				toks = append(toks, tok{kind: tokStar})
			}
			i++
		case o.wild && c == '?':
			flush()
			toks = append(toks, tok{kind: tokOne})
			i++
		case o.vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return p, false
			}
			body := s[i+2 : i+end]
			i += end + 1
			switch body {
			case "*", "?", "$":
				// ${*}, ${?} and ${$} stand for the literal character.
				lit.WriteString(body)
				continue
			}
			name, def, hasDef, ok := parseVariable(body)
			if !ok {
				return p, false
			}
			flush()
			toks = append(toks, tok{kind: tokVar, key: resolveKey(name), s: def, def: hasDef})
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	switch {
	case len(toks) == 0:
		p.kind = patExact
	case len(toks) == 1 && toks[0].kind == tokLit:
		p.kind, p.lit = patExact, toks[0].s
	case len(toks) == 1 && toks[0].kind == tokStar:
		p.kind = patAny
	case len(toks) == 2 && toks[0].kind == tokLit && toks[1].kind == tokStar:
		p.kind, p.lit = patPrefix, toks[0].s
	default:
		p.kind, p.toks = patToks, toks
	}
	return p, true
}

// parseVariable reads the inside of ${...}: a key, optionally followed by
// a default value in single quotes (`${aws:username, 'nobody'}`).
func parseVariable(body string) (name, def string, hasDef, ok bool) {
	name, rest, found := strings.Cut(body, ",")
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " '${") {
		return "", "", false, false
	}
	if !found {
		return name, "", false, true
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '\'' || rest[len(rest)-1] != '\'' {
		return "", "", false, false
	}
	return name, rest[1 : len(rest)-1], true, true
}

// match reports whether s matches the pattern; r resolves policy
// variables (a variable whose key the request lacks, and that has no
// default, matches nothing, as on AWS).
func (p *pattern) match(s string, r *Request) bool {
	switch p.kind {
	case patAny:
		return true
	case patExact:
		if p.fold {
			return strings.EqualFold(p.lit, s)
		}
		return p.lit == s
	case patPrefix:
		return len(s) >= len(p.lit) && eq(s[:len(p.lit)], p.lit, p.fold)
	}
	return matchToks(p.toks, s, p.fold, r)
}

func eq(a, b string, fold bool) bool {
	if fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// matchToks is the classic glob walk with a single backtrack point (the
// last '*'), which is exact for '*' and '?' and linear in practice.
func matchToks(toks []tok, s string, fold bool, r *Request) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tokStar:
				starT, starS = ti, si
				ti++
				continue
			case tokOne:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			case tokLit:
				if len(s)-si >= len(t.s) && eq(s[si:si+len(t.s)], t.s, fold) {
					si += len(t.s)
					ti++
					continue
				}
			case tokVar:
				v, ok := r.variable(t)
				if !ok {
					return false
				}
				if len(s)-si >= len(v) && eq(s[si:si+len(v)], v, fold) {
					si += len(v)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		ti, si = starT+1, starS
	}
}

// variable resolves a ${key} token against the request.
func (r *Request) variable(t *tok) (string, bool) {
	var buf [1]rval
	vals := r.lookup(&t.key, buf[:0])
	if len(vals) == 0 {
		return t.s, t.def
	}
	return vals[0].str(), true
}

// arnPattern is an ARN compiled for ArnLike/ArnEquals: each of the six
// colon-separated parts is matched on its own, so a '*' never crosses a
// colon into the next part (the last part, the resource, may hold colons).
type arnPattern struct {
	parts [6]pattern
}

func compileARN(s string, vars bool) (arnPattern, bool) {
	var a arnPattern
	rest := s
	for i := 0; i < 6; i++ {
		part := rest
		if i < 5 {
			var ok bool
			part, rest, ok = strings.Cut(rest, ":")
			if !ok {
				// AWS accepts a bare "*" as "any ARN".
				if i == 0 && s == "*" {
					for j := range a.parts {
						a.parts[j] = pattern{raw: "*", kind: patAny}
					}
					return a, true
				}
				return a, false
			}
		}
		p, ok := compilePattern(part, compileOpts{wild: true, vars: vars})
		if !ok {
			return a, false
		}
		a.parts[i] = p
	}
	return a, true
}

func (a *arnPattern) match(s string, r *Request) bool {
	rest := s
	for i := 0; i < 6; i++ {
		part := rest
		if i < 5 {
			var ok bool
			part, rest, ok = strings.Cut(rest, ":")
			if !ok {
				return false
			}
		}
		if !a.parts[i].match(part, r) {
			return false
		}
	}
	return true
}
