package ini

import "strings"

// lineKind is what configparser's _read loop makes of one physical line.
type lineKind int

const (
	lineBlank        lineKind = iota // empty or only blanks
	lineComment                      // first non-blank character '#' or ';'
	lineHeader                       // "[name]..."
	lineOption                       // "key = value" or "key: value"
	lineContinuation                 // indented deeper than its option's line
	lineInvalid                      // none of the above: a parse error
)

// line is one physical line and its meaning. Parse and the editor both
// read a file through scan, so that what the editor takes for a section,
// an option or the rest of a value is what botocore reads.
type line struct {
	text   string // the line as in the file, with its terminator
	lineno int    // 1-based
	kind   lineKind
	// name is the section name of a header and the lower-cased key of an
	// option. For a continuation, and a blank line inside a value (which
	// configparser keeps as an empty piece), it is the key the line
	// belongs to; "" elsewhere.
	name string
	// value is the option's stripped value, or a continuation's stripped
	// piece.
	value string
	// emptyKey marks an option line whose key is blank (a parse error).
	emptyKey bool
}

// scan classifies every line of text as configparser's _read does.
func scan(text string) []line {
	var (
		lines       []line
		inSection   bool
		optname     string // current option, "" when a value cannot continue
		indentLevel = 0
	)
	for i, raw := range universalLines(text) {
		l := line{text: raw, lineno: i + 1}
		body := strings.TrimRight(raw, "\r\n")
		stripped := strings.TrimFunc(body, isSpace)
		switch {
		case stripped == "":
			l.kind = lineBlank
			if inSection {
				l.name = optname
			}
			lines = append(lines, l)
			continue
		case strings.HasPrefix(stripped, "#") || strings.HasPrefix(stripped, ";"):
			l.kind = lineComment
			lines = append(lines, l)
			continue
		}
		indent := indentOf(body)
		if inSection && optname != "" && indent > indentLevel {
			l.kind, l.name, l.value = lineContinuation, optname, stripped
			lines = append(lines, l)
			continue
		}
		indentLevel = indent
		if name, ok := sectionHeader(stripped); ok {
			l.kind, l.name = lineHeader, name
			inSection, optname = true, ""
			lines = append(lines, l)
			continue
		}
		k, v, ok := splitOption(stripped)
		if !ok {
			l.kind = lineInvalid
			lines = append(lines, l)
			continue
		}
		l.kind = lineOption
		l.emptyKey = k == ""
		l.name = lower(strings.TrimRightFunc(k, isSpace))
		l.value = strings.TrimFunc(v, isSpace)
		optname = l.name
		lines = append(lines, l)
	}
	return lines
}

// universalLines splits text at \n, \r\n and \r, as Python's text mode
// does, keeping each line's terminator. A final terminator does not start
// another line.
func universalLines(text string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			lines = append(lines, text[start:i+1])
			start = i + 1
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			lines = append(lines, text[start:i+1])
			start = i + 1
		}
	}
	if start < len(text) {
		lines = append(lines, text[start:])
	}
	return lines
}
