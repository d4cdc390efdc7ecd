package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/s3kit/s3kit/internal/ini"
	"github.com/s3kit/s3kit/server/keys"
)

// banner is what "s3kit serve" prints on stdout once it listens: where it
// serves, and how to connect. Tests and scripts read the "S3 endpoint:" line
// and, on a first start, the "Access key ID:" and "Secret access key:" lines.
type banner struct {
	Endpoint string
	Listen   string // the address listened on, in words
	DataDir  string
	KeyFile  string
	Region   string
	Domain   string
	Keys     int       // keys in the store (after a declared key was ensured)
	First    *keys.Key // the key created by this start, if any
	Memory   bool      // --memory: nothing on disk
	Declared *declaredKey
	TLS      *serveTLS // nil without TLS
	CABundle string    // the file clients must trust ("" when none is needed)

	Profile           string
	ProfileKeyID      string
	ProfileKeyCreated bool
	ProfileFiles      awsProfileFiles
	ProfileWarnings   []string
	ProfileBackups    []string // copies --force-profile kept of the files it changed
	ProfileError      error    // --write-profile failed
}

func (b banner) write(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("s3kit is serving S3.")
	p("  S3 endpoint: %s", b.Endpoint)
	if b.Listen != "" {
		p("  Listening:   %s", b.Listen)
	}
	p("  Region:      %s", b.Region)
	if b.Memory {
		p("  Data:        in memory only: nothing is written to disk, and every bucket, object and key is gone when the server stops")
	} else {
		p("  Data:        %s", b.DataDir)
	}
	p("  Health:      %s%s", b.Endpoint, HealthPath)
	if b.Domain != "" {
		p("  Virtual-host style: BUCKET.%s (path style works too)", b.Domain)
	}
	b.writeTLS(w)
	p("")
	if b.Declared != nil {
		b.writeDeclared(w)
	} else if b.First != nil {
		p("A first access key was created. Its secret is shown only this once:")
		p("")
		printNewKey(prefixWriter{w, "  "}, *b.First)
		p("")
		b.writeSnippets(w, b.First.AccessKeyID, b.First.Secret)
	} else {
		p("Access keys: %d in %s. Secrets are shown only when a key is created.", b.Keys, b.KeyFile)
		p("Create a key (its secret is printed once), or list them:")
		p("")
		p("s3kit keys create --data %s", quoteForShell(b.DataDir))
		p("s3kit keys list --data %s", quoteForShell(b.DataDir))
		p("")
		p("Then connect as shown in README.md (boto3, aws-cli, s3kit) with endpoint %s.", b.Endpoint)
	}
	if b.ProfileError != nil {
		p("")
		p("Could not write the profile: %v", b.ProfileError)
	}
	if b.Profile != "" {
		p("")
		how := "with access key " + b.ProfileKeyID
		if b.ProfileKeyCreated {
			how = "with a new access key " + b.ProfileKeyID + " (named \"profile " + b.Profile + "\")"
		}
		p("Wrote profile %q %s to %s and %s", b.Profile, how, b.ProfileFiles.Credentials, b.ProfileFiles.Config)
		p("(its endpoint applies to S3 only, through [services %s]; other AWS services are unaffected).", servicesSection(b.Profile))
		for _, bak := range b.ProfileBackups {
			p("Kept a copy of the previous file as %s", bak)
		}
		p("Use it:")
		p("")
		p("%s", b.profileCommands(b.Profile))
		for _, warn := range b.ProfileWarnings {
			p("warning: %s", warn)
		}
	}
	p("")
	p("%s", bannerEnd)
}

