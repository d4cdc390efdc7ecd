package cli

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

// This file writes one profile into the AWS shared files the way botocore
// reads them (configparser.RawConfigParser plus botocore's configloader), and
// changes nothing else: every other section, comment, blank line and line
// ending stays byte for byte. Only the named section's own options are
// rewritten, in place where they already exist.

// awsProfile is what "serve --write-profile" writes.
type awsProfile struct {
	Name        string
	AccessKeyID string
	Secret      string
	EndpointURL string
	Region      string
	// BackupSuffix, when set, makes the write keep a copy of each file it
	// changes at its path plus this suffix (0600).
	BackupSuffix string
}

// servicesSection is the name of the [services ...] section that scopes a
// profile's endpoint to S3: botocore (since 1.31) and aws-cli read
// "services = NAME" in the profile and "s3 =\n  endpoint_url = URL" in
// [services NAME], and send every other service to AWS as usual.
func servicesSection(profile string) string { return "s3kit-" + profile }

// configProfileHeader is the config-file header botocore reads as profile
// name.
func configProfileHeader(name string) string {
	if name == "default" {
		return "default"
	}
	return "profile " + name
}

// awsProfileFiles are the two shared files, resolved like botocore does.
type awsProfileFiles struct {
	Credentials string
	Config      string
}

// resolveAWSFiles honours AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE
// (with botocore's expandvars + expanduser) and defaults to ~/.aws/.
func resolveAWSFiles(env Env) (awsProfileFiles, error) {
	expand := func(p string) string {
		p = os.Expand(p, env.Getenv)
		if p == "~" || strings.HasPrefix(p, "~/") {
			p = env.Home + p[1:]
		}
		return p
	}
	files := awsProfileFiles{
		Credentials: expand(env.Getenv("AWS_SHARED_CREDENTIALS_FILE")),
		Config:      expand(env.Getenv("AWS_CONFIG_FILE")),
	}
	if files.Credentials == "" || files.Config == "" {
		if env.Home == "" {
			return files, errors.New("cannot find the home directory for ~/.aws; set AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE")
		}
	}
	if files.Credentials == "" {
		files.Credentials = filepath.Join(env.Home, ".aws", "credentials")
	}
	if files.Config == "" {
		files.Config = filepath.Join(env.Home, ".aws", "config")
	}
	return files, nil
}

// existingProfile is what the shared files already hold under a profile
// name, before serve writes it.
type existingProfile struct {
	KeyID string // aws_access_key_id in the credentials file
	// Where lists, per file section that exists, its options: "[dev] in
	// /home/u/.aws/credentials (aws_access_key_id, aws_secret_access_key)".
	Where []string
}

// inspectAWSProfile reads what files hold for profile name: its section in
// the credentials file, its section in the config file and the [services]
// section serve would write.
func inspectAWSProfile(files awsProfileFiles, name string) existingProfile {
	var ex existingProfile
	scan := func(path string, match func(header string) bool, onOption func(l iniLine)) {
		data, err := os.ReadFile(path)
		if err != nil {
			return
		}
		var header string
		var opts []string
		in := false
		flush := func() {
			if in {
				desc := "[" + header + "] in " + path
				if len(opts) > 0 {
					desc += " (" + strings.Join(opts, ", ") + ")"
				}
				ex.Where = append(ex.Where, desc)
			}
		}
		for _, l := range parseINILines(data) {
			switch {
			case l.isHead:
				flush()
				in, header, opts = match(l.header), l.header, nil
			case in && l.option != "":
				opts = append(opts, l.option)
				if onOption != nil {
					onOption(l)
				}
			}
		}
		flush()
	}
	scan(files.Credentials, func(h string) bool { return h == name }, func(l iniLine) {
		if l.option == "aws_access_key_id" && ex.KeyID == "" {
			if _, v, ok := cutOption(l.text); ok {
				ex.KeyID = v
			}
		}
	})
	svc := "services " + servicesSection(name)
	scan(files.Config, func(h string) bool {
		return configSectionProfile(h) == name || strings.Join(strings.Fields(h), " ") == svc
	}, nil)
	return ex
}

// ProfileExistsError is returned when --write-profile names a profile that
// already exists and does not hold a key of this server: s3kit never
// overwrites it without --force-profile.
type ProfileExistsError struct {
	Name  string
	Where []string // the sections found, with their options
}

// Error implements error.
func (e *ProfileExistsError) Error() string {
	return fmt.Sprintf("--write-profile %s: profile %q already exists (%s) and does not hold a key of this server; "+
		"s3kit does not overwrite it. Choose another name (--write-profile %s-local), or pass --force-profile to "+
		"replace its keys, region and S3 endpoint (each changed file is backed up first)",
		e.Name, e.Name, strings.Join(e.Where, "; "), e.Name)
}

