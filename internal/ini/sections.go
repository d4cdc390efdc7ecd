package ini

import "strings"

// The kinds of config-file section botocore's build_profile_map sorts
// sections into.
const (
	KindProfile    = "profile"     // [profile NAME], and [default]
	KindSSOSession = "sso-session" // [sso-session NAME]
	KindServices   = "services"    // [services NAME]
)

// ConfigSection says what a config-file section header names, as
// botocore's build_profile_map reads it: "default" is the default profile;
// a header that starts with "profile", "sso-session" or "services" (in
// that order, prefix only, as botocore tests it) and splits shell-style
// into exactly two words names the second word. Anything else is no
// profile, session or services section (kind "").
//
// In the credentials file a section's header is the profile name as is.
func ConfigSection(header string) (kind, name string) {
	switch {
	case strings.HasPrefix(header, KindProfile):
		kind = KindProfile
	case strings.HasPrefix(header, KindSSOSession):
		kind = KindSSOSession
	case strings.HasPrefix(header, KindServices):
		kind = KindServices
	case header == "default":
		return KindProfile, "default"
	default:
		return "", ""
	}
	parts, err := ShellSplit(header)
	if err != nil || len(parts) != 2 {
		return "", ""
	}
	return kind, parts[1]
}

// ConfigHeader is the header to write for a config-file section of kind
// naming name, such that ConfigSection reads it back: the default profile
// is "[default]"; a name that shell-splitting would change is quoted.
func ConfigHeader(kind, name string) string {
	if kind == KindProfile && name == "default" {
		return "default"
	}
	return kind + " " + shellQuote(name)
}

// shellQuote is Python's shlex.quote: a name of safe characters as is,
// anything else in single quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
