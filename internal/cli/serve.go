package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/keys"
	"github.com/s3kit/s3kit/server/notify"
	"github.com/spf13/cobra"
)

// serveOptions are the flags of "s3kit serve".
type serveOptions struct {
	Addr         string
	Data         string
	Region       string
	Domain       string
	WriteProfile string
	StrictRegion bool
	ForceProfile bool
	// MaxConnections bounds the connections served at once (0: none).
	MaxConnections int
	// BodyTimeout is how long a request body may stall (0: no limit).
	BodyTimeout time.Duration
	// BodyMinRate is the bytes per second a body must average past
	// BodyTimeout (0: no minimum).
	BodyMinRate int64
	// AccessKeyID and SecretAccessKey declare a key that must exist with
	// full access (else $S3KIT_ACCESS_KEY_ID, $S3KIT_SECRET_ACCESS_KEY).
	AccessKeyID, SecretAccessKey string
	// Memory keeps objects and keys in memory: nothing is written.
	Memory bool
	// TLS serves HTTPS with a generated self-signed certificate; TLSCert
	// and TLSKey with the operator's.
	TLS             bool
	TLSCert, TLSKey string
	// NotifyWebhooks are the --notify-webhook NAME=URL values; queue is
	// the event queue opened for them (nil: none).
	NotifyWebhooks []string
	queue          *notify.Queue
}

// Defaults of --body-timeout and --body-min-rate.
const (
	defaultBodyTimeout = 30 * time.Second
	defaultBodyMinRate = server.DefaultBodyMinRate
)

// maxConnectionsCap is the most --max-connections defaults to.
const maxConnectionsCap = 1024

// defaultMaxConnections is --max-connections' default: maxConnectionsCap,
// or half the descriptor limit when that is lower. A connection holds a
// descriptor and its request a few more (the files it reads and writes,
// the index), so connections alone must never exhaust them: a server out
// of descriptors can neither accept nor open anything.
func defaultMaxConnections(limit uint64) int {
	if limit == 0 || limit/2 >= maxConnectionsCap {
		return maxConnectionsCap
	}
	return max(int(limit/2), 1)
}

// shutdownTimeout bounds how long a graceful shutdown waits for requests in
// flight before closing their connections.
const shutdownTimeout = 10 * time.Second

// HealthPath answers 200 once the server is ready (server.HealthPath).
const HealthPath = server.HealthPath

// newServeCmd builds "s3kit serve".
func newServeCmd(env Env) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the embedded S3 server on local disk",
		Long: "Serve the S3 API (path-style, and virtual-host style for BUCKET.DOMAIN with\n" +
			"--domain) from a data directory, or from memory with --memory. On first start\n" +
			"with no keys it creates one and prints it once with snippets for boto3, aws-cli\n" +
			"and s3kit; --access-key-id and --secret-access-key (or S3KIT_ACCESS_KEY_ID and\n" +
			"S3KIT_SECRET_ACCESS_KEY) declare a known key instead. --tls serves HTTPS with a\n" +
			"self-signed certificate. SIGINT or SIGTERM stops it gracefully.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Addr, "addr", "127.0.0.1:9000", "address to listen on; a port alone (\":9000\", \":0\" for a free one) listens on 127.0.0.1 only, all interfaces need \"0.0.0.0:9000\" or \"[::]:9000\"")
	f.StringVar(&o.Data, "data", "", "data directory (default $S3KIT_DATA, $XDG_DATA_HOME/s3kit or ~/.local/share/s3kit)")
	f.StringVar(&o.Region, "region", "us-east-1", "the region the server reports")
	f.BoolVar(&o.StrictRegion, "strict-region", false, "refuse requests signed for a region other than --region (by default any region is accepted)")
	f.StringVar(&o.Domain, "domain", "", "serve virtual-host style requests for BUCKET.DOMAIN")
	f.IntVar(&o.MaxConnections, "max-connections", defaultMaxConnections(openFileLimit()), "serve at most `N` connections at once, more wait to be accepted; the default is 1024 or half the descriptor limit (0: no limit)")
	f.DurationVar(&o.BodyTimeout, "body-timeout", defaultBodyTimeout, "answer RequestTimeout when a request body sends nothing for this long (0: wait forever)")
	f.Int64Var(&o.BodyMinRate, "body-min-rate", defaultBodyMinRate, "answer RequestTimeout when a request body averages fewer `BYTES` a second past --body-timeout (0: no minimum)")
	f.StringVar(&o.WriteProfile, "write-profile", "", "write a key and this endpoint (for S3 only) as profile `NAME` into ~/.aws/credentials and ~/.aws/config; an existing profile is never overwritten unless it holds a key of this server")
	f.StringVar(&o.AccessKeyID, "access-key-id", "", "make sure the access key `ID` exists with full access, with --secret-access-key (or $"+envAccessKeyID+"); 16 to 128 letters, digits or '_'")
	f.StringVar(&o.SecretAccessKey, "secret-access-key", "", "the declared key's `SECRET`, 16 to 128 printable ASCII characters; prefer $"+envSecretAccessKey+": a command line is visible to other users in ps")
	f.BoolVar(&o.Memory, "memory", false, "keep objects and keys in memory only: nothing is written to disk and everything is gone when the server stops")
	f.BoolVar(&o.TLS, "tls", false, "serve HTTPS with a self-signed certificate kept in the data directory and reused (with --memory, a temporary file removed at exit)")
	f.StringVar(&o.TLSCert, "tls-cert", "", "serve HTTPS with the certificate (chain) in PEM `FILE`, with --tls-key")
	f.StringVar(&o.TLSKey, "tls-key", "", "the private key of --tls-cert, in PEM `FILE`")
	f.StringArrayVar(&o.NotifyWebhooks, "notify-webhook", nil, "declare a webhook `NAME=URL` for bucket event notifications: a bucket's notification configuration names it as the queue arn:s3kit:sqs:REGION:local:NAME (repeatable)")
	f.BoolVar(&o.ForceProfile, "force-profile", false, "with --write-profile, replace the keys, region and S3 endpoint of an existing profile (each changed file is backed up first)")
	return cmd
}

