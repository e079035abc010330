package db

import (
	"fmt"
	"sync"
	"time"

	"danchu/internal/apperr"
)

// idEpoch is the start of danchu's ID clock; 41 bits of milliseconds from it last until 2094.
var idEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

const (
	nodeBits = 10
	seqBits  = 12
	maxNode  = 1<<nodeBits - 1
	maxSeq   = 1<<seqBits - 1
)

// IDGenerator makes 63-bit IDs: milliseconds since 2025 | node (10 bits) | sequence
// (12 bits). IDs from one generator strictly increase; generators with different
// node numbers never collide, so several servers can share one database.
type IDGenerator struct {
	mu   sync.Mutex
	node int64
	last int64 // last millisecond used
	seq  int64
	now  func() time.Time
}

// NewIDGenerator returns a generator for node (0–1023).
func NewIDGenerator(node int) (*IDGenerator, error) {
	if node < 0 || node > maxNode {
		return nil, &apperr.ConfigError{
			VI: fmt.Sprintf("số nút DANCHU_NODE=%d không hợp lệ; phải từ 0 đến %d", node, maxNode),
			EN: fmt.Sprintf("invalid DANCHU_NODE=%d; must be 0 to %d", node, maxNode),
		}
	}
	return &IDGenerator{node: int64(node), now: time.Now}, nil
}

// Next returns the next ID. If the clock steps back, it keeps counting from the
// last millisecond it used rather than repeat an ID.
func (g *IDGenerator) Next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := g.now().UnixMilli() - idEpoch
	if ms <= g.last {
		g.seq++
		if g.seq > maxSeq {
			g.last++
			g.seq = 0
		}
	} else {
		g.last, g.seq = ms, 0
	}
	return g.last<<(nodeBits+seqBits) | g.node<<seqBits | g.seq
}
