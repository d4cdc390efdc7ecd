package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	partSize    int64
	noVerify    bool
	verify      bool
}

func (cf *clientFlags) add(cmd *cobra.Command, transfers bool) {
	fl := cmd.Flags()
	fl.StringVar(&cf.endpointURL, "endpoint-url", "", "S3 endpoint URL (default: the profile's endpoint_url, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS)")
	fl.StringVar(&cf.profile, "profile", "", "profile from the shared config and credentials files")
	fl.StringVar(&cf.region, "region", "", "region (default: the profile's, AWS_REGION, or us-east-1)")
	if transfers {
		fl.BoolVar(&cf.noProgress, "no-progress", false, "do not show progress bars")
		fl.IntVar(&cf.concurrency, "concurrency", transfer.DefaultWorkers, "requests in flight at once")
		fl.Int64Var(&cf.partSize, "part-size", transfer.DefaultPart, "multipart part size in bytes")
		fl.BoolVar(&cf.noVerify, "no-verify", false, "do not check downloads against the ETag at all (needed for SSE-KMS/SSE-C objects)")
		fl.BoolVar(&cf.verify, "verify", false, "also check downloads larger than one part against the ETag (an MD5 pass: ~1 CPU s/GiB); objects up to one part are always checked")
	}
}

// client resolves a session the way boto3 would and returns its S3 client.
func (cf *clientFlags) client(ctx context.Context, env Env) (*s3.Client, error) {
	opts := []s3.Option{s3.WithEnv(env.LookupEnv, env.Home)}
	if cf.profile != "" {
		opts = append(opts, s3.WithProfile(cf.profile))
	}
	if cf.region != "" {
		opts = append(opts, s3.WithRegion(cf.region))
	}
	if cf.endpointURL != "" {
		opts = append(opts, s3.WithEndpointURL(cf.endpointURL))
	}
	sess, err := s3.NewSession(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return sess.Client()
}

// manager returns a transfer manager over the S3 client, reporting progress
// to p (which may be nil).
func (cf *clientFlags) manager(ctx context.Context, env Env, p *progress) (*s3.Client, *transfer.Manager, error) {
	c, err := cf.client(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	if cf.partSize < transfer.MinPartSize || cf.partSize > transfer.MaxPartSize {
		return nil, nil, usageError(fmt.Errorf("--part-size must be between %d and %d", transfer.MinPartSize, transfer.MaxPartSize))
	}
	if cf.concurrency < 1 {
		return nil, nil, usageError(errors.New("--concurrency must be at least 1"))
	}
	opts := transfer.Options{Concurrency: cf.concurrency, PartSize: cf.partSize, SkipVerify: cf.noVerify, VerifyLarge: cf.verify}
	if p != nil {
		opts.Progress = p.event
	}
	return c, transfer.New(transfer.NewS3Client(c), opts), nil
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
