package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEditINIKeepsEverythingElse(t *testing.T) {
	credEdit := iniEdit{
		match:  func(h string) bool { return h == "dev" },
		header: "dev",
		set:    []iniOption{{"aws_access_key_id", "AKIANEW"}, {"aws_secret_access_key", "SECRETNEW"}},
		remove: []string{"aws_session_token"},
	}
	tests := []struct {
		name, in, want string
		edit           *iniEdit // credEdit when nil
	}{
		{
			name: "empty file gets the section",
			in:   "",
			want: "[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		{
			name: "appended after other profiles with a blank line, comments kept",
			in:   "# my keys\n[default]\naws_access_key_id=AKIAOLD ; not a comment\n",
			want: "# my keys\n[default]\naws_access_key_id=AKIAOLD ; not a comment\n\n[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		{
			name: "missing final newline is added before appending",
			in:   "[default]\nx=1",
			want: "[default]\nx=1\n\n[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		{
			name: "existing values replaced in place, token removed, other options and comments kept",
			in: "[default]\na=1\n\n[dev]\n# keep me\nAWS_Access_Key_ID: AKIAOLD\nregion = eu-west-1\naws_session_token = tok\n" +
				"aws_secret_access_key = OLD\n\n[prod]\naws_access_key_id = AKIAPROD\n",
			want: "[default]\na=1\n\n[dev]\n# keep me\naws_access_key_id = AKIANEW\nregion = eu-west-1\n" +
				"aws_secret_access_key = SECRETNEW\n\n[prod]\naws_access_key_id = AKIAPROD\n",
		},
		{
			name: "missing option inserted after the section's last option, before blank lines",
			in:   "[dev]\naws_access_key_id = AKIAOLD\noutput = json\n\n# next\n[other]\n",
			want: "[dev]\naws_access_key_id = AKIANEW\noutput = json\naws_secret_access_key = SECRETNEW\n\n# next\n[other]\n",
		},
		{
			name: "continuation lines of a replaced value are dropped, others kept",
			in:   "[dev]\naws_session_token =\n  part1\n  part2\ns3 =\n  addressing_style = path\n",
			want: "[dev]\ns3 =\n  addressing_style = path\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
		{
			name: "a nested block replaces the old one with its continuation lines",
			in:   "[dev]\ns3 =\n  endpoint_url = http://old\n  addressing_style = path\nx = 1\n",
			want: "[dev]\ns3 =\n  endpoint_url = http://new\nx = 1\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
			edit: &iniEdit{
				match: func(h string) bool { return h == "dev" }, header: "dev",
				set: []iniOption{{"s3", "\n  endpoint_url = http://new"}, {"aws_access_key_id", "AKIANEW"}, {"aws_secret_access_key", "SECRETNEW"}},
			},
		},
		{
			name: "CRLF files stay CRLF",
			in:   "[other]\r\nx = 1\r\n",
			want: "[other]\r\nx = 1\r\n\r\n[dev]\r\naws_access_key_id = AKIANEW\r\naws_secret_access_key = SECRETNEW\r\n",
		},
		{
			name: "a similar name is another profile",
			in:   "[dev2]\naws_access_key_id = A\n[ dev ]\naws_access_key_id = B\n",
			want: "[dev2]\naws_access_key_id = A\n[ dev ]\naws_access_key_id = B\n\n[dev]\naws_access_key_id = AKIANEW\naws_secret_access_key = SECRETNEW\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := credEdit
			if tc.edit != nil {
				e = *tc.edit
			}
			got := string(editINI([]byte(tc.in), e))
			if got != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}

func TestConfigSectionProfileMatchesBotocore(t *testing.T) {
	tests := []struct{ header, want string }{
		{"default", "default"},
		{"profile dev", "dev"},
		{"profile   dev", "dev"},
		{"profile \"dev\"", "dev"},
		{"dev", ""},
		{"profile", ""},
		{"profile a b", ""},
		{"sso-session dev", ""},
	}
	for _, tc := range tests {
		if got := configSectionProfile(tc.header); got != tc.want {
			t.Errorf("configSectionProfile(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestResolveAWSFiles(t *testing.T) {
	tests := []struct {
		name       string
		vars       map[string]string
		cred, conf string
	}{
		{"defaults under home", nil, "/h/.aws/credentials", "/h/.aws/config"},
		{"variables with ~ and $VAR", map[string]string{
			"AWS_SHARED_CREDENTIALS_FILE": "~/c", "AWS_CONFIG_FILE": "$X/conf", "X": "/x",
		}, "/h/c", "/x/conf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := Env{Home: "/h", LookupEnv: mapLookup(tc.vars)}
			got, err := resolveAWSFiles(env)
			if err != nil {
				t.Fatal(err)
			}
			if got.Credentials != tc.cred || got.Config != tc.conf {
				t.Errorf("got %+v, want %s and %s", got, tc.cred, tc.conf)
			}
		})
	}
}

func mapLookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// TestWriteAWSProfileReadByBoto3 checks the written files with real
// botocore: the profile resolves to the written key, endpoint and region,
// and the other profiles keep theirs.
func TestWriteAWSProfileReadByBoto3(t *testing.T) {
	// Resolve the interpreter now: a pyenv shim would look for it under
	// the HOME this test replaces.
	exe, err := exec.Command("python3", "-c", "import sys, boto3; print(sys.executable)").Output()
	if err != nil {
		t.Skipf("python3 with boto3 not available: %v", err)
	}
	home := t.TempDir()
	aws := filepath.Join(home, ".aws")
	if err := os.MkdirAll(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	credBefore := "# personal\n[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = othersecret\n"
	confBefore := "[default]\nregion = eu-west-3\n\n[profile s3kit]\noutput = json\nregion = ap-south-1\n"
	os.WriteFile(filepath.Join(aws, "credentials"), []byte(credBefore), 0o644)
	os.WriteFile(filepath.Join(aws, "config"), []byte(confBefore), 0o644)

	files, err := resolveAWSFiles(Env{Home: home, LookupEnv: mapLookup(nil)})
	if err != nil {
		t.Fatal(err)
	}
	_, warnings, err := writeAWSProfile(files, awsProfile{
		Name: "s3kit", AccessKeyID: "AKIAS3KITS3KITS3KIT2", Secret: "s3kitsecret",
		EndpointURL: "http://127.0.0.1:9999", Region: "us-east-1",
	})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("write: %v, warnings %v", err, warnings)
	}
	for _, f := range []string{files.Credentials, files.Config} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	cred, _ := os.ReadFile(files.Credentials)
	if !strings.HasPrefix(string(cred), credBefore) {
		t.Errorf("credentials lost their other content:\n%s", cred)
	}
	script := `
import boto3, json
s = boto3.Session(profile_name="s3kit")
c = s.get_credentials()
cl = s.client("s3")
sts = s.client("sts")
d = boto3.Session(profile_name="default")
print(json.dumps([c.access_key, c.secret_key, s.region_name, cl.meta.endpoint_url,
                  d.get_credentials().access_key, d.region_name, sts.meta.endpoint_url]))
`
	cmd := exec.Command(strings.TrimSpace(string(exe)), "-c", script)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 could not read the profile: %v\n%s", err, out)
	}
	// The endpoint is S3's only: STS (which an assume-role profile or a
	// program's own calls use) still goes to AWS.
	want := `["AKIAS3KITS3KITS3KIT2", "s3kitsecret", "us-east-1", "http://127.0.0.1:9999", "AKIAOTHER", "eu-west-3", "https://sts.us-east-1.amazonaws.com"]`
	if strings.TrimSpace(string(out)) != want {
		t.Errorf("boto3 read:\n%s\nwant\n%s", out, want)
	}
}
