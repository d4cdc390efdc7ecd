package cli

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServeConsoleFlag: by default serve offers the web console and its
// banner says where; --console=false serves no console and says nothing.
func TestServeConsoleFlag(t *testing.T) {
	fetch := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	on := startServe(t, serveEnv(t), "--memory")
	url := on.Endpoint + "/-/console/"
	if !strings.Contains(on.Banner, "  Console:     "+url+" ") {
		t.Errorf("the banner does not give the console's URL %s:\n%s", url, on.Banner)
	}
	if code, body := fetch(url); code != 200 || !strings.Contains(body, "<title>s3kit console</title>") {
		t.Errorf("GET %s: %d %.80q", url, code, body)
	}

	off := startServe(t, serveEnv(t), "--memory", "--console=false")
	if strings.Contains(off.Banner, "Console:") {
		t.Errorf("--console=false, yet the banner offers a console:\n%s", off.Banner)
	}
	if code, body := fetch(off.Endpoint + "/-/console/"); code == 200 || strings.Contains(body, "s3kit console") {
		t.Errorf("--console=false, yet GET /-/console/ answers %d %.80q", code, body)
	}
}
