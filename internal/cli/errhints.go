package cli

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/s3kit/s3kit/credentials"
	"github.com/s3kit/s3kit/internal/ini"
	"github.com/spf13/cobra"
)

// credsHint returns a short message saying what to do for the two
// credential failures a first run meets most, or "" for any other error.
// The error classes and messages of package credentials stay botocore's
// ("creds --json" compares them with botocore); only what the CLI prints
// on stderr changes.
func credsHint(env Env, cmd *cobra.Command, err error) string {
	var ce *credentials.Error
	if !errors.As(err, &ce) {
		return ""
	}
	name := cmd.Name()
	if cmd.Parent() != nil && cmd.Parent().Parent() != nil {
		name = cmd.Parent().Name() + " " + name
	}
	suffix := ""
	if cmd.Name() == "creds" || (cmd.Parent() != nil && cmd.Parent().Name() == "creds") {
		suffix = " (" + ce.ClassName + ")"
	}
	switch ce.ClassName {
	case credentials.ClassNoCredentials:
		if suffix != "" {
			return "" // creds has printed every place it looked
		}
		return fmt.Sprintf("%s: no credentials found; run \"s3kit creds\" to see every place looked. Set AWS_ACCESS_KEY_ID and "+
			"AWS_SECRET_ACCESS_KEY, pass --profile NAME, or for a local server run \"s3kit serve --write-profile NAME\"", name)
	case credentials.ClassProfileNotFound:
		return fmt.Sprintf("%s: profile %q (from %s) not found; %s%s", name, ce.Profile, profileOrigin(env, cmd), existingProfiles(env), suffix)
	}
	return ""
}

// profileOrigin says where the profile name came from, in botocore's order.
func profileOrigin(env Env, cmd *cobra.Command) string {
	if f := cmd.Flags().Lookup("profile"); f != nil && f.Changed {
		return "--profile"
	}
	for _, v := range []string{"AWS_DEFAULT_PROFILE", "AWS_PROFILE"} {
		if _, ok := env.LookupEnv(v); ok {
			return v
		}
	}
	return "the default"
}

// existingProfiles names the profiles the shared files define.
func existingProfiles(env Env) string {
	files, err := resolveAWSFiles(env)
	if err != nil {
		return "no shared files to read profiles from"
	}
	var names []string
	add := func(path string, profile func(header string) string) {
		data, err := os.ReadFile(path)
		if err != nil {
			return
		}
		for _, sec := range ini.Outline(data) {
			if n := profile(sec.Header); n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	add(files.Config, func(h string) string {
		if kind, name := ini.ConfigSection(h); kind == ini.KindProfile {
			return name
		}
		return ""
	})
	add(files.Credentials, func(h string) string { return h })
	if len(names) == 0 {
		return fmt.Sprintf("%s and %s define no profiles", files.Config, files.Credentials)
	}
	slices.Sort(names)
	return fmt.Sprintf("profiles in %s and %s: %s", files.Config, files.Credentials, strings.Join(names, ", "))
}