func runServe(ctx context.Context, env Env, o serveOptions) error {
	fail := func(err error) error { return &ExitError{Code: ExitFailed, Err: fmt.Errorf("serve: %w", err)} }
	if err := checkServeFlags(o); err != nil {
		return usageError(err)
	}
	declared, err := resolveDeclaredKey(env, o)
	if err != nil {
		return usageError(fmt.Errorf("serve: %w", err))
	}
	addr, err := listenAddr(o.Addr)
	if err != nil {
		return usageError(fmt.Errorf("serve: %w", err))
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	if declared != nil && declared.SecretOnCommandLine {
		logger.Warn("the secret is on the command line, where other users of this machine can read it (ps); prefer " + envSecretAccessKey)
	}
	var dir string
	var store *keys.Store
	if o.Memory {
		store = keys.NewMemory(keys.Options{Now: env.Now, Logger: logger})
	} else {
		var unlock func()
		if dir, unlock, err = openDataDir(env, o.Data); err != nil {
			return err
		}
		defer unlock()
		if store, err = keys.Open(dir, keys.Options{Now: env.Now, Logger: logger}); err != nil {
			return fail(err)
		}
	}
	// With --memory, dir is "" and the event queue is kept in memory too.
	if o.queue, err = openNotify(ctx, dir, o.NotifyWebhooks, logger); err != nil {
		return err
	}
	if o.queue != nil {
		defer o.queue.Close()
	}
	var plan profilePlan
	if o.WriteProfile != "" && strings.ContainsAny(o.WriteProfile, " \t[]") {
		// botocore reads "[profile a b]" as no profile at all.
		return usageError(fmt.Errorf("serve: --write-profile %q: a profile name cannot contain spaces or brackets", o.WriteProfile))
	}
	if o.WriteProfile != "" {
		if plan, err = planServeProfile(ctx, env, store, o, declared); err != nil {
			return fail(err)
		}
	} else if o.ForceProfile {
		return usageError(errors.New("serve: --force-profile needs --write-profile NAME"))
	}
	// Storage and the listener come before the first key is made, so a
	// start that fails (data directory in use, port taken) never creates a
	// key whose secret nobody saw.
	backend, handler, err := openServer(ctx, dir, store, o, logger, env.Now)
	if err != nil {
		return fail(err)
	}
	defer func() {
		if err := backend.Close(); err != nil {
			logger.Error("close storage", "err", err)
		}
	}()
	host, _, _ := net.SplitHostPort(addr)
	tlsOn, err := setupTLS(o, dir, certHosts(host, o.Domain), env.Now(), logger)
	if err != nil {
		return fail(err)
	}
	defer tlsOn.close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fail(err)
	}
	ln = newLimitListener(ln, o.MaxConnections)
	scheme := "http"
	if tlsOn != nil {
		scheme = "https"
	}
	b, err := prepareBanner(ctx, env, store, o, plan, dir, endpointURL(scheme, ln.Addr()), declared, tlsOn, logger)
	if err != nil {
		ln.Close()
		return fail(err)
	}
	b.Listen = listenWords(ln.Addr())
	b.write(env.Stdout)
	if tlsOn != nil {
		ln = tls.NewListener(ln, tlsOn.Config)
	}
	if err := serveUntilDone(ctx, ln, handler, logger); err != nil {
		return fail(err)
	}
	return nil
}

