package credentials

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sha1Hex(s string) string { sum := sha1.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }

func TestSSOSession(t *testing.T) {
	var portalToken string
	mux := http.NewServeMux()
	mux.HandleFunc("/federation/credentials", func(w http.ResponseWriter, r *http.Request) {
		portalToken = r.Header.Get("x-amz-sso_bearer_token")
		fmt.Fprintf(w, `{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"S","sessionToken":"T","expiration":%d}}`,
			fixedNow.Add(time.Hour).UnixMilli())
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var in map[string]string
		_ = json.Unmarshal(b, &in)
		if in["grantType"] != "refresh_token" || in["refreshToken"] != "R1" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		io.WriteString(w, `{"accessToken":"fresh","expiresIn":3600,"refreshToken":"R2"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	config := "[profile s]\nsso_session = my\nsso_account_id = 111\nsso_role_name = Dev\n" +
		"[sso-session my]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
	refreshable := `,"refreshToken":"R1","clientId":"C","clientSecret":"CS","registrationExpiresAt":"2027-01-01T00:00:00Z"`
	tests := []struct {
		name, cacheKey, token, config string
		wantClass, wantPortalToken    string
	}{
		{name: "cached token", cacheKey: "my", token: `{"accessToken":"good","expiresAt":"2026-11-27T13:00:00Z"}`, wantPortalToken: "good"},
		{name: "near expiry is refreshed", cacheKey: "my", token: `{"accessToken":"old","expiresAt":"2026-11-27T12:05:00Z"` + refreshable + `}`, wantPortalToken: "fresh"},
		{name: "near expiry without refresh data is used as is", cacheKey: "my", token: `{"accessToken":"old","expiresAt":"2026-11-27T12:05:00Z"}`, wantPortalToken: "old"},
		{name: "expired but refreshable", cacheKey: "my", token: `{"accessToken":"old","expiresAt":"2026-11-27T11:00:00Z"` + refreshable + `}`, wantPortalToken: "fresh"},
		{name: "expired and not refreshable", cacheKey: "my", token: `{"accessToken":"old","expiresAt":"2026-11-27T11:00:00Z"}`, wantClass: ClassTokenRetrieval},
		{name: "token cached under the start URL is not found", cacheKey: "https://example.awsapps.com/start",
			token: `{"accessToken":"good","expiresAt":"2026-11-27T13:00:00Z"}`, wantClass: ClassSSOTokenLoad},
		{name: "profile and session disagree", cacheKey: "my", token: `{"accessToken":"good","expiresAt":"2026-11-27T13:00:00Z"}`,
			config: strings.Replace(config, "sso_session = my\n", "sso_session = my\nsso_region = eu-west-1\n", 1), wantClass: ClassInvalidConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			portalToken = ""
			cfgText := config
			if tc.config != "" {
				cfgText = tc.config
			}
			o := testWorld{files: map[string]string{"~/.aws/config": cfgText, "~/.aws/sso/cache/" + sha1Hex(tc.cacheKey) + ".json": tc.token},
				env: map[string]string{"AWS_ENDPOINT_URL_SSO": srv.URL, "AWS_ENDPOINT_URL_SSO_OIDC": srv.URL}}.options(t)
			o.Profile = "s"
			creds, err := resolve(t, o)
			if ClassOf(err) != tc.wantClass {
				t.Fatalf("error %v, want class %q", err, tc.wantClass)
			}
			if tc.wantClass != "" {
				return
			}
			if creds.Source != "sso" || portalToken != tc.wantPortalToken {
				t.Errorf("source %s, portal saw token %q, want %q", creds.Source, portalToken, tc.wantPortalToken)
			}
			if tc.wantPortalToken == "fresh" {
				b, err := os.ReadFile(filepath.Join(o.Home, ".aws/sso/cache", sha1Hex("my")+".json"))
				if err != nil || !strings.Contains(string(b), `"fresh"`) || !strings.Contains(string(b), `"R2"`) {
					t.Errorf("refreshed token not written back: %s %v", b, err)
				}
				if fi, _ := os.Stat(filepath.Join(o.Home, ".aws/sso/cache", sha1Hex("my")+".json")); fi.Mode().Perm() != 0o600 {
					t.Errorf("token cache mode %v, want 0600", fi.Mode().Perm())
				}
			}
		})
	}
}
