package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/credentials"
)

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
		// botocore's expandvars leaves an unknown variable as written.
		{"unknown variables stay", map[string]string{
			"AWS_SHARED_CREDENTIALS_FILE": "/d/$S3KIT_NO_SUCH_VAR/c", "AWS_CONFIG_FILE": "${S3KIT_NO_SUCH_VAR}/conf",
		}, "/d/$S3KIT_NO_SUCH_VAR/c", "${S3KIT_NO_SUCH_VAR}/conf"},
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

// TestResolveAWSFilesRejectsEmptyVariable: botocore reads no file when
// AWS_CONFIG_FILE is set to "", so a profile written to ~/.aws/config would
// not be seen; serve says so instead of writing there.
func TestResolveAWSFilesRejectsEmptyVariable(t *testing.T) {
	env := Env{Home: "/h", LookupEnv: mapLookup(map[string]string{"AWS_CONFIG_FILE": ""})}
	_, err := resolveAWSFiles(env)
	if err == nil || !strings.Contains(err.Error(), "AWS_CONFIG_FILE is set but empty") {
		t.Fatalf("err = %v", err)
	}
}

// TestWriteAWSProfileAgreesWithResolver writes a profile next to sections
// and paths the editor once read differently from botocore, then resolves
// the profile with the credentials package (which reads as botocore does):
// it must find the key, region and S3 endpoint just written.
func TestWriteAWSProfileAgreesWithResolver(t *testing.T) {
	tests := []struct {
		name       string
		credPath   string // AWS_SHARED_CREDENTIALS_FILE; HOME stands for the home directory
		cred, conf string // files before the write
		vars       map[string]string
	}{
		{name: "empty files"},
		{
			name: "a section botocore cannot split is not the profile",
			conf: "[profile dev']\nregion = eu-west-1\n",
		},
		{
			name: "extra blanks in headers",
			conf: "[profile   dev]\nregion = eu-west-1\n[services   s3kit-dev]\ns3 =\n  endpoint_url = http://old\n",
		},
		{
			name: "a quoted services section is edited in place",
			conf: "[profile dev]\nservices = s3kit-dev\n[services 's3kit-dev']\ns3 =\n  endpoint_url = http://old\n",
		},
		{
			name: "old Mac line endings",
			cred: "[default]\raws_access_key_id = AKIAOTHER\raws_secret_access_key = x\r[dev]\raws_access_key_id = AKIAOLD\raws_secret_access_key = old\r",
		},
		{
			name: "indented options",
			cred: "[dev]\n  aws_access_key_id = AKIAOLD\n  aws_secret_access_key = old\n",
		},
		{
			name:     "an unknown $VAR in the path stays as written",
			credPath: "HOME/$S3KIT_NO_SUCH_VAR/credentials",
		},
		{
			name:     "a known $VAR in the path",
			credPath: "${SUB}/credentials",
			vars:     map[string]string{"SUB": "HOME/sub"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			vars := map[string]string{"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "dev"}
			for k, v := range tc.vars {
				vars[k] = strings.ReplaceAll(v, "HOME", home)
			}
			if tc.credPath != "" {
				vars["AWS_SHARED_CREDENTIALS_FILE"] = strings.ReplaceAll(tc.credPath, "HOME", home)
			}
			env := Env{Home: home, LookupEnv: mapLookup(vars)}
			files, err := resolveAWSFiles(env)
			if err != nil {
				t.Fatal(err)
			}
			for path, content := range map[string]string{files.Credentials: tc.cred, files.Config: tc.conf} {
				if content == "" {
					continue
				}
				os.MkdirAll(filepath.Dir(path), 0o700)
				if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := writeAWSProfile(files, awsProfile{
				Name: "dev", AccessKeyID: "AKIANEWNEWNEWNEWNEW1", Secret: "newsecret",
				EndpointURL: "http://127.0.0.1:9999", Region: "us-east-1",
			}); err != nil {
				t.Fatal(err)
			}
			cfg, err := credentials.Load(context.Background(), credentials.Options{LookupEnv: env.LookupEnv, Home: home})
			if err != nil {
				t.Fatalf("resolver cannot read the written files: %v", err)
			}
			c, err := cfg.Credentials.Retrieve(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			ep, err := cfg.EndpointURL("s3")
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKeyID != "AKIANEWNEWNEWNEWNEW1" || c.SecretAccessKey != "newsecret" || cfg.Region != "us-east-1" || ep != "http://127.0.0.1:9999" {
				t.Errorf("resolver reads key %s, region %q, endpoint %q", c.AccessKeyID, cfg.Region, ep)
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
