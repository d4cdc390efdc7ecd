package credparity

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// scenario is one throw-away world resolved by botocore and by s3kit.
type scenario struct {
	name string
	// files and exec map a path ("~/..." under HOME, otherwise under the
	// world root, which is also the working directory; a trailing "/"
	// makes a directory) to its content; exec files are made executable.
	files, exec map[string]string
	// env is added to baseEnv; values may use the placeholders of values.
	env map[string]string
	// args are `s3kit creds` flags; the driver maps them onto the same
	// boto3.Session arguments.
	args []string
	// imds leaves the metadata service enabled (AWS_EC2_METADATA_DISABLED
	// is otherwise "true").
	imds bool
	// ignoreExpiration, when set, is why the expiry cannot be compared.
	ignoreExpiration string
	// deviation replaces botocore's result by the spec's deliberate choice.
	deviation *deviation
}

// deviation documents a place where the spec tells s3kit to differ from
// botocore on purpose.
type deviation struct {
	reason     string
	errorClass string
	// premise returns "" when botocore still behaves as the spec claims.
	premise func(pyResult) string
}

// outcome is one scenario's comparison, kept for the report.
type outcome struct {
	sc    scenario
	py    pyResult
	diffs []string
	gap   string
}

func TestBotocoreParity(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the botocore parity run needs about 30 s of CPU")
	}
	if prepared.pyErr != nil {
		t.Skipf("cannot run botocore: %v", prepared.pyErr)
	}
	start := time.Now()
	st := newStubs(start)
	defer st.close()
	closed, err := closedPort()
	if err != nil {
		t.Fatal(err)
	}
	v := values{imds: st.imds.URL, container: st.container.URL, sts: st.sts.URL, sso: st.sso.URL,
		closed: closed, now: start, containerLocalhost: strings.Replace(st.container.URL, "127.0.0.1", "localhost", 1)}
	scs := allScenarios()
	checkScenarioTable(t, scs)
	gaps, err := knownGaps("known_gaps.txt")
	if err != nil {
		t.Fatal(err)
	}

	tmp := t.TempDir()
	in := make([]pyInput, len(scs))
	for i, sc := range scs {
		w, env, err := buildWorld(filepath.Join(tmp, fmt.Sprint(i), "py"), sc, v)
		if err != nil {
			t.Fatalf("%s: world: %v", sc.name, err)
		}
		in[i] = pyInput{Name: sc.name, Env: env, Cwd: w.root, Args: expandArgs(sc.args, v.replacer(w))}
	}
	// A safety bound only: both sides together need about 30 s of CPU
	// (15–25 s wall on 2 idle cores); the bound leaves room for a heavily
	// shared machine.
	ctx, cancel := context.WithTimeout(context.Background(), 240*time.Second)
	defer cancel()
	type pyOut struct {
		run botocoreRun
		err error
	}
	pyDone := make(chan pyOut, 1)
	go func() {
		run, err := runBotocore(ctx, prepared.python, in)
		pyDone <- pyOut{run, err}
	}()
	runs := runAllCLI(ctx, prepared.bin, tmp, scs, v)
	var cliCPU time.Duration
	for _, r := range runs {
		cliCPU += r.show.CPU + r.export.CPU
	}
	t.Logf("s3kit side: %v wall, %v CPU in %d processes", time.Since(start).Round(time.Millisecond),
		cliCPU.Round(time.Millisecond), 2*len(runs))
	po := <-pyDone
	if po.err != nil {
		t.Fatalf("%v\nstderr:\n%s", po.err, po.run.stderr)
	}
	t.Logf("botocore side: %v CPU in one process", po.run.cpu.Round(time.Millisecond))
	t.Logf("botocore and s3kit resolved %d scenarios in %v", len(scs), time.Since(start).Round(time.Millisecond))

	checkHarness(t, po.run.results, st)

	// Compare everything first, so the counts and the report cover every
	// scenario even when -run selects a few.
	outcomes := make([]outcome, len(scs))
	for i, sc := range scs {
		o := outcome{sc: sc, gap: gaps[sc.name]}
		py, ok := po.run.results[sc.name]
		if ok {
			var e expectation
			o.py = py
			e, o.diffs = expected(sc, py)
			o.diffs = append(o.diffs, compare(e, runs[i])...)
		} else {
			o.diffs = []string{"harness: the botocore driver gave no result"}
		}
		outcomes[i] = o
	}
	for _, o := range outcomes {
		t.Run(o.sc.name, func(t *testing.T) {
			switch {
			case len(o.diffs) == 0 && o.gap != "":
				t.Errorf("listed in known_gaps.txt (%s) but now matches botocore: remove it from the list", o.gap)
			case len(o.diffs) == 0:
			case o.gap != "":
				t.Skipf("known gap: %s\n%s", o.gap, describe(o))
			default:
				t.Errorf("differs from botocore %s:\n%s", wantBotocore, describe(o))
			}
		})
	}
	for name := range gaps {
		if !hasScenario(scs, name) {
			t.Errorf("known_gaps.txt lists %q, which is not a scenario", name)
		}
	}
	summarize(t, outcomes)
}

