// Package cli implements the s3kit command line. Each command lives in its own
// file and is registered in the commands table (Main builds only the invoked
// command when it can); main only builds a context, calls Main and exits with
// the code it returns.
//
// Exit codes follow the contract in design.md: 0 success, 1 an operation
// failed, 2 a usage error.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Exit codes of the s3kit command.
const (
	ExitOK     = 0 // success
	ExitFailed = 1 // an operation failed
	ExitUsage  = 2 // the command line was wrong
)

// Env is everything a command reads from the outside world. Tests build one
// by hand so they can run in parallel without touching the process state.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// LookupEnv reports an environment variable and whether it is set
	// (botocore treats set-but-empty differently from unset).
	LookupEnv func(key string) (string, bool)
	// Environ lists the whole environment as KEY=VALUE (for child processes).
	Environ func() []string
	// Home is the user's home directory ("" when unknown).
	Home string
	// Now is the clock.
	Now func() time.Time
	// IsTerminal reports whether Stdout is a terminal (progress bars only then).
	IsTerminal bool
	// Version is the release the binary was built as ("" when the build
	// did not say; --version then reads Go's build information).
	Version string
}

// OSEnv returns the Env of the running process.
func OSEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		LookupEnv:  os.LookupEnv,
		Environ:    os.Environ,
		Home:       home,
		Now:        time.Now,
		IsTerminal: isTerminal(os.Stdout),
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}

// Getenv returns the variable's value, "" when unset.
func (e Env) Getenv(key string) string {
	if e.LookupEnv == nil {
		return ""
	}
	v, _ := e.LookupEnv(key)
	return v
}

// ExitError carries an exit code out of a command. Commands that have already
// reported their failure return it with Silent set so Main prints nothing more.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

// Error implements error.
func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

// Unwrap returns the error that decided the exit status.
func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks err as a usage error (exit 2).
func usageError(err error) error { return &ExitError{Code: ExitUsage, Err: err} }

// Main runs the s3kit command line with args (without the program name) and
// returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.LookupEnv == nil {
		env.LookupEnv = func(string) (string, bool) { return "", false }
	}
	if env.Environ == nil {
		env.Environ = func() []string { return nil }
	}
	if env.Stdin == nil {
		env.Stdin = eofReader{}
	}
	return execute(ctx, newCmdTree(env, args), args, env)
}

// execute runs the command line args on root and returns the exit code.
func execute(ctx context.Context, root *cobra.Command, args []string, env Env) int {
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if !ee.Silent && ee.Err != nil {
			msg := ee.Err.Error()
			if cmd != nil {
				if hint := credsHint(env, cmd, ee.Err); hint != "" {
					msg = hint
				}
			}
			fmt.Fprintf(env.Stderr, "s3kit: %s\n", msg)
		}
		return ee.Code
	}
	// Errors cobra raises itself (unknown command, bad flag, wrong arg count)
	// are usage errors.
	fmt.Fprintf(env.Stderr, "s3kit: %v\n", err)
	if isCobraUsageError(err) {
		return ExitUsage
	}
	return ExitFailed
}

// version describes the running binary: release (what "make build" passes
// through -ldflags, from git describe) or else the module version Go
// stamps into the binary, then the commit and the Go release from the build
// information.
func version(release string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = &debug.BuildInfo{GoVersion: "unknown Go"}
	}
	v := release
	if v == "" {
		v = bi.Main.Version
	}
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = ", modified"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		return fmt.Sprintf("%s (commit %s%s, %s)", v, rev, dirty, bi.GoVersion)
	}
	return fmt.Sprintf("%s (%s)", v, bi.GoVersion)
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// usageMarker wraps errors produced by flag parsing and argument validation.
type usageMarker struct{ error }

func (u usageMarker) Unwrap() error { return u.error }

func isCobraUsageError(err error) bool {
	var u usageMarker
	if errors.As(err, &u) {
		return true
	}
	// cobra reports unknown subcommands with a plain error.
	return strings.HasPrefix(err.Error(), "unknown command ")
}

// commands lists the top-level commands by name, in the order help shows
// them. newRootCmd builds all of them; Main builds only the invoked one when
// it can: building every command's cobra tree is a measurable part of a
// short command's start-up.
var commands = []struct {
	name string
	make func(Env) *cobra.Command
}{
	{"serve", newServeCmd},
	{"keys", newKeysCmd},
	{"policy", newPolicyCmd},
	{"kms", newKMSCmd},
	{"creds", newCredsCmd},
	{"ls", newLsCmd},
	{"cp", func(env Env) *cobra.Command { return newCpCmd(env, false) }},
	{"mv", func(env Env) *cobra.Command { return newCpCmd(env, true) }},
	{"rm", newRmCmd},
	{"mb", newMbCmd},
	{"rb", newRbCmd},
	{"bucket", newBucketCmd},
	{"sync", newSyncCmd},
	{"presign", newPresignCmd},
	{"cat", newCatCmd},
	{"health", newHealthCmd},
}

// CancelOnSignal reports whether main should run the command line args
// with a context that SIGINT and SIGTERM cancel, so the command can stop
// cleanly (serve shuts down, cp and sync remove partial files and abort
// uploads). "s3kit creds" opts out: it has nothing to clean up, and
// signal.Notify starts a thread and two goroutines, a measurable part of
// its start-up, so there the signals keep their default action
// and end the process.
func CancelOnSignal(args []string) bool {
	return len(args) == 0 || args[0] != "creds"
}

// newCmdTree returns the command tree for args. When args starts with the
// name of a top-level command, cobra would dispatch to that command and
// consult no other, so only that one is built (with the default
// "completion" command off: it can only run as the first argument).
// Anything else — help, completion, flags first, unknown or no command —
// gets the full tree, so help, suggestions and shell completion list every
// command.
func newCmdTree(env Env, args []string) *cobra.Command {
	if len(args) > 0 {
		for _, c := range commands {
			if c.name == args[0] {
				root := newBareRoot()
				root.CompletionOptions.DisableDefaultCmd = true
				root.AddCommand(c.make(env))
				wrapArgs(root)
				return root
			}
		}
	}
	return newRootCmd(env)
}

func newBareRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "s3kit",
		Short:         "S3 made simple, transparent and fast: a local S3 server, credentials explained, and fast transfers",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageMarker{fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	return root
}

// newRootCmd builds the full command tree.
func newRootCmd(env Env) *cobra.Command {
	root := newBareRoot()
	// Only the full tree carries --version: "s3kit --version" never starts
	// with a command name, and the single-command trees skip reading the
	// build information at start-up.
	root.Version = version(env.Version)
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	for _, c := range commands {
		root.AddCommand(c.make(env))
	}
	// Argument-count errors from cobra.Args validators are usage errors too.
	wrapArgs(root)
	return root
}

// wrapArgs makes every command's positional-argument validator return a usage
// error, so "s3kit cp onlyone" exits 2.
func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		orig := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := orig(cmd, args); err != nil {
				return usageMarker{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}
