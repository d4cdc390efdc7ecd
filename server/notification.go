package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/server/notify"
	"github.com/s3kit/s3kit/storage"
)

// notificationDoc is the name of the bucket configuration document
// (storage.BucketConfigStore) holding a bucket's notification configuration,
// as the XML GetBucketNotificationConfiguration answers.
const notificationDoc = "notification"

// queueARNPrefix and queueARNAccount frame a webhook's queue ARN:
// arn:s3kit:sqs:REGION:local:NAME.
const (
	queueARNPrefix  = "arn:s3kit:sqs:"
	queueARNAccount = "local"
)

// notifyEvents are the event types a configuration may name (botocore's
// Event enum). s3kit emits ObjectCreated (Put, Copy,
// CompleteMultipartUpload), ObjectRemoved:Delete and ObjectTagging; the
// others are accepted, as S3 accepts them on any bucket, and never occur.
var notifyEvents = map[string]bool{
	"s3:ReducedRedundancyLostObject": true, "s3:ObjectCreated:*": true, "s3:ObjectCreated:Put": true,
	"s3:ObjectCreated:Post": true, "s3:ObjectCreated:Copy": true, "s3:ObjectCreated:CompleteMultipartUpload": true,
	"s3:ObjectRemoved:*": true, "s3:ObjectRemoved:Delete": true, "s3:ObjectRemoved:DeleteMarkerCreated": true,
	"s3:ObjectRestore:*": true, "s3:ObjectRestore:Post": true, "s3:ObjectRestore:Completed": true,
	"s3:ObjectRestore:Delete": true, "s3:Replication:*": true, "s3:Replication:OperationFailedReplication": true,
	"s3:Replication:OperationNotTracked": true, "s3:Replication:OperationMissedThreshold": true,
	"s3:Replication:OperationReplicatedAfterThreshold": true, "s3:LifecycleTransition": true,
	"s3:IntelligentTiering": true, "s3:ObjectAcl:Put": true, "s3:LifecycleExpiration:*": true,
	"s3:LifecycleExpiration:Delete": true, "s3:LifecycleExpiration:DeleteMarkerCreated": true,
	"s3:ObjectTagging:*": true, "s3:ObjectTagging:Put": true, "s3:ObjectTagging:Delete": true,
}

// Event names the handlers emit, as configurations name them.
const (
	evPut      = "s3:ObjectCreated:Put"
	evCopy     = "s3:ObjectCreated:Copy"
	evComplete = "s3:ObjectCreated:CompleteMultipartUpload"
	evDelete   = "s3:ObjectRemoved:Delete"
	// evDeleteMarker is a DELETE that added a delete marker.
	evDeleteMarker = "s3:ObjectRemoved:DeleteMarkerCreated"
	evTagPut       = "s3:ObjectTagging:Put"
	evTagDel       = "s3:ObjectTagging:Delete"
)

// notifyRule is one validated QueueConfiguration.
type notifyRule struct {
	id, target     string
	events         []string
	prefix, suffix string
}

// matches reports whether the rule wants event ev (with "s3:") on key.
func (r *notifyRule) matches(ev, key string) bool {
	if !strings.HasPrefix(key, r.prefix) || !strings.HasSuffix(key, r.suffix) {
		return false
	}
	for _, e := range r.events {
		if eventCovers(e, ev) {
			return true
		}
	}
	return false
}

// eventCovers reports whether configured event type e includes ev:
// equal, or e is "s3:X:*" and ev is "s3:X:...".
func eventCovers(e, ev string) bool {
	if e == ev {
		return true
	}
	group, ok := strings.CutSuffix(e, "*")
	return ok && strings.HasPrefix(ev, group)
}

// bucketNotification is a bucket's configuration as events need it.
type bucketNotification struct {
	region string
	rules  []notifyRule
}

// notifier is the server's event state: the queue, a cache of bucket
// configurations (read from storage once, dropped when they change) and
// per-key locks ordering the events of one key.
type notifier struct {
	q     *notify.Queue // nil: no webhook targets
	mu    sync.RWMutex
	cache map[string]*bucketNotification // nil value: no rules
	keys  keyLocks
}

// forget drops a bucket's cached configuration.
func (n *notifier) forget(bucket string) {
	n.mu.Lock()
	delete(n.cache, bucket)
	n.mu.Unlock()
}

