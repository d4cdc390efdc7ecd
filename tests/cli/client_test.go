package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func randData(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// keys lists the bucket's keys with ls --recursive --json.
func (w *world) keys(bucket, prefix string) []string {
	w.t.Helper()
	r := w.ok("ls", "s3://"+bucket+"/"+prefix, "--recursive", "--json")
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if line == "" {
			continue
		}
		var e struct{ Key string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			w.t.Fatalf("ls --json line %q: %v", line, err)
		}
		keys = append(keys, e.Key)
	}
	return keys
}

func TestBucketAndObjectCommands(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("objects")
	if r := w.ok("ls"); !strings.Contains(r.stdout, " objects\n") {
		t.Errorf("ls of buckets does not list the new bucket:\n%s", r)
	}
	data := randData(t, 1000)
	src := writeFile(t, t.TempDir(), "hello.bin", data)

	r := w.ok("cp", src, "s3://"+b+"/dir/")
	if want := "upload: " + src + " to s3://" + b + "/dir/hello.bin\n"; r.stdout != want {
		t.Errorf("cp output %q, want %q", r.stdout, want)
	}
	r = w.ok("ls", "s3://"+b+"/")
	if !strings.Contains(r.stdout, "PRE dir/") {
		t.Errorf("ls without --recursive should show the prefix:\n%s", r)
	}
	r = w.ok("ls", "s3://"+b+"/dir/")
	if !strings.HasSuffix(r.stdout, "       1000 hello.bin\n") {
		t.Errorf("ls of a prefix: %q", r.stdout)
	}
	r = w.ok("ls", "s3://"+b, "--recursive", "--json")
	var e struct {
		Key  string
		Size int64
		ETag string
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &e); err != nil || e.Key != "dir/hello.bin" || e.Size != 1000 || e.ETag == "" {
		t.Errorf("ls --json: %+v (%v) from %q", e, err, r.stdout)
	}
	if r := w.ok("cat", "s3://"+b+"/dir/hello.bin"); r.stdout != string(data) {
		t.Error("cat printed other bytes than were uploaded")
	}

	r = w.ok("presign", "s3://"+b+"/dir/hello.bin", "--expires-in", "120")
	u := strings.TrimSpace(r.stdout)
	if !strings.Contains(u, "X-Amz-Expires=120") {
		t.Errorf("presigned URL %q lacks X-Amz-Expires=120", u)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, data) {
		t.Errorf("GET presigned URL: status %d, %d bytes", resp.StatusCode, len(got))
	}
	// Content-Type is guessed from the extension, as aws-cli does.
	page := writeFile(t, t.TempDir(), "page.html", []byte("<p>hi</p>"))
	w.ok("cp", page, "s3://"+b+"/page.html")
	resp, err = http.Get(strings.TrimSpace(w.ok("presign", "s3://"+b+"/page.html").stdout))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type of page.html = %q", ct)
	}
	w.ok("rm", "s3://"+b+"/page.html")
	if r := w.ok("presign", "s3://"+b+"/dir/hello.bin"); !strings.Contains(r.stdout, "X-Amz-Expires=3600") {
		t.Errorf("default expiry is not 3600 s: %s", r.stdout)
	}

	if r := w.run("rb", "s3://"+b); r.code != 1 || !strings.Contains(r.stderr, "BucketNotEmpty") {
		t.Errorf("rb of a non-empty bucket: %s", r)
	}
	w.ok("rm", "s3://"+b+"/dir/hello.bin")
	if keys := w.keys(b, ""); len(keys) != 0 {
		t.Errorf("after rm: %v", keys)
	}
	w.ok("cp", src, "s3://"+b+"/again")
	if r := w.ok("rb", "s3://"+b, "--force"); !strings.Contains(r.stdout, "remove_bucket: "+b) {
		t.Errorf("rb --force: %s", r)
	}
	if r := w.ok("ls"); strings.Contains(r.stdout, " objects\n") {
		t.Errorf("bucket still listed after rb --force:\n%s", r)
	}
}

