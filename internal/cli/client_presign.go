package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3kit/s3kit/s3"
)

func newPresignCmd(env Env) *cobra.Command {
	var f clientFlags
	var expires int64
	var asJSON, post bool
	var lengthRange, contentType string
	cmd := &cobra.Command{
		Use:   "presign s3://bucket/key",
		Short: "Print a presigned GET URL for an object, or with --post a browser upload form",
		Long: `Print a presigned GET URL for an object.

With --post, print the URL and fields of a browser upload form (a presigned
POST, as boto3's generate_presigned_post makes): post the fields, then the
file in a field named "file", as multipart/form-data. A key ending in
${filename} takes the uploaded file's name under that prefix.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			loc, err := objectArg("presign", args[0])
			if err != nil {
				return err
			}
			if expires < 1 || expires > 7*24*3600 {
				return usageError(errors.New("presign: --expires-in must be between 1 and 604800 seconds"))
			}
			if !post && (lengthRange != "" || contentType != "") {
				return usageError(errors.New("presign: --content-length-range and --content-type need --post"))
			}
			var in s3.PresignPostInput
			if post {
				if in, err = postInput(lengthRange, contentType); err != nil {
					return err
				}
			}
			c, err := f.client(cmd.Context(), env)
			if err != nil {
				return opFailed(err)
			}
			ttl := time.Duration(expires) * time.Second
			if post {
				in.Bucket, in.Key = loc.bucket, loc.key
				p, err := c.PresignPostObject(cmd.Context(), &in, ttl)
				if err != nil {
					return opFailed(fmt.Errorf("presign %s: %w", loc, err))
				}
				printPost(env, p, expires, asJSON)
				return nil
			}
			u, err := c.PresignGetObject(cmd.Context(), &s3.GetObjectInput{Bucket: loc.bucket, Key: loc.key}, ttl)
			if err != nil {
				return opFailed(fmt.Errorf("presign %s: %w", loc, err))
			}
			if asJSON {
				clientJSON(env, struct {
					URL       string `json:"url"`
					ExpiresIn int64  `json:"expires_in"`
				}{u.URL, expires})
				return nil
			}
			fmt.Fprintln(env.Stdout, u.URL)
			return nil
		},
	}
	f.add(cmd, false)
	cmd.Flags().Int64Var(&expires, "expires-in", 3600, "seconds until the URL or form expires")
	cmd.Flags().Int64Var(&expires, "expires", 3600, "the same as --expires-in")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print {\"url\": ..., \"expires_in\": ...} (with --post also \"fields\": {...})")
	cmd.Flags().BoolVar(&post, "post", false, "print a browser upload form (URL and fields) instead of a GET URL")
	cmd.Flags().StringVar(&lengthRange, "content-length-range", "", "with --post: MIN,MAX bytes the uploaded file may have")
	cmd.Flags().StringVar(&contentType, "content-type", "", "with --post: the Content-Type the form sets and the policy requires")
	return cmd
}

// postInput turns presign --post's flags into the form's fields and
// conditions.
func postInput(lengthRange, contentType string) (s3.PresignPostInput, error) {
	var opts s3.PresignPostInput
	if lengthRange != "" {
		lo, hi, ok := strings.Cut(lengthRange, ",")
		min, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		max, err2 := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		if !ok || err1 != nil || err2 != nil || min < 0 || max < min {
			return opts, usageError(fmt.Errorf("presign: --content-length-range %q: want MIN,MAX with 0 <= MIN <= MAX", lengthRange))
		}
		opts.Conditions = append(opts.Conditions, s3.ContentLengthRange(min, max))
	}
	if contentType != "" {
		opts.Fields = append(opts.Fields, s3.PostField{Name: "Content-Type", Value: contentType})
		opts.Conditions = append(opts.Conditions, s3.EqualCondition("Content-Type", contentType))
	}
	return opts, nil
}

// printPost prints a form: with asJSON boto3's shape ({"url", "fields"})
// plus expires_in; otherwise the URL, then one "name: value" line per
// field in the order to send them.
func printPost(env Env, p *s3.PresignedPost, expires int64, asJSON bool) {
	if asJSON {
		clientJSON(env, struct {
			URL       string            `json:"url"`
			Fields    map[string]string `json:"fields"`
			ExpiresIn int64             `json:"expires_in"`
		}{p.URL, p.FieldMap(), expires})
		return
	}
	fmt.Fprintln(env.Stdout, p.URL)
	for _, fl := range p.Fields {
		fmt.Fprintf(env.Stdout, "%s: %s\n", fl.Name, fl.Value)
	}
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
			return catObject(cmd.Context(), env, c, loc)
		},
	}
	f.add(cmd, false)
	// The object's bytes are the output; --json is accepted so scripts can
	// pass the same flags to every command.
	cmd.Flags().BoolVar(&asJSON, "json", false, "accepted for scripts; the output is the object's bytes")
	cmd.Flags().StringVar(&versionID, "version-id", "", "write this version of the object (see ls --versions)")
	return cmd
}
