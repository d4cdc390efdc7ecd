package credentials

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
)

// LoadCABundle reads a PEM file of certificates (AWS_CA_BUNDLE or a
// profile's ca_bundle) into a pool. As with botocore, the bundle replaces
// the system roots rather than adding to them.
func LoadCABundle(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("could not find a suitable TLS CA certificate bundle, invalid path: %s: %w", path, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("TLS CA certificate bundle %s holds no PEM certificate", path)
	}
	return pool, nil
}

// CABundleTransport returns base (cloned) trusting only the certificates
// in the PEM file at path. When the file cannot be used, every request
// through the returned transport fails with that error, as botocore's do:
// a bad bundle is reported when a request is made, not when the session
// is created, and never falls back to the system roots.
func CABundleTransport(base *http.Transport, path string) http.RoundTripper {
	pool, err := LoadCABundle(path)
	if err != nil {
		return failingTransport{err}
	}
	t := base.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.RootCAs = pool
	return t
}

// failingTransport answers every request with err.
type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return nil, f.err
}
