package credentials

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"unicode/utf8"

	"github.com/s3kit/s3kit/internal/ini"
)

// processStep is credential_process (§6.4): read from the merged profile,
// split shell-style, run without a shell, stdout parsed as JSON.
func (c *Config) processStep(p *prof) *step {
	return &step{tag: SourceProcess,
		probe: func() (bool, string, error) {
			cmd, ok := p.get("credential_process")
			if !ok {
				return false, fmt.Sprintf("profile %s has no credential_process", p.name), nil
			}
			return true, fmt.Sprintf("profile %s has credential_process %q", p.name, cmd), nil
		},
		fetch: func(ctx context.Context) (Credentials, error) {
			cmd, _ := p.get("credential_process")
			acct, _ := p.get("aws_account_id")
			return runProcess(ctx, c.w, cmd, acct)
		},
	}
}

// processOutput is the Version 1 JSON credential_process prints.
type processOutput struct {
	Version         json.RawMessage `json:"Version"`
	AccessKeyID     *string         `json:"AccessKeyId"`
	SecretAccessKey *string         `json:"SecretAccessKey"`
	SessionToken    *string         `json:"SessionToken"`
	Expiration      *string         `json:"Expiration"`
	AccountID       *string         `json:"AccountId"`
}

func runProcess(ctx context.Context, w *world, command, profileAccount string) (Credentials, error) {
	args, err := ini.ShellSplit(command)
	if err != nil {
		return Credentials{}, &Error{ClassName: ClassValue, Provider: SourceProcess, Msg: "cannot split credential_process: " + err.Error()}
	}
	if len(args) == 0 {
		return Credentials{}, &Error{ClassName: ClassCredentialRetrieval, Provider: SourceProcess, Msg: "credential_process is empty"}
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = w.environ()
	cmd.Stdin = os.Stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return Credentials{}, &Error{ClassName: ClassCredentialRetrieval, Provider: SourceProcess,
				Msg: "error when retrieving credentials from custom-process: " + strings.TrimSpace(stderr.String())}
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound):
			return Credentials{}, &Error{ClassName: ClassFileNotFound, Provider: SourceProcess,
				Msg: fmt.Sprintf("no such file or directory: %q", args[0])}
		case errors.Is(err, fs.ErrPermission):
			return Credentials{}, &Error{ClassName: "PermissionError", Provider: SourceProcess,
				Msg: fmt.Sprintf("permission denied: %q", args[0])}
		}
		return Credentials{}, &Error{ClassName: "OSError", Provider: SourceProcess, Msg: "cannot run credential_process", Err: err}
	}
	if !utf8.Valid(stdout.Bytes()) {
		return Credentials{}, &Error{ClassName: "UnicodeDecodeError", Provider: SourceProcess, Msg: "credential_process output is not UTF-8"}
	}
	var out processOutput
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Credentials{}, &Error{ClassName: "TypeError", Provider: SourceProcess, Msg: "credential_process output has unexpected types", Err: err}
		}
		return Credentials{}, &Error{ClassName: ClassJSONDecode, Provider: SourceProcess, Msg: "credential_process output is not JSON", Err: err}
	}
	if !versionIsOne(out.Version) {
		v := string(out.Version)
		if v == "" {
			v = "<Version key not provided>"
		}
		return Credentials{}, &Error{ClassName: ClassCredentialRetrieval, Provider: SourceProcess,
			Msg: fmt.Sprintf("unsupported version '%s' for credential process provider, supported versions: 1", v)}
	}
	switch {
	case out.AccessKeyID == nil:
		return Credentials{}, missingProcessKey("AccessKeyId")
	case out.SecretAccessKey == nil:
		return Credentials{}, missingProcessKey("SecretAccessKey")
	}
	cr := Credentials{AccessKeyID: *out.AccessKeyID, SecretAccessKey: *out.SecretAccessKey, Source: SourceProcess}
	if out.SessionToken != nil {
		cr.SessionToken = *out.SessionToken
	}
	if out.AccountID != nil && *out.AccountID != "" {
		cr.AccountID = *out.AccountID
	} else {
		cr.AccountID = profileAccount
	}
	if out.Expiration != nil {
		t, err := parseExpiry(*out.Expiration)
		if err != nil {
			return Credentials{}, &Error{ClassName: ClassParser, Provider: SourceProcess,
				Msg: fmt.Sprintf("unknown string format for Expiration: %q", *out.Expiration)}
		}
		cr.CanExpire, cr.Expires = true, t
	}
	return cr, nil
}

// versionIsOne mirrors Python's `version != 1` test: the number 1 (also
// written 1.0) or true.
func versionIsOne(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	if s == "true" {
		return true
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return false
	}
	return f == 1 && !strings.HasPrefix(s, "\"")
}

func missingProcessKey(k string) error {
	return &Error{ClassName: ClassCredentialRetrieval, Provider: SourceProcess,
		Msg: fmt.Sprintf("missing required key in response: '%s'", k)}
}
