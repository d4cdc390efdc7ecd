package ini

import "errors"

// ShellSplit is Python's shlex.split(s) (POSIX mode, no comments): words
// separated by space, tab, CR or LF; single quotes literal; double quotes
// with backslash escaping only '"' and '\'; backslash escapes outside
// quotes. Unbalanced quotes or a trailing backslash are errors. Botocore
// splits config section names (see ConfigSection) and credential_process
// commands with it.
func ShellSplit(s string) ([]string, error) {
	const (
		stWhite = iota
		stWord
		stSingle
		stDouble
	)
	var (
		words  []string
		token  []rune
		quoted bool
		state  = stWhite
		rs     = []rune(s)
	)
	isWhite := func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }
	flush := func() {
		if len(token) > 0 || quoted {
			words = append(words, string(token))
		}
		token, quoted = token[:0:0], false
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch state {
		case stWhite, stWord:
			switch {
			case isWhite(r):
				if state == stWord {
					flush()
				}
				state = stWhite
			case r == '\\':
				if i+1 >= len(rs) {
					return nil, errors.New("no escaped character")
				}
				i++
				token = append(token, rs[i])
				state = stWord
			case r == '\'':
				quoted, state = true, stSingle
			case r == '"':
				quoted, state = true, stDouble
			default:
				token = append(token, r)
				state = stWord
			}
		case stSingle:
			if r == '\'' {
				state = stWord
			} else {
				token = append(token, r)
			}
		case stDouble:
			switch {
			case r == '"':
				state = stWord
			case r == '\\':
				if i+1 >= len(rs) {
					return nil, errors.New("no escaped character")
				}
				i++
				if rs[i] != '"' && rs[i] != '\\' {
					token = append(token, '\\')
				}
				token = append(token, rs[i])
			default:
				token = append(token, r)
			}
		}
	}
	if state == stSingle || state == stDouble {
		return nil, errors.New("no closing quotation")
	}
	if state == stWord {
		flush()
	}
	return words, nil
}
