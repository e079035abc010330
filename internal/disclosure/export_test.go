package disclosure

// BoardsCached is how many boards the service holds in memory (tests only).
func (s *Service) BoardsCached() int {
	s.boards.mu.RLock()
	defer s.boards.mu.RUnlock()
	return len(s.boards.m)
}
