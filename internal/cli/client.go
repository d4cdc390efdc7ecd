package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/s3kit/s3kit/credentials"
	"github.com/spf13/pflag"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/transfer"
)

// clientFlags are the flags every client command takes.
type clientFlags struct {
	endpointURL string
	profile     string
	region      string
	noProgress  bool
	concurrency int
	partSize    sizeFlag
	noVerify    bool
	verify      bool
	flags       *pflag.FlagSet // to tell flags given from defaults
}

// sizeFlag is a byte count given as aws-cli writes sizes: 8388608, 8MB,
// 8MiB (binary multiples either way).
type sizeFlag int64

func (f *sizeFlag) String() string {
	switch n := int64(*f); {
	case n != 0 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n != 0 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	default:
		return strconv.FormatInt(n, 10)
	}
}

func (f *sizeFlag) Set(v string) error {
	n, err := credentials.ParseSize(v)
	if err != nil {
		return fmt.Errorf("not a size (bytes, or a number with KB/MB/GB/KiB/MiB/GiB): %q", v)
	}
	*f = sizeFlag(n)
	return nil
}

func (f *sizeFlag) Type() string { return "size" }

func (cf *clientFlags) add(cmd *cobra.Command, transfers bool) {
	fl := cmd.Flags()
	cf.flags = fl
	fl.StringVar(&cf.endpointURL, "endpoint-url", "", "S3 endpoint URL (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's [services] s3 endpoint_url, its endpoint_url, else AWS)")
	fl.StringVar(&cf.profile, "profile", "", "profile from the shared config and credentials files (default: AWS_PROFILE, else \"default\")")
	fl.StringVar(&cf.region, "region", "", "region (default: AWS_DEFAULT_REGION, else the profile's region, else us-east-1; AWS_REGION is not read, as in boto3)")
	// Every client command accepts --no-progress, so scripts can pass it
	// everywhere; only transfers draw progress.
	if transfers {
		fl.BoolVar(&cf.noProgress, "no-progress", false, "do not show progress bars")
	} else {
		fl.BoolVar(&cf.noProgress, "no-progress", false, "accepted for scripts; this command shows no progress")
	}
	if transfers {
		fl.IntVar(&cf.concurrency, "concurrency", transfer.DefaultWorkers, "requests in flight at once (when not given: the profile's s3 max_concurrent_requests, else 16)")
		cf.partSize = transfer.DefaultPart
		fl.Var(&cf.partSize, "part-size", "multipart part size, e.g. 16MB (when not given: the profile's s3 multipart_chunksize, else 8MiB)")
		fl.BoolVar(&cf.noVerify, "no-verify", false, "do not check downloads against the ETag at all (needed for SSE-KMS/SSE-C objects)")
		fl.BoolVar(&cf.verify, "verify", false, "also check downloads larger than one part against the ETag (an MD5 pass: ~1 CPU s/GiB); objects up to one part are always checked")
	}
}

// client resolves a session the way boto3 would and returns its S3 client.
func (cf *clientFlags) client(ctx context.Context, env Env) (*s3.Client, error) {
	sess, err := cf.session(ctx, env)
	if err != nil {
		return nil, err
	}
	return sess.Client(cf.clientOptions()...)
}

// clientOptions are the client settings the flags give.
func (cf *clientFlags) clientOptions() []s3.ClientOption {
	if cf.endpointURL != "" {
		return []s3.ClientOption{s3.WithEndpointURL(cf.endpointURL)}
	}
	return nil
}

// session resolves the session the way boto3 would.
func (cf *clientFlags) session(ctx context.Context, env Env) (*s3.Session, error) {
	opts := []s3.SessionOption{s3.WithEnv(env.LookupEnv, env.Home)}
	if cf.profile != "" {
		opts = append(opts, s3.WithProfile(cf.profile))
	}
	if cf.region != "" {
		opts = append(opts, s3.WithRegion(cf.region))
	}
	sess, err := s3.NewSession(ctx, opts...)
	if err != nil {
		return nil, err
	}
	// Resolve the credentials once, up front (the provider caches them):
	// without any, a command fails with one message instead of one per
	// object.
	if _, err := sess.Config().Credentials.Retrieve(ctx); err != nil {
		return nil, err
	}
	return sess, nil
}

// manager returns a transfer manager over the S3 client, reporting progress
// to p (which may be nil).
func (cf *clientFlags) manager(ctx context.Context, env Env, p *progress) (*s3.Client, *transfer.Manager, error) {
	return cf.managerWith(ctx, env, p, nil)
}

