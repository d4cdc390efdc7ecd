package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/s3kit/s3kit/policy"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/keys"
	"github.com/spf13/cobra"
)

// defaultDataDir is where serve and keys keep their data without --data:
// $S3KIT_DATA, else $XDG_DATA_HOME/s3kit, else ~/.local/share/s3kit.
func defaultDataDir(env Env) (string, error) {
	if d := env.Getenv("S3KIT_DATA"); d != "" {
		return d, nil
	}
	if d := env.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "s3kit"), nil
	}
	if env.Home == "" {
		return "", errors.New("no data directory: pass --data DIR or set S3KIT_DATA")
	}
	return filepath.Join(env.Home, ".local", "share", "s3kit"), nil
}

// dataDirFlag resolves the --data flag's value, defaulting as above.
func dataDirFlag(env Env, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return defaultDataDir(env)
}

// openKeyStore opens the key store of the data directory.
func openKeyStore(env Env, dir string) (*keys.Store, error) {
	return keys.Open(dir, keys.Options{Now: env.Now})
}

// openExistingKeyStore opens the key store of a data directory that must
// already exist: listing or deleting keys of a mistyped directory reports
// it instead of creating an empty one.
func openExistingKeyStore(env Env, dir string) (*keys.Store, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("data directory %s does not exist (pass the --data that \"s3kit serve\" uses, or set S3KIT_DATA)", dir)
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, fmt.Errorf("data directory %s is not a directory", dir)
	}
	return openKeyStore(env, dir)
}

// checkBucketName applies S3's general-purpose bucket naming rules, so a
// key restricted to a bucket that can never exist is refused at once.
func checkBucketName(name string) error {
	if why := server.BucketNameProblem(name); why != "" {
		return fmt.Errorf("invalid bucket name %q: %s", name, why)
	}
	return nil
}

// keyJSON is the --json shape of a key; Secret is omitted from listings.
type keyJSON struct {
	AccessKeyID     string   `json:"access_key_id"`
	SecretAccessKey string   `json:"secret_access_key,omitempty"`
	Name            string   `json:"name"`
	ReadOnly        bool     `json:"read_only"`
	Buckets         []string `json:"buckets"`
	Created         string   `json:"created"`
	Account         string   `json:"account"`
	User            string   `json:"user"`
	ARN             string   `json:"arn"`
	// Policy summarises the identity policy; PolicyDocument is it.
	Policy         string          `json:"policy"`
	PolicyDocument json.RawMessage `json:"policy_document"`
}

func infoJSON(i keys.Info) keyJSON {
	b := i.Buckets
	if b == nil {
		b = []string{}
	}
	return keyJSON{
		AccessKeyID: i.AccessKeyID,
		Name:        i.Name,
		ReadOnly:    i.ReadOnly,
		Buckets:     b,
		Created:     i.Created.UTC().Format(time.RFC3339),
		Account:     i.Account, User: i.User, ARN: i.ARN,
		Policy: i.Policy, PolicyDocument: i.PolicyDoc,
	}
}

// newKeysCmd builds "s3kit keys" and its create, list and delete commands.
func newKeysCmd(env Env) *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and delete the server's access keys",
		Long: "Manage the access keys of an s3kit server's data directory. A running\n" +
			"server picks up changes within a second, without a restart.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError(errors.New("keys: missing subcommand: create, list or delete"))
		},
	}
	cmd.PersistentFlags().StringVar(&data, "data", "", "the server's data directory (default $S3KIT_DATA, $XDG_DATA_HOME/s3kit or ~/.local/share/s3kit)")
	cmd.AddCommand(newKeysCreateCmd(env, &data), newKeysListCmd(env, &data), newKeysDeleteCmd(env, &data))
	return cmd
}

