package credparity

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// cliJSON is the `s3kit creds --json` contract of design.md.
type cliJSON struct {
	AccessKeyID     *string `json:"access_key_id"`
	SecretAccessKey *string `json:"secret_access_key"`
	SessionToken    *string `json:"session_token"`
	Source          string  `json:"source"`
	Profile         *string `json:"profile"`
	Region          *string `json:"region"`
	EndpointURL     *string `json:"endpoint_url"`
	Expiration      *string `json:"expiration"`
	Error           string  `json:"error"`
	ErrorClass      string  `json:"error_class"`
}

// mask is the contract's masking: every character (rune) but the last four becomes
// '*'. For values of four characters or fewer the contract is silent, so
// maskOK also accepts them fully masked.
func mask(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return s
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

func maskOK(want *string, got *string) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	if *got == mask(*want) {
		return true
	}
	n := len([]rune(*want))
	return n <= 4 && *got == strings.Repeat("*", n)
}

func show(p *string) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *p)
}

// expectation is what s3kit must print for a scenario: botocore's result,
// unless the scenario documents a deliberate, spec-mandated deviation.
type expectation struct {
	py              pyResult
	ignoreExpiry    bool
	deviationReason string
}

func expected(sc scenario, py pyResult) (expectation, []string) {
	e := expectation{py: py, ignoreExpiry: sc.ignoreExpiration != ""}
	if sc.deviation == nil {
		return e, nil
	}
	// The deviation applies only if botocore still behaves as the spec
	// says; otherwise the premise is wrong and the scenario must say so.
	if problem := sc.deviation.premise(py); problem != "" {
		return e, []string{"harness: deviation premise failed: " + problem}
	}
	e.py = pyResult{Name: py.Name, ErrorClass: sc.deviation.errorClass, Stage: "deviation"}
	e.deviationReason = sc.deviation.reason
	return e, nil
}

// compare lists every difference between the expectation and s3kit's two
// outputs, as "field: botocore=… s3kit=…" lines.
func compare(e expectation, runs sideRuns) []string {
	if runs.setupErr != nil {
		return []string{"harness: world setup: " + runs.setupErr.Error()}
	}
	var diffs []string
	add := func(field, want, got string) {
		diffs = append(diffs, fmt.Sprintf("%s: botocore=%s s3kit=%s", field, want, got))
	}
	var out cliJSON
	if err := json.Unmarshal([]byte(runs.show.Stdout), &out); err != nil {
		add("creds --json output", "a JSON object", fmt.Sprintf("exit %d, unparseable stdout %q, stderr %q",
			runs.show.Exit, clip(runs.show.Stdout), clip(runs.show.Stderr)))
		return diffs
	}
	py := e.py
	if !py.OK {
		if runs.show.Exit != 1 {
			add("exit", "1", fmt.Sprint(runs.show.Exit))
		}
		if out.ErrorClass != py.ErrorClass {
			add("error_class", fmt.Sprintf("%s (at %s: %s)", py.ErrorClass, py.Stage, clip(py.Error)),
				fmt.Sprintf("%q (%s)", out.ErrorClass, clip(out.Error)))
		}
		if runs.export.Exit == 0 {
			add("creds export exit", "non-zero", "0")
		}
		return diffs
	}
	if runs.show.Exit != 0 {
		add("exit", "0", fmt.Sprintf("%d (%s: %s)", runs.show.Exit, out.ErrorClass, clip(out.Error)))
		return diffs
	}
	if !maskOK(py.AccessKeyID, out.AccessKeyID) {
		add("access_key_id (masked)", show(maskPtr(py.AccessKeyID)), show(out.AccessKeyID))
	}
	if !maskOK(py.SecretAccessKey, out.SecretAccessKey) {
		add("secret_access_key (masked)", show(maskPtr(py.SecretAccessKey)), show(out.SecretAccessKey))
	}
	if !maskOK(py.SessionToken, out.SessionToken) {
		add("session_token (masked)", show(maskPtr(py.SessionToken)), show(out.SessionToken))
	}
	if out.Source != py.Source {
		add("source", fmt.Sprintf("%q", py.Source), fmt.Sprintf("%q", out.Source))
	}
	if show(out.Profile) != show(py.Profile) {
		add("profile", show(py.Profile), show(out.Profile))
	}
	if show(out.Region) != show(py.Region) {
		add("region", show(py.Region), show(out.Region))
	}
	// The contract prints the S3 endpoint a client would use; null is also
	// accepted when botocore took no endpoint_url from its configuration
	// (spec §1: "configured endpoint override, may be absent").
	if show(out.EndpointURL) != show(py.EndpointURL) && !(out.EndpointURL == nil && py.DefaultEndpoint) {
		add("endpoint_url", show(py.EndpointURL), show(out.EndpointURL))
	}
	if !e.ignoreExpiry && !sameTime(py.Expiration, out.Expiration) {
		add("expiration", show(py.Expiration), show(out.Expiration))
	}
	return append(diffs, compareExport(py, runs.export)...)
}

func maskPtr(p *string) *string {
	if p == nil {
		return nil
	}
	m := mask(*p)
	return &m
}

// compareExport checks the unmasked values of `creds export --format json`.
// The key names are not fixed by the contract, so both the
// credential-process style (AccessKeyId) and the snake case of `creds --json`
// are accepted.
func compareExport(py pyResult, run cliResult) []string {
	if run.Exit != 0 {
		return []string{fmt.Sprintf("creds export: botocore=ok s3kit=exit %d (%s)", run.Exit, clip(run.Stderr+run.Stdout))}
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(run.Stdout), &m); err != nil {
		return []string{fmt.Sprintf("creds export: botocore=ok s3kit=unparseable %q", clip(run.Stdout))}
	}
	var diffs []string
	for _, f := range []struct {
		names []string
		want  *string
	}{
		{[]string{"AccessKeyId", "access_key_id"}, py.AccessKeyID},
		{[]string{"SecretAccessKey", "secret_access_key"}, py.SecretAccessKey},
		{[]string{"SessionToken", "session_token"}, py.SessionToken},
	} {
		var got *string
		for _, n := range f.names {
			if s, ok := m[n].(string); ok {
				got = &s
				break
			}
		}
		if show(got) != show(f.want) {
			diffs = append(diffs, fmt.Sprintf("export %s: botocore=%s s3kit=%s", f.names[0], show(f.want), show(got)))
		}
	}
	return diffs
}

// sameTime compares two timestamps to the second, whatever ISO-8601 form
// each side printed.
func sameTime(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ta, errA := parseTime(*a)
	tb, errB := parseTime(*b)
	if errA != nil || errB != nil {
		return *a == *b
	}
	return ta.Truncate(time.Second).Equal(tb.Truncate(time.Second))
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// knownGaps reads known_gaps.txt: one "scenario-name reason…" per line,
// '#' comments and blank lines ignored.
func knownGaps(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gaps := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		reason = strings.TrimSpace(reason)
		if reason == "" {
			return nil, fmt.Errorf("known_gaps.txt: %q has no reason", name)
		}
		if _, dup := gaps[name]; dup {
			return nil, fmt.Errorf("known_gaps.txt: %q listed twice", name)
		}
		gaps[name] = reason
	}
	return gaps, sc.Err()
}
