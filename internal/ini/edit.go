package ini

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/s3kit/s3kit/internal/secret"
)

// Option is one key and the value to write for it. A value that starts
// with a newline is a nested block ("s3 =\n  endpoint_url = URL"): it is
// written as "key =" followed by the value's lines.
type Option struct{ Key, Value string }

// Edit describes the change to one section. The file is read with the
// same scanner as Parse, so the section, its options and the lines of
// each value are those botocore sees.
type Edit struct {
	// Match selects the existing sections to edit by header (the text
	// between the brackets, as Parse names sections).
	Match func(header string) bool
	// Header is the header of the section appended when none matches.
	Header string
	// Set replaces these options in place (with their continuation
	// lines), or adds them after the section's last option.
	Set []Option
	// Remove drops these options, with their continuation lines.
	Remove []string
	// Present, when non-nil, receives the keys the matched sections held
	// before the edit.
	Present *[]string
}

// EditError is returned by EditFile when the file cannot be read or
// written; Path is the file.
type EditError struct {
	Path string
	Err  error
}

// Error implements error.
func (e *EditError) Error() string { return fmt.Sprintf("edit %s: %v", e.Path, e.Err) }

// Unwrap returns the underlying error.
func (e *EditError) Unwrap() error { return e.Err }

// EditFile applies edits to the file at path (created, with its
// directory, if missing) and writes it back atomically with mode 0600,
// following a symlink to its target. A file that would not change is not
// written. With a backupSuffix, a file that existed and changes is first
// copied to its path plus the suffix (0600), whose path is returned.
func EditFile(path, backupSuffix string, edits ...Edit) (backup string, err error) {
	if path == "" {
		return "", &EditError{Path: path, Err: errors.New("the path is empty, which botocore reads as no file")}
	}
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	old, err := os.ReadFile(path)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", &EditError{Path: path, Err: err}
	}
	updated := old
	for _, e := range edits {
		updated = EditBytes(updated, e)
	}
	if existed && bytes.Equal(updated, old) {
		return "", nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", &EditError{Path: path, Err: err}
	}
	if existed && backupSuffix != "" {
		backup = path + backupSuffix
		if err := secret.WriteFile(backup, old, 0o600); err != nil {
			return "", &EditError{Path: path, Err: fmt.Errorf("back up: %w", err)}
		}
	}
	if err := secret.WriteFile(path, updated, 0o600); err != nil {
		return backup, &EditError{Path: path, Err: err}
	}
	return backup, nil
}

// EditBytes returns content with e applied. Every line outside the
// matched sections, and every line of theirs e does not touch, is kept
// byte for byte, line endings included.
func EditBytes(content []byte, e Edit) []byte {
	lines := scan(string(content))
	eol := "\n"
	if len(lines) > 0 {
		if end := lineEnding(lines[0].text); end != "" {
			eol = end
		}
	}
	var out strings.Builder
	matched := false
	for i := 0; i < len(lines); {
		l := lines[i]
		if l.kind != lineHeader || !e.Match(l.name) {
			out.WriteString(l.text)
			i++
			continue
		}
		end := i + 1
		for end < len(lines) && lines[end].kind != lineHeader {
			end++
		}
		matched = true
		writeSection(&out, lines[i:end], lines[end:], e, eol)
		i = end
	}
	if !matched {
		s := out.String()
		if s != "" && lineEnding(s) == "" {
			out.WriteString(eol)
		}
		if strings.TrimSpace(s) != "" {
			out.WriteString(eol)
		}
		out.WriteString("[" + e.Header + "]" + eol)
		for _, o := range e.Set {
			out.WriteString(optionText(o, "", eol))
		}
	}
	return []byte(out.String())
}

