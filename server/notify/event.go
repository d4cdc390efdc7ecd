package notify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
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

// Sequencer formats a queue sequence number as an event's sequencer:
// fixed-width upper-case hex, so string order is numeric order.
func Sequencer(seq uint64) string { return fmt.Sprintf("%016X", seq) }

// body renders ev, the seq-th event of the queue, as the JSON POSTed.
func (ev *Event) body(seq uint64) ([]byte, error) {
	if ev.Test {
		return json.Marshal(TestMessage{Service: "Amazon S3", Event: "s3:TestEvent",
			Time: ev.Time.UTC().Format(timeFormat), Bucket: ev.Bucket, RequestID: ev.RequestID, HostID: ev.HostID})
	}
	obj := ObjectEntity{Key: EncodeKey(ev.Key), ETag: ev.ETag, VersionID: ev.VersionID, Sequencer: Sequencer(seq)}
	if strings.HasPrefix(ev.Name, "ObjectCreated:") {
		size := ev.Size
		obj.Size = &size
	}
	return json.Marshal(Message{Records: []Record{{
		EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: ev.Region,
		EventTime: ev.Time.UTC().Format(timeFormat), EventName: ev.Name,
		UserIdentity:      Identity{PrincipalID: ev.PrincipalID},
		RequestParameters: RequestParameters{SourceIPAddress: ev.SourceIP},
		ResponseElements:  ResponseElements{RequestID: ev.RequestID, HostID: ev.HostID},
		S3: Entity{SchemaVersion: "1.0", ConfigurationID: ev.ConfigurationID,
			Bucket: BucketEntity{Name: ev.Bucket, OwnerIdentity: Identity{PrincipalID: OwnerID}, ARN: "arn:aws:s3:::" + ev.Bucket},
			Object: obj},
	}}})
}
