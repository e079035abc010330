package feedback

import (
	"context"

	"danchu/internal/files"
)

// BlobStore is where the photos of feedback items are stored.
func (s *Service) BlobStore() *files.Blobs { return s.Photos }

// BlobRefs is every stored photo an item references, with its recorded size
// (the photos are stored re-encoded, one blob each: no other size or
// thumbnail is kept): what the orphan collector keeps and `danchu verify`
// expects on disk.
func (s *Service) BlobRefs(ctx context.Context) (files.Refs, error) {
	return s.Store.blobRefs(ctx)
}