// checkServeFlags refuses combinations of flags that cannot work.
func checkServeFlags(o serveOptions) error {
	switch {
	case o.Region == "":
		return errors.New("serve: --region must not be empty")
	case o.MaxConnections < 0:
		return errors.New("serve: --max-connections must not be negative")
	case o.BodyTimeout < 0:
		return errors.New("serve: --body-timeout must not be negative")
	case o.BodyMinRate < 0:
		return errors.New("serve: --body-min-rate must not be negative")
	case o.Memory && o.Data != "":
		return errors.New("serve: --memory keeps everything in memory; it does not take --data")
	case (o.TLSCert == "") != (o.TLSKey == ""):
		return errHalfTLS
	case o.TLS && o.TLSCert != "":
		return errors.New("serve: --tls generates a certificate; it does not go with --tls-cert and --tls-key")
	}
	return nil
}

// openDataDir resolves, creates and locks the data directory. Errors are
// ready to return from runServe.
func openDataDir(env Env, flag string) (dir string, unlock func(), err error) {
	dir, err = dataDirFlag(env, flag)
	if err != nil {
		return "", nil, usageError(err)
	}
	// The banner prints commands that name the directory; make them work
	// from any working directory.
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, &ExitError{Code: ExitFailed, Err: fmt.Errorf("serve: %w", err)}
	}
	// Before anything else opens the directory: a second server fails at
	// once, naming the first, instead of waiting for the index's lock.
	unlock, err = lockDataDir(dir)
	if err != nil {
		return "", nil, &ExitError{Code: ExitFailed, Err: fmt.Errorf("serve: %w", err)}
	}
	return dir, unlock, nil
}

// prepareBanner creates the first key when there is none and writes
// --write-profile. A profile that cannot be written is reported in the
// banner and the log, not fatal: the first key's secret must still be shown.
func prepareBanner(ctx context.Context, env Env, store *keys.Store, o serveOptions, plan profilePlan, dir, endpoint string,
	declared *declaredKey, tlsOn *serveTLS, logger *slog.Logger) (banner, error) {
	if declared != nil {
		r, err := store.Ensure(ctx, declared.ID, declared.Secret, "declared")
		if err != nil {
			return banner{}, err
		}
		declared.Result = r
	}
	n, err := store.Len(ctx)
	if err != nil {
		return banner{}, err
	}
	b := banner{Endpoint: endpoint, DataDir: dir, KeyFile: store.Path(), Region: o.Region, Domain: o.Domain, Keys: n,
		Memory: o.Memory, Declared: declared, TLS: tlsOn}
	if tlsOn != nil {
		b.CABundle = tlsOn.CABundle
	}
	if n == 0 {
		k, err := store.Create(ctx, keys.CreateOptions{Name: "first key"})
		if err != nil {
			return banner{}, err
		}
		b.First = &k
	}
	if o.WriteProfile != "" {
		if err := writeServeProfile(ctx, env, store, o, plan, endpoint, b.First, declared, &b); err != nil {
			logger.Error("write profile", "profile", o.WriteProfile, "err", err)
			b.ProfileError = err
		}
	}
	where := dir
	if o.Memory {
		where = "memory"
	}
	attrs := []any{"endpoint", endpoint, "data", where, "region", o.Region}
	if declared != nil {
		attrs = append(attrs, "declared_key", declared.ID, "declared_key_state", declared.Result.String())
	}
	logger.Info("serving", attrs...)
	return b, nil
}

