package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3kit/s3kit/server/keys"
	"github.com/s3kit/s3kit/sigv4"
)

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runningServe is an in-process "s3kit serve".
type runningServe struct {
	Banner, Endpoint, KeyID, Secret string
	Log                             *syncBuffer
	stop                            func() int
}

// startServe runs "s3kit serve --addr 127.0.0.1:0 args..." in-process and
// returns once its banner is printed. The server stops when the test ends.
func startServe(t *testing.T, env Env, args ...string) *runningServe {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	env.Stdout, env.Stderr = pw, logs
	code := make(chan int, 1)
	go func() {
		code <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), env)
		pw.Close()
	}()
	rs := &runningServe{Log: logs}
	var once sync.Once
	exit := -1
	rs.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case exit = <-code:
			case <-time.After(15 * time.Second):
				t.Errorf("serve did not stop within 15s of its context ending")
			}
		})
		return exit
	}
	t.Cleanup(func() { rs.stop() })

	var banner strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		banner.WriteString(line + "\n")
		l := strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(l, "S3 endpoint:"); ok {
			rs.Endpoint = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "Access key ID:"); ok {
			rs.KeyID = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "Secret access key:"); ok {
			rs.Secret = strings.TrimSpace(v)
		}
		if l == bannerEnd {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	rs.Banner = banner.String()
	if rs.Endpoint == "" {
		t.Fatalf("no endpoint in the banner (exit %d):\n%s\nlog:\n%s", rs.stop(), rs.Banner, logs)
	}
	return rs
}

// listBuckets sends a signed ListBuckets and returns the status code.
func listBuckets(t *testing.T, endpoint, id, secret string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, endpoint+"/", nil)
	code, _ := signedDo(t, req, id, secret)
	return code
}

func serveEnv(t *testing.T) Env {
	return Env{Home: t.TempDir(), LookupEnv: mapLookup(nil), Now: time.Now}
}

func TestServeFirstStartThenRestart(t *testing.T) {
	data := t.TempDir()
	env := serveEnv(t)
	first := startServe(t, env, "--data", data)
	if !strings.HasPrefix(first.KeyID, "AKIA") || len(first.Secret) != 40 {
		t.Fatalf("first start printed key %q, secret %q:\n%s", first.KeyID, first.Secret, first.Banner)
	}
	for _, want := range []string{
		`aws_access_key_id="` + first.KeyID + `"`,
		"export AWS_SECRET_ACCESS_KEY=" + first.Secret,
		"export AWS_ENDPOINT_URL=" + first.Endpoint,
		// Snippets start at the left margin, so they paste into python3
		// and INI files as they are.
		"\nimport boto3\nsession = boto3.Session(\n    aws_access_key_id=",
		"\n[profile s3kit]\nregion = us-east-1\nservices = s3kit-s3kit\n\n[services s3kit-s3kit]\ns3 =\n  endpoint_url = " + first.Endpoint + "\n",
		// Every aws-cli line carries the endpoint: older aws-cli releases
		// ignore AWS_ENDPOINT_URL and endpoint_url and would call AWS.
		"aws --endpoint-url " + first.Endpoint + " s3 cp ./file.txt s3://my-bucket/",
		"s3kit ls s3://my-bucket",
	} {
		if !strings.Contains(first.Banner, want) {
			t.Errorf("first-start banner lacks %q", want)
		}
	}
	resp, err := http.Get(first.Endpoint + HealthPath)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
	if got := listBuckets(t, first.Endpoint, first.KeyID, first.Secret); got != http.StatusOK {
		t.Errorf("ListBuckets with the printed key: %d", got)
	}
	if got := listBuckets(t, first.Endpoint, first.KeyID, strings.Repeat("x", 40)); got != http.StatusForbidden {
		t.Errorf("ListBuckets with a wrong secret: %d, want 403", got)
	}
	if code := first.stop(); code != ExitOK {
		t.Fatalf("graceful stop exit %d; log:\n%s", code, first.Log)
	}
	if strings.Contains(first.Log.String(), first.Secret) {
		t.Errorf("the secret reached the log:\n%s", first.Log)
	}
	if !strings.Contains(first.Log.String(), "shutting down") {
		t.Errorf("no shutdown in the log:\n%s", first.Log)
	}

	again := startServe(t, env, "--data", data)
	if again.KeyID != "" || strings.Contains(again.Banner, first.Secret) {
		t.Errorf("a later start printed a key:\n%s", again.Banner)
	}
	if !strings.Contains(again.Banner, "Access keys: 1 in ") || !strings.Contains(again.Banner, "\ns3kit keys create --data "+data+"\ns3kit keys list --data "+data+"\n") {
		t.Errorf("a later start should count keys and say how to create one:\n%s", again.Banner)
	}
	if got := listBuckets(t, again.Endpoint, first.KeyID, first.Secret); got != http.StatusOK {
		t.Errorf("the first key after a restart: %d", got)
	}
}