func hasScenario(scs []scenario, name string) bool {
	for _, sc := range scs {
		if sc.name == name {
			return true
		}
	}
	return false
}

// checkScenarioTable guards the table itself: enough scenarios, unique
// names that are usable as -run patterns and known_gaps.txt keys.
func checkScenarioTable(t *testing.T, scs []scenario) {
	t.Helper()
	if len(scs) < 150 {
		t.Errorf("only %d scenarios; want at least 150 to cover the resolution rules", len(scs))
	}
	seen := map[string]bool{}
	for _, sc := range scs {
		if seen[sc.name] {
			t.Errorf("duplicate scenario name %q", sc.name)
		}
		seen[sc.name] = true
		if strings.ContainsAny(sc.name, " \t#") || sc.name == "" {
			t.Errorf("scenario name %q must be non-empty, without spaces or '#'", sc.name)
		}
	}
}

// checkHarness proves the Python side really ran each scenario in its own
// world: a literal env key comes back, an empty world finds nothing (no
// developer credentials leak in), a HOME file is read, and the stubs were
// reached by botocore.
func checkHarness(t *testing.T, res map[string]pyResult, st *stubs) {
	t.Run("harness/botocore-reads-scenario-env", func(t *testing.T) {
		r := res["sanity/env-keys"]
		if !r.OK || show(r.AccessKeyID) != `"AKIDSANITYENV0001"` || r.Source != "env" {
			t.Errorf("botocore did not see the scenario's environment: %+v", r)
		}
	})
	t.Run("harness/botocore-isolated", func(t *testing.T) {
		r := res["sanity/empty-world"]
		if r.OK || r.ErrorClass != "NoCredentialsError" {
			t.Errorf("an empty world must give NoCredentialsError, got %+v", r)
		}
	})
	t.Run("harness/botocore-reads-scenario-home", func(t *testing.T) {
		r := res["sanity/home-credentials"]
		if !r.OK || show(r.AccessKeyID) != `"AKIDSANITYHOME001"` || r.Source != "shared-credentials-file" {
			t.Errorf("botocore did not read the scenario's HOME: %+v", r)
		}
	})
	t.Run("harness/botocore-reached-stubs", func(t *testing.T) {
		r := res["sanity/assume-role-stub"]
		if !r.OK || r.AccessKeyID == nil || !strings.HasPrefix(*r.AccessKeyID, "ASIAROLE") {
			t.Errorf("botocore did not get credentials from the STS stub: %+v", r)
		}
		if st.botocoreHits.Load() == 0 {
			t.Error("no stub saw a botocore request")
		}
	})
}

