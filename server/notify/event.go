package notify

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one change to report: what the server knows when the
// operation is done. The queue adds the sequencer.
type Event struct {
	// Target is the webhook's name (Options.Targets).
	Target string `json:"t"`
	// Test marks S3's s3:TestEvent, sent to a destination when a
	// configuration naming it is put; only Bucket, Time, RequestID and
	// HostID matter then.
	Test bool `json:"test,omitempty"`
	// ConfigurationID is the Id of the configuration that matched.
	ConfigurationID string `json:"cid,omitempty"`
	// Name is the event's name without the "s3:" prefix, as S3 sends it:
	// "ObjectCreated:Put", "ObjectRemoved:Delete".
	Name   string    `json:"n,omitempty"`
	Time   time.Time `json:"tm"`
	Region string    `json:"r,omitempty"`
	Bucket string    `json:"b"`
	// Key is the object key, not encoded.
	Key string `json:"k,omitempty"`
	// Size and ETag (without quotes) describe a created object; removals
	// have neither.
	Size      int64  `json:"s,omitempty"`
	ETag      string `json:"e,omitempty"`
	VersionID string `json:"v,omitempty"`
	// PrincipalID is who made the request (the access key ID).
	PrincipalID string `json:"p,omitempty"`
	SourceIP    string `json:"ip,omitempty"`
	RequestID   string `json:"rid,omitempty"`
	HostID      string `json:"hid,omitempty"`
}

// OwnerID is the bucket owner's principal ID in every event.
const OwnerID = "s3kit"

// timeFormat is eventTime's layout: ISO 8601 with milliseconds, UTC.
const timeFormat = "2006-01-02T15:04:05.000Z"

// Message is the JSON document S3 sends for one event (its Records hold
// exactly one record, as S3's do).
type Message struct {
	Records []Record `json:"Records"`
}

// Record is one event record, S3's event message structure version 2.1.
type Record struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      Identity          `json:"userIdentity"`
	RequestParameters RequestParameters `json:"requestParameters"`
	ResponseElements  ResponseElements  `json:"responseElements"`
	S3                Entity            `json:"s3"`
}

// Identity names a principal.
type Identity struct {
	PrincipalID string `json:"principalId"`
}

// RequestParameters are the request's client address.
type RequestParameters struct {
	SourceIPAddress string `json:"sourceIPAddress"`
}

// ResponseElements identify the request that caused the event.
type ResponseElements struct {
	RequestID string `json:"x-amz-request-id"`
	HostID    string `json:"x-amz-id-2"`
}

// Entity is the record's "s3" member.
type Entity struct {
	SchemaVersion   string       `json:"s3SchemaVersion"`
	ConfigurationID string       `json:"configurationId"`
	Bucket          BucketEntity `json:"bucket"`
	Object          ObjectEntity `json:"object"`
}

// BucketEntity is the bucket an event happened in.
type BucketEntity struct {
	Name          string   `json:"name"`
	OwnerIdentity Identity `json:"ownerIdentity"`
	ARN           string   `json:"arn"`
}

// ObjectEntity is the object an event is about. Key is URL-encoded as S3
// encodes it (form encoding: a space is "+"), so consumers decode it with
// unquote_plus or URLDecoder. Size and ETag are absent for removals;
// VersionID when the bucket is not versioned. Sequencer orders the events
// of one key: a later change has a greater value (compare them as
// strings of the same length).
type ObjectEntity struct {
	Key       string `json:"key"`
	Size      *int64 `json:"size,omitempty"`
	ETag      string `json:"eTag,omitempty"`
	VersionID string `json:"versionId,omitempty"`
	Sequencer string `json:"sequencer"`
}

// TestMessage is what S3 sends to a destination when a configuration
// naming it is put.
type TestMessage struct {
	Service   string `json:"Service"`
	Event     string `json:"Event"`
	Time      string `json:"Time"`
	Bucket    string `json:"Bucket"`
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
}

// EncodeKey encodes an object key as S3 does in events: form encoding,
// with "/" left as it is.
func EncodeKey(key string) string {
	return strings.ReplaceAll(url.QueryEscape(key), "%2F", "/")
}

// seqPlaceholder is Sequencer(0), rendered into a body before its
// sequence number is known.
const seqPlaceholder = "0000000000000000"

// Sequencer formats a queue sequence number as an event's sequencer:
// fixed-width upper-case hex, so string order is numeric order.
func Sequencer(seq uint64) string { return fmt.Sprintf("%016X", seq) }

// body renders ev, the seq-th event of the queue, as the JSON POSTed. It
// writes the JSON by hand: it runs for every event before the request is
// answered, and encoding/json's reflection costs several times more. The
// result decodes as Message (or TestMessage) does (see the tests).
func (ev *Event) body(seq uint64) ([]byte, error) {
	b := make([]byte, 0, 768)
	tm := ev.Time.UTC().Format(timeFormat)
	if ev.Test {
		b = append(b, `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":`...)
		b = appendJSONString(b, tm)
		b = appendField(b, "Bucket", ev.Bucket)
		b = appendField(b, "RequestId", ev.RequestID)
		b = appendField(b, "HostId", ev.HostID)
		return append(b, '}'), nil
	}
	b = append(b, `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":`...)
	b = appendJSONString(b, ev.Region)
	b = appendField(b, "eventTime", tm)
	b = appendField(b, "eventName", ev.Name)
	b = append(b, `,"userIdentity":{"principalId":`...)
	b = appendJSONString(b, ev.PrincipalID)
	b = append(b, `},"requestParameters":{"sourceIPAddress":`...)
	b = appendJSONString(b, ev.SourceIP)
	b = append(b, `},"responseElements":{"x-amz-request-id":`...)
	b = appendJSONString(b, ev.RequestID)
	b = appendField(b, "x-amz-id-2", ev.HostID)
	b = append(b, `},"s3":{"s3SchemaVersion":"1.0","configurationId":`...)
	b = appendJSONString(b, ev.ConfigurationID)
	b = append(b, `,"bucket":{"name":`...)
	b = appendJSONString(b, ev.Bucket)
	b = append(b, `,"ownerIdentity":{"principalId":"`+OwnerID+`"},"arn":`...)
	b = appendJSONString(b, "arn:aws:s3:::"+ev.Bucket)
	b = append(b, `},"object":{"key":`...)
	b = appendJSONString(b, EncodeKey(ev.Key))
	if strings.HasPrefix(ev.Name, "ObjectCreated:") {
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, ev.Size, 10)
	}
	if ev.ETag != "" {
		b = appendField(b, "eTag", ev.ETag)
	}
	if ev.VersionID != "" {
		b = appendField(b, "versionId", ev.VersionID)
	}
	b = appendField(b, "sequencer", Sequencer(seq))
	return append(b, "}}}]}"...), nil
}

// appendField appends ,"name":"value".
func appendField(b []byte, name, value string) []byte {
	b = append(append(append(b, ',', '"'), name...), '"', ':')
	return appendJSONString(b, value)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