func TestServeWriteProfile(t *testing.T) {
	data := t.TempDir()
	env := serveEnv(t)
	cred := filepath.Join(env.Home, ".aws", "credentials")
	conf := filepath.Join(env.Home, ".aws", "config")

	first := startServe(t, env, "--data", data, "--write-profile", "dev", "--region", "eu-west-1")
	first.stop()
	b, _ := os.ReadFile(cred)
	c, _ := os.ReadFile(conf)
	if !strings.Contains(string(b), "[dev]\naws_access_key_id = "+first.KeyID+"\naws_secret_access_key = "+first.Secret+"\n") {
		t.Fatalf("credentials:\n%s", b)
	}
	wantConf := "[profile dev]\nregion = eu-west-1\nservices = s3kit-dev\n\n[services s3kit-dev]\ns3 =\n  endpoint_url = " + first.Endpoint + "\n"
	if string(c) != wantConf {
		t.Fatalf("config:\n%s\nwant:\n%s", c, wantConf)
	}

	// A later start keeps the profile's key (its secret is never printed)
	// and updates the endpoint, moving a profile-wide endpoint_url (as
	// older s3kit releases wrote it) into the S3-only services section.
	if err := os.WriteFile(conf, []byte("[profile dev]\nendpoint_url = "+first.Endpoint+"\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	second := startServe(t, env, "--data", data, "--write-profile", "dev", "--region", "eu-west-1")
	second.stop()
	b2, _ := os.ReadFile(cred)
	c2, _ := os.ReadFile(conf)
	if string(b2) != string(b) {
		t.Errorf("credentials changed although the key is still valid:\n%s", b2)
	}
	if !strings.Contains(string(c2), "s3 =\n  endpoint_url = "+second.Endpoint+"\n") || strings.Count(string(c2), "[profile dev]") != 1 ||
		strings.Count(string(c2), "[services s3kit-dev]") != 1 || strings.Count(string(c2), "endpoint_url") != 1 {
		t.Errorf("config after restart:\n%s", c2)
	}
	if strings.Contains(second.Banner, first.Secret) || !strings.Contains(second.Banner, "with access key "+first.KeyID) {
		t.Errorf("second banner:\n%s", second.Banner)
	}

	// Once that key is deleted (another one remains, so this is not a first
	// start), a start writes a new key into the profile.
	store, err := keys.Open(data, keys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := store.Create(context.Background(), keys.CreateOptions{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Delete(context.Background(), first.KeyID); err != nil {
		t.Fatal(err)
	}
	// The profile now holds a key this server does not know: it is not
	// ours any more, so only --force-profile replaces it.
	code, _, errs := runCLI(t, env, "serve", "--addr", "127.0.0.1:0", "--data", data, "--write-profile", "dev")
	if code != ExitFailed || !strings.Contains(errs, `profile "dev" already exists`) || !strings.Contains(errs, "--force-profile") {
		t.Fatalf("a profile holding an unknown key: exit %d, stderr %q", code, errs)
	}
	third := startServe(t, env, "--data", data, "--write-profile", "dev", "--force-profile")
	third.stop()
	b3, _ := os.ReadFile(cred)
	if strings.Contains(string(b3), first.KeyID) || strings.Contains(string(b3), other.AccessKeyID) || strings.Count(string(b3), "aws_access_key_id") != 1 {
		t.Errorf("credentials after the key was deleted:\n%s", b3)
	}
	if !strings.Contains(third.Banner, "with a new access key") || strings.Contains(third.Banner, "Secret access key") {
		t.Errorf("third banner:\n%s", third.Banner)
	}
	infos, _ := store.List(context.Background())
	var profileKey string
	for _, i := range infos {
		if i.Name == "profile dev" {
			profileKey = i.AccessKeyID
		}
	}
	if len(infos) != 2 || profileKey == "" || !strings.Contains(string(b3), profileKey) {
		t.Errorf("keys after the third start: %+v; credentials:\n%s", infos, b3)
	}
}

func TestServeRespectsAWSFileVariables(t *testing.T) {
	env := serveEnv(t)
	dir := t.TempDir()
	env.LookupEnv = mapLookup(map[string]string{
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "creds"),
		"AWS_CONFIG_FILE":             filepath.Join(dir, "conf"),
	})
	s := startServe(t, env, "--data", t.TempDir(), "--write-profile", "default")
	s.stop()
	b, err := os.ReadFile(filepath.Join(dir, "creds"))
	if err != nil || !strings.HasPrefix(string(b), "[default]\naws_access_key_id = "+s.KeyID) {
		t.Errorf("creds: %q %v", b, err)
	}
	c, err := os.ReadFile(filepath.Join(dir, "conf"))
	if err != nil || !strings.HasPrefix(string(c), "[default]\nregion = us-east-1\nservices = s3kit-default\n") {
		t.Errorf("conf (default profile has no 'profile ' prefix): %q %v", c, err)
	}
	if _, err := os.Stat(filepath.Join(env.Home, ".aws")); err == nil {
		t.Error("~/.aws written although the variables point elsewhere")
	}
}

func TestServeErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"extra argument", []string{"serve", "nope"}, ExitUsage, "unknown command"},
		{"empty region", []string{"serve", "--region", ""}, ExitUsage, "--region"},
		{"bad address", []string{"serve", "--addr", "127.0.0.1:notaport"}, ExitFailed, "serve:"},
		{"negative max connections", []string{"serve", "--max-connections", "-1"}, ExitUsage, "--max-connections"},
		{"negative body timeout", []string{"serve", "--body-timeout", "-1s"}, ExitUsage, "--body-timeout"},
		{"negative body min rate", []string{"serve", "--body-min-rate", "-1"}, ExitUsage, "--body-min-rate"},
		{"address without a port", []string{"serve", "--addr", "9000"}, ExitUsage, "want HOST:PORT"},
		{"profile name with a space", []string{"serve", "--write-profile", "my dev"}, ExitUsage, "cannot contain spaces"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := serveEnv(t)
			code, _, errs := runCLI(t, env, append(tc.args, "--data", t.TempDir())...)
			if code != tc.code || !strings.Contains(errs, tc.err) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errs, tc.code, tc.err)
			}
		})
	}
}

