package feedback

// SetAfterSweepRead makes the sweep call f between its read of the answered
// items and its write (a reopen committed at that moment, in the tests).
func SetAfterSweepRead(s *Service, f func()) { s.afterSweepRead = f }

// Open311's readers of a list filter and of a date window.
var (
	ListParam = listParam
	Window    = window
)
