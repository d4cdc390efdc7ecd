package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/s3kit/s3kit/s3"
)

// newBucketCmd groups the bucket configuration commands: each shows the
// configuration without flags and changes it with them.
func newBucketCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bucket",
		Short: "Show or change a bucket's versioning, default encryption and policy",
	}
	cmd.AddCommand(newBucketVersioningCmd(env), newBucketEncryptionCmd(env), newBucketPolicyCmd(env))
	return cmd
}

// bucketVersioning is the --json form of bucket versioning. Status is ""
// for a bucket that never had versioning, as S3 answers.
type bucketVersioning struct {
	Bucket string `json:"bucket"`
	Status string `json:"status"`
}

func newBucketVersioningCmd(env Env) *cobra.Command {
	var f clientFlags
	var enable, suspend, asJSON bool
	cmd := &cobra.Command{
		Use:   "versioning s3://bucket [--enable | --suspend]",
		Short: "Show a bucket's versioning state, or enable or suspend versioning",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			bucket, err := bucketArg(args[0])
			if err != nil {
				return err
			}
			if enable && suspend {
				return usageError(errors.New("--enable and --suspend cannot be used together"))
			}
			c, err := f.client(ctx, env)
			if err != nil {
				return opFailed(err)
			}
			res := bucketVersioning{Bucket: bucket}
			if enable || suspend {
				res.Status = s3.VersioningEnabled
				if suspend {
					res.Status = s3.VersioningSuspended
				}
				if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket, Status: res.Status}); err != nil {
					return opFailed(fmt.Errorf("set versioning of s3://%s: %w", bucket, err))
				}
			} else {
				out, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
				if err != nil {
					return opFailed(fmt.Errorf("get versioning of s3://%s: %w", bucket, err))
				}
				res.Status = out.Status
			}
			if asJSON {
				clientJSON(env, res)
				return nil
			}
			status := res.Status
			if status == "" {
				status = "never enabled"
			}
			fmt.Fprintf(env.Stdout, "versioning: s3://%s %s\n", bucket, status)
			return nil
		},
	}
	f.add(cmd, false)
	fl := cmd.Flags()
	fl.BoolVar(&enable, "enable", false, "turn versioning on")
	fl.BoolVar(&suspend, "suspend", false, "suspend versioning (existing versions are kept)")
	fl.BoolVar(&asJSON, "json", false, "print the state as a JSON object")
	return cmd
}

// bucketEncryption is the --json form of bucket encryption; SSEAlgorithm
// is "" for a bucket without default encryption.
type bucketEncryption struct {
	Bucket           string `json:"bucket"`
	SSEAlgorithm     string `json:"sse_algorithm"`
	KMSKeyID         string `json:"kms_key_id,omitempty"`
	BucketKeyEnabled bool   `json:"bucket_key_enabled,omitempty"`
	Deleted          bool   `json:"deleted,omitempty"`
}

func newBucketEncryptionCmd(env Env) *cobra.Command {
	var f clientFlags
	var sse, kmsKeyID string
	var bucketKey, del, asJSON bool
	cmd := &cobra.Command{
		Use:   "encryption s3://bucket [--sse AES256|aws:kms [--kms-key-id ID]] [--delete]",
		Short: "Show, set or remove a bucket's default encryption",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			bucket, err := bucketArg(args[0])
			if err != nil {
				return err
			}
			switch {
			case sse != "" && del:
				return usageError(errors.New("--sse and --delete cannot be used together"))
			case sse != "" && sse != s3.SSEAlgorithmAES256 && sse != s3.SSEAlgorithmKMS:
				return usageError(fmt.Errorf("--sse %q: want AES256 or aws:kms", sse))
			case (kmsKeyID != "" || bucketKey) && sse != s3.SSEAlgorithmKMS:
				return usageError(errors.New("--kms-key-id and --bucket-key need --sse aws:kms"))
			}
			c, err := f.client(ctx, env)
			if err != nil {
				return opFailed(err)
			}
			res := bucketEncryption{Bucket: bucket}
			switch {
			case del:
				if _, err := c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: bucket}); err != nil {
					return opFailed(fmt.Errorf("delete encryption of s3://%s: %w", bucket, err))
				}
				res.Deleted = true
			case sse != "":
				in := &s3.PutBucketEncryptionInput{Bucket: bucket, SSEAlgorithm: sse, KMSMasterKeyID: kmsKeyID, BucketKeyEnabled: bucketKey}
				if _, err := c.PutBucketEncryption(ctx, in); err != nil {
					return opFailed(fmt.Errorf("set encryption of s3://%s: %w", bucket, err))
				}
				res.SSEAlgorithm, res.KMSKeyID, res.BucketKeyEnabled = sse, kmsKeyID, bucketKey
			default:
				out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bucket})
				switch {
				case errors.Is(err, s3.NoSuchEncryptionConfiguration):
				case err != nil:
					return opFailed(fmt.Errorf("get encryption of s3://%s: %w", bucket, err))
				default:
					res.SSEAlgorithm, res.KMSKeyID, res.BucketKeyEnabled = out.SSEAlgorithm, out.KMSMasterKeyID, out.BucketKeyEnabled
				}
			}
			if asJSON {
				clientJSON(env, res)
				return nil
			}
			switch {
			case res.Deleted:
				fmt.Fprintf(env.Stdout, "encryption: s3://%s default encryption removed\n", bucket)
			case res.SSEAlgorithm == "":
				fmt.Fprintf(env.Stdout, "encryption: s3://%s none\n", bucket)
			default:
				line := res.SSEAlgorithm
				if res.KMSKeyID != "" {
					line += " key " + res.KMSKeyID
				}
				if res.BucketKeyEnabled {
					line += " (bucket key)"
				}
				fmt.Fprintf(env.Stdout, "encryption: s3://%s %s\n", bucket, line)
			}
			return nil
		},
	}
	f.add(cmd, false)
	fl := cmd.Flags()
	fl.StringVar(&sse, "sse", "", "set default encryption: AES256 (SSE-S3) or aws:kms")
	fl.StringVar(&kmsKeyID, "kms-key-id", "", "KMS key for --sse aws:kms (default: the server's default key)")
	fl.BoolVar(&bucketKey, "bucket-key", false, "enable an S3 Bucket Key for --sse aws:kms")
	fl.BoolVar(&del, "delete", false, "remove the bucket's default encryption")
	fl.BoolVar(&asJSON, "json", false, "print the configuration as a JSON object")
	return cmd
}