func TestCpDirections(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("directions")
	dir := t.TempDir()
	big := randData(t, 12<<20) // multipart at the default 8 MiB part size
	writeFile(t, dir, "big", big)
	small := writeFile(t, dir, "small", []byte("small"))

	w.ok("cp", filepath.Join(dir, "big"), "s3://"+b+"/big")
	out := filepath.Join(t.TempDir(), "big.copy")
	w.ok("cp", "s3://"+b+"/big", out)
	if got, _ := os.ReadFile(out); !bytes.Equal(got, big) {
		t.Fatal("multipart round trip changed the bytes")
	}
	// S3 to S3, into a "directory" target, then mv.
	r := w.ok("cp", "s3://"+b+"/big", "s3://"+b+"/copies/")
	if !strings.Contains(r.stdout, "copy: s3://"+b+"/big to s3://"+b+"/copies/big") {
		t.Errorf("cp s3 to s3: %s", r)
	}
	w.ok("mv", "s3://"+b+"/copies/big", "s3://"+b+"/moved")
	if keys := w.keys(b, ""); !slices.Equal(keys, []string{"big", "moved"}) {
		t.Errorf("after mv: keys %v", keys)
	}
	// A download into an existing directory keeps the key's base name.
	dl := t.TempDir()
	w.ok("cp", "s3://"+b+"/moved", dl)
	if got, _ := os.ReadFile(filepath.Join(dl, "moved")); !bytes.Equal(got, big) {
		t.Error("download into a directory")
	}
	// mv of a local file removes it only after the upload.
	w.ok("mv", small, "s3://"+b+"/small")
	if _, err := os.Stat(small); !os.IsNotExist(err) {
		t.Errorf("mv left the local source: %v", err)
	}
	// Streams: stdin to S3 and S3 to stdout.
	stream := randData(t, 9<<20)
	w.runIn(stream, "cp", "-", "s3://"+b+"/stream")
	if r := w.ok("cp", "s3://"+b+"/stream", "-"); r.stdout != string(stream) {
		t.Error("stdin upload / stdout download changed the bytes")
	}
}

func TestRecursiveWithFilters(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("filters")
	dir := t.TempDir()
	for _, f := range []string{"a.txt", "b.log", "sub/c.txt", "sub/d.jpg", "sub/deep/e.txt", "a-b"} {
		writeFile(t, dir, f, []byte(f))
	}
	w.ok("cp", dir, "s3://"+b+"/up", "--recursive", "--exclude", "*", "--include", "*.txt", "--exclude", "sub/deep/*")
	if keys := w.keys(b, ""); !slices.Equal(keys, []string{"up/a.txt", "up/sub/c.txt"}) {
		t.Errorf("filtered upload: %v", keys)
	}
	w.ok("cp", dir, "s3://"+b+"/all", "-r")
	r := w.ok("rm", "s3://"+b+"/all", "--recursive", "--exclude", "*.txt")
	if n := strings.Count(r.stdout, "delete: "); n != 3 {
		t.Errorf("rm --recursive --exclude deleted %d keys, want 3:\n%s", n, r)
	}
	if keys := w.keys(b, "all/"); !slices.Equal(keys, []string{"all/a.txt", "all/sub/c.txt", "all/sub/deep/e.txt"}) {
		t.Errorf("after filtered rm: %v", keys)
	}
	out := t.TempDir()
	w.ok("cp", "s3://"+b+"/all/", out, "--recursive", "--exclude", "sub/*")
	got, _ := os.ReadDir(out)
	if len(got) != 1 || got[0].Name() != "a.txt" {
		t.Errorf("filtered download: %v", got)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("codes")
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing argument", []string{"cp", "only-one"}, 2, "accepts 2 arg"},
		{"unknown flag", []string{"ls", "--bogus"}, 2, "unknown flag"},
		{"local to local", []string{"cp", "a", "b"}, 2, "s3://"},
		{"bad expiry", []string{"presign", "s3://" + b + "/k", "--expires-in", "0"}, 2, "expires-in"},
		{"missing key", []string{"cp", "s3://" + b + "/nope", t.TempDir() + "/x"}, 1, "download"},
		{"missing bucket", []string{"ls", "s3://no-such-bucket-here"}, 1, "NoSuchBucket"},
		{"missing local file", []string{"cp", "/nonexistent/file", "s3://" + b + "/x"}, 1, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := w.run(tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
				t.Errorf("want exit %d mentioning %q, got %s", tc.code, tc.msg, r)
			}
		})
	}
	// One failure among many: exit 1, the others done, the failure named.
	// A directory standing where one download must go blocks that one only.
	for _, k := range []string{"ok1", "ok2", "blocked"} {
		w.runIn([]byte(k), "cp", "-", "s3://"+b+"/partial/"+k)
	}
	out := t.TempDir()
	writeFile(t, out, "blocked/inside", []byte("x"))
	r := w.run("cp", "s3://"+b+"/partial/", out, "--recursive")
	if r.code != 1 || !strings.Contains(r.stderr, "blocked") || strings.Count(r.stdout, "download:") != 2 {
		t.Errorf("partial failure: %s", r)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "ok1")); string(got) != "ok1" {
		t.Errorf("ok1 = %q after a partial failure", got)
	}
}

