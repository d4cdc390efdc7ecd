package policy

import (
	"bytes"
	"encoding/json"
	"strings"
)

// principalSet is a compiled Principal (or NotPrincipal) element.
type principalSet struct {
	any       bool     // "*" or {"AWS": "*"}: everyone, anonymous included
	accounts  []string // 12-digit IDs, from "ID" or arn:aws:iam::ID:root
	arns      []string // user, role and assumed-role ARNs
	canonical []string // CanonicalUser IDs (accounts, as ACLs name them)
	services  []string // Service principals
	federated []string
}

// principalLevel is how a statement's principal reaches a request's.
type principalLevel uint8

const (
	principalNone principalLevel = iota
	// principalAccount: the statement names the principal's account. For
	// anyone but the account's root this delegates to the account, whose
	// identity policies must then allow too.
	principalAccount
	// principalDirect: the statement names the principal itself, or
	// everyone.
	principalDirect
)

func parsePrincipal(raw json.RawMessage) (*principalSet, error) {
	raw = bytes.TrimSpace(raw)
	ps := &principalSet{}
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, malformed(msgSyntax)
		}
		if s != "*" {
			return nil, malformed(msgSyntax)
		}
		ps.any = true
		return ps, nil
	}
	var m map[string]json.RawMessage
	if err := strictObject(raw, &m); err != nil {
		return nil, malformed(msgSyntax)
	}
	if len(m) == 0 {
		return nil, malformed(msgInvalidPrincipal)
	}
	for _, typ := range sortedKeys(m) {
		list, ok := stringList(m[typ])
		if !ok {
			return nil, malformed(msgInvalidPrincipal)
		}
		for _, v := range list {
			if v == "" {
				return nil, malformed(msgInvalidPrincipal)
			}
			switch typ {
			case "AWS":
				if err := ps.addAWS(v); err != nil {
					return nil, err
				}
			case "CanonicalUser":
				ps.canonical = append(ps.canonical, v)
			case "Service":
				ps.services = append(ps.services, v)
			case "Federated":
				ps.federated = append(ps.federated, v)
			default:
				return nil, malformed(msgInvalidPrincipal)
			}
		}
	}
	return ps, nil
}

func (ps *principalSet) addAWS(v string) error {
	if v == "*" {
		ps.any = true
		return nil
	}
	if isAccountID(v) {
		ps.accounts = append(ps.accounts, v)
		return nil
	}
	// arn:aws:iam::ACCOUNT:root | user/NAME | role/NAME,
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
	parts := strings.SplitN(v, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[3] != "" ||
		!isAccountID(parts[4]) || strings.ContainsAny(v, "*?") {
		return malformed(msgInvalidPrincipal)
	}
	switch {
	case parts[2] == "iam" && parts[5] == "root":
		ps.accounts = append(ps.accounts, parts[4])
	case parts[2] == "iam" && (strings.HasPrefix(parts[5], "user/") || strings.HasPrefix(parts[5], "role/")),
		parts[2] == "sts" && strings.HasPrefix(parts[5], "assumed-role/"):
		ps.arns = append(ps.arns, v)
	default:
		return malformed(msgInvalidPrincipal)
	}
	return nil
}

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

// match says how the set reaches p.
func (ps *principalSet) match(p *Principal) principalLevel {
	if ps.any {
		return principalDirect
	}
	if p.Anonymous {
		return principalNone
	}
	for _, a := range ps.arns {
		if a == p.ARN {
			return principalDirect
		}
	}
	account := false
	for _, a := range ps.accounts {
		if a == p.Account {
			account = true
			break
		}
	}
	if !account && p.CanonicalID != "" {
		for _, c := range ps.canonical {
			if c == p.CanonicalID {
				account = true
				break
			}
		}
	}
	switch {
	case !account:
		return principalNone
	case p.Root:
		return principalDirect
	}
	return principalAccount
}

// excludes reports whether a NotPrincipal set spares p. AWS checks the
// account before the user ("AWS JSON policy elements: NotPrincipal"): a
// user is spared only when both its ARN and its account are listed, the
// account's root when its account is; everyone when the set is "*".
func (ps *principalSet) excludes(p *Principal) bool {
	if ps.any {
		return true
	}
	if p.Anonymous {
		return false
	}
	l := ps.match(p)
	if p.Root {
		return l != principalNone
	}
	if l != principalDirect {
		return false
	}
	for _, a := range ps.accounts {
		if a == p.Account {
			return true
		}
	}
	for _, c := range ps.canonical {
		if c != "" && c == p.CanonicalID {
			return true
		}
	}
	return false
}
