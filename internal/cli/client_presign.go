package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3kit/s3kit/transfer"
)

func newPresignCmd(env Env) *cobra.Command {
	var f clientFlags
	var expires int64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "presign s3://bucket/key",
		Short: "Print a presigned GET URL for an object",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			loc, err := objectArg("presign", args[0])
			if err != nil {
				return err
			}
			if expires < 1 || expires > 7*24*3600 {
				return usageError(errors.New("presign: --expires-in must be between 1 and 604800 seconds"))
			}
			c, err := f.client(cmd.Context(), env)
			if err != nil {
				return opFailed(err)
			}
			u, err := c.PresignGetObject(cmd.Context(), loc.bucket, loc.key, time.Duration(expires)*time.Second)
			if err != nil {
				return opFailed(fmt.Errorf("presign %s: %w", loc, err))
			}
			if asJSON {
				clientJSON(env, struct {
					URL       string `json:"url"`
					ExpiresIn int64  `json:"expires_in"`
				}{u, expires})
				return nil
			}
			fmt.Fprintln(env.Stdout, u)
			return nil
		},
	}
	f.add(cmd, false)
	cmd.Flags().Int64Var(&expires, "expires-in", 3600, "seconds until the URL expires")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print {\"url\": ..., \"expires_in\": ...}")
	return cmd
}

func newCatCmd(env Env) *cobra.Command {
	var f clientFlags
	var asJSON bool
	var versionID string
	cmd := &cobra.Command{
		Use:   "cat s3://bucket/key",
		Short: "Write an object to stdout",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			loc, err := objectArg("cat", args[0])
			if err != nil {
				return err
			}
			c, err := f.client(cmd.Context(), env)
			if err != nil {
				return opFailed(err)
			}
			if versionID != "" {
				if err := catVersion(cmd.Context(), env.Stdout, c, loc, versionID); err != nil {
					return opFailed(err)
				}
				return nil
			}
			return catObject(cmd.Context(), env, transfer.NewS3Client(c), loc)
		},
	}
	f.add(cmd, false)
	// The object's bytes are the output; --json is accepted so scripts can
	// pass the same flags to every command.
	cmd.Flags().BoolVar(&asJSON, "json", false, "accepted for scripts; the output is the object's bytes")
	cmd.Flags().StringVar(&versionID, "version-id", "", "write this version of the object (see ls --versions)")
	return cmd
}