// writeSection writes one matched section (header first) with e applied:
// existing options are replaced in place (with their continuation lines),
// removed ones dropped, missing ones added after the section's last option.
// following are the lines after the section.
//
// A written line takes the indentation of the line it replaces or follows,
// so that configparser, which continues a value on any line indented
// deeper than its option, reads the lines around it as before.
func writeSection(out *strings.Builder, sec, following []line, e Edit, eol string) {
	want := map[string]string{}
	for _, o := range e.Set {
		want[o.Key] = o.Value
	}
	drop := map[string]bool{}
	for _, r := range e.Remove {
		drop[r] = true
	}
	lastOption := 0 // index in sec after which missing options go
	indent := ""    // the indentation of the lines added there
	for j, l := range sec {
		switch {
		case l.kind == lineOption:
			lastOption, indent = j, leadingBlanks(l.text)
		case l.kind == lineContinuation && lastOption > 0:
			lastOption = j
		}
	}
	if lastOption == 0 {
		// Right after the header: the next line that is not blank or a
		// comment must not become a continuation of the added options.
		for _, l := range append(sec[1:len(sec):len(sec)], following...) {
			if l.kind != lineBlank && l.kind != lineComment {
				indent = leadingBlanks(l.text)
				break
			}
		}
	}
	done := map[string]bool{}
	skipping := false
	for j, l := range sec {
		switch {
		case l.kind == lineContinuation && skipping:
			// part of a value being replaced or removed
		case l.kind == lineOption && (drop[l.name] || (want[l.name] != "" && done[l.name])):
			skipping = true
			addPresent(e.Present, l.name)
		case l.kind == lineOption && want[l.name] != "":
			skipping = true
			addPresent(e.Present, l.name)
			done[l.name] = true
			end := lineEnding(l.text)
			if end == "" {
				end = eol
			}
			out.WriteString(optionText(Option{l.name, want[l.name]}, leadingBlanks(l.text), end))
		default:
			if l.kind == lineOption {
				addPresent(e.Present, l.name)
				skipping = false
			}
			out.WriteString(l.text)
			if lineEnding(l.text) == "" {
				// the file's last line, which options may follow
				out.WriteString(eol)
			}
		}
		if j == lastOption {
			for _, o := range e.Set {
				if !done[o.Key] {
					done[o.Key] = true
					out.WriteString(optionText(o, indent, eol))
				}
			}
		}
	}
}

func addPresent(p *[]string, name string) {
	if p != nil {
		*p = append(*p, name)
	}
}

// optionText is one option as written, each line starting with indent and
// ending in eol.
func optionText(o Option, indent, eol string) string {
	if strings.HasPrefix(o.Value, "\n") {
		return indent + o.Key + " =" + strings.ReplaceAll(o.Value, "\n", eol+indent) + eol
	}
	return indent + o.Key + " = " + o.Value + eol
}

// leadingBlanks is the indentation of a line: the blanks configparser
// counts before its first other character.
func leadingBlanks(text string) string {
	return text[:len(text)-len(strings.TrimLeftFunc(text, isSpace))]
}

// lineEnding is the terminator text ends with ("" for none): \r\n, \n or
// a lone \r, the three configparser reads.
func lineEnding(text string) string {
	switch {
	case strings.HasSuffix(text, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(text, "\n"):
		return "\n"
	case strings.HasSuffix(text, "\r"):
		return "\r"
	}
	return ""
}

// SectionOutline is one section as Outline reads it.
type SectionOutline struct {
	Header string   // the text between the brackets
	Keys   []string // the keys set in the section, in file order, lower-cased
	// Values holds the first value of each key, stripped, without its
	// continuation lines.
	Values map[string]string
}

// Outline lists the sections of content with their keys, line by line as
// Parse reads them but without rejecting what Parse would (duplicates,
// lines without a delimiter): it serves messages about a file that may
// be broken.
func Outline(content []byte) []SectionOutline {
	var out []SectionOutline
	for _, l := range scan(string(content)) {
		switch {
		case l.kind == lineHeader:
			out = append(out, SectionOutline{Header: l.name, Values: map[string]string{}})
		case l.kind == lineOption && len(out) > 0:
			s := &out[len(out)-1]
			s.Keys = append(s.Keys, l.name)
			if _, ok := s.Values[l.name]; !ok {
				s.Values[l.name] = l.value
			}
		}
	}
	return out
}
