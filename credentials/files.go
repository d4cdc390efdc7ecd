package credentials

import (
	"os"

	"github.com/s3kit/s3kit/internal/ini"
)

// profileMap maps a profile (or sso-session, or services) name to its keys.
type profileMap map[string]map[string]ini.Value

// sharedFiles is the parsed pair of shared files plus the maps botocore
// derives from them (spec §4.4, §4.5).
type sharedFiles struct {
	configPath, credsPath string
	config, creds         *ini.File // nil when the file is absent

	configProfiles profileMap // config file only, for the config-file provider
	merged         profileMap // config profiles overlaid with credentials-file sections
	ssoSessions    profileMap
	services       profileMap
}

// loadSharedFiles reads and parses both files. Absent files are empty;
// syntax errors are ConfigParseError.
func loadSharedFiles(w *world) (*sharedFiles, error) {
	files := ini.Locate(w.lookup, w.home)
	sf := &sharedFiles{
		configPath:     files.Config,
		credsPath:      files.Credentials,
		configProfiles: profileMap{},
		merged:         profileMap{},
		ssoSessions:    profileMap{},
		services:       profileMap{},
	}
	var err error
	if sf.config, err = readINI(sf.configPath); err != nil {
		return nil, err
	}
	if sf.creds, err = readINI(sf.credsPath); err != nil {
		return nil, err
	}
	if sf.config != nil {
		for _, s := range sf.config.Sections {
			switch kind, name := ini.ConfigSection(s.Name); kind {
			case ini.KindProfile:
				sf.configProfiles[name] = s.Values
			case ini.KindSSOSession:
				sf.ssoSessions[name] = s.Values
			case ini.KindServices:
				sf.services[name] = s.Values
			}
		}
	}
	for name, vals := range sf.configProfiles {
		m := make(map[string]ini.Value, len(vals))
		for k, v := range vals {
			m[k] = v
		}
		sf.merged[name] = m
	}
	if sf.creds != nil {
		for _, s := range sf.creds.Sections {
			m, ok := sf.merged[s.Name]
			if !ok {
				m = map[string]ini.Value{}
				sf.merged[s.Name] = m
			}
			for k, v := range s.Values {
				m[k] = v
			}
		}
	}
	return sf, nil
}

// readINI parses the file at path. A path that is missing or not a
// regular file means "no file"; an unreadable file is empty (configparser
// skips files it cannot open).
func readINI(path string) (*ini.File, error) {
	// Stat first, as botocore's os.path.isfile does: opening a FIFO or a
	// device to find out would block.
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return &ini.File{}, nil
	}
	parsed, err := ini.Parse(data)
	if err != nil {
		return nil, &Error{ClassName: ClassConfigParse, Path: path, Msg: "unable to parse config file " + path, Err: err}
	}
	return parsed, nil
}

// str returns the plain value of key in a profile's keys.
func str(m map[string]ini.Value, key string) (string, bool) {
	v, ok := m[key]
	return v.Raw, ok
}
