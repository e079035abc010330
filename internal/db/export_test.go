package db

// Queued is how many requests wait in g's queue: a test that must know its
// Submit calls are in (not merely started) waits for this instead of sleeping.
func (g *GroupCommit[T]) Queued() int { return len(g.queue) }

// Stopping reports whether Close has been called on g.
func (g *GroupCommit[T]) Stopping() bool {
	select {
	case <-g.stop:
		return true
	default:
		return false
	}
}
