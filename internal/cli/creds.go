package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCredsCmd builds "s3kit creds". Owned by the credentials work.
func newCredsCmd(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "creds",
		Short: "Resolve credentials exactly as boto3 would, and explain the choice",
		RunE: func(cmd *cobra.Command, args []string) error {
			return &ExitError{Code: ExitFailed, Err: errors.New("creds: not implemented yet")}
		},
	}
}
