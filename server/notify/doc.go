// Package notify delivers S3 event notifications to webhooks.
//
// A Queue is an outbox: the server enqueues an Event once the operation
// it reports is durable and before it answers. Enqueue returns once the
// event is appended to a log file (concurrent callers share one write),
// so a crash or kill of the process cannot lose it; the log is fsynced
// before Enqueue returns, or with Options.SyncEvery at most that long
// after, so that a power failure loses none, or only that interval's
// events. One worker per webhook target
// reads the log in order and POSTs each event as the JSON document S3
// sends (event message structure version 2.1), retrying with capped
// exponential backoff until the receiver answers 2xx; only then does the
// target's cursor move past it. Delivery is therefore at least once, and
// in order per target, so in order per key; an event may be delivered
// again after a crash between the POST and the cursor's update.
//
// With Options.Dir empty the log is kept in memory, for servers whose
// storage is in memory too.
package notify
