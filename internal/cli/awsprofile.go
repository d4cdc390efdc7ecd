package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/s3kit/s3kit/internal/ini"
)

// This file writes one profile into the AWS shared files through
// internal/ini, which reads them as botocore does (the same paths, line
// scanner and section names as the credentials package), and changes
// nothing else: every other section, comment, blank line and line ending
// stays byte for byte. Only the named section's own options are rewritten,
// in place where they already exist.

// awsProfile is what "serve --write-profile" writes.
type awsProfile struct {
	Name        string
	AccessKeyID string
	Secret      string
	EndpointURL string
	Region      string
	// CABundle, when set, is written as the profile's ca_bundle: the
	// certificate of a server clients do not trust otherwise. botocore
	// reads it for every service of the profile, in place of the system
	// roots.
	CABundle string
	// BackupSuffix, when set, makes the write keep a copy of each file it
	// changes at its path plus this suffix (0600).
	BackupSuffix string
}

// servicesSection is the name of the [services ...] section that scopes a
// profile's endpoint to S3: botocore (since 1.31) and aws-cli read
// "services = NAME" in the profile and "s3 =\n  endpoint_url = URL" in
// [services NAME], and send every other service to AWS as usual.
func servicesSection(profile string) string { return "s3kit-" + profile }

// awsProfileFiles are the two shared files, resolved as botocore does.
type awsProfileFiles = ini.Files

// resolveAWSFiles returns the files botocore reads (AWS_SHARED_CREDENTIALS_FILE
// and AWS_CONFIG_FILE with expandvars and expanduser, else ~/.aws/), or an
// error when one of them cannot be written: ~/.aws without a known home
// directory, or a variable set to "" (botocore then reads no file, so a
// profile written anywhere would not be seen).
func resolveAWSFiles(env Env) (awsProfileFiles, error) {
	if env.Home == "" {
		_, cred := env.LookupEnv("AWS_SHARED_CREDENTIALS_FILE")
		_, conf := env.LookupEnv("AWS_CONFIG_FILE")
		if !cred || !conf {
			return awsProfileFiles{}, errors.New("cannot find the home directory for ~/.aws; set AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE")
		}
	}
	files := ini.Locate(env.LookupEnv, env.Home)
	for _, f := range []struct{ path, env string }{{files.Credentials, "AWS_SHARED_CREDENTIALS_FILE"}, {files.Config, "AWS_CONFIG_FILE"}} {
		if f.path == "" {
			return files, fmt.Errorf("%s is set but empty, so boto3 reads no such file; unset it or name a file", f.env)
		}
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
	scan := func(path string, keyID bool, match func(header string) bool) {
		data, err := os.ReadFile(path)
		if err != nil {
			return
		}
		for _, sec := range ini.Outline(data) {
			if !match(sec.Header) {
				continue
			}
			desc := "[" + sec.Header + "] in " + path
			if len(sec.Keys) > 0 {
				desc += " (" + strings.Join(sec.Keys, ", ") + ")"
			}
			ex.Where = append(ex.Where, desc)
			if v, ok := sec.Values["aws_access_key_id"]; ok && keyID && ex.KeyID == "" {
				ex.KeyID = v
			}
		}
	}
	scan(files.Credentials, true, func(h string) bool { return h == name })
	profile, services := configSectionIs(ini.KindProfile, name), configSectionIs(ini.KindServices, servicesSection(name))
	scan(files.Config, false, func(h string) bool { return profile(h) || services(h) })
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
	bak, err := ini.EditFile(files.Credentials, p.BackupSuffix, ini.Edit{
		Match:  func(header string) bool { return header == p.Name },
		Header: p.Name,
		Set: []ini.Option{
			{Key: "aws_access_key_id", Value: p.AccessKeyID},
			{Key: "aws_secret_access_key", Value: p.Secret},
		},
		// A stale session token would be sent along with the new key and
		// make every request fail.
		Remove: []string{"aws_session_token", "aws_security_token"},
	})
	if err != nil {
		return nil, nil, err
	}
	if bak != "" {
		backups = append(backups, bak)
	}
	svc := servicesSection(p.Name)
	var present []string
	bak, err = ini.EditFile(files.Config, p.BackupSuffix, ini.Edit{
		Match:  configSectionIs(ini.KindProfile, p.Name),
		Header: ini.ConfigHeader(ini.KindProfile, p.Name),
		Set:    profileOptions(p, svc),
		// A profile-wide endpoint_url would send every AWS service (STS,
		// SSO, ...) to this server; the services section scopes it to S3.
		Remove:  []string{"endpoint_url"},
		Present: &present,
	}, ini.Edit{
		Match:  configSectionIs(ini.KindServices, svc),
		Header: ini.ConfigHeader(ini.KindServices, svc),
		Set:    []ini.Option{{Key: "s3", Value: "\n  endpoint_url = " + p.EndpointURL}},
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

// configSectionIs returns a matcher for the config-file sections botocore
// reads as the section of this kind and name.
func configSectionIs(kind, name string) func(header string) bool {
	return func(header string) bool {
		k, n := ini.ConfigSection(header)
		return k == kind && n == name
	}
}

// profileOptions are the options serve sets in the profile's config section.
func profileOptions(p awsProfile, services string) []ini.Option {
	opts := []ini.Option{{Key: "region", Value: p.Region}, {Key: "services", Value: services}}
	if p.CABundle != "" {
		opts = append(opts, ini.Option{Key: "ca_bundle", Value: p.CABundle})
	}
	return opts
}
