package browser

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
)

// chromiumPath is Debian's chromium (apt-get install chromium).
const chromiumPath = "/usr/bin/chromium"

// page is the web application: each function runs one upload with what
// the test hands it and reports what the browser saw. Every step is also
// written into the page, so the screenshots show it.
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>s3kit browser uploads</title>
<style>body{font:14px sans-serif;margin:1em} pre{background:#eee;padding:.5em;white-space:pre-wrap}</style></head>
<body>
<h1>Uploads from <span id="origin"></span></h1>
<form id="form" method="post" enctype="multipart/form-data"><input type="file" id="file" name="file"><button>Upload</button></form>
<pre id="log"></pre>
<script>
document.getElementById("origin").textContent = location.origin;
function log(s) { document.getElementById("log").textContent += s + "\n"; }
async function putObject(url, body) {
  try {
    const r = await fetch(url, {method: "PUT", body: body});
    const etag = r.headers.get("ETag");
    log("PUT " + r.status + " ETag " + etag);
    return {status: r.status, etag: etag};
  } catch (e) {
    log("PUT refused by the browser: " + e);
    return {error: String(e)};
  }
}
async function multipart(urls, size) {
  const part = "p".repeat(size);
  const etags = [];
  for (let i = 0; i < urls.length; i++) {
    const r = await fetch(urls[i], {method: "PUT", body: part + " #" + (i + 1)});
    if (!r.ok) { log("part " + (i + 1) + ": " + r.status); return {error: "part " + r.status}; }
    etags.push(r.headers.get("ETag"));
    log("part " + (i + 1) + " ETag " + etags[i]);
  }
  const done = await fetch("/complete", {method: "POST", body: JSON.stringify(etags)});
  const text = await done.text();
  log("complete " + done.status + " " + text);
  return {status: done.status, etags: etags, etag: text};
}
async function postForm(url, fields, name, content) {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  fd.append("file", new Blob([content], {type: "text/plain"}), name);
  try {
    const r = await fetch(url, {method: "POST", body: fd});
    log("POST " + r.status + " ETag " + r.headers.get("ETag"));
    return {status: r.status, etag: r.headers.get("ETag"), body: await r.text()};
  } catch (e) {
    log("POST refused by the browser: " + e);
    return {error: String(e)};
  }
}
function fillForm(url, fields) {
  const f = document.getElementById("form");
  f.action = url;
  for (const [k, v] of fields) {
    const i = document.createElement("input");
    i.type = "hidden"; i.name = k; i.value = v;
    f.insertBefore(i, document.getElementById("file"));
  }
  log("form to " + url + " with " + fields.length + " fields");
  return true;
}
</script></body></html>`

// app is the web application's origin: the page, the landing page a form
// upload redirects to, and the endpoint that completes a multipart upload
// with the ETags the browser read.
type app struct {
	*httptest.Server
	complete func(etags []string) (string, error)
}

func newApp(t *testing.T) *app {
	a := &app{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		q := r.URL.Query()
		fmt.Fprintf(w, "<!doctype html><title>done</title><h1>Uploaded</h1><p id=key>%s</p><p id=etag>%s</p><p id=bucket>%s</p>",
			q.Get("key"), q.Get("etag"), q.Get("bucket"))
	})
	mux.HandleFunc("POST /complete", func(w http.ResponseWriter, r *http.Request) {
		var etags []string
		if err := json.NewDecoder(r.Body).Decode(&etags); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		etag, err := a.complete(etags)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		io.WriteString(w, etag)
	})
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Close)
	return a
}

// browser starts a fresh headless chromium and returns a tab's context.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing: CI must install Debian's chromium (.ci/run does)", chromiumPath)
		}
		t.Skipf("%s not installed (apt-get install chromium); the browser tests need it", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, // chromium refuses to run as root with its sandbox
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 700),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// The first action starts the browser, on a context without a
	// deadline: the browser lives as long as it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// artefacts is where screenshots go: $S3KIT_BROWSER_ARTIFACTS, or a
// temporary directory.
func artefacts(t *testing.T) string {
	dir := os.Getenv("S3KIT_BROWSER_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}

// call runs a page function, waits for its promise and decodes what it
// returns.
func call[T any](t *testing.T, ctx context.Context, fn string, args ...any) T {
	t.Helper()
	js := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		js[i] = string(b)
	}
	expr := fn + "(" + strings.Join(js, ", ") + ")"
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", fn, err)
	}
	return v
}

// fetchResult is what the page's upload functions return.
type fetchResult struct {
	Status int      `json:"status"`
	ETag   string   `json:"etag"`
	ETags  []string `json:"etags"`
	Error  string   `json:"error"`
}

// s3Client is a client for srv.
func s3Client(t *testing.T, srv *s3test.Server) *s3.Client {
	sess, err := s3.NewSession(context.Background(), s3.WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""),
		s3.WithRegion(srv.Region), s3.WithEnv(func(string) (string, bool) { return "", false }, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client(s3.WithEndpointURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// putCORS sets the bucket's CORS rules with a signed PutBucketCors.
func putCORS(t *testing.T, srv *s3test.Server, bucket, doc string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/"+bucket+"?cors", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(doc))
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{Credentials: srv.Credentials(), Service: "s3", Region: srv.Region,
		Time: time.Now(), PayloadHash: hex.EncodeToString(sum[:])}); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PutBucketCors: %d %s", resp.StatusCode, body)
	}
}

func get(t *testing.T, c *s3.Client, bucket, key string) (string, string) {
	t.Helper()
	o, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer o.Body.Close()
	b, err := io.ReadAll(o.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), o.ETag
}

func missing(t *testing.T, c *s3.Client, bucket, key string) bool {
	t.Helper()
	_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: bucket, Key: key})
	return err != nil
}

// TestBrowserUploads has a real chromium, on a page from one origin,
// upload to an s3kit server on another: a presigned PUT through fetch
// (reading the ETag, which needs ExposeHeader), a presigned POST both
// through fetch and as a submitted HTML form (landing on the app's page
// through success_action_redirect), and a multipart upload with presigned
// UploadPart URLs whose ETags the page reads and hands back for the
// Complete. A page from an origin the rules do not name is stopped by the
// browser itself, and nothing reaches the bucket.
func TestBrowserUploads(t *testing.T) {
	ctx := browser(t)
	shots := artefacts(t)
	srv := s3test.NewServer(t)
	c := s3Client(t, srv)
	bg := context.Background()
	const bucket = "web"
	if _, err := c.CreateBucket(bg, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	site := newApp(t)
	other := newApp(t) // the same page from an origin the rules do not allow
	putCORS(t, srv, bucket, `<CORSConfiguration><CORSRule>
<AllowedOrigin>`+site.URL+`</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>
<AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`)

	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/")); err != nil {
		t.Fatal(err)
	}

	// A presigned PUT through fetch; the page reads the ETag.
	putURL, err := c.PresignPutObject(bg, &s3.PutObjectInput{Bucket: bucket, Key: "put.txt"}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	put := call[fetchResult](t, ctx, "putObject", putURL.URL, "put from the browser")
	body, etag := get(t, c, bucket, "put.txt")
	if put.Status != 200 || put.ETag == "" || put.ETag != etag || body != "put from the browser" {
		t.Errorf("presigned PUT: page saw %+v; stored %q with ETag %s", put, body, etag)
	}

	// A presigned POST through fetch (FormData).
	form, err := c.PresignPostObject(bg, &s3.PresignPostInput{
		Bucket: bucket, Key: "posted/${filename}",
		Fields:     []s3.PostField{{Name: "Content-Type", Value: "text/plain"}},
		Conditions: []s3.PostCondition{s3.EqualCondition("Content-Type", "text/plain"), s3.ContentLengthRange(1, 1024)},
	}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	fields := make([][2]string, len(form.Fields))
	for i, f := range form.Fields {
		fields[i] = [2]string{f.Name, f.Value}
	}
	post := call[fetchResult](t, ctx, "postForm", form.URL, fields, "fetch.txt", "posted with fetch")
	body, etag = get(t, c, bucket, "posted/fetch.txt")
	if post.Status != 204 || post.ETag != etag || body != "posted with fetch" {
		t.Errorf("presigned POST with fetch: page saw %+v; stored %q with ETag %s", post, body, etag)
	}

	// A multipart upload: presigned UploadPart URLs, ETags read by the
	// page, the Complete done by the app with them.
	created, err := c.CreateMultipartUpload(bg, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: "multi.bin"})
	if err != nil {
		t.Fatal(err)
	}
	var partURLs []string
	for n := 1; n <= 2; n++ {
		u, err := c.PresignUploadPart(bg, &s3.UploadPartInput{Bucket: bucket, Key: "multi.bin", UploadID: created.UploadID, PartNumber: n}, 10*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		partURLs = append(partURLs, u.URL)
	}
	// Every part but the last must be at least 5 MiB.
	part := strings.Repeat("p", 5<<20)
	site.complete = func(etags []string) (string, error) {
		parts := make([]s3.CompletedPart, len(etags))
		for i, e := range etags {
			parts[i] = s3.CompletedPart{PartNumber: i + 1, ETag: e}
		}
		out, err := c.CompleteMultipartUpload(bg, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: "multi.bin", UploadID: created.UploadID, Parts: parts})
		if err != nil {
			return "", err
		}
		return out.ETag, nil
	}
	mp := call[fetchResult](t, ctx, "multipart", partURLs, len(part))
	body, etag = get(t, c, bucket, "multi.bin")
	if mp.Status != 200 || len(mp.ETags) != 2 || mp.ETag != etag || body != part+" #1"+part+" #2" {
		t.Errorf("multipart: page saw status %d, ETags %v, %q (%s); stored %d bytes with ETag %s", mp.Status, mp.ETags, mp.ETag, mp.Error, len(body), etag)
	}
	screenshot(t, ctx, shots, "1-fetch-uploads")

	// The HTML form itself: a file chosen in the input, the form
	// submitted, S3 redirecting back to the app.
	redirect := site.URL + "/done"
	form, err = c.PresignPostObject(bg, &s3.PresignPostInput{
		Bucket: bucket, Key: "form/${filename}",
		Fields:     []s3.PostField{{Name: "success_action_redirect", Value: redirect}},
		Conditions: []s3.PostCondition{s3.EqualCondition("success_action_redirect", redirect), s3.StartsWithCondition("Content-Type", "")},
	}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	fields = fields[:0]
	for _, f := range form.Fields {
		fields = append(fields, [2]string{f.Name, f.Value})
	}
	file := filepath.Join(t.TempDir(), "chosen.txt")
	if err := os.WriteFile(file, []byte("chosen in a file input"), 0o644); err != nil {
		t.Fatal(err)
	}
	call[bool](t, ctx, "fillForm", form.URL, fields)
	fctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(fctx,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Submit(chromedp.ID("form")),
		chromedp.WaitVisible(chromedp.ID("key")),
	); err != nil {
		t.Fatalf("form upload: %v", err)
	}
	landedKey, err1 := chromedp.Run(fctx, chromedp.Text(chromedp.ID("key")))
	landedETag, err2 := chromedp.Run(fctx, chromedp.Text(chromedp.ID("etag")))
	landed, err3 := chromedp.Run(fctx, chromedp.Location())
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatalf("landing page: %v", err)
	}
	screenshot(t, ctx, shots, "2-form-redirect")
	body, etag = get(t, c, bucket, "form/chosen.txt")
	if landedKey != "form/chosen.txt" || landedETag != etag || !strings.HasPrefix(landed, redirect+"?") || body != "chosen in a file input" {
		t.Errorf("form upload: landed on %s (key %q, ETag %q); stored %q with ETag %s", landed, landedKey, landedETag, body, etag)
	}

	// The other origin: the browser's preflight is refused, so fetch
	// rejects and the PUT is never sent. A form POST needs no preflight
	// (multipart/form-data is a "simple" request): the browser sends it,
	// and only hides the answer from the page, as with S3. What may be
	// stored is what the signed policy allows, not what CORS allows.
	if err := chromedp.Do(ctx, chromedp.Navigate(other.URL+"/")); err != nil {
		t.Fatal(err)
	}
	blockedURL, err := c.PresignPutObject(bg, &s3.PutObjectInput{Bucket: bucket, Key: "blocked.txt"}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	put = call[fetchResult](t, ctx, "putObject", blockedURL.URL, "must not arrive")
	post = call[fetchResult](t, ctx, "postForm", form.URL, fields, "other.txt", "sent, answer hidden")
	screenshot(t, ctx, shots, "3-other-origin-blocked")
	if put.Error == "" || put.Status != 0 {
		t.Errorf("PUT from an origin the rules do not allow: page saw %+v, want the browser to refuse it", put)
	}
	if !missing(t, c, bucket, "blocked.txt") {
		t.Error("the blocked PUT reached the bucket")
	}
	if post.Error == "" || post.Status != 0 {
		t.Errorf("POST from an origin the rules do not allow: page saw %+v, want the browser to hide the answer", post)
	}
}
