package credentials

import (
	"errors"
	"fmt"
	"strings"
)

// botocore exception class names (plus the plain Python ones botocore
// lets through), as Error.Class reports them. Test tooling compares these
// strings with what botocore raises.
const (
	ClassNoCredentials          = "NoCredentialsError"
	ClassPartialCredentials     = "PartialCredentialsError"
	ClassProfileNotFound        = "ProfileNotFound"
	ClassConfigParse            = "ConfigParseError"
	ClassInvalidConfig          = "InvalidConfigError"
	ClassInfiniteLoopConfig     = "InfiniteLoopConfigError"
	ClassCredentialRetrieval    = "CredentialRetrievalError"
	ClassRuntime                = "RuntimeError"
	ClassMetadataRetrieval      = "MetadataRetrievalError"
	ClassInvalidIMDSEndpoint    = "InvalidIMDSEndpointError"
	ClassInvalidIMDSEndpointMod = "InvalidIMDSEndpointModeError"
	ClassSSOTokenLoad           = "SSOTokenLoadError"
	ClassUnauthorizedSSOToken   = "UnauthorizedSSOTokenError"
	ClassTokenRetrieval         = "TokenRetrievalError"
	ClassClient                 = "ClientError"
	ClassNoRegion               = "NoRegionError"
	ClassRefreshWithMFA         = "RefreshWithMFAUnsupportedError"
	ClassMissingDependency      = "MissingDependencyException"
	ClassValue                  = "ValueError"
	ClassInvalidRegion          = "InvalidRegionError"
	ClassJSONDecode             = "JSONDecodeError"
	ClassFileNotFound           = "FileNotFoundError"
	ClassParser                 = "ParserError"
	ClassInvalidAddressingStyle = "InvalidS3AddressingStyleError"
	ClassInvalidRetryMode       = "InvalidRetryModeError"
	ClassInvalidMaxAttempts     = "InvalidMaxRetryAttemptsError"
	ClassInvalidChecksumConfig  = "InvalidChecksumConfigError"
	ClassEndpointConnection     = "EndpointConnectionError"
)

// Error is a resolution failure. ClassName is the botocore exception class
// the same situation raises, so tools can compare behaviour; the message is
// one line and never contains a secret.
type Error struct {
	ClassName string // botocore class, e.g. "ProfileNotFound"
	Provider  string // source tag or provider involved, if any
	Profile   string // profile involved, if any
	Path      string // file involved, if any
	Msg       string // what went wrong, in plain words
	// Looked lists, for NoCredentialsError, every place looked in order.
	Looked []string
	Err    error // underlying cause, if any
}

// Class returns the botocore exception class name.
func (e *Error) Class() string { return e.ClassName }

// Error returns a one-line message: provider, what went wrong, the file
// involved, the places looked (NoCredentialsError) and the cause.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Path != "" && !strings.Contains(e.Msg, e.Path) {
		b.WriteString(" (")
		b.WriteString(e.Path)
		b.WriteString(")")
	}
	if len(e.Looked) > 0 {
		b.WriteString("; looked in: ")
		b.WriteString(strings.Join(e.Looked, "; "))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same class, so
// errors.Is(err, &credentials.Error{ClassName: credentials.ClassProfileNotFound})
// works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.ClassName == e.ClassName && t.Msg == ""
}

// ClassOf returns the botocore class of the first *Error in err's chain,
// or "" when there is none.
func ClassOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.ClassName
	}
	return ""
}

func newErr(class, provider, format string, args ...any) *Error {
	return &Error{ClassName: class, Provider: provider, Msg: fmt.Sprintf(format, args...)}
}
