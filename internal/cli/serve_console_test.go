package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/server"
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

// TestServeAdminStatus: the admin API of a serve on disk reports its
// version, data directory and the disk's free space to its first key.
func TestServeAdminStatus(t *testing.T) {
	data := t.TempDir()
	rs := startServe(t, serveEnv(t), "--data", data)
	req, _ := http.NewRequest(http.MethodGet, rs.Endpoint+server.AdminStatusPath, nil)
	code, body := signedDo(t, req, rs.KeyID, rs.Secret)
	var st server.Status
	if err := json.Unmarshal([]byte(body), &st); code != 200 || err != nil {
		t.Fatalf("GET %s: %d %s (%v)", server.AdminStatusPath, code, body, err)
	}
	if st.DataDir != data || st.InMemory || st.DiskFree == 0 || st.DiskTotal < st.DiskFree || st.Version == "" ||
		"http://"+st.Address != rs.Endpoint {
		t.Errorf("status %s; want data dir %s, the disk's space, a version and address %s", body, data, rs.Endpoint)
	}
}
