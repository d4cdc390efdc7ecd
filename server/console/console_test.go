package console_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/console"
)

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func withConsole(region string) s3test.Option {
	return s3test.WithConfig(func(c *server.Config) { c.Console = console.Handler(console.Options{Region: region}) })
}

// TestServedWithTypesAndPolicy fetches the console from a server, without
// credentials, as a browser would: each file with its content type and
// every response with a Content-Security-Policy that allows scripts and
// styles from the console only and forbids framing.
func TestServedWithTypesAndPolicy(t *testing.T) {
	srv := s3test.NewServer(t, withConsole("eu-west-3"))
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct{ path, ctype, contains string }{
		{"/-/console/", "text/html; charset=utf-8", `<script type="module" src="app.js"></script>`},
		{"/-/console/index.html", "text/html; charset=utf-8", "Secret access key"},
		{"/-/console/app.js", "text/javascript; charset=utf-8", "import { Client, S3Error }"},
		{"/-/console/s3.js", "text/javascript; charset=utf-8", "AWS4-HMAC-SHA256"},
		{"/-/console/console.css", "text/css; charset=utf-8", "prefers-color-scheme: dark"},
		{"/-/console/config.json", "application/json", `"region":"eu-west-3"`},
	} {
		resp, body := get(t, c, srv.URL+tc.path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype || !strings.Contains(body, tc.contains) {
			t.Errorf("GET %s: %d %q, body has %q: %v", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.contains, strings.Contains(body, tc.contains))
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "connect-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", tc.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: Content-Security-Policy %q allows unsafe sources", tc.path, csp)
		}
		if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: X-Frame-Options %q, X-Content-Type-Options %q", tc.path, resp.Header.Get("X-Frame-Options"), resp.Header.Get("X-Content-Type-Options"))
		}
	}

	resp, _ := get(t, c, srv.URL+"/-/console")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/-/console/" {
		t.Errorf("GET /-/console: %d to %q, want a redirect to /-/console/", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, p := range []string{"/-/console/nothing.js", "/-/console/../server.go", "/-/console/assets/app.js"} {
		if resp, _ := get(t, c, srv.URL+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	resp, err := c.Post(srv.URL+"/-/console/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /-/console/: %d, want 405", resp.StatusCode)
	}
}

// TestNoInlineCode checks the pages themselves keep to the policy: a
// browser would refuse inline scripts, event-handler attributes and
// inline styles, leaving a console that silently does nothing.
func TestNoInlineCode(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|<script(?:(?:\s[^>]*)?)>(?:[^<]|<[^/])|\son[a-z]+\s*=|\sstyle\s*=|<style|javascript:`)
	src := regexp.MustCompile(`(?i)<script\b[^>]*>`)
	n := 0
	err := filepath.WalkDir("assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		n++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s has inline code the policy forbids: %q", p, m)
		}
		for _, tag := range src.FindAll(b, -1) {
			if !strings.Contains(string(tag), " src=") {
				t.Errorf("%s: %s has no src", p, tag)
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walked %d pages: %v", n, err)
	}
}

// TestAbsentWithoutConsole: a server configured without a console treats
// the path like any other, and a virtual-host style request's path is an
// object key in its bucket, never the console.
func TestAbsentWithoutConsole(t *testing.T) {
	off := s3test.NewServer(t)
	resp, body := get(t, off.Client(), off.URL+"/-/console/")
	if resp.StatusCode == 200 || resp.Header.Get("Content-Security-Policy") != "" || strings.Contains(body, "s3kit console") {
		t.Errorf("without a console: %d %q", resp.StatusCode, body)
	}

	on := s3test.NewServer(t, withConsole("us-east-1"), s3test.WithDomain("s3.test"))
	req, _ := http.NewRequest(http.MethodGet, on.URL+"/-/console/", nil)
	req.Host = "photos.s3.test"
	resp, err := on.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == 200 || strings.Contains(string(b), "s3kit console") {
		t.Errorf("virtual-host request for key -/console/: %d %q, want the S3 API's answer", resp.StatusCode, b)
	}
	var cfg struct{ Region string }
	_, body = get(t, on.Client(), on.URL+"/-/console/config.json")
	if err := json.Unmarshal([]byte(body), &cfg); err != nil || cfg.Region != "us-east-1" {
		t.Errorf("config.json on the path-style host: %q (%v)", body, err)
	}
}
