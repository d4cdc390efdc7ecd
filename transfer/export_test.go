package transfer

// SetCopyThreshold lowers the single-CopyObject limit so tests can exercise
// multipart copies without 5 GiB objects.
func SetCopyThreshold(m *Manager, n int64) { m.copyThreshold = n }
