package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/secret"
)

// The generated certificate's files in the data directory, its lifetime,
// and how close to its end a start replaces it.
const (
	tlsCertName    = "tls-cert.pem"
	tlsKeyName     = "tls-key.pem"
	tlsCertLife    = 365 * 24 * time.Hour
	tlsRenewBefore = 30 * 24 * time.Hour
)

// serveTLS is how serve speaks TLS, for the listener and the banner.
type serveTLS struct {
	Config *tls.Config
	// CertFile is the certificate's PEM file; CABundle is the file clients
	// should trust (AWS_CA_BUNDLE, ca_bundle): the certificate itself when
	// it is self-signed, "" when its issuer is someone else's.
	CertFile, CABundle string
	Generated          bool   // serve made the certificate (--tls)
	Reused             bool   // ... and found it from an earlier start
	Fingerprint        string // SHA-256 of the certificate, hex
	NotAfter           time.Time
	// cleanup removes a certificate kept in a temporary directory
	// (--memory --tls); nil otherwise.
	cleanup func()
}

// setupTLS prepares TLS for the flags: the operator's certificate
// (--tls-cert/--tls-key), or a self-signed one (--tls) kept in dir and
// reused while it is valid and names every host in hosts; with dir "" (no
// data directory, --memory) it lives in a temporary directory that
// cleanup removes. It returns nil when TLS is off.
func setupTLS(o serveOptions, dir string, hosts []string, now time.Time, logger *slog.Logger) (*serveTLS, error) {
	switch {
	case o.TLSCert != "":
		return loadOperatorCert(o.TLSCert, o.TLSKey)
	case !o.TLS:
		return nil, nil
	}
	st := &serveTLS{Generated: true}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "s3kit-tls-")
		if err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		dir, st.cleanup = tmp, func() { os.RemoveAll(tmp) }
	}
	certFile, keyFile := filepath.Join(dir, tlsCertName), filepath.Join(dir, tlsKeyName)
	pair, leaf, why := loadGenerated(certFile, keyFile, hosts, now)
	if why == "" {
		st.Reused = true
	} else {
		if why != "none yet" {
			logger.Info("tls: generating a new self-signed certificate", "reason", why, "cert", certFile)
		}
		var err error
		if pair, leaf, err = generateCert(certFile, keyFile, hosts, now); err != nil {
			st.close()
			return nil, fmt.Errorf("tls: %w", err)
		}
	}
	st.CertFile, st.CABundle = certFile, certFile
	st.finish(pair, leaf)
	return st, nil
}

// loadOperatorCert loads --tls-cert and --tls-key.
func loadOperatorCert(certFile, keyFile string) (*serveTLS, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("tls: load --tls-cert %s and --tls-key %s: %w", certFile, keyFile, err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("tls: parse --tls-cert %s: %w", certFile, err)
	}
	if abs, err := filepath.Abs(certFile); err == nil {
		certFile = abs
	}
	st := &serveTLS{CertFile: certFile}
	if leaf.CheckSignatureFrom(leaf) == nil {
		st.CABundle = certFile
	}
	st.finish(pair, leaf)
	return st, nil
}

func (st *serveTLS) finish(pair tls.Certificate, leaf *x509.Certificate) {
	sum := sha256.Sum256(leaf.Raw)
	st.Fingerprint = fmt.Sprintf("%X", sum[:])
	st.NotAfter = leaf.NotAfter
	st.Config = &tls.Config{
		Certificates: []tls.Certificate{pair},
		MinVersion:   tls.VersionTLS12,
		// S3 speaks HTTP/1.1 only; botocore and aws-cli never offer h2,
		// and the server's handling of bodies and closes is written for
		// HTTP/1.1 connections.
		NextProtos: []string{"http/1.1"},
	}
}

// close removes a temporary certificate; safe on nil.
func (st *serveTLS) close() {
	if st != nil && st.cleanup != nil {
		st.cleanup()
	}
}

// loadGenerated loads a certificate made by an earlier start and returns
// why it cannot be reused ("" when it can).
func loadGenerated(certFile, keyFile string, hosts []string, now time.Time) (tls.Certificate, *x509.Certificate, string) {
	if _, err := os.Stat(certFile); errors.Is(err, os.ErrNotExist) {
		return tls.Certificate{}, nil, "none yet"
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return pair, nil, "cannot load the previous one: " + err.Error()
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return pair, nil, "cannot parse the previous one: " + err.Error()
	}
	if now.Add(tlsRenewBefore).After(leaf.NotAfter) {
		return pair, leaf, "the previous one expires " + leaf.NotAfter.UTC().Format(time.RFC3339)
	}
	for _, h := range hosts {
		if !certNames(leaf, h) {
			return pair, leaf, "the previous one does not name " + h
		}
	}
	return pair, leaf, ""
}

// generateCert makes a self-signed ECDSA P-256 certificate for hosts and
// writes it and its key (0600), each atomically. The certificate is its own
// CA (as mkcert's and Go's httptest's are), so OpenSSL, which botocore and
// aws-cli use, accepts it as the whole of AWS_CA_BUNDLE; it may not sign
// any other certificate (path length 0).
func generateCert(certFile, keyFile string, hosts []string, now time.Time) (tls.Certificate, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ski := sha1.Sum(pub) // RFC 5280 4.2.1.2's method (1), an identifier, not security
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"s3kit"}, CommonName: "s3kit serve (self-signed)"},
		NotBefore:             now.Add(-time.Hour), // a client clock a little behind still accepts it
		NotAfter:              now.Add(tlsCertLife),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          ski[:],
		// Python 3.13's default context checks X.509 strictly and wants
		// the authority key identifier even on a self-signed certificate.
		AuthorityKeyId: ski[:],
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	// The key first: a crash between the two leaves a pair that does not
	// match, which the next start replaces, never a certificate whose key
	// is lost.
	if err := secret.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, nil, err
	}
	if err := secret.WriteFile(certFile, certPEM, 0o644); err != nil {
		return tls.Certificate{}, nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	return pair, leaf, err
}

// certHosts are the names and addresses the generated certificate covers:
// the listening host (unless it is every interface), loopback in both
// families, localhost, and the --domain with its virtual-host wildcard.
func certHosts(listenHost, domain string) []string {
	hosts := []string{"127.0.0.1", "::1", "localhost"}
	if ip := net.ParseIP(listenHost); listenHost != "" && (ip == nil || !ip.IsUnspecified()) {
		hosts = append(hosts, strings.Trim(listenHost, "[]"))
	}
	if domain != "" {
		hosts = append(hosts, domain, "*."+domain)
	}
	slices.Sort(hosts)
	return slices.Compact(hosts)
}

// certNames reports whether leaf lists host among its subject alternative
// names, literally (a wildcard host must be listed as that wildcard).
func certNames(leaf *x509.Certificate, host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return slices.ContainsFunc(leaf.IPAddresses, ip.Equal)
	}
	return slices.ContainsFunc(leaf.DNSNames, func(n string) bool { return strings.EqualFold(n, host) })
}