func TestProfileEndpointAndFlags(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("profiles")
	// A profile carrying keys and endpoint_url; the environment's are removed.
	keyID, secret := envValue(w.env, "AWS_ACCESS_KEY_ID"), envValue(w.env, "AWS_SECRET_ACCESS_KEY")
	writeFile(t, w.home, ".aws/credentials", []byte("[dev]\naws_access_key_id = "+keyID+"\naws_secret_access_key = "+secret+"\n"))
	writeFile(t, w.home, ".aws/config", []byte("[profile dev]\nregion = us-east-1\nendpoint_url = "+w.endpoint+"\n"))
	clean := &world{t: t, endpoint: w.endpoint, home: w.home}
	for _, kv := range w.env {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") && !strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") {
			clean.env = append(clean.env, kv)
		}
	}
	if r := clean.ok("ls", "--profile", "dev"); !strings.Contains(r.stdout, b) {
		t.Errorf("--profile with endpoint_url: %s", r)
	}
	// --endpoint-url overrides a profile's endpoint.
	writeFile(t, w.home, ".aws/config", []byte("[profile dev]\nregion = us-east-1\nmax_attempts = 1\nendpoint_url = http://127.0.0.1:1\n"))
	if r := clean.run("ls", "--profile", "dev"); r.code != 1 {
		t.Errorf("a dead endpoint_url should fail: %s", r)
	}
	if r := clean.ok("ls", "--profile", "dev", "--endpoint-url", w.endpoint, "--region", "us-east-1"); !strings.Contains(r.stdout, b) {
		t.Errorf("--endpoint-url: %s", r)
	}
	if r := clean.run("ls", "--profile", "nosuch"); r.code != 1 || !strings.Contains(r.stderr, "nosuch") {
		t.Errorf("unknown profile: %s", r)
	}
	for _, r := range []result{clean.run("ls", "--profile", "dev", "--endpoint-url", w.endpoint)} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Error("the secret key was printed")
		}
	}
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

func TestDownloadRefusesKeysEscapingTarget(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("traversal")
	w.runIn([]byte("ok"), "cp", "-", "s3://"+b+"/p/fine")
	if r := w.runIn([]byte("evil"), "cp", "-", "s3://"+b+"/p/../../escape"); r.code != 0 {
		t.Skipf("server refused the key: %s", r)
	}
	base := t.TempDir()
	out := filepath.Join(base, "a", "out")
	for _, args := range [][]string{
		{"cp", "s3://" + b + "/p/", out, "--recursive"},
		{"sync", "s3://" + b + "/p/", out},
	} {
		r := w.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, "not a safe local path") {
			t.Errorf("%v: %s", args, r)
		}
		if _, err := os.Stat(filepath.Join(base, "escape")); !os.IsNotExist(err) {
			t.Fatalf("%v wrote outside the target directory", args)
		}
		if got, _ := os.ReadFile(filepath.Join(out, "fine")); string(got) != "ok" {
			t.Errorf("%v: the safe key was not downloaded", args)
		}
	}
}

