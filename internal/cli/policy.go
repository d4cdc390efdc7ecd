package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/s3kit/s3kit/policy"
	"github.com/spf13/cobra"
)

// newPolicyCmd builds "s3kit policy": offline checks of policy documents.
func newPolicyCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Check bucket and identity policy documents",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError(errors.New("policy: missing subcommand: check"))
		},
	}
	cmd.AddCommand(newPolicyCheckCmd(env))
	return cmd
}

func newPolicyCheckCmd(env Env) *cobra.Command {
	var (
		bucket   string
		identity bool
	)
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a policy as PutBucketPolicy (--bucket B) or keys create --policy (--identity) would",
		Long: "Validate a policy document without sending it anywhere: as a bucket policy for\n" +
			"bucket B (--bucket B, the checks of PutBucketPolicy), or as an identity policy\n" +
			"(--identity, the checks of \"s3kit keys create --policy\"). FILE - reads stdin.\n" +
			"Exit 0 when valid, 1 with S3's MalformedPolicy message when not.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (bucket == "") == !identity {
				return usageError(errors.New("policy check: give --bucket B or --identity"))
			}
			var doc []byte
			var err error
			if args[0] == "-" {
				doc, err = io.ReadAll(env.Stdin)
			} else {
				doc, err = os.ReadFile(args[0])
			}
			if err != nil {
				return usageError(fmt.Errorf("policy check: %w", err))
			}
			var p *policy.Policy
			kind := "identity policy"
			if identity {
				p, err = policy.ParseIdentityPolicy(doc)
			} else {
				if err := checkBucketName(bucket); err != nil {
					return usageError(fmt.Errorf("policy check: --bucket: %w", err))
				}
				kind = "bucket policy for " + bucket
				p, err = policy.ParseBucketPolicy(doc, bucket)
			}
			var mp *policy.MalformedPolicyError
			if errors.As(err, &mp) {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("policy check: MalformedPolicy: %s", mp.Message)}
			}
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("policy check: %w", err)}
			}
			fmt.Fprintf(env.Stdout, "valid %s: %d statement(s)", kind, len(p.Statements))
			if !identity {
				public := "not public"
				if p.IsPublic() {
					public = "public (GetBucketPolicyStatus IsPublic: true)"
				}
				fmt.Fprintf(env.Stdout, ", %s", public)
			}
			fmt.Fprintln(env.Stdout)
			return nil
		},
	}
	cmd.Flags().StringVar(&bucket, "bucket", "", "check as the bucket policy of this bucket")
	cmd.Flags().BoolVar(&identity, "identity", false, "check as an identity policy (keys create --policy)")
	return cmd
}