// bucketNotification returns a bucket's rules, nil when it has none (or
// the server has no targets, or storage cannot hold configurations).
func (s *Server) bucketNotification(ctx context.Context, bucket string) (*bucketNotification, error) {
	n := &s.events
	if n.q == nil {
		return nil, nil
	}
	n.mu.RLock()
	bn, ok := n.cache[bucket]
	n.mu.RUnlock()
	if ok {
		return bn, nil
	}
	bc, ok := s.backend.(storage.BucketConfigStore)
	if !ok {
		return nil, nil
	}
	info, err := s.backend.HeadBucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	raw, err := bc.GetBucketConfig(ctx, bucket, notificationDoc)
	if err != nil {
		return nil, err
	}
	if len(raw) > 0 {
		var doc s3xml.NotificationConfiguration
		if err := xml.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("bucket %s: stored notification configuration: %w", bucket, err)
		}
		bn = &bucketNotification{region: s.bucketRegion(info)}
		for _, c := range doc.QueueConfigurations {
			r := notifyRule{id: c.ID, events: c.Events, target: targetOf(c.Queue)}
			if c.Filter != nil {
				for _, f := range c.Filter.Rules {
					if strings.EqualFold(f.Name, "prefix") {
						r.prefix = f.Value
					} else {
						r.suffix = f.Value
					}
				}
			}
			bn.rules = append(bn.rules, r)
		}
	}
	n.mu.Lock()
	if n.cache == nil {
		n.cache = map[string]*bucketNotification{}
	}
	n.cache[bucket] = bn
	n.mu.Unlock()
	return bn, nil
}

// targetOf is the webhook name a validated queue ARN ends with.
func targetOf(arn string) string { return arn[strings.LastIndexByte(arn, ':')+1:] }

// change brackets one change to an object that may be reported: begin
// finds the bucket's rules, lock (taken just before the change becomes
// visible) orders it against other changes to the key, emit enqueues
// its events durably, and end releases the lock. A nil *change (no
// rules) does nothing.
type change struct {
	s           *Server
	bn          *bucketNotification
	bucket, key string
	held        *keyLock
	hostID      string
}

// beginChange returns the change to bracket a write of key, nil when no
// rule of the bucket can match it.
func (s *Server) beginChange(ctx context.Context, bucket, key string) (*change, error) {
	bn, err := s.bucketNotification(ctx, bucket)
	if err != nil || bn == nil {
		return nil, err
	}
	for i := range bn.rules {
		r := &bn.rules[i]
		if strings.HasPrefix(key, r.prefix) && strings.HasSuffix(key, r.suffix) {
			return &change{s: s, bn: bn, bucket: bucket, key: key}, nil
		}
	}
	return nil, nil
}

// lock takes the key's lock (once).
func (c *change) lock() {
	if c != nil && c.held == nil {
		c.held = c.s.events.keys.lock(c.bucket + "\x00" + c.key)
	}
}

// end releases the key's lock if taken.
func (c *change) end() {
	if c != nil && c.held != nil {
		c.s.events.keys.unlock(c.bucket+"\x00"+c.key, c.held)
		c.held = nil
	}
}

// beforeCommit wraps a PutOptions.BeforeCommit so the key's lock is
// taken once the body is in and before the object becomes visible.
func (c *change) beforeCommit(next func(*storage.ObjectMeta) error) func(*storage.ObjectMeta) error {
	if c == nil {
		return next
	}
	return func(m *storage.ObjectMeta) error {
		if next != nil {
			if err := next(m); err != nil {
				return err
			}
		}
		c.lock()
		return nil
	}
}

// emit enqueues ev (with "s3:") for every matching rule and returns once
// the events are durable. resp, when set, gets the x-amz-id-2 the events
// carry.
func (c *change) emit(ctx context.Context, rq *request, resp *response, ev string, info storage.ObjectInfo) error {
	if c == nil {
		return nil
	}
	var evs []notify.Event
	for i := range c.bn.rules {
		r := &c.bn.rules[i]
		if !r.matches(ev, c.key) {
			continue
		}
		if c.hostID == "" {
			c.hostID = newHostID()
		}
		evs = append(evs, notify.Event{
			Target: r.target, ConfigurationID: r.id, Name: strings.TrimPrefix(ev, "s3:"),
			Time: c.s.now(), Region: c.bn.region, Bucket: c.bucket, Key: c.key,
			Size: info.Size, ETag: strings.Trim(info.ETag, `"`), VersionID: info.VersionID,
			PrincipalID: rq.k.AccessKeyID, SourceIP: sourceIP(rq.r), RequestID: rq.id, HostID: c.hostID,
		})
	}
	if len(evs) == 0 {
		return nil
	}
	// The change is done and durable; the event must be too before the
	// client hears of success, even if the client has gone.
	if err := c.s.events.q.Enqueue(context.WithoutCancel(ctx), evs...); err != nil {
		return fmt.Errorf("%s/%s: the change is stored but its event notification could not be: %w", c.bucket, c.key, err)
	}
	if resp != nil {
		resp.setHeader(s3xml.HeaderID2, c.hostID)
	}
	return nil
}

