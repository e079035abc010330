package feedback

// SetAfterSweepRead makes the sweep call f between its read of the answered
// items and its write (a reopen committed at that moment, in the tests).
func SetAfterSweepRead(s *Service, f func()) { s.afterSweepRead = f }
