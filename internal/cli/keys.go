package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newKeysCmd builds "s3kit keys". Owned by the server work.
func newKeysCmd(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "keys",
		Short: "Create, list and delete the server's access keys",
		RunE: func(cmd *cobra.Command, args []string) error {
			return &ExitError{Code: ExitFailed, Err: errors.New("keys: not implemented yet")}
		},
	}
}