// managerWith is manager with the transfer client wrapped by wrap (when
// not nil).
func (cf *clientFlags) managerWith(ctx context.Context, env Env, p *progress, wrap func(*s3.Client, transfer.Client) transfer.Client) (*s3.Client, *transfer.Manager, error) {
	sess, err := cf.session(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	c, err := sess.Client(cf.clientOptions()...)
	if err != nil {
		return nil, nil, err
	}
	opts, err := cf.transferOptions(sess.Config().S3)
	if err != nil {
		return nil, nil, err
	}
	if p != nil {
		opts.Progress = p.event
	}
	var tc transfer.Client = c
	if wrap != nil {
		tc = wrap(c, tc)
	}
	return c, transfer.New(tc, opts), nil
}

// reporter prints one line per completed operation (aws-cli's
// "upload: a to s3://b/a", or a JSON object with --json) and one line per
// failure on stderr, and turns failures into exit code 1.
type reporter struct {
	env    Env
	json   bool
	dryrun bool
	prog   *progress

	mu     sync.Mutex
	failed int
	done   int
}

// result is one --json output line.
type result struct {
	Op     string `json:"op"`
	Source string `json:"source,omitempty"`
	Target string `json:"target,omitempty"`
	Size   *int64 `json:"size,omitempty"`
	DryRun bool   `json:"dryrun,omitempty"`
	Error  string `json:"error,omitempty"`
}

func (r *reporter) ok(op, src, dst string, size int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	r.prog.clear()
	if r.json {
		res := result{Op: op, Source: src, Target: dst, DryRun: r.dryrun}
		if size >= 0 {
			res.Size = &size
		}
		clientJSON(r.env, res)
		return
	}
	prefix := ""
	if r.dryrun {
		prefix = "(dryrun) "
	}
	if dst == "" {
		fmt.Fprintf(r.env.Stdout, "%s%s: %s\n", prefix, op, src)
		return
	}
	fmt.Fprintf(r.env.Stdout, "%s%s: %s to %s\n", prefix, op, src, dst)
}

func (r *reporter) fail(op string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed++
	r.prog.clear()
	if r.json {
		b, _ := json.Marshal(result{Op: op, Error: err.Error()})
		fmt.Fprintf(r.env.Stderr, "%s\n", b)
		return
	}
	if msg := err.Error(); strings.HasPrefix(msg, op+" ") {
		fmt.Fprintf(r.env.Stderr, "s3kit: %s\n", msg) // already says what failed
		return
	}
	fmt.Fprintf(r.env.Stderr, "s3kit: %s failed: %v\n", op, err)
}

// err is the command's outcome: nil, or exit 1 when anything failed (each
// failure already reported).
func (r *reporter) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed > 0 {
		return &ExitError{Code: ExitFailed, Err: fmt.Errorf("%d operation(s) failed", r.failed), Silent: true}
	}
	return nil
}

func clientJSON(env Env, v any) { clientJSONTo(env.Stdout, v) }

func clientJSONTo(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	fmt.Fprintf(w, "%s\n", b)
}

// opFailed reports a single failed operation as exit code 1, keeping usage
// errors (exit 2) as they are.
func opFailed(err error) error {
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	return &ExitError{Code: ExitFailed, Err: err}
}

// transferOptions are the flags' transfer settings. As in aws-cli, the
// profile's s3 block (multipart_chunksize, multipart_threshold,
// max_concurrent_requests) applies where no flag is given.
func (cf *clientFlags) transferOptions(s3cfg credentials.S3Settings) (transfer.Options, error) {
	opts := transfer.Options{Concurrency: cf.concurrency, PartSize: int64(cf.partSize), SkipVerify: cf.noVerify, VerifyLarge: cf.verify}
	given := func(flag string) bool { return cf.flags != nil && cf.flags.Changed(flag) }
	tr, raw := s3cfg.Transfer, s3cfg.Raw
	if _, ok := raw["multipart_chunksize"]; ok && !given("part-size") {
		opts.PartSize = tr.MultipartChunksize
		if opts.PartSize < transfer.MinPartSize || opts.PartSize > transfer.MaxPartSize {
			return opts, usageError(fmt.Errorf("s3 multipart_chunksize in the config must be between 5MiB and 5GiB, not %d", opts.PartSize))
		}
	}
	if _, ok := raw["multipart_threshold"]; ok {
		opts.MultipartThreshold = max(tr.MultipartThreshold, 1)
	}
	if _, ok := raw["max_concurrent_requests"]; ok && !given("concurrency") {
		opts.Concurrency = tr.MaxConcurrentRequests
	}
	if opts.PartSize < transfer.MinPartSize || opts.PartSize > transfer.MaxPartSize {
		return opts, usageError(fmt.Errorf("--part-size must be between 5MiB and 5GiB, not %d", opts.PartSize))
	}
	if opts.Concurrency < 1 {
		return opts, usageError(errors.New("--concurrency must be at least 1"))
	}
	return opts, nil
}
