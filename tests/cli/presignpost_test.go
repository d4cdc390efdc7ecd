package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// postForm posts fields then the file to url and returns the status and
// body.
func postForm(t *testing.T, url string, fields [][2]string, filename string, data []byte) (int, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(data)
	mw.Close()
	resp, err := http.Post(url, mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestPresignPost prints forms with presign --post, in text and --json,
// and uploads with them: the file lands under the ${filename} prefix with
// the Content-Type the form sets; a file past --content-length-range is
// refused; bad flags are usage errors.
func TestPresignPost(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("forms")
	r := w.ok("presign", "--post", "s3://"+b+"/in/${filename}", "--content-length-range", "1,100",
		"--content-type", "text/csv", "--expires", "300", "--json")
	var out struct {
		URL       string            `json:"url"`
		Fields    map[string]string `json:"fields"`
		ExpiresIn int64             `json:"expires_in"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if out.URL != w.endpoint+"/"+b || out.ExpiresIn != 300 || out.Fields["key"] != "in/${filename}" || out.Fields["Content-Type"] != "text/csv" ||
		out.Fields["x-amz-signature"] == "" || out.Fields["policy"] == "" {
		t.Fatalf("--json: %s", r.stdout)
	}
	var fields [][2]string
	for k, v := range out.Fields {
		fields = append(fields, [2]string{k, v})
	}
	if st, body := postForm(t, out.URL, fields, "a.csv", []byte("1,2\n")); st != http.StatusNoContent {
		t.Fatalf("post: %d %s", st, body)
	}
	if got := w.ok("cat", "s3://"+b+"/in/a.csv").stdout; got != "1,2\n" {
		t.Errorf("uploaded object %q", got)
	}
	if st, body := postForm(t, out.URL, fields, "big.csv", bytes.Repeat([]byte("x"), 101)); st != 400 || !strings.Contains(body, "EntityTooLarge") {
		t.Errorf("file past the range: %d %s", st, body)
	}
	if r := w.run("ls", "s3://"+b+"/in/big.csv"); strings.Contains(r.stdout, "big.csv") {
		t.Error("a refused upload was stored")
	}

	// Text: the URL, then "name: value" lines in the order to send them.
	r = w.ok("presign", "--post", "s3://"+b+"/plain.txt")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != w.endpoint+"/"+b {
		t.Fatalf("text output: %s", r.stdout)
	}
	fields = nil
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("line %q", l)
		}
		fields = append(fields, [2]string{name, value})
	}
	if fields[0][0] != "key" || fields[len(fields)-1][0] != "x-amz-signature" {
		t.Errorf("field order: %v", fields)
	}
	if st, body := postForm(t, lines[0], fields, "x", []byte("plain")); st != http.StatusNoContent {
		t.Fatalf("post: %d %s", st, body)
	}

	for _, args := range [][]string{
		{"presign", "--post", "s3://" + b + "/k", "--content-length-range", "10"},
		{"presign", "--post", "s3://" + b + "/k", "--content-length-range", "5,1"},
		{"presign", "s3://" + b + "/k", "--content-type", "text/plain"},
	} {
		if r := w.run(args...); r.code != 2 {
			t.Errorf("%v: %s", args, r)
		}
	}
}

// TestPresignPostServe posts forms from `s3kit presign --post` and from
// boto3's generate_presigned_post (SigV4 and its default SigV2) to a real
// `s3kit serve`.
func TestPresignPostServe(t *testing.T) {
	t.Parallel()
	home, data := t.TempDir(), t.TempDir()
	env := pasteEnv(home)
	var key struct {
		ID     string `json:"access_key_id"`
		Secret string `json:"secret_access_key"`
	}
	kw := &world{t: t, home: home, env: env}
	if err := json.Unmarshal([]byte(kw.ok("keys", "create", "--data", data, "--json").stdout), &key); err != nil {
		t.Fatal(err)
	}
	banner := serveBanner(t, env, "--data", data)
	endpoint := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(banner)
	if endpoint == "" {
		t.Fatalf("no endpoint in the banner:\n%s", banner)
	}
	w := &world{t: t, endpoint: endpoint, home: home, env: append(env, "AWS_ACCESS_KEY_ID="+key.ID,
		"AWS_SECRET_ACCESS_KEY="+key.Secret, "AWS_ENDPOINT_URL="+endpoint, "AWS_REGION=us-east-1")}
	b := w.bucket("served")
	var out struct {
		URL    string            `json:"url"`
		Fields map[string]string `json:"fields"`
	}
	if err := json.Unmarshal([]byte(w.ok("presign", "--post", "s3://"+b+"/cli", "--json").stdout), &out); err != nil {
		t.Fatal(err)
	}
	var fields [][2]string
	for k, v := range out.Fields {
		fields = append(fields, [2]string{k, v})
	}
	if st, body := postForm(t, out.URL, fields, "f", []byte("from the cli")); st != http.StatusNoContent {
		t.Fatalf("post: %d %s", st, body)
	}
	if got := w.ok("cat", "s3://"+b+"/cli").stdout; got != "from the cli" {
		t.Errorf("object %q", got)
	}

	if err := exec.Command("python3", "-c", "import boto3, requests").Run(); err != nil {
		t.Skip("python3 with boto3 and requests not installed")
	}
	script := `
import sys, boto3, requests
from botocore.config import Config
for name, cfg in (("v4", Config(signature_version="s3v4")), ("v2", None)):
    s3 = boto3.client("s3", config=cfg)
    p = s3.generate_presigned_post(sys.argv[1], "boto3-" + name, Fields={"Content-Type": "text/plain"},
                                   Conditions=[{"Content-Type": "text/plain"}, ["content-length-range", 1, 64]])
    r = requests.post(p["url"], data=p["fields"], files={"file": ("f", b"from boto3 " + name.encode())}, timeout=30)
    assert r.status_code == 204, (name, r.status_code, r.text)
    o = s3.get_object(Bucket=sys.argv[1], Key="boto3-" + name)
    assert o["Body"].read() == b"from boto3 " + name.encode() and o["ContentType"] == "text/plain", o
print("OK")
`
	cmd := exec.Command("python3", "-c", script, b)
	cmd.Env = append(w.env, "AWS_DEFAULT_REGION=us-east-1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
}
