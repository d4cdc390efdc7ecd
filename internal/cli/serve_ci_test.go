package cli

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Declared keys used by the tests: an AWS-shaped ID and two secrets.
const (
	ciKeyID   = "CI_TEST_ACCESS_KEY_1"
	ciSecret  = "ci-secret-0123456789abcdef"
	ciSecret2 = "ci-secret-2-0123456789abcdef"
)

func TestServeDeclaredKeyIsEnsuredIdempotently(t *testing.T) {
	data := t.TempDir()
	env := serveEnv(t)
	env.LookupEnv = mapLookup(map[string]string{envAccessKeyID: ciKeyID, envSecretAccessKey: ciSecret})

	first := startServe(t, env, "--data", data)
	if first.KeyID != "" || first.Secret != "" || strings.Contains(first.Banner, ciSecret) {
		t.Fatalf("a declared key's start printed a key or the secret:\n%s", first.Banner)
	}
	for _, want := range []string{
		"Access key " + ciKeyID + " with full access, from S3KIT_ACCESS_KEY_ID and S3KIT_SECRET_ACCESS_KEY (created now).",
		"(**********************cdef)",
		`export AWS_SECRET_ACCESS_KEY="$S3KIT_SECRET_ACCESS_KEY"`,
	} {
		if !strings.Contains(first.Banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, first.Banner)
		}
	}
	if got := listBuckets(t, first.Endpoint, ciKeyID, ciSecret); got != http.StatusOK {
		t.Errorf("ListBuckets with the declared key: %d", got)
	}
	first.stop()
	keysFile := filepath.Join(data, "keys.json")
	before, _ := os.ReadFile(keysFile)
	if n, _ := openKeyStoreForTest(t, data).Len(context.Background()); n != 1 {
		t.Errorf("%d keys after the first start, want only the declared one", n)
	}

	again := startServe(t, env, "--data", data)
	if !strings.Contains(again.Banner, "(already present, unchanged)") {
		t.Errorf("restart with the same values:\n%s", again.Banner)
	}
	again.stop()
	if after, _ := os.ReadFile(keysFile); string(after) != string(before) {
		t.Errorf("a restart with the same values changed keys.json:\n%s\nto\n%s", before, after)
	}

	// The same ID with another secret, on the command line this time: the
	// declaration wins, the old secret stops working, no duplicate appears.
	env.LookupEnv = mapLookup(nil)
	third := startServe(t, env, "--data", data, "--access-key-id", ciKeyID, "--secret-access-key", ciSecret2)
	if !strings.Contains(third.Banner, "its secret and permissions were set to the declared ones") {
		t.Errorf("restart with a new secret:\n%s", third.Banner)
	}
	if got := listBuckets(t, third.Endpoint, ciKeyID, ciSecret2); got != http.StatusOK {
		t.Errorf("the new secret: %d", got)
	}
	if got := listBuckets(t, third.Endpoint, ciKeyID, ciSecret); got != http.StatusForbidden {
		t.Errorf("the old secret: %d, want 403", got)
	}
	third.stop()
	if n, _ := openKeyStoreForTest(t, data).Len(context.Background()); n != 1 {
		t.Errorf("%d keys after a secret change, want 1", n)
	}
	log := first.Log.String() + again.Log.String() + third.Log.String()
	for _, s := range []string{ciSecret, ciSecret2} {
		if strings.Contains(log, s) || strings.Contains(third.Banner, s) {
			t.Errorf("a secret reached the log or banner:\n%s", log)
		}
	}
	if !strings.Contains(third.Log.String(), "declared access key updated") || !strings.Contains(third.Log.String(), "(ps)") {
		t.Errorf("the update and the secret on the command line are not logged:\n%s", third.Log)
	}
}

func TestServeDeclaredKeyRefusals(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"id without secret", []string{"--access-key-id", ciKeyID}, nil, "--access-key-id is given without a secret"},
		{"secret without id", nil, map[string]string{envSecretAccessKey: ciSecret}, "S3KIT_SECRET_ACCESS_KEY is given without an access key id"},
		{"empty variable", nil, map[string]string{envAccessKeyID: "", envSecretAccessKey: ciSecret}, "S3KIT_ACCESS_KEY_ID is set but empty"},
		{"MinIO's default user", nil, map[string]string{envAccessKeyID: "minioadmin", envSecretAccessKey: "minioadmin"},
			"S3KIT_ACCESS_KEY_ID: invalid access key id: 10 characters; AWS access key IDs have 16 to 128"},
		{"weak secret", []string{"--access-key-id", ciKeyID, "--secret-access-key", "password"}, nil,
			"--secret-access-key: invalid secret access key: 8 characters is too short"},
		{"dash in id", nil, map[string]string{envAccessKeyID: "ci-test-access-key", envSecretAccessKey: ciSecret}, "only letters A-Z and a-z, digits and '_'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := serveEnv(t)
			env.LookupEnv = mapLookup(tc.env)
			data := t.TempDir()
			code, _, errs := runCLI(t, env, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, tc.args...)...)
			if code != ExitUsage || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tc.want)
			}
			if strings.Contains(errs, "password") || strings.Contains(errs, ciSecret) {
				t.Errorf("the error quotes the secret: %q", errs)
			}
			if ents, _ := os.ReadDir(data); len(ents) != 0 {
				t.Errorf("a refused start wrote %v", ents)
			}
		})
	}
}

