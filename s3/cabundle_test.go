package s3

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCABundle: AWS_CA_BUNDLE and a profile's ca_bundle make the session
// trust a server whose certificate the system does not know, as botocore
// does; the environment wins over the profile; a bad bundle fails the
// request with the path in the error instead of falling back.
func TestCABundle(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted case fails the handshake
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	const creds = "[default]\naws_access_key_id = AKID\naws_secret_access_key = secret\n"
	tests := []struct {
		name    string
		env     map[string]string
		config  string
		wantErr string // substring; "" means success
	}{
		{name: "no bundle: the test certificate is not trusted", wantErr: "certificate"},
		{name: "AWS_CA_BUNDLE", env: map[string]string{"AWS_CA_BUNDLE": good}},
		{name: "profile ca_bundle", config: "[default]\nca_bundle = " + good + "\n"},
		{name: "AWS_CA_BUNDLE wins over the profile", env: map[string]string{"AWS_CA_BUNDLE": missing},
			config: "[default]\nca_bundle = " + good + "\n", wantErr: missing},
		{name: "missing bundle fails, naming it", env: map[string]string{"AWS_CA_BUNDLE": missing}, wantErr: missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := fakeHome(t, tt.config, creds)
			sess, err := NewSession(context.Background(), WithEnv(envMap(tt.env), home), WithRegion("us-east-1"))
			if err != nil {
				t.Fatal(err)
			}
			c, err := sess.Client(WithEndpointURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListBuckets(context.Background(), &ListBucketsInput{})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ListBuckets: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("ListBuckets error = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}
