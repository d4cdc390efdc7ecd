package credparity

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
)

// Paths of the two shared files in a scenario's HOME.
const (
	credFile = "~/.aws/credentials"
	confFile = "~/.aws/config"
)

// kv builds a map from alternating keys and values.
func kv(pairs ...string) map[string]string {
	if len(pairs)%2 != 0 {
		panic("kv: odd number of arguments")
	}
	m := make(map[string]string, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// join merges maps; later ones win.
func join(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// keys is an INI section with a static key pair named after id.
func keys(section, id string) string {
	return fmt.Sprintf("[%s]\naws_access_key_id = AKID%s\naws_secret_access_key = secret%s\n", section, id, id)
}

// envKeys are environment credentials.
func envKeys(id string) map[string]string {
	return kv("AWS_ACCESS_KEY_ID", "AKID"+id, "AWS_SECRET_ACCESS_KEY", "secret"+id)
}

// script is a credential_process program printing out verbatim.
func script(out string) string {
	return "#!/bin/sh\n/bin/cat <<'JSON'\n" + out + "\nJSON\n"
}

// ssoCache is the SSO token cache file for key (start URL or session name).
func ssoCache(key string) string {
	sum := sha1.Sum([]byte(key))
	return "~/.aws/sso/cache/" + hex.EncodeToString(sum[:]) + ".json"
}

func ssoToken(startURL, token, expires string) string {
	return fmt.Sprintf(`{"startUrl": %q, "region": "us-east-1", "accessToken": %q, "expiresAt": %q}`,
		startURL, token, expires)
}

// allScenarios is the whole table, section by section of the spec.
func allScenarios() []scenario {
	var all []scenario
	for _, part := range [][]scenario{
		sanityScenarios(), explicitScenarios(), envScenarios(), sharedFileScenarios(),
		profileScenarios(), iniScenarios(), sectionScenarios(), locationScenarios(),
		processScenarios(), roleScenarios(), webIdentitySSOScenarios(), containerIMDSScenarios(),
		legacyScenarios(), regionScenarios(), endpointScenarios(),
	} {
		all = append(all, part...)
	}
	return all
}

func sanityScenarios() []scenario {
	return []scenario{
		{name: "sanity/env-keys", env: envKeys("SANITYENV0001")},
		{name: "sanity/empty-world", env: kv("BOTO_CONFIG", "{{ROOT}}/no-such-boto.cfg")},
		{name: "sanity/home-credentials", files: kv(credFile, keys("default", "SANITYHOME001"))},
		{name: "sanity/assume-role-stub",
			files: kv(confFile, "[default]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/r1\nsource_profile = base\n",
				credFile, keys("base", "BASE0001")),
			env: kv("AWS_ENDPOINT_URL_STS", "{{STS}}")},
	}
}

// partialExplicit is the spec's deliberate deviation (§2): boto3 accepts
// partial explicit keys, s3kit refuses them.
func partialExplicit() *deviation {
	return &deviation{
		reason:     "spec §2: partial explicit keys are rejected instead of signing with a missing secret",
		errorClass: "PartialCredentialsError",
		premise: func(r pyResult) string {
			if !r.OK || r.Source != "explicit" {
				return fmt.Sprintf("botocore no longer accepts partial explicit keys (%s %s)", r.Source, r.ErrorClass)
			}
			return ""
		},
	}
}

func explicitScenarios() []scenario {
	k := []string{"--access-key-id", "AKIDEXPLICIT01", "--secret-access-key", "secretEXPLICIT01"}
	withK := func(extra ...string) []string { return append(append([]string{}, k...), extra...) }
	return []scenario{
		{name: "explicit/keys", args: k},
		{name: "explicit/keys-and-token", args: withK("--session-token", "tokenEXPLICIT01")},
		{name: "explicit/beats-env", args: k, env: envKeys("ENV01")},
		{name: "explicit/beats-credentials-file", args: k, files: kv(credFile, keys("default", "FILE01"))},
		{name: "explicit/never-runs-process", args: k,
			files: kv(confFile, "[default]\ncredential_process = {{ROOT}}/no-such-program\n")},
		{name: "explicit/empty-strings-are-not-passed", env: envKeys("ENV02"),
			args: []string{"--access-key-id", "", "--secret-access-key", ""}},
		{name: "explicit/missing-profile-still-fails", args: withK("--profile", "nope")},
		{name: "explicit/with-profile-region", args: withK("--profile", "p1"),
			files: kv(confFile, "[profile p1]\nregion = eu-west-1\n", credFile, keys("p1", "P1FILE"))},
		{name: "explicit/env-token-not-borrowed", args: k, env: kv("AWS_SESSION_TOKEN", "tokenENV")},
		{name: "explicit/beats-env-and-file", args: k, env: envKeys("ENV04"), files: kv(credFile, keys("default", "FILE04"))},
		{name: "explicit/token-with-env-and-file-tokens", args: withK("--session-token", "tokenEXPLICIT05"),
			env: join(envKeys("ENV05"), kv("AWS_SESSION_TOKEN", "tokenENV05")), files: kv(credFile, keys("default", "FILE05")+"aws_session_token = tokenFILE05\n")},
		{name: "explicit/key-only", args: []string{"--access-key-id", "AKIDONLY0001"}, deviation: partialExplicit()},
		{name: "explicit/token-only", args: []string{"--session-token", "tokenONLY0001"}, deviation: partialExplicit()},
		{name: "explicit/secret-and-empty-key", args: []string{"--access-key-id", "", "--secret-access-key", "secretONLY01"},
			env: envKeys("ENV03"), deviation: partialExplicit()},
	}
}

func envScenarios() []scenario {
	role := "[default]\nrole_arn = arn:aws:iam::123456789012:role/r1\nsource_profile = base\n"
	return []scenario{
		{name: "env/keys", env: envKeys("ENV0001")},
		{name: "env/session-token", env: join(envKeys("ENV0002"), kv("AWS_SESSION_TOKEN", "tokenENV0002"))},
		{name: "env/security-token-wins", env: join(envKeys("ENV0003"),
			kv("AWS_SESSION_TOKEN", "tokenSESSION", "AWS_SECURITY_TOKEN", "tokenSECURITY"))},
		{name: "env/empty-security-token-skipped", env: join(envKeys("ENV0004"),
			kv("AWS_SESSION_TOKEN", "tokenSESSION", "AWS_SECURITY_TOKEN", ""))},
		{name: "env/missing-secret", env: kv("AWS_ACCESS_KEY_ID", "AKIDENV0005")},
		{name: "env/empty-secret", env: kv("AWS_ACCESS_KEY_ID", "AKIDENV0006", "AWS_SECRET_ACCESS_KEY", "")},
		{name: "env/secret-only-is-silent", env: kv("AWS_SECRET_ACCESS_KEY", "secretX"),
			files: kv(credFile, keys("default", "FILE0007"))},
		{name: "env/empty-key-is-unset", env: kv("AWS_ACCESS_KEY_ID", "", "AWS_SECRET_ACCESS_KEY", "secretX"),
			files: kv(credFile, keys("default", "FILE0008"))},
		{name: "env/token-alone-ignored", env: kv("AWS_SESSION_TOKEN", "tokenALONE"),
			files: kv(credFile, keys("default", "FILE0009"))},
		{name: "env/values-verbatim", env: kv("AWS_ACCESS_KEY_ID", " AKIDSPACED ", "AWS_SECRET_ACCESS_KEY", "sec ret ")},
		{name: "env/expiration-future", env: join(envKeys("ENV0011"), kv("AWS_CREDENTIAL_EXPIRATION", "{{FUTURE}}"))},
		{name: "env/expiration-past", env: join(envKeys("ENV0012"), kv("AWS_CREDENTIAL_EXPIRATION", "{{PAST}}"))},
		{name: "env/expiration-garbage", env: join(envKeys("ENV0013"), kv("AWS_CREDENTIAL_EXPIRATION", "not-a-date"))},
		{name: "env/beats-credentials-file", env: envKeys("ENV0014"), files: kv(credFile, keys("default", "FILE0014"))},
		{name: "env/beats-config-file", env: envKeys("ENV0015"), files: kv(confFile, keys("default", "CONF0015"))},
		{name: "env/beats-process", env: envKeys("ENV0016"),
			files: kv(confFile, "[default]\ncredential_process = {{ROOT}}/no-such-program\n")},
		{name: "env/beats-role-profile", env: envKeys("ENV0017"), files: kv(confFile, role)},
		{name: "env/beats-sso-profile", env: envKeys("ENV0018"),
			files: kv(confFile, "[default]\nsso_account_id = 111122223333\nsso_role_name = r\n")},
		{name: "env/beats-container", env: join(envKeys("ENV0019"), kv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{{CONTAINER}}/ok"))},
		{name: "env/file-token-not-borrowed", env: envKeys("ENV0020"),
			files: kv(credFile, keys("default", "FILE0020")+"aws_session_token = tokenFILE\n")},
		{name: "env/wins-over-AWS_PROFILE-keys", env: join(envKeys("ENV0021"), kv("AWS_PROFILE", "p1")),
			files: kv(credFile, keys("p1", "P1"), confFile, "[profile p1]\nregion = ap-south-1\n")},
		{name: "env/wins-over-AWS_DEFAULT_PROFILE-keys", env: join(envKeys("ENV0022"), kv("AWS_DEFAULT_PROFILE", "p1")),
			files: kv(credFile, keys("p1", "P1"))},
		{name: "env/explicit-profile-disables-env", env: envKeys("ENV0023"), args: []string{"--profile", "p1"},
			files: kv(credFile, keys("p1", "P1"))},
		{name: "env/explicit-profile-without-creds", env: envKeys("ENV0024"), args: []string{"--profile", "p1"},
			files: kv(confFile, "[profile p1]\nregion = us-west-2\n")},
		{name: "env/explicit-default-profile-disables-env", env: envKeys("ENV0025"), args: []string{"--profile", "default"},
			files: kv(confFile, "[default]\nregion = us-west-2\n")},
		{name: "env/explicit-default-profile-uses-file", env: envKeys("ENV0027"), args: []string{"--profile", "default"},
			files: kv(credFile, keys("default", "FILE0027"))},
		{name: "env/explicit-default-profile-missing", env: envKeys("ENV0026"), args: []string{"--profile", "default"}},
	}
}

func sharedFileScenarios() []scenario {
	return []scenario{
		{name: "file/default", files: kv(credFile, keys("default", "FILE0101"))},
		{name: "file/session-token", files: kv(credFile, keys("default", "FILE0102")+"aws_session_token = tokenFILE0102\n")},
		{name: "file/security-token-wins", files: kv(credFile, keys("default", "FILE0103")+
			"aws_session_token = tokenSESSION\naws_security_token = tokenSECURITY\n")},
		{name: "file/empty-key-id", files: kv(credFile, "[default]\naws_access_key_id =\naws_secret_access_key = secretX\n")},
		{name: "file/missing-secret", files: kv(credFile, "[default]\naws_access_key_id = AKIDFILE0105\n")},
		{name: "file/empty-secret", files: kv(credFile, "[default]\naws_access_key_id = AKIDFILE0106\naws_secret_access_key =\n")},
		{name: "file/secret-only-falls-to-config", files: kv(credFile, "[default]\naws_secret_access_key = secretX\n",
			confFile, keys("default", "CONF0107"))},
		{name: "file/beats-config-file", files: kv(credFile, keys("default", "FILE0108"), confFile, keys("default", "CONF0108"))},
		{name: "file/beats-process", files: kv(credFile, keys("default", "FILE0109"),
			confFile, "[default]\ncredential_process = {{ROOT}}/no-such-program\n")},
		{name: "file/other-profile-ignored", files: kv(credFile, keys("p1", "P10110"))},
		{name: "file/profile-via-AWS_PROFILE", env: kv("AWS_PROFILE", "p1"),
			files: kv(credFile, keys("default", "DEF0111")+keys("p1", "P10111"))},
		{name: "config/default-keys", files: kv(confFile, keys("default", "CONF0112"))},
		{name: "config/profile-keys", env: kv("AWS_PROFILE", "p1"), files: kv(confFile, keys("profile p1", "CONF0113"))},
		{name: "config/partial", files: kv(confFile, "[default]\naws_access_key_id = AKIDCONF0114\n")},
		{name: "config/token", files: kv(confFile, keys("default", "CONF0115")+"aws_session_token = tokenCONF\n")},
		{name: "config/pair-split-across-files", files: kv(credFile, "[default]\naws_access_key_id = AKIDSPLIT\n",
			confFile, "[default]\naws_secret_access_key = secretSPLIT\n")},
		{name: "config/plain-section-is-not-profile", env: kv("AWS_PROFILE", "p1"), files: kv(confFile, keys("p1", "CONF0117"))},
	}
}

func profileScenarios() []scenario {
	two := kv(credFile, keys("a", "PROFA")+keys("b", "PROFB")+keys("default", "PROFDEF"))
	return []scenario{
		{name: "profile/default-profile-before-profile", env: kv("AWS_DEFAULT_PROFILE", "a", "AWS_PROFILE", "b"), files: two},
		{name: "profile/aws-profile", env: kv("AWS_PROFILE", "b"), files: two},
		{name: "profile/arg-beats-env-vars", env: kv("AWS_DEFAULT_PROFILE", "a", "AWS_PROFILE", "a"),
			args: []string{"--profile", "b"}, files: two},
		{name: "profile/missing-via-arg", args: []string{"--profile", "nope"}, files: two},
		{name: "profile/missing-via-AWS_PROFILE", env: kv("AWS_PROFILE", "nope"), files: two},
		{name: "profile/missing-via-AWS_DEFAULT_PROFILE", env: kv("AWS_DEFAULT_PROFILE", "nope", "AWS_PROFILE", "a"), files: two},
		{name: "profile/empty-AWS_PROFILE", env: kv("AWS_PROFILE", ""), files: two},
		{name: "profile/empty-AWS_DEFAULT_PROFILE-shadows", env: kv("AWS_DEFAULT_PROFILE", "", "AWS_PROFILE", "a"), files: two},
		{name: "profile/names-case-sensitive", env: kv("AWS_PROFILE", "p1"), files: kv(credFile, keys("P1", "UPPER"))},
		{name: "profile/empty-argument", args: []string{"--profile", ""}, files: two},
		{name: "profile/implicit-default-may-be-absent", env: envKeys("ENV0201")},
		{name: "profile/region-only-profile-no-creds", env: kv("AWS_PROFILE", "p1"),
			files: kv(confFile, "[profile p1]\nregion = eu-central-1\n")},
		{name: "profile/env-selected-region-with-env-keys", env: join(envKeys("ENV0202"), kv("AWS_PROFILE", "p1")),
			files: kv(confFile, "[profile p1]\nregion = eu-central-1\n")},
		{name: "profile/no-default-inheritance", env: kv("AWS_PROFILE", "p1"),
			files: kv(credFile, keys("default", "DEF0203")+"[p1]\nregion = us-west-1\n")},
	}
}

// lines joins INI lines with "\n".
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
