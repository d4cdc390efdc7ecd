package keys

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/s3kit/s3kit/policy"
)

// DefaultAccountName is the name of the account a store creates first;
// keys created without --account, and keys written before accounts
// existed, belong to it.
const DefaultAccountName = "default"

// Account is an AWS-style account: the unit that owns buckets. Access
// between accounts exists only through bucket policies (and ACLs).
type Account struct {
	// Name is the account's label in s3kit ("default", or the --account
	// given to "keys create").
	Name string `json:"name"`
	// ID is the 12-digit account ID used in ARNs.
	ID string `json:"id"`
	// CanonicalID is the 64-hex-digit canonical user ID ACLs name.
	CanonicalID string `json:"canonical_id"`
}

// accountNameRE is what an account name may look like: a label that
// survives shells and file names.
var accountNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,63}$`)

// userNameRE is IAM's pattern for user names ([\w+=,.@-]+, at most 64).
var userNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// CheckAccountName returns an error unless name can name an account.
func CheckAccountName(name string) error {
	if !accountNameRE.MatchString(name) {
		return fmt.Errorf("invalid account name %q: use 1 to 64 letters, digits and _.@+=,- (starting with a letter or digit)", name)
	}
	return nil
}

// CheckUserName returns an error unless name is a valid IAM user name.
func CheckUserName(name string) error {
	if !userNameRE.MatchString(name) {
		return fmt.Errorf("invalid user name %q: IAM user names are 1 to 64 letters, digits and _+=,.@-", name)
	}
	return nil
}

// newAccount draws a fresh account ID (12 digits, not starting with 0).
func newAccount(r io.Reader, name string) (Account, error) {
	d, err := randomString(r, "0123456789", 12)
	if err != nil {
		return Account{}, err
	}
	if d[0] == '0' {
		d = "1" + d[1:]
	}
	sum := sha256.Sum256([]byte("s3kit canonical user id " + d))
	return Account{Name: name, ID: d, CanonicalID: hex.EncodeToString(sum[:])}, nil
}

// UserName is the key's IAM user name: the one it was created with, or,
// for keys created before users existed, its access key ID.
func (k Key) UserName() string {
	if k.User != "" {
		return k.User
	}
	return k.AccessKeyID
}

// UserID is the key's unique user ID (aws:userid), "AIDA" and the
// access key ID's characters after its own prefix, as AWS user IDs look.
func (k Key) UserID() string {
	if k.userID != "" {
		return k.userID
	}
	return "AIDA" + strings.TrimPrefix(k.AccessKeyID, IDPrefix)
}

// ARN is the key's user ARN, arn:aws:iam::ACCOUNT:user/NAME.
func (k Key) ARN() string {
	if k.arn != "" {
		return k.arn
	}
	return "arn:aws:iam::" + k.Account + ":user/" + k.UserName()
}

// IdentityPolicy is the key's compiled identity policy: the one attached
// with --policy, or the document its shorthands (--read-only, --bucket)
// stand for, or full access to S3. Lookup sets it; nil on a Key that did
// not come from a Store.
func (k Key) IdentityPolicy() *policy.Policy { return k.compiled }

// CanonicalID is the canonical user ID of the key's account ("" until
// the account is known).
func (k Key) CanonicalID() string { return k.canonical }

// IdentityPolicies is IdentityPolicy as a list, shared rather than built
// per call (the server reads it on every request); callers must not
// change it.
func (k Key) IdentityPolicies() []*policy.Policy { return k.policies }

// PolicyDocument is the identity policy document the key carries: the
// attached one as stored, or the generated one its shorthands stand for.
func (k Key) PolicyDocument() []byte {
	if len(k.Policy) > 0 {
		return k.Policy
	}
	return ShorthandPolicy(k.ReadOnly, k.Buckets)
}

// PolicySummary describes the key's access in a few words for listings.
func (k Key) PolicySummary() string {
	if len(k.Policy) > 0 {
		var doc struct {
			Statement json.RawMessage
		}
		n := 1
		if json.Unmarshal(k.Policy, &doc) == nil && len(doc.Statement) > 0 && doc.Statement[0] == '[' {
			var sts []json.RawMessage
			if json.Unmarshal(doc.Statement, &sts) == nil {
				n = len(sts)
			}
		}
		if n == 1 {
			return "attached policy (1 statement)"
		}
		return fmt.Sprintf("attached policy (%d statements)", n)
	}
	p := "read-write"
	if k.ReadOnly {
		p = "read-only"
	}
	if len(k.Buckets) == 0 {
		return p + ", all buckets"
	}
	return p + ", buckets " + strings.Join(k.Buckets, ", ")
}

// ShorthandPolicy is the identity policy document that the shorthands
// stand for. It grants exactly what such keys could always do: every S3
// action, or with readOnly only the Get* and List* actions (the ones GET
// and HEAD requests need), on every bucket or only on buckets and their
// objects; listing one's buckets stays allowed.
func ShorthandPolicy(readOnly bool, buckets []string) []byte {
	actions := []string{"s3:*"}
	if readOnly {
		actions = []string{"s3:Get*", "s3:List*"}
	}
	type statement struct {
		Sid      string   `json:"Sid"`
		Effect   string   `json:"Effect"`
		Action   []string `json:"Action"`
		Resource []string `json:"Resource"`
	}
	doc := struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{Version: "2012-10-17"}
	if len(buckets) == 0 {
		doc.Statement = append(doc.Statement, statement{Sid: "S3Access", Effect: "Allow", Action: actions, Resource: []string{"*"}})
	} else {
		var res []string
		for _, b := range buckets {
			res = append(res, "arn:aws:s3:::"+b, "arn:aws:s3:::"+b+"/*")
		}
		doc.Statement = append(doc.Statement,
			statement{Sid: "S3Access", Effect: "Allow", Action: actions, Resource: res},
			statement{Sid: "ListBuckets", Effect: "Allow", Action: []string{"s3:ListAllMyBuckets"}, Resource: []string{"*"}})
	}
	out, err := json.Marshal(doc)
	if err != nil {
		panic(err) // a fixed shape of strings always marshals
	}
	return out
}

// isAccountID reports whether s is 12 decimal digits.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// accountLocked returns the account called name, drawing a new one when
// create is set and there is none. The caller holds mu and writes the
// file afterwards.
func (s *Store) accountLocked(name string, create bool) (Account, error) {
	for _, a := range s.accounts {
		if a.Name == name {
			return a, nil
		}
	}
	if !create {
		return Account{}, fmt.Errorf("no account %q", name)
	}
	taken := func(id string) bool {
		for _, a := range s.accounts {
			if a.ID == id {
				return true
			}
		}
		return false
	}
	for range 8 {
		a, err := newAccount(s.opts.Rand, name)
		if err != nil {
			return Account{}, err
		}
		if taken(a.ID) {
			continue
		}
		s.accounts = append(slices.Clone(s.accounts), a)
		return a, nil
	}
	return Account{}, errors.New("could not draw an unused account id")
}

// resolveLocked fills in what keys written by older releases lack (their
// account is the default one) and compiles identity policies not yet
// compiled. The caller holds mu.
func (s *Store) resolveLocked() {
	def := ""
	if len(s.accounts) > 0 {
		def = s.accounts[0].ID
	}
	for id, k := range s.keys {
		changed := false
		if k.Account == "" && def != "" {
			k.Account, changed = def, true
		}
		if k.compiled == nil {
			if p, err := policy.ParseIdentityPolicy(k.PolicyDocument()); err == nil {
				k.compiled, k.policies, changed = p, []*policy.Policy{p}, true
			}
		}
		if k.arn == "" && k.Account != "" {
			k.arn, k.userID, changed = k.ARN(), k.UserID(), true
		}
		if k.canonical == "" {
			for _, a := range s.accounts {
				if a.ID == k.Account {
					k.canonical, changed = a.CanonicalID, true
				}
			}
		}
		if changed {
			s.keys[id] = k
		}
	}
}

// DefaultAccount returns the default account, creating it (and writing
// the key file) when the store has none yet: "s3kit serve" calls it on
// start, so buckets that existed before accounts did have an owner.
func (s *Store) DefaultAccount(ctx context.Context) (Account, error) {
	if err := ctx.Err(); err != nil {
		return Account{}, err
	}
	s.mu.Lock()
	if err := s.reloadLocked(); err != nil {
		s.mu.Unlock()
		return Account{}, err
	}
	if len(s.accounts) > 0 {
		a := s.accounts[0]
		s.mu.Unlock()
		return a, nil
	}
	s.mu.Unlock()
	if err := s.update(ctx, func(map[string]Key) error { return nil }); err != nil {
		return Account{}, fmt.Errorf("create the default account: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.accounts) == 0 {
		return Account{}, errors.New("create the default account: not written")
	}
	return s.accounts[0], nil
}

// Accounts returns the store's accounts, the default one first.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reloadLocked(); err != nil {
		return nil, err
	}
	return slices.Clone(s.accounts), nil
}
