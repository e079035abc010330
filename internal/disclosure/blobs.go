package disclosure

import (
	"context"

	store "danchu/internal/files"
)

// BlobStore is where the files of disclosures are stored.
func (s *Service) BlobStore() *store.Blobs { return s.Blobs }

// BlobRefs is every stored file a disclosure's version references, with its
// recorded size: what the orphan collector keeps and `danchu verify` expects
// on disk.
func (s *Service) BlobRefs(ctx context.Context) (store.Refs, error) {
	return s.Store.blobRefs(ctx)
}
