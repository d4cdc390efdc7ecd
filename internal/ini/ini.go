package ini

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// defaultSection is configparser's default_section.
const defaultSection = "DEFAULT"

// Value is one key's value.
type Value struct {
	// Raw is the value as configparser returns it: continuation lines
	// joined with "\n", trailing blanks removed.
	Raw string
	// Nested is non-nil when Raw starts with a newline: botocore then
	// parses it as a one-level block of "key = value" lines.
	Nested map[string]string
}

// Section is one section of a file, DEFAULT keys included.
type Section struct {
	Name   string
	Values map[string]Value
}

// Get returns the plain value of key and whether it is present.
func (s *Section) Get(key string) (string, bool) {
	if s == nil {
		return "", false
	}
	v, ok := s.Values[key]
	return v.Raw, ok
}

// File is a parsed file: its sections in the order they first appear.
type File struct {
	Sections []*Section
	index    map[string]*Section
}

// Section returns the section called name (exact, case-sensitive match).
func (f *File) Section(name string) (*Section, bool) {
	if f == nil {
		return nil, false
	}
	s, ok := f.index[name]
	return s, ok
}

// ParseError is a syntax or encoding error. Line is 1-based (0 when the
// error concerns the whole input).
type ParseError struct {
	Line int
	Msg  string
}

// Error returns "line N: what is wrong".
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// rawSection accumulates a section while reading.
type rawSection struct {
	name  string
	keys  []string
	lines map[string][]string
	line  map[string]int // line a key started on, for nested-block errors
}

func newRawSection(name string) *rawSection {
	return &rawSection{name: name, lines: map[string][]string{}, line: map[string]int{}}
}

// Parse reads data as RawConfigParser (strict) plus botocore's nested
// blocks would.
func Parse(data []byte) (*File, error) {
	if !utf8.Valid(data) {
		return nil, &ParseError{Msg: "file is not valid UTF-8"}
	}
	sections, defaults, err := read(string(data))
	if err != nil {
		return nil, err
	}
	f := &File{index: make(map[string]*Section, len(sections))}
	for _, rs := range sections {
		s := &Section{Name: rs.name, Values: make(map[string]Value, len(rs.keys)+len(defaults.keys))}
		for _, src := range []*rawSection{defaults, rs} {
			for _, k := range src.keys {
				v, err := makeValue(src.lines[k])
				if err != nil {
					return nil, &ParseError{Line: src.line[k], Msg: fmt.Sprintf("section %q key %q: %v", rs.name, k, err)}
				}
				s.Values[k] = v
			}
		}
		f.Sections = append(f.Sections, s)
		f.index[s.Name] = s
	}
	// An unused DEFAULT (no other section) is never nested-parsed, as in
	// botocore, which only walks cp.sections().
	return f, nil
}

func makeValue(pieces []string) (Value, error) {
	raw := strings.TrimRightFunc(strings.Join(pieces, "\n"), isSpace)
	v := Value{Raw: raw}
	if strings.HasPrefix(raw, "\n") {
		n, err := ParseNested(raw)
		if err != nil {
			return Value{}, err
		}
		v.Nested = n
	}
	return v, nil
}

// ParseNested parses a nested block as botocore's _parse_nested does:
// every non-blank line (Python's str.splitlines) is split at the first
// '=', both sides stripped; a line without '=' is an error; a later
// duplicate key wins.
func ParseNested(block string) (map[string]string, error) {
	out := map[string]string{}
	for _, line := range splitLines(block) {
		line = strings.TrimFunc(line, isSpace)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("nested line %q has no '='", line)
		}
		out[strings.TrimFunc(k, isSpace)] = strings.TrimFunc(v, isSpace)
	}
	return out, nil
}

// read is configparser's _read loop over the scanned lines.
func read(text string) (sections []*rawSection, defaults *rawSection, err error) {
	defaults = newRawSection(defaultSection)
	byName := map[string]*rawSection{}
	added := map[string]bool{} // sections and "section\x00key" seen in this file
	var (
		cur      *rawSection
		firstErr *ParseError
	)
	for _, l := range scan(text) {
		switch l.kind {
		case lineComment:
		case lineBlank:
			// empty_lines_in_values: a blank (not comment) line becomes an
			// empty piece of the current value.
			if l.name != "" {
				cur.lines[l.name] = append(cur.lines[l.name], "")
			}
		case lineContinuation:
			cur.lines[l.name] = append(cur.lines[l.name], l.value)
		case lineHeader:
			name := l.name
			switch s, exists := byName[name]; {
			case exists:
				if added[name] {
					return nil, nil, &ParseError{Line: l.lineno, Msg: fmt.Sprintf("duplicate section %q", name)}
				}
				cur = s
				added[name] = true
			case name == defaultSection:
				cur = defaults
			default:
				cur = newRawSection(name)
				byName[name] = cur
				sections = append(sections, cur)
				added[name] = true
			}
		case lineInvalid:
			if cur == nil {
				return nil, nil, &ParseError{Line: l.lineno, Msg: "key before the first [section] header"}
			}
			if firstErr == nil {
				firstErr = &ParseError{Line: l.lineno, Msg: "line has no '=' or ':'"}
			}
		case lineOption:
			if cur == nil {
				return nil, nil, &ParseError{Line: l.lineno, Msg: "key before the first [section] header"}
			}
			if l.emptyKey && firstErr == nil {
				firstErr = &ParseError{Line: l.lineno, Msg: "empty key"}
			}
			k := l.name
			dupKey := cur.name + "\x00" + k
			if added[dupKey] {
				return nil, nil, &ParseError{Line: l.lineno, Msg: fmt.Sprintf("duplicate key %q in section %q", k, cur.name)}
			}
			added[dupKey] = true
			if _, seen := cur.lines[k]; !seen {
				cur.keys = append(cur.keys, k)
			}
			cur.lines[k] = []string{l.value}
			cur.line[k] = l.lineno
		}
	}
	if firstErr != nil {
		return nil, nil, firstErr
	}
	return sections, defaults, nil
}

// sectionHeader matches configparser's SECTCRE, \[(?P<header>.+)\], against
// the start of value: the header runs to the last ']' and is not empty.
func sectionHeader(value string) (string, bool) {
	if !strings.HasPrefix(value, "[") {
		return "", false
	}
	j := strings.LastIndexByte(value, ']')
	if j < 2 {
		return "", false
	}
	return value[1:j], true
}

// splitOption matches OPTCRE: the key is everything before the first '='
// or ':'.
func splitOption(value string) (key, val string, ok bool) {
	i := strings.IndexAny(value, "=:")
	if i < 0 {
		return "", "", false
	}
	return value[:i], value[i+1:], true
}

// indentOf is the code-point index of the first non-blank character
// (configparser's NONSPACECRE.search(line).start()).
func indentOf(line string) int {
	n := 0
	for _, r := range line {
		if !isSpace(r) {
			return n
		}
		n++
	}
	return 0
}

// splitLines is Python's str.splitlines (without keepends).
func splitLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\v', '\f', '\x1c', '\x1d', '\x1e', '\u0085', '\u2028', '\u2029':
			lines = append(lines, s[start:i])
			start = i + size
		case '\r':
			lines = append(lines, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				size++
			}
			start = i + size
		}
		i += size
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// isSpace is Python's str.isspace for one code point: Go's unicode.IsSpace
// plus the information separators U+001C..U+001F.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// lower is Python's str.lower for keys: Go's ToLower plus the one
// unconditional multi-rune mapping Python applies (U+0130 → "i\u0307").
// (Python's context-dependent final sigma is not reproduced.)
func lower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}