// describe renders a scenario, botocore's answer and the differences, for
// the resolver engineer reading `go test -v` or MISMATCHES.md.
func describe(o outcome) string {
	var b strings.Builder
	for _, d := range o.diffs {
		fmt.Fprintf(&b, "    - %s\n", d)
	}
	fmt.Fprintf(&b, "    botocore: %s\n", botocoreAnswer(o.py))
	if o.sc.deviation != nil {
		fmt.Fprintf(&b, "    deliberate deviation: %s → %s\n", o.sc.deviation.reason, o.sc.deviation.errorClass)
	}
	fmt.Fprintf(&b, "    world: args=%q", o.sc.args)
	keys := make([]string, 0, len(o.sc.env))
	for k := range o.sc.env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, o.sc.env[k])
	}
	if o.sc.imds {
		b.WriteString(" (IMDS enabled)")
	}
	b.WriteString("\n")
	for _, files := range []map[string]string{o.sc.files, o.sc.exec} {
		paths := make([]string, 0, len(files))
		for p := range files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			fmt.Fprintf(&b, "    file %s: %q\n", p, clip(files[p]))
		}
	}
	return b.String()
}

// botocoreAnswer is botocore's result on one line.
func botocoreAnswer(py pyResult) string {
	if py.OK {
		return fmt.Sprintf("source=%s key=%s token=%s region=%s endpoint=%s expires=%s",
			py.Source, show(py.AccessKeyID), show(maskPtr(py.SessionToken)), show(py.Region), show(py.EndpointURL), show(py.Expiration))
	}
	return fmt.Sprintf("%s at %s: %s", py.ErrorClass, py.Stage, strings.ReplaceAll(clip(py.Error), "\n", " "))
}

// summarize logs the counts, and on request regenerates MISMATCHES.md and
// (for the resolver engineer, never in CI) known_gaps.txt.
func summarize(t *testing.T, outcomes []outcome) {
	var match, gap, bad int
	var report strings.Builder
	for _, o := range outcomes {
		switch {
		case len(o.diffs) == 0:
			match++
			continue
		case o.gap != "":
			gap++
		default:
			bad++
		}
		fmt.Fprintf(&report, "### %s\n", o.sc.name)
		if o.gap != "" {
			fmt.Fprintf(&report, "known gap: %s\n", o.gap)
		}
		fmt.Fprintf(&report, "```\n%s```\n\n", describe(o))
	}
	t.Logf("parity: %d scenarios, %d match botocore, %d known gaps, %d unlisted mismatches",
		len(outcomes), match, gap, bad)
	report.WriteString("## Every scenario and botocore's answer\n\n| scenario | botocore | parity |\n| --- | --- | --- |\n")
	for _, o := range outcomes {
		state := "match"
		if len(o.diffs) > 0 {
			state = "**differs**"
		}
		fmt.Fprintf(&report, "| %s | %s | %s |\n", o.sc.name, strings.ReplaceAll(botocoreAnswer(o.py), "|", "\\|"), state)
	}
	if os.Getenv("S3KIT_PARITY_REPORT") == "1" {
		head := fmt.Sprintf("# botocore parity mismatches\n\nGenerated by `S3KIT_PARITY_REPORT=1 go test ./tests/credparity/`"+
			" (botocore %s).\n\n%d scenarios, %d match, %d known gaps, %d unlisted mismatches.\n\n",
			wantBotocore, len(outcomes), match, gap, bad)
		if err := os.WriteFile("MISMATCHES.md", []byte(head+report.String()), 0o644); err != nil {
			t.Errorf("write MISMATCHES.md: %v", err)
		}
	}
	if os.Getenv("S3KIT_PARITY_WRITE_GAPS") == "1" {
		writeGaps(t, outcomes)
	}
}

// writeGaps rewrites known_gaps.txt from the current mismatches, keeping the
// hand-written reason of gaps already listed.
func writeGaps(t *testing.T, outcomes []outcome) {
	var b strings.Builder
	b.WriteString("# Scenarios of TestBotocoreParity that still differ from botocore.\n" +
		"# Format: <scenario> <reason>. The test skips these and fails when one starts to match.\n")
	for _, o := range outcomes {
		if len(o.diffs) == 0 {
			continue
		}
		reason := o.gap
		if reason == "" {
			reason = "mismatch: " + strings.ReplaceAll(o.diffs[0], "\n", " ")
		}
		fmt.Fprintf(&b, "%s %s\n", o.sc.name, reason)
	}
	if err := os.WriteFile("known_gaps.txt", []byte(b.String()), 0o644); err != nil {
		t.Errorf("write known_gaps.txt: %v", err)
	}
}
