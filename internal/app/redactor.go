package app

import (
	"context"

	"danchu/internal/redact"
)

// redactor burns a case's boxes into a copy of its attachment (internal/redact,
// poppler for PDFs) for casework.
type redactor struct{}

func (redactor) Redact(ctx context.Context, contentType string, data []byte, boxes string) ([]byte, int, error) {
	bs, err := redact.ParseBoxes(boxes)
	if err != nil {
		return nil, 0, err
	}
	if contentType == "application/pdf" {
		out, err := redact.PDF(ctx, data, bs)
		return out, len(bs), err
	}
	out, _, err := redact.Image(data, bs)
	return out, len(bs), err
}