func TestEndpointURL(t *testing.T) {
	tests := []struct {
		addr *net.TCPAddr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9000}, "http://127.0.0.1:9000"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 9000}, "http://127.0.0.1:9000"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 1}, "http://127.0.0.1:1"},
		{&net.TCPAddr{Port: 2}, "http://127.0.0.1:2"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 3}, "http://[::1]:3"},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 4}, "http://192.168.1.5:4"},
	}
	for _, tc := range tests {
		if got := endpointURL("http", tc.addr); got != tc.want {
			t.Errorf("endpointURL(%v) = %s, want %s", tc.addr, got, tc.want)
		}
	}
}

func TestServeWriteProfileFailureStillShowsTheFirstKey(t *testing.T) {
	env := serveEnv(t)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env.LookupEnv = mapLookup(map[string]string{
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(blocker, "creds"), // a file is in the way
		"AWS_CONFIG_FILE":             filepath.Join(blocker, "conf"),
	})
	s := startServe(t, env, "--data", t.TempDir(), "--write-profile", "dev")
	if s.Secret == "" || !strings.Contains(s.Banner, "Could not write the profile") {
		t.Errorf("banner should show the key and the profile error:\n%s", s.Banner)
	}
	if got := listBuckets(t, s.Endpoint, s.KeyID, s.Secret); got != http.StatusOK {
		t.Errorf("server not serving after the profile error: %d", got)
	}
}

