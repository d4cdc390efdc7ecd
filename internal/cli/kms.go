package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/s3kit/s3kit/storage/sse"
	"github.com/spf13/cobra"
)

// kmsKeyJSON is a KMS key as --json prints it (never its material).
type kmsKeyJSON struct {
	KeyID       string `json:"key_id"`
	ARN         string `json:"arn"`
	Alias       string `json:"alias,omitempty"`
	Description string `json:"description,omitempty"`
	Created     string `json:"created"`
}

func kmsJSON(k sse.KMSKey) kmsKeyJSON {
	j := kmsKeyJSON{KeyID: k.ID, ARN: k.ARN, Description: k.Description, Created: k.Created.UTC().Format(time.RFC3339)}
	if k.Alias != "" {
		j.Alias = "alias/" + k.Alias
	}
	return j
}

// newKMSCmd builds "s3kit kms" and its create and list commands: the keys
// of the local KMS that SSE-KMS (x-amz-server-side-encryption: aws:kms)
// uses.
func newKMSCmd(env Env) *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "kms",
		Short: "Create and list the server's KMS keys (for SSE-KMS)",
		Long: "Manage the keys of s3kit's local KMS in a server's data directory. Requests\n" +
			"with x-amz-server-side-encryption: aws:kms name one by key ID, ARN or alias;\n" +
			"without one they use alias/aws/s3, created on first use. A running server\n" +
			"sees new keys at once. Keys cannot be deleted: their objects would be lost.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError(errors.New("kms: missing subcommand: create or list"))
		},
	}
	cmd.PersistentFlags().StringVar(&data, "data", "", "the server's data directory (default $S3KIT_DATA, $XDG_DATA_HOME/s3kit or ~/.local/share/s3kit)")
	cmd.AddCommand(newKMSCreateCmd(env, &data), newKMSListCmd(env, &data))
	return cmd
}

func newKMSCreateCmd(env Env, data *string) *cobra.Command {
	var (
		alias, description, region string
		asJSON                     bool
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a KMS key and print its ID and ARN",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := dataDirFlag(env, *data)
			if err != nil {
				return usageError(err)
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("kms create: %w", err)}
			}
			kms, err := sse.OpenKMS(dir, region)
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("kms create: %w", err)}
			}
			k, err := kms.Create(alias, description)
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("kms create: %w", err)}
			}
			if asJSON {
				return writeIndentedJSON(env.Stdout, kmsJSON(k))
			}
			fmt.Fprintf(env.Stdout, "Key ID: %s\nARN:    %s\n", k.ID, k.ARN)
			if k.Alias != "" {
				fmt.Fprintf(env.Stdout, "Alias:  alias/%s\n", k.Alias)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&alias, "alias", "", "an alias for the key (alias/NAME or NAME)")
	cmd.Flags().StringVar(&description, "description", "", "a description of the key")
	cmd.Flags().StringVar(&region, "region", "us-east-1", "the region in the key's ARN")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the key as JSON")
	return cmd
}

func newKMSListCmd(env Env, data *string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List KMS keys (never their material)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := dataDirFlag(env, *data)
			if err != nil {
				return usageError(err)
			}
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("kms list: data directory %s does not exist (pass the --data that \"s3kit serve\" uses, or set S3KIT_DATA)", dir)}
			}
			kms, err := sse.OpenKMS(dir, "")
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("kms list: %w", err)}
			}
			list, err := kms.List()
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("kms list: %w", err)}
			}
			if asJSON {
				out := make([]kmsKeyJSON, 0, len(list))
				for _, k := range list {
					out = append(out, kmsJSON(k))
				}
				return writeIndentedJSON(env.Stdout, out)
			}
			if len(list) == 0 {
				fmt.Fprintln(env.Stdout, "No KMS keys.")
				return nil
			}
			for _, k := range list {
				alias := "-"
				if k.Alias != "" {
					alias = "alias/" + k.Alias
				}
				fmt.Fprintf(env.Stdout, "%s  %-20s  %s\n", k.ID, alias, k.ARN)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the keys as JSON")
	return cmd
}