// writeAWSProfile writes p's key into the credentials file and its region
// and S3 endpoint into the config file. It returns the backups it made
// (with p.BackupSuffix) and warnings about settings in the profile that
// would stop boto3 from using the written key.
func writeAWSProfile(files awsProfileFiles, p awsProfile) (backups, warnings []string, err error) {
	credMatch := func(header string) bool { return header == p.Name }
	bak, err := editINIFile(files.Credentials, p.BackupSuffix, iniEdit{
		match:  credMatch,
		header: p.Name,
		set: []iniOption{
			{"aws_access_key_id", p.AccessKeyID},
			{"aws_secret_access_key", p.Secret},
		},
		// A stale session token would be sent along with the new key and
		// make every request fail.
		remove: []string{"aws_session_token", "aws_security_token"},
	})
	if err != nil {
		return nil, nil, err
	}
	if bak != "" {
		backups = append(backups, bak)
	}
	svc := servicesSection(p.Name)
	var present []string
	bak, err = editINIFile(files.Config, p.BackupSuffix, iniEdit{
		match:  func(h string) bool { return configSectionProfile(h) == p.Name },
		header: configProfileHeader(p.Name),
		set:    []iniOption{{"region", p.Region}, {"services", svc}},
		// A profile-wide endpoint_url would send every AWS service (STS,
		// SSO, ...) to this server; the services section scopes it to S3.
		remove:  []string{"endpoint_url"},
		present: &present,
	}, iniEdit{
		match:  func(h string) bool { return strings.Join(strings.Fields(h), " ") == "services "+svc },
		header: "services " + svc,
		set:    []iniOption{{"s3", "\n  endpoint_url = " + p.EndpointURL}},
	})
	if err != nil {
		return backups, nil, err
	}
	if bak != "" {
		backups = append(backups, bak)
	}
	for _, opt := range present {
		switch opt {
		case "role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file", "credential_source":
			warnings = append(warnings, fmt.Sprintf("profile %s in %s sets %s, which boto3 prefers over the key in %s", p.Name, files.Config, opt, files.Credentials))
		case "s3":
			warnings = append(warnings, fmt.Sprintf("profile %s in %s sets s3, which may change how S3 is addressed", p.Name, files.Config))
		}
	}
	return backups, warnings, nil
}

// configSectionProfile returns the profile a config-file section header
// names, as botocore's build_profile_map reads it: "default", or a header
// starting with "profile" that splits into exactly two words.
func configSectionProfile(header string) string {
	if header == "default" {
		return "default"
	}
	if !strings.HasPrefix(header, "profile") {
		return ""
	}
	parts := strings.Fields(header)
	if len(parts) != 2 {
		return ""
	}
	return strings.Trim(parts[1], `"'`)
}

type iniOption struct{ Key, Value string }

// iniEdit describes the change to one section.
type iniEdit struct {
	match  func(header string) bool // which existing sections to edit
	header string                   // the header of a section to append
	set    []iniOption
	remove []string
	// present, when non-nil, receives the names of the options the matched
	// sections held before the edit.
	present *[]string
}

// editINIFile applies edits to the file at path (created if missing) and
// writes it back atomically with mode 0600, following a symlink to its
// target. With a backupSuffix, a file that existed and changes is first
// copied to its path plus the suffix (0600), whose path is returned.
func editINIFile(path, backupSuffix string, edits ...iniEdit) (backup string, err error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	old, err := os.ReadFile(path)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("write profile: %w", err)
	}
	updated := old
	for _, e := range edits {
		updated = editINI(updated, e)
	}
	if existed && bytes.Equal(updated, old) {
		return "", nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("write profile: %w", err)
	}
	if existed && backupSuffix != "" {
		backup = path + backupSuffix
		if err := secret.WriteFile(backup, old, 0o600); err != nil {
			return "", fmt.Errorf("write profile: back up %s: %w", path, err)
		}
	}
	if err := secret.WriteFile(path, updated, 0o600); err != nil {
		return backup, fmt.Errorf("write profile: %w", err)
	}
	return backup, nil
}

// optionText is one option as written: "name = value", or for a value
// starting with a newline (a nested block such as "s3 =\n  endpoint_url =
// ...") "name =" followed by the value's lines.
func optionText(o iniOption, eol string) string {
	if strings.HasPrefix(o.Value, "\n") {
		return o.Key + " =" + strings.ReplaceAll(o.Value, "\n", eol) + eol
	}
	return o.Key + " = " + o.Value + eol
}

// iniLine is one physical line of an INI file, with its line ending.
type iniLine struct {
	text   string // the whole line including its ending
	header string // section name when this line is a header
	isHead bool
	option string // lower-cased option name when the line starts an option
	cont   bool   // a continuation of the previous option's value
}