// sourceIP is the client's address without the port.
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// keyLocks are mutexes by key, created on demand and dropped when unused.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	mu    sync.Mutex
	users int // under keyLocks.mu
}

func (k *keyLocks) lock(key string) *keyLock {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{}
		k.m[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.mu.Lock()
	return l
}

func (k *keyLocks) unlock(key string, l *keyLock) {
	l.mu.Unlock()
	k.mu.Lock()
	if l.users--; l.users == 0 {
		delete(k.m, key)
	}
	k.mu.Unlock()
}

// routeNotification picks the ?notification operation on a bucket.
func (s *Server) routeNotification(m string) (string, handler) {
	switch m {
	case http.MethodGet:
		return "GetBucketNotificationConfiguration", s.getBucketNotification
	case http.MethodPut:
		return "PutBucketNotificationConfiguration", s.putBucketNotification
	}
	return "", nil
}

// getBucketNotification answers the stored configuration, an empty one
// when the bucket has none.
func (s *Server) getBucketNotification(ctx context.Context, rq *request) (*response, error) {
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	doc := &s3xml.NotificationConfiguration{}
	if bc, ok := s.backend.(storage.BucketConfigStore); ok {
		raw, err := bc.GetBucketConfig(ctx, rq.bucket, notificationDoc)
		if err != nil {
			return nil, err
		}
		if len(raw) > 0 {
			if err := xml.Unmarshal(raw, doc); err != nil {
				return nil, fmt.Errorf("bucket %s: stored notification configuration: %w", rq.bucket, err)
			}
		}
	}
	return &response{doc: doc}, nil
}

// putBucketNotification validates and stores a configuration, replacing
// the bucket's, and sends each destination S3's s3:TestEvent.
func (s *Server) putBucketNotification(ctx context.Context, rq *request) (*response, error) {
	bc, ok := s.backend.(storage.BucketConfigStore)
	if !ok {
		return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not store bucket configurations")
	}
	info, err := s.backend.HeadBucket(ctx, rq.bucket)
	if err != nil {
		return nil, err
	}
	var doc s3xml.NotificationConfiguration
	if ok, err := readXML(rq, &doc); err != nil {
		return nil, err
	} else if !ok {
		return nil, errCode(s3xml.CodeMalformedXML)
	}
	if err := s.checkNotification(&doc, s.bucketRegion(info)); err != nil {
		return nil, err
	}
	var raw []byte
	if len(doc.QueueConfigurations) > 0 {
		if raw, err = s3xml.Marshal(&doc); err != nil {
			return nil, err
		}
	}
	if err := bc.PutBucketConfig(ctx, rq.bucket, notificationDoc, raw); err != nil {
		return nil, err
	}
	s.events.forget(rq.bucket)
	resp := &response{}
	var tests []notify.Event
	seen := map[string]bool{}
	hostID := newHostID()
	for _, c := range doc.QueueConfigurations {
		if t := targetOf(c.Queue); !seen[t] {
			seen[t] = true
			tests = append(tests, notify.Event{Target: t, Test: true, Time: s.now(), Bucket: rq.bucket, RequestID: rq.id, HostID: hostID})
		}
	}
	if len(tests) > 0 {
		if err := s.events.q.Enqueue(context.WithoutCancel(ctx), tests...); err != nil {
			return nil, fmt.Errorf("%s: the configuration is stored but its test event could not be: %w", rq.bucket, err)
		}
		resp.setHeader(s3xml.HeaderID2, hostID)
	}
	return resp, nil
}

// notificationError is S3's InvalidArgument for a configuration.
func notificationError(name, value, msg string) error {
	return errArg(name, value, "%s", msg)
}

// errDestination is S3's answer to a destination it cannot deliver to.
func errDestination(arn, why string) error {
	return notificationError(arn, why, "Unable to validate the following destination configurations")
}

// checkNotification validates doc as S3 does and normalises it in place:
// missing Ids are generated and filter rule names answered as S3 answers
// them ("Prefix", "Suffix").
func (s *Server) checkNotification(doc *s3xml.NotificationConfiguration, region string) error {
	const why = "s3kit delivers events only to webhooks: a QueueConfiguration whose Queue is arn:s3kit:sqs:REGION:local:NAME for a --notify-webhook NAME=URL"
	for _, c := range doc.TopicConfigurations {
		return errDestination(c.Topic, why)
	}
	for _, c := range doc.LambdaConfigurations {
		return errDestination(c.CloudFunction, why)
	}
	if doc.EventBridgeConfiguration != nil {
		return errDestination("EventBridgeConfiguration", why)
	}
	rules := make([]notifyRule, len(doc.QueueConfigurations))
	ids := map[string]bool{}
	for i := range doc.QueueConfigurations {
		c := &doc.QueueConfigurations[i]
		r := &rules[i]
		if len(c.Events) == 0 || c.Queue == "" {
			return errCode(s3xml.CodeMalformedXML)
		}
		for _, e := range c.Events {
			if !notifyEvents[e] {
				return notificationError("Event", e, "The event is not supported for notifications")
			}
		}
		r.events = c.Events
		if c.Filter != nil {
			if len(c.Filter.Rules) == 0 {
				return errCode(s3xml.CodeMalformedXML)
			}
			var seenPrefix, seenSuffix bool
			for j := range c.Filter.Rules {
				f := &c.Filter.Rules[j]
				switch strings.ToLower(f.Name) {
				case "prefix":
					if seenPrefix {
						return notificationError("FilterRule.Name", f.Name, "Cannot specify more than one prefix rule in a filter.")
					}
					seenPrefix, r.prefix, f.Name = true, f.Value, "Prefix"
				case "suffix":
					if seenSuffix {
						return notificationError("FilterRule.Name", f.Name, "Cannot specify more than one suffix rule in a filter.")
					}
					seenSuffix, r.suffix, f.Name = true, f.Value, "Suffix"
				default:
					return notificationError("FilterRule.Name", f.Name, "filter rule name must be either prefix or suffix")
				}
				if len(f.Value) > 1024 {
					return notificationError("FilterRule.Value", f.Value, "The filter rule value is too long.")
				}
			}
		}
		if err := s.checkQueueARN(c.Queue, region); err != nil {
			return err
		}
		if c.ID == "" {
			c.ID = newConfigurationID()
		}
		if ids[c.ID] {
			return notificationError("Id", c.ID, "Configuration Id must be unique.")
		}
		ids[c.ID] = true
	}
	for i := range rules {
		for j := range i {
			if rulesOverlap(&rules[i], &rules[j]) {
				return notificationError("Event", strings.Join(rules[i].events, ","),
					"Configurations overlap. Configurations on the same bucket cannot share a common event type.")
			}
		}
	}
	return nil
}

// checkQueueARN accepts arn:s3kit:sqs:REGION:local:NAME for a target the
// server knows, in the bucket's region.
func (s *Server) checkQueueARN(arn, region string) error {
	rest, ok := strings.CutPrefix(arn, queueARNPrefix)
	parts := strings.Split(rest, ":")
	if !ok || len(parts) != 3 || parts[1] != queueARNAccount || !notify.ValidName(parts[2]) {
		return errDestination(arn, "want arn:s3kit:sqs:"+region+":local:NAME, NAME a --notify-webhook target")
	}
	if parts[0] != region {
		return errDestination(arn, "the destination's region is not the bucket's ("+region+")")
	}
	if s.events.q == nil || !s.events.q.HasTarget(parts[2]) {
		return errDestination(arn, "no webhook named "+parts[2]+" (serve --notify-webhook "+parts[2]+"=URL declares one)")
	}
	return nil
}

// rulesOverlap reports whether one event could match both rules: S3
// refuses such configurations rather than send it twice.
func rulesOverlap(a, b *notifyRule) bool {
	shared := false
	for _, x := range a.events {
		for _, y := range b.events {
			if eventCovers(x, y) || eventCovers(y, x) {
				shared = true
			}
		}
	}
	return shared &&
		(strings.HasPrefix(a.prefix, b.prefix) || strings.HasPrefix(b.prefix, a.prefix)) &&
		(strings.HasSuffix(a.suffix, b.suffix) || strings.HasSuffix(b.suffix, a.suffix))
}

// newConfigurationID is the Id S3 gives a configuration sent without
// one: an opaque string.
func newConfigurationID() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawStdEncoding.EncodeToString(b[:])
}