func TestServeDeclaredKeyWritesProfile(t *testing.T) {
	env := serveEnv(t)
	env.LookupEnv = mapLookup(map[string]string{envAccessKeyID: ciKeyID, envSecretAccessKey: ciSecret})
	s := startServe(t, env, "--memory", "--write-profile", "ci")
	s.stop()
	b, err := os.ReadFile(filepath.Join(env.Home, ".aws", "credentials"))
	if err != nil || !strings.Contains(string(b), "[ci]\naws_access_key_id = "+ciKeyID+"\naws_secret_access_key = "+ciSecret+"\n") {
		t.Errorf("credentials: %q %v", b, err)
	}
	// A restart finds the profile holding the declared key: ours, so no
	// --force-profile is needed.
	s2 := startServe(t, env, "--memory", "--write-profile", "ci")
	if !strings.Contains(s2.Banner, `Wrote profile "ci" with access key `+ciKeyID) {
		t.Errorf("second start:\n%s", s2.Banner)
	}
}

// TestServeMemoryWritesNothing runs a server in memory with every data
// directory default pointing at empty directories, stores an object, and
// checks that nothing was written anywhere.
func TestServeMemoryWritesNothing(t *testing.T) {
	home, sdata, xdg, wd := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	t.Chdir(wd)
	env := Env{Home: home, Now: time.Now, LookupEnv: mapLookup(map[string]string{"S3KIT_DATA": sdata, "XDG_DATA_HOME": xdg})}
	s := startServe(t, env, "--memory")
	if !strings.Contains(s.Banner, "  Data:        in memory only: nothing is written to disk") || s.KeyID == "" || s.Secret == "" {
		t.Fatalf("memory banner:\n%s", s.Banner)
	}
	if strings.Contains(s.Banner, "keys create") {
		t.Errorf("the banner offers key commands that cannot reach a memory server:\n%s", s.Banner)
	}
	put, _ := http.NewRequest(http.MethodPut, s.Endpoint+"/mem-bucket", nil)
	if code, body := signedDo(t, put, s.KeyID, s.Secret); code != http.StatusOK {
		t.Fatalf("create bucket: %d %s", code, body)
	}
	obj, _ := http.NewRequest(http.MethodPut, s.Endpoint+"/mem-bucket/k", strings.NewReader(""))
	if code, body := signedDo(t, obj, s.KeyID, s.Secret); code != http.StatusOK {
		t.Fatalf("put object: %d %s", code, body)
	}
	// Encrypted objects too: the master key and the KMS keys stay in
	// memory with the objects.
	for _, alg := range []string{"AES256", "aws:kms"} {
		enc, _ := http.NewRequest(http.MethodPut, s.Endpoint+"/mem-bucket/enc-"+alg, strings.NewReader("secret"))
		enc.Header.Set("X-Amz-Server-Side-Encryption", alg)
		if code, body := signedDoWith(t, http.DefaultClient, enc, s.KeyID, s.Secret, "UNSIGNED-PAYLOAD"); code != http.StatusOK {
			t.Fatalf("put %s object: %d %s", alg, code, body)
		}
		get, _ := http.NewRequest(http.MethodGet, s.Endpoint+"/mem-bucket/enc-"+alg, nil)
		if code, body := signedDo(t, get, s.KeyID, s.Secret); code != http.StatusOK || body != "secret" {
			t.Fatalf("get %s object: %d %s", alg, code, body)
		}
	}
	list, _ := http.NewRequest(http.MethodGet, s.Endpoint+"/mem-bucket?list-type=2", nil)
	if code, body := signedDo(t, list, s.KeyID, s.Secret); code != http.StatusOK || !strings.Contains(body, "<Key>k</Key>") {
		t.Fatalf("list: %d %s", code, body)
	}
	if code := s.stop(); code != ExitOK {
		t.Fatalf("stop: exit %d\n%s", code, s.Log)
	}
	for _, dir := range []string{home, sdata, xdg, wd} {
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("--memory wrote into %s: %v", dir, ents)
		}
	}
	// A second memory server starts empty: nothing survived.
	s2 := startServe(t, env, "--memory")
	if s2.KeyID == s.KeyID || listBuckets(t, s2.Endpoint, s.KeyID, s.Secret) != http.StatusForbidden {
		t.Errorf("the first memory server's key survived")
	}

	code, _, errs := runCLI(t, env, "serve", "--memory", "--data", sdata)
	if code != ExitUsage || !strings.Contains(errs, "--memory keeps everything in memory; it does not take --data") {
		t.Errorf("--memory --data: exit %d %q", code, errs)
	}
}
