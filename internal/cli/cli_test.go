package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestLazyTreeMatchesFull checks that the commands table Main uses to build
// only the invoked command lists every top-level command of the full tree,
// in order, and that each lazily built command is the same command: same
// usage text (flags, defaults, subcommands) at every level, and the same
// help output and usage errors through Main.
func TestLazyTreeMatchesFull(t *testing.T) {
	env, _, _ := credsEnv(t, nil, nil)
	full := newRootCmd(env)
	var names []string
	for _, c := range full.Commands() {
		names = append(names, c.Name())
	}
	var table []string
	for _, c := range commands {
		table = append(table, c.name)
	}
	slices.Sort(table) // cobra sorts Commands()
	if strings.Join(names, " ") != strings.Join(table, " ") {
		t.Fatalf("commands table %v, full tree %v", table, names)
	}
	for _, name := range names {
		lazy := newCmdTree(env, []string{name})
		if got := len(lazy.Commands()); got != 1 {
			t.Fatalf("%s: lazy tree has %d commands, want 1", name, got)
		}
		want, _, _ := full.Find([]string{name})
		compareUsage(t, want, lazy.Commands()[0])
	}
	// Through Main: help and usage errors are the same as the full tree's.
	for _, args := range [][]string{
		{"creds", "--help"}, {"creds", "export", "--help"}, {"creds", "--bogus"},
		{"creds", "extra"}, {"keys", "--help"}, {"keys", "create", "--help"},
		{"cp", "onlyone"}, {"serve", "--help"}, {"sync", "--help"},
	} {
		code, out, errOut := runMain(t, args, false)
		fcode, fout, ferrOut := runMain(t, args, true)
		if code != fcode || out != fout || errOut != ferrOut {
			t.Errorf("%q: lazy (%d, %q, %q), full (%d, %q, %q)", args, code, out, errOut, fcode, fout, ferrOut)
		}
	}
}

func compareUsage(t *testing.T, want, got *cobra.Command) {
	t.Helper()
	if w, g := want.UsageString(), got.UsageString(); w != g {
		t.Errorf("%s: usage differs:\nfull:\n%s\nlazy:\n%s", want.CommandPath(), w, g)
	}
	if (want.Args == nil) != (got.Args == nil) || (want.RunE == nil) != (got.RunE == nil) {
		t.Errorf("%s: Args/RunE differ", want.CommandPath())
	}
	wc, gc := want.Commands(), got.Commands()
	if len(wc) != len(gc) {
		t.Fatalf("%s: %d subcommands, lazy %d", want.CommandPath(), len(wc), len(gc))
	}
	for i := range wc {
		compareUsage(t, wc[i], gc[i])
	}
}

// runMain runs Main's command line with the lazy tree, or with the full
// tree when full is set.
func runMain(t *testing.T, args []string, full bool) (int, string, string) {
	t.Helper()
	env, out, errOut := credsEnv(t, nil, nil)
	var code int
	if full {
		code = execute(context.Background(), newRootCmd(env), args, env)
	} else {
		code = Main(context.Background(), args, env)
	}
	return code, out.String(), errOut.String()
}

func TestCancelOnSignal(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, true}, {[]string{"serve"}, true}, {[]string{"cp", "a", "b"}, true},
		{[]string{"creds"}, false}, {[]string{"creds", "export"}, false},
	} {
		if got := CancelOnSignal(c.args); got != c.want {
			t.Errorf("CancelOnSignal(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	env := testEnv(t)
	env.Version = "v1.2.3"
	code, out, errs := runCLI(t, env, "--version")
	if code != ExitOK || !strings.HasPrefix(out, "s3kit v1.2.3 (") || !strings.Contains(out, "go1.") {
		t.Errorf("--version with a release: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, _ = runCLI(t, testEnv(t), "--version")
	if code != ExitOK || !strings.HasPrefix(out, "s3kit ") || !strings.Contains(out, "go1.") {
		t.Errorf("--version without a release: exit %d, stdout %q", code, out)
	}
}