// bucketPolicy is the --json form of bucket policy: Policy is the document
// itself (null when the bucket has none).
type bucketPolicy struct {
	Bucket  string          `json:"bucket"`
	Policy  json.RawMessage `json:"policy"`
	Deleted bool            `json:"deleted,omitempty"`
}

func newBucketPolicyCmd(env Env) *cobra.Command {
	var f clientFlags
	var setFile string
	var del, asJSON bool
	cmd := &cobra.Command{
		Use:   "policy s3://bucket [--set FILE | --delete]",
		Short: "Show, set or remove a bucket's policy document",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			bucket, err := bucketArg(args[0])
			if err != nil {
				return err
			}
			if setFile != "" && del {
				return usageError(errors.New("--set and --delete cannot be used together"))
			}
			var doc []byte
			if setFile != "" {
				if doc, err = readPolicyFile(env, setFile); err != nil {
					return opFailed(err)
				}
			}
			c, err := f.client(ctx, env)
			if err != nil {
				return opFailed(err)
			}
			res := bucketPolicy{Bucket: bucket}
			switch {
			case del:
				if _, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket}); err != nil {
					return opFailed(fmt.Errorf("delete policy of s3://%s: %w", bucket, err))
				}
				res.Deleted = true
			case setFile != "":
				if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: string(doc)}); err != nil {
					return opFailed(fmt.Errorf("set policy of s3://%s from %s: %w", bucket, setFile, err))
				}
				res.Policy = doc
			default:
				out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
				switch {
				case errors.Is(err, s3.NoSuchBucketPolicy):
				case err != nil:
					return opFailed(fmt.Errorf("get policy of s3://%s: %w", bucket, err))
				default:
					res.Policy = json.RawMessage(out.Policy)
				}
			}
			if asJSON {
				if res.Policy != nil && !json.Valid(res.Policy) {
					// Keep the output one valid JSON object even if a server
					// answers a document that is not JSON.
					s, _ := json.Marshal(string(res.Policy))
					res.Policy = s
				}
				clientJSON(env, res)
				return nil
			}
			switch {
			case res.Deleted:
				fmt.Fprintf(env.Stdout, "policy: s3://%s policy removed\n", bucket)
			case setFile != "":
				fmt.Fprintf(env.Stdout, "policy: s3://%s set from %s\n", bucket, setFile)
			case res.Policy == nil:
				fmt.Fprintf(env.Stdout, "policy: s3://%s has no policy\n", bucket)
			default:
				env.Stdout.Write(res.Policy)
				if res.Policy[len(res.Policy)-1] != '\n' {
					fmt.Fprintln(env.Stdout)
				}
			}
			return nil
		},
	}
	f.add(cmd, false)
	fl := cmd.Flags()
	fl.StringVar(&setFile, "set", "", "set the policy from the JSON document in FILE (- for standard input)")
	fl.BoolVar(&del, "delete", false, "remove the bucket's policy")
	fl.BoolVar(&asJSON, "json", false, "print the policy as a JSON object")
	return cmd
}

// readPolicyFile reads a policy document from path ("-": standard input)
// and checks it is JSON, so a wrong file is refused before any request.
func readPolicyFile(env Env, path string) ([]byte, error) {
	var doc []byte
	var err error
	if path == "-" {
		doc, err = io.ReadAll(io.LimitReader(env.Stdin, 1<<20))
	} else {
		doc, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	if !json.Valid(doc) {
		return nil, fmt.Errorf("policy %s is not a JSON document", path)
	}
	return doc, nil
}