func TestServeRefusesADataDirInUse(t *testing.T) {
	data := t.TempDir()
	first := startServe(t, serveEnv(t), "--data", data)
	start := time.Now()
	code, _, errs := runCLI(t, serveEnv(t), "serve", "--addr", "127.0.0.1:0", "--data", data)
	// The first server runs in this process, so the lock names our PID.
	want := fmt.Sprintf("data directory %s is in use by another s3kit serve (pid %d)", data, os.Getpid())
	if code != ExitFailed || !strings.Contains(errs, want) {
		t.Errorf("second server on one data dir: exit %d, %q; want %q", code, errs, want)
	}
	// Waiting for the lock would never end; the bound is generous so a
	// busy machine does not fail it.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the second server took %v to fail; want at once", d)
	}
	n, err := openKeyStoreForTest(t, data).Len(context.Background())
	if err != nil || n != 1 {
		t.Errorf("%d keys after the refused start (want the first server's 1): %v", n, err)
	}
	_ = first
}

func openKeyStoreForTest(t *testing.T, dir string) *keys.Store {
	s, err := keys.Open(dir, keys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signedDo signs req with the key (for region us-east-1) and sends it.
func signedDo(t *testing.T, req *http.Request, id, secret string) (int, string) {
	t.Helper()
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{
		Credentials: sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret},
		Service:     "s3", Region: "us-east-1", Time: time.Now(), PayloadHash: sigv4.EmptyPayloadHash,
	}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeDomainEnablesVirtualHostStyle(t *testing.T) {
	s := startServe(t, serveEnv(t), "--data", t.TempDir(), "--domain", "s3.test")
	if !strings.Contains(s.Banner, "Virtual-host style: BUCKET.s3.test") {
		t.Errorf("banner does not mention the domain:\n%s", s.Banner)
	}
	put, _ := http.NewRequest(http.MethodPut, s.Endpoint+"/vhost-bucket", nil)
	if code, body := signedDo(t, put, s.KeyID, s.Secret); code != http.StatusOK {
		t.Fatalf("create bucket path-style: %d %s", code, body)
	}
	list, _ := http.NewRequest(http.MethodGet, s.Endpoint+"/?list-type=2", nil)
	list.Host = "vhost-bucket.s3.test:" + list.URL.Port()
	code, body := signedDo(t, list, s.KeyID, s.Secret)
	if code != http.StatusOK || !strings.Contains(body, "<Name>vhost-bucket</Name>") {
		t.Errorf("virtual-host ListObjectsV2: %d %s", code, body)
	}
}

func TestServeAddrWithoutHostListensOnLoopbackOnly(t *testing.T) {
	s := startServe(t, serveEnv(t), "--data", t.TempDir(), "--addr", ":0")
	if !strings.Contains(s.Banner, "  Listening:   127.0.0.1:") || !strings.Contains(s.Banner, "this machine only") ||
		!strings.HasPrefix(s.Endpoint, "http://127.0.0.1:") {
		t.Errorf("--addr :0 banner:\n%s", s.Banner)
	}
	all := startServe(t, serveEnv(t), "--data", t.TempDir(), "--addr", "0.0.0.0:0")
	if !strings.Contains(all.Banner, "all interfaces") {
		t.Errorf("--addr 0.0.0.0:0 banner:\n%s", all.Banner)
	}
	for in, want := range map[string]string{
		":9000": "127.0.0.1:9000", ":0": "127.0.0.1:0", "0.0.0.0:9000": "0.0.0.0:9000",
		"[::]:9000": "[::]:9000", "localhost:1": "localhost:1",
	} {
		if got, err := listenAddr(in); got != want || err != nil {
			t.Errorf("listenAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := listenAddr("9000"); err == nil {
		t.Error(`listenAddr("9000"): want an error`)
	}
}

func TestServeWriteProfileNeverOverwritesAnotherProfile(t *testing.T) {
	env := serveEnv(t)
	aws := filepath.Join(env.Home, ".aws")
	cred, conf := filepath.Join(aws, "credentials"), filepath.Join(aws, "config")
	credBefore := "[dev]\naws_access_key_id = AKIAUSERUSERUSERUSER\naws_secret_access_key = usersecret\n"
	confBefore := "[profile dev]\nregion = eu-central-1\noutput = json\n"
	if err := os.MkdirAll(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cred, []byte(credBefore), 0o644)
	os.WriteFile(conf, []byte(confBefore), 0o644)
	data := t.TempDir()

	code, out, errs := runCLI(t, env, "serve", "--addr", "127.0.0.1:0", "--data", data, "--write-profile", "dev")
	if code != ExitFailed || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{
		`profile "dev" already exists`, "[dev] in " + cred + " (aws_access_key_id, aws_secret_access_key)",
		"[profile dev] in " + conf + " (region, output)", "--write-profile dev-local", "--force-profile",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("refusal lacks %q:\n%s", want, errs)
		}
	}
	if b, _ := os.ReadFile(cred); string(b) != credBefore {
		t.Errorf("credentials changed:\n%s", b)
	}
	if c, _ := os.ReadFile(conf); string(c) != confBefore {
		t.Errorf("config changed:\n%s", c)
	}
	if n, _ := openKeyStoreForTest(t, data).Len(context.Background()); n != 0 {
		t.Errorf("the refused start created %d keys", n)
	}

	// A profile only in the config file (here a role) is refused too.
	env2 := serveEnv(t)
	writeTestFile(t, filepath.Join(env2.Home, ".aws", "config"), "[profile dev]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n")
	if code, _, errs := runCLI(t, env2, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--write-profile", "dev"); code != ExitFailed || !strings.Contains(errs, "(role_arn, source_profile)") {
		t.Errorf("config-only profile: exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI(t, env2, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--force-profile"); code != ExitUsage {
		t.Errorf("--force-profile alone: exit %d, %q", code, errs)
	}

	// --force-profile replaces keys, region and endpoint, keeps the rest,
	// and backs up each file it changed.
	s := startServe(t, env, "--data", data, "--write-profile", "dev", "--force-profile")
	s.stop()
	b, _ := os.ReadFile(cred)
	c, _ := os.ReadFile(conf)
	if !strings.Contains(string(b), "aws_access_key_id = "+s.KeyID) || strings.Contains(string(b), "AKIAUSER") {
		t.Errorf("forced credentials:\n%s", b)
	}
	if !strings.Contains(string(c), "[profile dev]\nregion = us-east-1\noutput = json\nservices = s3kit-dev\n") {
		t.Errorf("forced config:\n%s", c)
	}
	for _, f := range []struct{ path, before string }{{cred, credBefore}, {conf, confBefore}} {
		baks, _ := filepath.Glob(f.path + ".s3kit-backup-*")
		if len(baks) != 1 {
			t.Fatalf("backups of %s: %v", f.path, baks)
		}
		got, _ := os.ReadFile(baks[0])
		fi, _ := os.Stat(baks[0])
		if string(got) != f.before || fi.Mode().Perm() != 0o600 {
			t.Errorf("backup %s: mode %v, content %q", baks[0], fi.Mode().Perm(), got)
		}
		if !strings.Contains(s.Banner, "Kept a copy of the previous file as "+baks[0]) {
			t.Errorf("banner does not name the backup %s:\n%s", baks[0], s.Banner)
		}
	}

	// Now the profile holds this server's key: later starts update it
	// without --force-profile and without more backups.
	again := startServe(t, env, "--data", data, "--write-profile", "dev")
	again.stop()
	if baks, _ := filepath.Glob(conf + ".s3kit-backup-*"); len(baks) != 1 || strings.Contains(again.Banner, "Kept a copy") {
		t.Errorf("a start with our own profile made backups: %v", baks)
	}
	if c2, _ := os.ReadFile(conf); !strings.Contains(string(c2), "endpoint_url = "+again.Endpoint+"\n") {
		t.Errorf("endpoint not updated:\n%s", c2)
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
