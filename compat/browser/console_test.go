package browser

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/console"
)

// js runs a statement or expression in the page and decodes its value.
func js[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor waits until expr is true in the page, and fails the test with
// what the page shows if it never is. It evaluates expr itself every 50 ms
// rather than with chromedp.Poll, whose task dies with the page's
// execution context if it starts while the page is still loading.
func waitFor(t testing.TB, ctx context.Context, shots, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		ectx, cancel := context.WithTimeout(ctx, 10*time.Second)
		var ok bool
		ok, err = chromedp.Run(ectx, chromedp.Evaluate[bool]("Boolean("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	screenshot(t, ctx, shots, "failed-"+strings.ReplaceAll(what, " ", "-"))
	page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	t.Fatalf("waiting for %s (%s): never true (last error %v)\nthe page shows:\n%s", what, expr, err, page)
}

// click clicks the element matched by a CSS selector, as a user would.
func click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// typeInto replaces an input's text by typing, so the page sees the
// keystrokes.
func typeInto(t testing.TB, ctx context.Context, sel, text string) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	js[bool](t, ctx, `(document.querySelector(`+q(sel)+`).value = "", true)`)
	if err := chromedp.Do(cctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		t.Fatalf("type into %s: %v", sel, err)
	}
}

// q quotes s for JavaScript and for a CSS attribute selector: a JSON
// string without HTML escapes (CSS would not read \u0026).
func q(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// TestConsole drives the web console in chromium as a person would: a
// wrong secret and an unknown key are refused with words, the right key
// signs in, then a bucket is created, a folder browsed (and paged with
// "Load more"), two files uploaded into it (one large enough to go
// multipart), an object's details and preview opened, a share link made
// and fetched without credentials, objects deleted, the bucket deleted
// after the console offers to empty it, and sign-out leaves the secret
// nowhere in the page or its storage.
func TestConsole(t *testing.T) {
	ctx := browser(t)
	shots := artefacts(t)
	reader := server.Key{AccessKeyID: "READERKEY00000000001", Secret: "reader-secret-0123456789", ReadOnly: true}
	srv := s3test.NewServer(t, s3test.WithKeys(reader), s3test.WithConfig(func(c *server.Config) {
		c.Console = console.Handler(console.Options{Region: c.Region})
		c.Status = func(context.Context) server.Status { return server.Status{Version: "v-console-test", InMemory: true} }
	}))
	c := s3Client(t, srv)
	bg := context.Background()

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/-/console/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, shots, "the console to start", `document.body.dataset.ready === "true"`)

	// A wrong secret, then an unknown key: each refused in words.
	typeInto(t, ctx, "#access-key", srv.AccessKeyID)
	typeInto(t, ctx, "#secret-key", "not-the-secret-of-this-key")
	click(t, ctx, "#signin-button")
	waitFor(t, ctx, shots, "the wrong-secret message", `document.getElementById("signin-error").textContent.includes("secret access key is wrong")`)
	screenshot(t, ctx, shots, "1-wrong-secret")
	typeInto(t, ctx, "#access-key", "AKIANOSUCHKEYEXISTS0")
	typeInto(t, ctx, "#secret-key", srv.SecretAccessKey)
	click(t, ctx, "#signin-button")
	waitFor(t, ctx, shots, "the unknown-key message", `document.getElementById("signin-error").textContent.includes("No access key with this ID")`)

	typeInto(t, ctx, "#access-key", srv.AccessKeyID)
	typeInto(t, ctx, "#secret-key", srv.SecretAccessKey)
	click(t, ctx, "#signin-button")
	waitFor(t, ctx, shots, "the buckets view", `!document.getElementById("app-view").hidden`)

	// The server panel, from the signed admin API.
	click(t, ctx, "#server-button")
	waitFor(t, ctx, shots, "the server panel", `document.querySelector('#server-list dd[data-field="Uptime"]') !== null`)
	if got := js[string](t, ctx, `[...document.querySelectorAll("#server-list dd")].map(d => d.textContent).slice(0, 4).join("|")`); got != "v-console-test|"+strings.TrimPrefix(srv.URL, "http://")+"|"+srv.Region+"|in memory only" {
		t.Errorf("server panel shows %q", got)
	}
	// The refused sign-ins are listed, the wrong secret with its key ID.
	waitFor(t, ctx, shots, "the refusals", `document.querySelectorAll("#refusal-rows tr").length >= 2`)
	if got := js[string](t, ctx, `[...document.querySelectorAll("#refusal-rows tr")].map(r => [...r.cells].slice(1, 5).map(c => c.textContent).join(" ")).join("\n")`); !strings.Contains(got, "GET / InvalidAccessKeyId") ||
		!strings.Contains(got, "SignatureDoesNotMatch") || !strings.Contains(got, srv.AccessKeyID) {
		t.Errorf("refusals shown:\n%s", got)
	}
	screenshot(t, ctx, shots, "0-server")
	click(t, ctx, "#server-button")

	// Create a bucket.
	const bucket = "photos"
	typeInto(t, ctx, "#new-bucket", bucket)
	click(t, ctx, "#create-bucket-button")
	waitFor(t, ctx, shots, "the new bucket", `document.querySelector('#buckets button[data-bucket="photos"][aria-current="true"]') !== null`)
	if _, err := c.HeadBucket(bg, &s3.HeadBucketInput{Bucket: bucket}); err != nil {
		t.Fatalf("the console's bucket does not exist: %v", err)
	}
	typeInto(t, ctx, "#new-bucket", "Not_A_Bucket")
	click(t, ctx, "#create-bucket-button")
	waitFor(t, ctx, shots, "the invalid-name message", `document.getElementById("buckets-error").textContent.includes("Not a valid bucket name")`)

	// A folder with more objects than one page holds.
	for i := range 510 {
		if _, err := c.PutObject(bg, &s3.PutObjectInput{Bucket: bucket, Key: fmt.Sprintf("docs/many/%03d.txt", i), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutObject(bg, &s3.PutObjectInput{Bucket: bucket, Key: "docs/readme.txt", Body: strings.NewReader("read me")}); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#refresh")
	waitFor(t, ctx, shots, "the docs folder", `document.querySelector('button[data-folder="docs/"]') !== null`)
	click(t, ctx, `button[data-folder="docs/"]`)
	waitFor(t, ctx, shots, "the docs listing", `document.querySelector('button[data-key="docs/readme.txt"]') !== null`)
	click(t, ctx, `button[data-folder="docs/many/"]`)
	waitFor(t, ctx, shots, "a first page", `document.querySelectorAll("#rows tr").length === 500 && !document.getElementById("load-more").hidden`)
	click(t, ctx, "#load-more")
	waitFor(t, ctx, shots, "the second page", `document.querySelectorAll("#rows tr").length === 510 && document.getElementById("load-more").hidden`)
	if crumbs := js[string](t, ctx, `document.getElementById("crumbs").innerText`); crumbs != "photos / docs / many" {
		t.Errorf("breadcrumbs %q", crumbs)
	}
	typeInto(t, ctx, "#filter", "05")
	waitFor(t, ctx, shots, "the filtered listing", `document.querySelectorAll("#rows tr").length === 10`)
	click(t, ctx, `#crumbs button:nth-of-type(2)`) // docs
	waitFor(t, ctx, shots, "back in docs", `document.querySelector('button[data-key="docs/readme.txt"]') !== null`)

	// Upload two files into docs/: a small JSON one and one that goes
	// multipart.
	dir := t.TempDir()
	small := []byte(`{"name":"s3kit","tags":["console","browser"]}`)
	big := make([]byte, 20<<20+12345)
	rand.Read(big)
	const odd = "odd name+ü (1)!'*~=&.txt" // every character SigV4 encodes specially
	for name, b := range map[string][]byte{"hello.json": small, "big.bin": big, odd: []byte("odd")} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	uctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(uctx, chromedp.SetUploadFiles(chromedp.ID("upload-input"), []string{filepath.Join(dir, "hello.json"), filepath.Join(dir, "big.bin"), filepath.Join(dir, odd)})); err != nil {
		t.Fatalf("choose files: %v", err)
	}
	waitFor(t, ctx, shots, "the uploads", `document.querySelectorAll("#uploads li[data-done]").length === 3`)
	screenshot(t, ctx, shots, "2-uploaded")
	if failed := js[string](t, ctx, `[...document.querySelectorAll('#uploads li[data-done="failed"]')].map(l => l.innerText).join("; ")`); failed != "" {
		t.Fatalf("uploads failed: %s", failed)
	}
	for name, want := range map[string][]byte{"docs/hello.json": small, "docs/big.bin": big, "docs/" + odd: []byte("odd")} {
		got, etag := get(t, c, bucket, name)
		if !bytes.Equal([]byte(got), want) {
			t.Errorf("%s: stored %d bytes, want the %d chosen", name, len(got), len(want))
		}
		if multipart := strings.Contains(etag, "-"); multipart != (len(want) > 16<<20) {
			t.Errorf("%s (%d bytes): ETag %s; want a multipart upload exactly above 16 MiB", name, len(want), etag)
		}
	}
	waitFor(t, ctx, shots, "the uploads listed", `document.querySelector('button[data-key="docs/big.bin"]') !== null && document.querySelector('button[data-key="docs/hello.json"]') !== null`)

	// Details, preview and a share link.
	click(t, ctx, `button[data-key="docs/hello.json"]`)
	waitFor(t, ctx, shots, "the details", `document.querySelector('#details-list dd[data-field="ETag"]') !== null && document.getElementById("preview-text") !== null`)
	head, err := c.HeadObject(bg, &s3.HeadObjectInput{Bucket: bucket, Key: "docs/hello.json"})
	if err != nil {
		t.Fatal(err)
	}
	if shown := js[string](t, ctx, `document.querySelector('#details-list dd[data-field="ETag"]').textContent`); shown != head.ETag {
		t.Errorf("details show ETag %q, the object's is %q", shown, head.ETag)
	}
	if shown := js[string](t, ctx, `document.querySelector('#details-list dd[data-field="Content type"]').textContent`); shown != "application/json" {
		t.Errorf("details show content type %q, want application/json (the file's type)", shown)
	}
	if pre := js[string](t, ctx, `document.getElementById("preview-text").textContent`); !strings.Contains(pre, "\n  \"tags\": [\n    \"console\"") {
		t.Errorf("preview %q, want the JSON indented", pre)
	}
	js[bool](t, ctx, `(document.getElementById("share-expiry").value = "900", true)`)
	click(t, ctx, "#share")
	waitFor(t, ctx, shots, "the share link", `document.getElementById("share-url").value.startsWith(location.origin)`)
	screenshot(t, ctx, shots, "3-details-share")
	link := js[string](t, ctx, `document.getElementById("share-url").value`)
	if !strings.Contains(link, "X-Amz-Expires=900") || strings.Contains(link, srv.SecretAccessKey) {
		t.Errorf("share link %s: want a 15-minute presigned URL", link)
	}
	resp, err := http.Get(link) // no credentials but the link's
	if err != nil {
		t.Fatal(err)
	}
	shared, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(shared, small) {
		t.Errorf("GET the share link: %d %q", resp.StatusCode, shared)
	}

	// The odd name's details and share link: signed paths with every
	// character SigV4 encodes specially.
	click(t, ctx, `button[data-key=`+q("docs/"+odd)+`]`)
	waitFor(t, ctx, shots, "the odd name's details", `document.getElementById("preview-text")?.textContent === "odd"`)
	click(t, ctx, "#share")
	waitFor(t, ctx, shots, "the odd name's share link", `document.getElementById("share-url").value.includes("X-Amz-Signature=")`)
	oddLink := js[string](t, ctx, `document.getElementById("share-url").value`)
	if resp, err := http.Get(oddLink); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "odd" {
			t.Errorf("GET the share link of %q: %d %q", odd, resp.StatusCode, b)
		}
	}

	// Delete two objects: select, then confirm with a second click.
	click(t, ctx, `input[data-key="docs/hello.json"]`)
	click(t, ctx, `input[data-key="docs/big.bin"]`)
	click(t, ctx, "#delete-selected")
	waitFor(t, ctx, shots, "the confirmation", `document.getElementById("delete-selected").textContent.startsWith("Really delete 2 objects")`)
	click(t, ctx, "#delete-selected")
	waitFor(t, ctx, shots, "the objects gone", `document.querySelector('button[data-key="docs/big.bin"]') === null && document.querySelector('button[data-key="docs/readme.txt"]') !== null`)
	if !missing(t, c, bucket, "docs/hello.json") || !missing(t, c, bucket, "docs/big.bin") {
		t.Error("the deleted objects are still in the bucket")
	}
	if missing(t, c, bucket, "docs/readme.txt") {
		t.Error("an object that was not selected was deleted")
	}

	// Delete the bucket: typed confirmation, refused while not empty,
	// then emptied on request.
	click(t, ctx, "#delete-bucket")
	if ok := js[bool](t, ctx, `document.getElementById("delete-bucket-go").disabled`); !ok {
		t.Error("delete bucket is enabled before its name is typed")
	}
	typeInto(t, ctx, "#delete-bucket-confirm", bucket)
	click(t, ctx, "#delete-bucket-go")
	waitFor(t, ctx, shots, "the not-empty message", `!document.getElementById("delete-bucket-empty").hidden`)
	screenshot(t, ctx, shots, "4-bucket-not-empty")
	if _, err := c.HeadBucket(bg, &s3.HeadBucketInput{Bucket: bucket}); err != nil {
		t.Fatalf("the bucket is gone before it was emptied: %v", err)
	}
	click(t, ctx, "#delete-bucket-empty")
	waitFor(t, ctx, shots, "the bucket gone", `document.querySelector('#buckets button[data-bucket="photos"]') === null && !document.getElementById("no-bucket").hidden`)
	if _, err := c.HeadBucket(bg, &s3.HeadBucketInput{Bucket: bucket}); err == nil {
		t.Error("the bucket still exists")
	}

	// Sign out: the secret is nowhere the page keeps things.
	click(t, ctx, "#sign-out")
	waitFor(t, ctx, shots, "the sign-in form", `!document.getElementById("signin-view").hidden`)
	kept := js[string](t, ctx, `JSON.stringify([localStorage.length, sessionStorage.length, document.cookie, document.documentElement.outerHTML.includes(`+q(srv.SecretAccessKey)+`)])`)
	if left := js[string](t, ctx, `document.getElementById("share-url").value + document.getElementById("buckets-error").textContent + document.getElementById("rows").textContent`); left != "" {
		t.Errorf("after sign-out the page still holds %q", left)
	}
	if kept != `[0,0,"",false]` {
		t.Errorf("after sign-out [localStorage, sessionStorage, cookie, secret in page] = %s", kept)
	}
	screenshot(t, ctx, shots, "5-signed-out")

	// A read-only key signs in, and is refused in words what it may not do.
	typeInto(t, ctx, "#access-key", reader.AccessKeyID)
	typeInto(t, ctx, "#secret-key", reader.Secret)
	click(t, ctx, "#signin-button")
	waitFor(t, ctx, shots, "the reader signed in", `!document.getElementById("app-view").hidden && document.getElementById("who-key").textContent === `+q(reader.AccessKeyID))
	typeInto(t, ctx, "#new-bucket", "reader-bucket")
	click(t, ctx, "#create-bucket-button")
	waitFor(t, ctx, shots, "the read-only refusal", `document.getElementById("buckets-error").textContent.includes("not allowed")`)
	click(t, ctx, "#server-button")
	waitFor(t, ctx, shots, "the server panel refusal", `document.getElementById("server-error").textContent.includes("full access")`)
	if shown := js[int](t, ctx, `document.querySelectorAll("#refusal-rows tr, #server-list dd").length`); shown != 0 {
		t.Errorf("the read-only key sees %d rows of the server panel the previous key was shown", shown)
	}
	screenshot(t, ctx, shots, "6-read-only")
	if _, err := c.HeadBucket(bg, &s3.HeadBucketInput{Bucket: "reader-bucket"}); err == nil {
		t.Error("a read-only key created a bucket")
	}
}
