package ini

import "strings"

// Files are the paths of the two shared files.
type Files struct {
	Config      string
	Credentials string
}

// Locate returns the shared files botocore reads: AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE when set (even to "", which names no file),
// else ~/.aws/config and ~/.aws/credentials, each with $VAR then a leading
// ~ expanded (Python's os.path.expandvars, then expanduser). lookup reads
// the environment, home is the home directory "~" stands for.
func Locate(lookup func(string) (string, bool), home string) Files {
	return Files{
		Config:      FilePath(lookup, home, "AWS_CONFIG_FILE", "~/.aws/config"),
		Credentials: FilePath(lookup, home, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
	}
}

// FilePath returns the value of envKey if set (even empty), else def, with
// $VAR and a leading ~ expanded as botocore expands its file settings.
func FilePath(lookup func(string) (string, bool), home, envKey, def string) string {
	p := def
	if v, ok := lookup(envKey); ok {
		p = v
	}
	return ExpandUser(ExpandVars(p, lookup), home)
}

// ExpandVars is posixpath.expandvars: $name and ${name} with name made of
// ASCII word characters; unknown variables stay as written.
func ExpandVars(p string, lookup func(string) (string, bool)) string {
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
		if v, ok := lookup(name); ok {
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

// ExpandUser is posixpath.expanduser for "~" and "~/..." with home;
// "~user" is left as written.
func ExpandUser(p, home string) string {
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
	home = strings.TrimRight(home, "/")
	if r := home + p[i:]; r != "" {
		return r
	}
	return "/"
}