func newKeysCreateCmd(env Env, data *string) *cobra.Command {
	var (
		opts       keys.CreateOptions
		asJSON     bool
		policyFile string
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an access key and print its secret (shown only this once)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, b := range opts.Buckets {
				if err := checkBucketName(b); err != nil {
					return usageError(fmt.Errorf("keys create: --bucket: %w", err))
				}
			}
			if policyFile != "" {
				if opts.ReadOnly || len(opts.Buckets) > 0 {
					return usageError(errors.New("keys create: --policy replaces --read-only and --bucket (they are shorthands for a policy); give one or the other"))
				}
				doc, err := os.ReadFile(policyFile)
				if err != nil {
					return usageError(fmt.Errorf("keys create: --policy: %w", err))
				}
				if _, err := policy.ParseIdentityPolicy(doc); err != nil {
					return usageError(fmt.Errorf("keys create: --policy %s: %w", policyFile, err))
				}
				opts.Policy = doc
			}
			if opts.Account != "" {
				if err := keys.CheckAccountName(opts.Account); err != nil {
					return usageError(fmt.Errorf("keys create: --account: %w", err))
				}
			}
			if opts.User != "" {
				if err := keys.CheckUserName(opts.User); err != nil {
					return usageError(fmt.Errorf("keys create: --user: %w", err))
				}
			}
			dir, err := dataDirFlag(env, *data)
			if err != nil {
				return usageError(err)
			}
			store, err := openKeyStore(env, dir)
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("keys create: %w", err)}
			}
			k, err := store.Create(cmd.Context(), opts)
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("keys create: %w", err)}
			}
			if asJSON {
				j := infoJSON(k.Info())
				j.SecretAccessKey = k.Secret
				return writeIndentedJSON(env.Stdout, j)
			}
			printNewKey(env.Stdout, k)
			fmt.Fprintln(env.Stdout, "The secret is shown only now; s3kit keeps it only in", store.Path())
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "a label for the key")
	cmd.Flags().BoolVar(&opts.ReadOnly, "read-only", false, "allow only reads (GET, HEAD, listings)")
	cmd.Flags().StringArrayVar(&opts.Buckets, "bucket", nil, "restrict the key to this bucket (repeatable)")
	cmd.Flags().StringVar(&opts.Account, "account", "", "the account of the key's user, created if new (default: the default account)")
	cmd.Flags().StringVar(&opts.User, "user", "", "the key's IAM user name (default: the access key ID)")
	cmd.Flags().StringVar(&policyFile, "policy", "", "attach the identity policy in this JSON file instead of --read-only/--bucket")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the key as JSON")
	return cmd
}

// printNewKey prints a key's ID, secret and permissions for a human.
func printNewKey(w io.Writer, k keys.Key) {
	fmt.Fprintf(w, "Access key ID:     %s\n", k.AccessKeyID)
	fmt.Fprintf(w, "Secret access key: %s\n", k.Secret)
	fmt.Fprintf(w, "User:              %s\n", k.ARN())
	fmt.Fprintf(w, "Permissions:       %s\n", permissions(k.Info()))
}

func permissions(i keys.Info) string { return i.Policy }

func newKeysListCmd(env Env, data *string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List access keys (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := dataDirFlag(env, *data)
			if err != nil {
				return usageError(err)
			}
			store, err := openExistingKeyStore(env, dir)
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("keys list: %w", err)}
			}
			infos, err := store.List(cmd.Context())
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("keys list: %w", err)}
			}
			if asJSON {
				out := make([]keyJSON, 0, len(infos))
				for _, i := range infos {
					out = append(out, infoJSON(i))
				}
				return writeIndentedJSON(env.Stdout, out)
			}
			if len(infos) == 0 {
				fmt.Fprintf(env.Stdout, "No access keys in %s. Create one with: s3kit keys create --data %s\n", dir, quoteForShell(dir))
				return nil
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ACCESS KEY ID\tNAME\tUSER\tACCOUNT\tPERMISSIONS\tCREATED")
			for _, i := range infos {
				name := i.Name
				if name == "" {
					name = "-"
				}
				acct := i.AccountName
				if i.Account != "" {
					acct += " (" + i.Account + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", i.AccessKeyID, name, i.User, acct, permissions(i), i.Created.UTC().Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the keys as a JSON array")
	return cmd
}

func newKeysDeleteCmd(env Env, data *string) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ACCESS_KEY_ID",
		Short: "Delete an access key; a running server refuses it within a second",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := dataDirFlag(env, *data)
			if err != nil {
				return usageError(err)
			}
			store, err := openExistingKeyStore(env, dir)
			if err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("keys delete: %w", err)}
			}
			if err := store.Delete(cmd.Context(), args[0]); err != nil {
				return &ExitError{Code: ExitFailed, Err: fmt.Errorf("keys delete: %w", err)}
			}
			fmt.Fprintf(env.Stdout, "Deleted access key %s\n", args[0])
			return nil
		},
	}
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// quoteForShell quotes s for a POSIX shell when it needs it.
func quoteForShell(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
