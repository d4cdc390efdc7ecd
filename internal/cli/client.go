package cli

import (
	"github.com/spf13/cobra"
)

// newClientCmds builds the S3 client commands (ls, cp, mv, rm, mb, rb, sync,
// presign, cat). Owned by the client/transfer work.
func newClientCmds(env Env) []*cobra.Command {
	return nil
}