// TestTransferSettings: as in aws-cli, the profile's s3 block sets the part
// size and multipart threshold, flags win over it, and sizes may be written
// with aws-cli's suffixes (16MB = 16 MiB). The part count shows in the
// multipart ETag's "-N" suffix.
func TestTransferSettings(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("settings")
	dir := t.TempDir()
	writeFile(t, dir, "f", randData(t, 12<<20))
	writeFile(t, dir, "small", randData(t, 3<<20))
	parts := func(key string) string {
		t.Helper()
		r := w.ok("ls", "--json", "s3://"+b+"/"+key)
		var o struct{ ETag string }
		if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &o); err != nil {
			t.Fatalf("ls --json: %v\n%s", err, r)
		}
		if i := strings.LastIndexByte(o.ETag, '-'); i >= 0 {
			return o.ETag[i+1:]
		}
		return "single"
	}
	f := filepath.Join(dir, "f")

	w.ok("cp", f, "s3://"+b+"/default")
	writeFile(t, w.home, ".aws/config", []byte("[default]\ns3 =\n  multipart_chunksize = 5MB\n  multipart_threshold = 1MB\n  max_concurrent_requests = 2\n"))
	w.ok("cp", f, "s3://"+b+"/config")
	w.ok("cp", filepath.Join(dir, "small"), "s3://"+b+"/small")
	w.ok("cp", "--part-size", "6MiB", f, "s3://"+b+"/flag")
	w.ok("cp", "--part-size", "12582912", f, "s3://"+b+"/bytes") // one part: the threshold is 1MB
	for key, want := range map[string]string{"default": "2", "config": "3", "small": "1", "flag": "2", "bytes": "1"} {
		if got := parts(key); got != want {
			t.Errorf("%s: %s parts, want %s", key, got, want)
		}
	}
	if r := w.run("cp", "--part-size", "lots", f, "s3://"+b+"/x"); r.code != 2 || !strings.Contains(r.stderr, "not a size") {
		t.Errorf("--part-size lots: %s", r)
	}
	writeFile(t, w.home, ".aws/config", []byte("[default]\ns3 =\n  multipart_chunksize = 1MB\n"))
	if r := w.run("cp", f, "s3://"+b+"/x"); r.code != 2 || !strings.Contains(r.stderr, "multipart_chunksize") {
		t.Errorf("a 1MB multipart_chunksize in the config: %s", r)
	}
}

// TestDownloadedFilesFollowUmask: a downloaded file gets mode 0666 less
// the user's umask, as with aws-cli (and any program), not a fixed mode;
// a user with umask 077 must not find their downloads readable by others.
func TestDownloadedFilesFollowUmask(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("umask")
	w.runIn([]byte("secret"), "cp", "-", "s3://"+b+"/d/f")
	for _, tc := range []struct {
		umask string
		want  os.FileMode
	}{{"077", 0o600}, {"022", 0o644}, {"002", 0o664}} {
		dir := t.TempDir()
		for _, args := range [][]string{
			{"cp", "s3://" + b + "/d/f", filepath.Join(dir, "cp")},
			{"sync", "s3://" + b + "/d", filepath.Join(dir, "sync")},
		} {
			cmd := exec.Command("sh", append([]string{"-c", "umask " + tc.umask + " && exec \"$0\" \"$@\"", bin}, args...)...)
			cmd.Env, cmd.Dir = w.env, w.home
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("umask %s; s3kit %v: %v\n%s", tc.umask, args, err, out)
			}
		}
		for _, p := range []string{filepath.Join(dir, "cp"), filepath.Join(dir, "sync", "f")} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tc.want {
				t.Errorf("umask %s: %s has mode %v, want %v", tc.umask, p, fi.Mode().Perm(), tc.want)
			}
		}
	}
}