// writeTLS describes the certificate and how clients trust it.
func (b banner) writeTLS(w io.Writer) {
	t := b.TLS
	if t == nil {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	what := "certificate " + t.CertFile
	switch {
	case t.Generated && t.Reused:
		what = "self-signed certificate " + t.CertFile + " (from an earlier start)"
	case t.Generated && b.Memory:
		what = "self-signed certificate " + t.CertFile + " (temporary, removed when the server stops)"
	case t.Generated:
		what = "self-signed certificate " + t.CertFile + " (generated now)"
	}
	p("  TLS:         %s, valid until %s", what, t.NotAfter.UTC().Format("2006-01-02"))
	p("               SHA-256 fingerprint %s", t.Fingerprint)
	p("")
	if b.CABundle == "" {
		p("Clients trust this certificate if they trust its issuer; for a private issuer,")
		p("point AWS_CA_BUNDLE (or the profile's ca_bundle) at the issuer's certificate.")
		return
	}
	p("Clients must trust the certificate: boto3, aws-cli and s3kit read")
	p("")
	p("export AWS_CA_BUNDLE=%s", quoteForShell(b.CABundle))
	p("")
	p("or, in the profile's section of ~/.aws/config (it replaces the system's CAs for that profile):")
	p("")
	p("ca_bundle = %s", b.CABundle)
}

// writeDeclared describes the key declared by flags or environment. The
// secret is the operator's own: it is shown masked, never whole.
func (b banner) writeDeclared(w io.Writer) {
	d := b.Declared
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	state := map[keys.EnsureResult]string{
		keys.EnsureCreated:   "created now",
		keys.EnsureUnchanged: "already present, unchanged",
		keys.EnsureUpdated:   "already present; its secret and permissions were set to the declared ones",
	}[d.Result]
	p("Access key %s with full access, from %s and %s (%s).", d.ID, d.IDFrom, d.SecretFrom, state)
	p("Its secret is the one you gave (%s); it is not printed.", keys.Mask(d.Secret))
	if !b.Memory && b.Keys > 1 {
		p("Other access keys: %d in %s.", b.Keys-1, b.KeyFile)
	}
	secretRef := "<the secret you gave>"
	if d.SecretFrom == envSecretAccessKey {
		secretRef = `"$` + envSecretAccessKey + `"`
	}
	p("")
	p("Connect (boto3, aws-cli and s3kit read these):")
	p("")
	p("export AWS_ACCESS_KEY_ID=%s", d.ID)
	p("export AWS_SECRET_ACCESS_KEY=%s", secretRef)
	p("export AWS_ENDPOINT_URL=%s", b.Endpoint)
	p("export AWS_DEFAULT_REGION=%s", b.Region)
	if b.CABundle != "" {
		p("export AWS_CA_BUNDLE=%s", quoteForShell(b.CABundle))
	}
	p("aws --endpoint-url %s s3 ls", b.Endpoint)
}

// bannerEnd is the banner's last line; scripts reading the banner stop there.
const bannerEnd = "Press Ctrl+C to stop."

// profileCommands are shell lines that use profile name. aws-cli gets the
// endpoint on its command line too: releases before mid-2023 (Debian 12
// ships 2.9) read neither endpoint_url nor [services] and would call AWS.
func (b banner) profileCommands(name string) string {
	return fmt.Sprintf(`python3 -c 'import boto3; print(boto3.Session(profile_name=%[1]q).client("s3").list_buckets()["Buckets"])'
aws --profile %[2]s --endpoint-url %[3]s s3 ls
s3kit ls --profile %[2]s`, name, quoteForShell(name), b.Endpoint)
}

// writeSnippets prints copy-paste ways to connect with the key. Every
// block starts at the left margin so it can be pasted as it is: into
// python3, a shell, or an INI file.
func (b banner) writeSnippets(w io.Writer, id, secret string) {
	profile := b.Profile
	who := "s3kit wrote this one, see below"
	if profile == "" {
		profile = "s3kit"
		who = "or let s3kit write it: s3kit serve --write-profile s3kit"
	}
	var pyVerify, envCA, iniCA string
	if b.CABundle != "" {
		pyVerify = fmt.Sprintf(", verify=%q", b.CABundle)
		envCA = "export AWS_CA_BUNDLE=" + quoteForShell(b.CABundle) + "\n"
		iniCA = "ca_bundle = " + b.CABundle + "\n"
	}
	fmt.Fprintf(w, `Connect in any of three ways.

1. Keys in code (paste into python3):

import boto3
session = boto3.Session(
    aws_access_key_id=%[1]q,
    aws_secret_access_key=%[2]q,
    region_name=%[4]q,
)
s3 = session.client("s3", endpoint_url=%[3]q%[11]s)
s3.create_bucket(Bucket="my-bucket")
print(s3.list_buckets()["Buckets"])

2. Environment variables (boto3 and s3kit read them all; aws-cli the keys, see below):

export AWS_ACCESS_KEY_ID=%[1]s
export AWS_SECRET_ACCESS_KEY=%[2]s
export AWS_ENDPOINT_URL=%[3]s
export AWS_DEFAULT_REGION=%[4]s
%[12]spython3 -c 'import boto3; print(boto3.client("s3").list_buckets()["Buckets"])'

3. A profile (%[9]s). In ~/.aws/credentials:

[%[5]s]
aws_access_key_id = %[1]s
aws_secret_access_key = %[2]s

and in ~/.aws/config (the services section sends only S3 to this server):

[%[6]s]
region = %[4]s
services = %[7]s
%[13]s
[%[10]s]
s3 =
  endpoint_url = %[3]s

then:

%[8]s

aws-cli (keys from 2 or 3; add --profile %[5]s for 3). Releases before mid-2023
(Debian 12's aws-cli 2.9) ignore a configured endpoint, so pass it every time:

aws --endpoint-url %[3]s s3 mb s3://my-bucket
aws --endpoint-url %[3]s s3 cp ./file.txt s3://my-bucket/
aws --endpoint-url %[3]s s3 ls s3://my-bucket

s3kit (after 2 or 3; add --profile %[5]s for 3):

s3kit mb s3://my-bucket
s3kit cp ./file.txt s3://my-bucket/
s3kit ls s3://my-bucket
`, id, secret, b.Endpoint, b.Region, profile, ini.ConfigHeader(ini.KindProfile, profile), servicesSection(profile), b.profileCommands(profile), who,
		ini.ConfigHeader(ini.KindServices, servicesSection(profile)), pyVerify, envCA, iniCA)
}

// prefixWriter indents every line written through it.
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p prefixWriter) Write(b []byte) (int, error) {
	lines := strings.SplitAfter(string(b), "\n")
	for _, l := range lines {
		if l == "" {
			continue
		}
		if _, err := io.WriteString(p.w, p.prefix+l); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}
