package auth

// HashRuns is how many password hashes have been computed (tests only).
func HashRuns() int64 { return hashRuns.Load() }

// SubjectOf is the key of an e-mail in signin_failures (tests only).
func SubjectOf(email string) string { return subjectOf(email) }
