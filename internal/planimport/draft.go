// Package planimport reads a plan that officials already have — pasted text,
// Markdown or a .docx — into its parts (a document.Doc) and the tasks,
// targets and recipients a plan room stores. It is pure: no database, no
// HTTP. The five seed documents (../shared/seeds) are its test input.
package planimport

import (
	"danchu/internal/apperr"
	"danchu/internal/document"
)

// Draft is a plan as read from a file, shown for correction before it is saved.
type Draft struct {
	// Doc holds the header (issuer, number, place and date), title, bases,
	// body (headings are the sections), recipients and signature.
	Doc document.Doc
	// TitleBy is the line some Party titles carry between the kind and the
	// summary ("CỦA BAN THƯỜNG VỤ TỈNH ỦY" under "CHỈ THỊ"); "" when none.
	// (Added for seed 004: document.Doc has no place for it.)
	TitleBy string
	Tasks   []Task
	Targets []Target
	// Warnings are lines read with a doubt (a heading number out of order, a
	// date that is not one), for the official to check.
	Warnings []Problem
}

// Task is one thing a plan asks a body to do.
type Task struct {
	// Block is the index in Doc.Body of the heading or item the task is read from.
	Block int
	// Section is the number path of the heading it sits under ("II.1", "III.2.a").
	Section string
	Title   string
	// Lead is the body that leads it as written ("Sở Nội vụ", "UBND các huyện,
	// thị xã, thành phố"); With the cooperating bodies; "" / nil when the text names none.
	Lead string
	With []string
	// Deadline as written ("Quý II/2024", "trước ngày 30/6/2024", "hằng năm",
	// "thường xuyên"); Recurrence "monthly", "quarterly", "yearly" or "".
	Deadline   string
	Recurrence string
}

// Target is a measurable indicator (chỉ tiêu) a plan sets: "100% các cơ
// quan, đơn vị xây dựng kế hoạch" → Value "100%", Deadline as written.
type Target struct {
	Block    int
	Text     string
	Value    string
	Deadline string
}

// Problem is a line of the input and what is wrong or doubtful on it.
type Problem struct {
	Line int // 1-based
	// Text is the line as read (plain text, cut to 200 characters).
	Text string
	// Msg says what is doubtful: a key in this package's locales with its
	// arguments (added so that the warning is shown in the reader's language).
	Msg apperr.Msg
}