// serveUntilDone serves on ln until ctx ends (SIGINT/SIGTERM in main), then
// shuts down gracefully: it stops accepting, lets requests in flight finish
// for up to shutdownTimeout, and closes the rest.
func serveUntilDone(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           handler, // it answers GET /-/health itself
		ReadHeaderTimeout: 30 * time.Second,
		MaxHeaderBytes:    server.MaxHeaderBytes,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// Requests in flight are not cancelled by the signal; Shutdown
		// waits for them.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("graceful shutdown incomplete; closing connections", "err", err)
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// ErrDataDirInUse is returned when another process serves the data
// directory.
var ErrDataDirInUse = errors.New("data directory in use")

// DataDirInUseError says which process holds a data directory.
type DataDirInUseError struct {
	Dir string
	PID int // 0 when the lock file does not say
}

// Error implements error.
func (e *DataDirInUseError) Error() string {
	who := "another s3kit serve"
	if e.PID > 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("data directory %s is in use by %s; stop it, or pass another --data", e.Dir, who)
}

// Is makes errors.Is(err, ErrDataDirInUse) true.
func (e *DataDirInUseError) Is(target error) bool { return target == ErrDataDirInUse }

// listenAddr is the address serve listens on for --addr: an empty host
// (":9000", ":0") means 127.0.0.1, so a local server with a fresh key is not
// reachable from the network unless the address says so ("0.0.0.0:9000",
// "[::]:9000").
func listenAddr(flag string) (string, error) {
	host, port, err := net.SplitHostPort(flag)
	if err != nil {
		return "", fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:9000 or 0.0.0.0:9000", flag)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// listenWords says where the listener accepts connections, for the banner.
func listenWords(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && (tcp.IP == nil || tcp.IP.IsUnspecified()) {
		return a.String() + " (all interfaces: reachable from the network)"
	}
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return a.String() + " (this machine only)"
	}
	return a.String()
}

// endpointURL is the URL clients use to reach a listener with scheme
// ("http" or "https"): an unspecified
// host (":9000", "0.0.0.0", "[::]") becomes 127.0.0.1.
func endpointURL(scheme string, a net.Addr) string {
	host, port := "127.0.0.1", "0"
	if tcp, ok := a.(*net.TCPAddr); ok {
		port = strconv.Itoa(tcp.Port)
		if tcp.IP != nil && !tcp.IP.IsUnspecified() {
			host = tcp.IP.String()
		}
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// profilePlan is what --write-profile will write, decided before the
// server starts so that a refusal stops the start before any key is made.
type profilePlan struct {
	files awsProfileFiles
	key   keys.Key // the profile's key if this server knows it
	force bool     // replacing a profile that is not ours
}

// planServeProfile checks --write-profile NAME against the shared files.
// A profile that holds a key of this server is ours to update; a profile
// that does not exist is written; any other profile is refused unless
// --force-profile is given.
func planServeProfile(ctx context.Context, env Env, store *keys.Store, o serveOptions, declared *declaredKey) (profilePlan, error) {
	files, err := resolveAWSFiles(env)
	if err != nil {
		return profilePlan{}, err
	}
	plan := profilePlan{files: files}
	ex := inspectAWSProfile(files, o.WriteProfile)
	if declared != nil && ex.KeyID == declared.ID {
		// Ours: the key this start declares (it may not exist yet).
		return plan, nil
	}
	if ex.KeyID != "" {
		if found, err := store.Lookup(ctx, ex.KeyID); err == nil {
			plan.key = found
			return plan, nil
		}
	}
	if len(ex.Where) > 0 {
		if !o.ForceProfile {
			return plan, &ProfileExistsError{Name: o.WriteProfile, Where: ex.Where}
		}
		plan.force = true
	}
	return plan, nil
}

// writeServeProfile writes --write-profile NAME as planned. The key
// written is the declared one, else the one the profile already holds if
// this server knows it, else the first key created by this start, else a
// new key named after the profile: the secrets of older keys are never
// handed out again. With TLS whose certificate clients must be told to
// trust, the profile's ca_bundle names it.
func writeServeProfile(ctx context.Context, env Env, store *keys.Store, o serveOptions, plan profilePlan, endpoint string, first *keys.Key, declared *declaredKey, b *banner) error {
	k := plan.key
	switch {
	case declared != nil:
		k = keys.Key{AccessKeyID: declared.ID, Secret: declared.Secret}
	case k.AccessKeyID != "":
	case first != nil:
		k = *first
	default:
		var err error
		k, err = store.Create(ctx, keys.CreateOptions{Name: "profile " + o.WriteProfile})
		if err != nil {
			return err
		}
		b.ProfileKeyCreated = true
	}
	p := awsProfile{
		Name: o.WriteProfile, AccessKeyID: k.AccessKeyID, Secret: k.Secret,
		EndpointURL: endpoint, Region: o.Region, CABundle: b.CABundle,
	}
	if plan.force {
		p.BackupSuffix = ".s3kit-backup-" + env.Now().UTC().Format("20060102T150405Z")
	}
	backups, warnings, err := writeAWSProfile(plan.files, p)
	b.ProfileBackups = backups
	if err != nil {
		return err
	}
	b.Profile, b.ProfileKeyID, b.ProfileFiles, b.ProfileWarnings = o.WriteProfile, k.AccessKeyID, plan.files, warnings
	return nil
}
