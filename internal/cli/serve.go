package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newServeCmd builds "s3kit serve". Owned by the server work.
func newServeCmd(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the embedded S3 server",
		RunE: func(cmd *cobra.Command, args []string) error {
			return &ExitError{Code: ExitFailed, Err: errors.New("serve: not implemented yet")}
		},
	}
}
