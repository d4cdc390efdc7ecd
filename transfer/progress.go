package transfer

// EventKind says what an Event reports.
type EventKind int

// The kinds of progress events.
const (
	// EventStart: a transfer of Total bytes began.
	EventStart EventKind = iota
	// EventBytes: Bytes more bytes were transferred.
	EventBytes
	// EventDone: the transfer finished successfully.
	EventDone
	// EventFailed: the transfer failed with Err.
	EventFailed
)

// String returns the kind's name.
func (k EventKind) String() string {
	switch k {
	case EventStart:
		return "start"
	case EventBytes:
		return "bytes"
	case EventDone:
		return "done"
	case EventFailed:
		return "failed"
	}
	return "unknown"
}

// Event reports progress of one object transfer. The library never prints;
// callers render events however they like (the CLI draws a bar on a terminal).
type Event struct {
	Kind   EventKind
	Op     string // "upload", "download", "copy"
	Bucket string
	Key    string
	// Total is the object size (EventStart; -1 when unknown).
	Total int64
	// Bytes is the number of bytes moved since the previous event (EventBytes).
	Bytes int64
	Err   error
}

// ProgressFunc receives events. It is called from many goroutines at once and
// must be safe for concurrent use and quick.
type ProgressFunc func(Event)

func (m *Manager) emit(e Event) {
	if m.opts.Progress != nil {
		m.opts.Progress(e)
	}
}

// progressReporter sends EventBytes for one transfer.
type progressReporter struct {
	m  *Manager
	ev Event
}

func (p *progressReporter) add(n int64) {
	if n <= 0 || p.m.opts.Progress == nil {
		return
	}
	e := p.ev
	e.Kind = EventBytes
	e.Bytes = n
	p.m.opts.Progress(e)
}
