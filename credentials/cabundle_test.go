package credentials

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCABundleForSTS: a profile's ca_bundle (or AWS_CA_BUNDLE) is
// resolved into Config.CABundle and trusted by the credential providers'
// own calls, here AssumeRole against an https STS endpoint with a
// certificate only the bundle knows, as botocore does.
func TestCABundleForSTS(t *testing.T) {
	sts := newSTSStub(t)
	tlsSTS := httptest.NewUnstartedServer(sts.srv.Config.Handler)
	tlsSTS.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted case fails the handshake
	tlsSTS.StartTLS()
	defer tlsSTS.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSTS.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	profile := func(extra string) string {
		return "[default]\nregion = us-west-2\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n" + extra +
			"[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = SBASE\n"
	}
	tests := []struct {
		name    string
		config  string
		env     map[string]string
		wantErr string
	}{
		{name: "profile ca_bundle", config: profile("ca_bundle = " + ca + "\n")},
		{name: "AWS_CA_BUNDLE", config: profile(""), env: map[string]string{"AWS_CA_BUNDLE": ca}},
		{name: "no bundle", config: profile(""), wantErr: "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"AWS_ENDPOINT_URL_STS": tlsSTS.URL}
			for k, v := range tt.env {
				env[k] = v
			}
			o := testWorld{files: map[string]string{"~/.aws/config": tt.config}, env: env}.options(t)
			cfg, err := Load(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantErr == "" && cfg.CABundle != ca {
				t.Errorf("CABundle = %q, want %q", cfg.CABundle, ca)
			}
			creds, err := cfg.Credentials.Retrieve(context.Background())
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Retrieve: %v", err)
			case tt.wantErr == "" && creds.Source != "assume-role":
				t.Errorf("source %q", creds.Source)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Retrieve error = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}
