package notify

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestBodyMatchesEncodingJSON: the hand-written JSON decodes to the same
// Message encoding/json would have produced, escapes included.
func TestBodyMatchesEncodingJSON(t *testing.T) {
	tm := time.Date(2026, 12, 8, 1, 2, 3, 456_000_000, time.UTC)
	for _, ev := range []Event{
		{Name: "ObjectCreated:Put", Time: tm, Region: "us-east-1", Bucket: "bkt", Key: "a b/ü\"\\\x01.txt", Size: 42,
			ETag: "abc", PrincipalID: "AK", SourceIP: "127.0.0.1", RequestID: "R", HostID: "H", ConfigurationID: "id \"q\" \x7f \xff"},
		{Name: "ObjectRemoved:Delete", Time: tm, Bucket: "b", Key: "k"},
		{Name: "ObjectCreated:Copy", Time: tm, Bucket: "b", Key: "k", Size: 0, ETag: "e", VersionID: "v1"},
	} {
		body, err := ev.body(0x1F)
		if err != nil {
			t.Fatal(err)
		}
		var got Message
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		want := Message{Records: []Record{{
			EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: ev.Region, EventTime: "2026-12-08T01:02:03.456Z", EventName: ev.Name,
			UserIdentity: Identity{ev.PrincipalID}, RequestParameters: RequestParameters{ev.SourceIP},
			ResponseElements: ResponseElements{ev.RequestID, ev.HostID},
			S3: Entity{SchemaVersion: "1.0", ConfigurationID: strings.ToValidUTF8(ev.ConfigurationID, "\uFFFD"),
				Bucket: BucketEntity{Name: ev.Bucket, OwnerIdentity: Identity{OwnerID}, ARN: "arn:aws:s3:::" + ev.Bucket},
				Object: ObjectEntity{Key: EncodeKey(ev.Key), ETag: ev.ETag, VersionID: ev.VersionID, Sequencer: "000000000000001F"}},
		}}}
		if strings.HasPrefix(ev.Name, "ObjectCreated:") {
			size := ev.Size
			want.Records[0].S3.Object.Size = &size
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body %s\ndecodes to %+v\nwant %+v", body, got, want)
		}
	}
	test := Event{Test: true, Time: tm, Bucket: "bkt", RequestID: "R", HostID: "H"}
	body, _ := test.body(0)
	var tmsg TestMessage
	if err := json.Unmarshal(body, &tmsg); err != nil || tmsg != (TestMessage{"Amazon S3", "s3:TestEvent", "2026-12-08T01:02:03.456Z", "bkt", "R", "H"}) {
		t.Errorf("test event %s: %+v, %v", body, tmsg, err)
	}
}