// parseINILines classifies lines like configparser: headers "[name]",
// comments "#"/";", options "name = value" or "name: value", and lines
// indented deeper than their option as continuations.
func parseINILines(content []byte) []iniLine {
	var lines []iniLine
	indent, inOption := 0, false
	for _, raw := range bytes.SplitAfter(content, []byte("\n")) {
		if len(raw) == 0 {
			continue
		}
		l := iniLine{text: string(raw)}
		body := strings.TrimRight(l.text, "\r\n")
		value := strings.TrimSpace(body)
		lead := len(body) - len(strings.TrimLeft(body, " \t"))
		switch {
		case value == "" || value[0] == '#' || value[0] == ';':
			// Neither ends a multi-line value in configparser.
		case inOption && lead > indent:
			l.cont = true
		case value[0] == '[' && strings.LastIndexByte(value, ']') > 1:
			l.isHead = true
			l.header = value[1:strings.LastIndexByte(value, ']')]
			inOption = false
		default:
			name, _, found := strings.Cut(value, "=")
			if n2, _, ok := strings.Cut(value, ":"); ok && (!found || len(n2) < len(name)) {
				name, found = n2, true
			}
			if found {
				l.option = strings.ToLower(strings.TrimSpace(name))
			}
			indent, inOption = lead, true
		}
		lines = append(lines, l)
	}
	return lines
}

// editINI returns content with e applied. Sections e.match does not select
// are copied unchanged.
func editINI(content []byte, e iniEdit) []byte {
	eol := "\n"
	if i := bytes.IndexByte(content, '\n'); i > 0 && content[i-1] == '\r' {
		eol = "\r\n"
	}
	lines := parseINILines(content)
	var out strings.Builder
	matched := false
	for i := 0; i < len(lines); {
		l := lines[i]
		if !l.isHead || !e.match(l.header) {
			out.WriteString(l.text)
			i++
			continue
		}
		end := i + 1
		for end < len(lines) && !lines[end].isHead {
			end++
		}
		matched = true
		writeSection(&out, lines[i:end], e, eol)
		i = end
	}
	if !matched {
		s := out.String()
		if s != "" && !strings.HasSuffix(s, "\n") {
			out.WriteString(eol)
		}
		if strings.TrimSpace(s) != "" {
			out.WriteString(eol)
		}
		out.WriteString("[" + e.header + "]" + eol)
		for _, o := range e.set {
			out.WriteString(optionText(o, eol))
		}
	}
	return []byte(out.String())
}

// writeSection writes one matched section (header first) with e applied:
// existing options are replaced in place (with their continuation lines),
// removed ones dropped, missing ones added after the section's last option.
func writeSection(out *strings.Builder, sec []iniLine, e iniEdit, eol string) {
	want := map[string]string{}
	for _, o := range e.set {
		want[o.Key] = o.Value
	}
	drop := map[string]bool{}
	for _, r := range e.remove {
		drop[r] = true
	}
	lastOption := 0 // index in sec after which missing options go
	for j, l := range sec {
		if l.option != "" || (l.cont && lastOption > 0) {
			lastOption = j
		}
	}
	done := map[string]bool{}
	skipping := false
	for j, l := range sec {
		switch {
		case l.cont && skipping:
			// part of a value being replaced or removed
		case l.option != "" && (drop[l.option] || (want[l.option] != "" && done[l.option])):
			skipping = true
			addPresent(e.present, l.option)
		case l.option != "" && want[l.option] != "":
			skipping = true
			addPresent(e.present, l.option)
			done[l.option] = true
			out.WriteString(optionText(iniOption{l.option, want[l.option]}, lineEnding(l.text, eol)))
		default:
			if l.option != "" {
				addPresent(e.present, l.option)
			}
			if l.option != "" {
				skipping = false
			}
			out.WriteString(ensureEOL(l.text, eol))
		}
		if j == lastOption {
			for _, o := range e.set {
				if !done[o.Key] {
					done[o.Key] = true
					out.WriteString(optionText(o, eol))
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

func lineEnding(text, eol string) string {
	switch {
	case strings.HasSuffix(text, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(text, "\n"):
		return "\n"
	}
	return eol
}

// ensureEOL adds a line ending to the file's last line when options are
// appended after it.
func ensureEOL(text, eol string) string {
	if strings.HasSuffix(text, "\n") {
		return text
	}
	return text + eol
}

// cutOption splits an option line "name = value" (or "name: value") at its
// first delimiter, trimming both sides as configparser does.
func cutOption(line string) (name, value string, ok bool) {
	line = strings.TrimSpace(line)
	i := strings.IndexAny(line, "=:")
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:]), true
}
