// Package planimport reads a plan that officials already have — pasted text,
// Markdown or a .docx — into its parts (a document.Doc) and the tasks,
// targets and recipients a plan room stores. It is pure: no database, no
// HTTP. The five seed documents (testdata/000…004, real plans, a project and
// a directive of provincial Party committees and people's committees) are its
// test input.
//
// # Reading the text
//
// Lines are read as converted documents write them: Markdown headings (##)
// and emphasis (**, *) are removed, and a line is cut where an emphasis mark
// is glued between two words (the converter lost a line break there:
// "ĐẢNG CỘNG SẢN VIỆT NAM*Hưng Yên, ngày …"); an emphasis left open at a line's
// end continues on the next line. A line goes on from the block before it when
// it starts in lower case, or when the block (a paragraph or an item) did not
// end with punctuation (a page break in the middle of a sentence).
//
// The title is the first line in capitals naming a kind (KẾ HOẠCH, ĐỀ ÁN, CHỈ
// THỊ, CHƯƠNG TRÌNH …); the lines before it are the header (bodies in
// capitals: Parent and Issuer, "Số …", "Nơi, ngày … tháng … năm …", the
// Party's "ĐẢNG CỘNG SẢN VIỆT NAM" or the State's motto); the line after it the
// summary ("CỦA BAN THƯỜNG VỤ TỈNH ỦY" before it is TitleBy); then the bases
// (paragraphs opening with "Căn cứ" or "Thực hiện"). Style is Party when the
// header says "ĐẢNG CỘNG SẢN VIỆT NAM" or the number reads N-XX/YY (162-KH/BCS).
// A text without a kind (an article) takes its first line in capitals as the
// summary, with a warning. The body ends at "Nơi nhận:" or at the signing
// authority ("TM. …", "KT. …"), a web page's footer ("Nguồn tin: …") is left out.
//
// # The body
//
// Every numbered line is a heading (document.Heading), whatever its length, its
// level read from its number, not from the Markdown marks: "Phần thứ hai" 0
// (an addition to document.Block's levels), "II." 1, "2." or "2-" or "Hai là," 2,
// "2.1." or "a)" 3, "2.1.1." 4. A line that was wholly bold is a heading
// without a number, one level below the current one. "-", "•" are items of
// level 1, "+" of level 2; all else is a paragraph.
//
// # Tasks and targets
//
// A section's class comes from the first words of its heading's title: tasks
// (NHIỆM VỤ, GIẢI PHÁP, NỘI DUNG, TỔ CHỨC THỰC HIỆN, PHÂN CÔNG, TRÁCH NHIỆM,
// THỜI GIAN, TIẾN ĐỘ), targets (MỤC TIÊU, CHỈ TIÊU, MỤC ĐÍCH, YÊU CẦU) or
// neither (KẾT QUẢ, TÌNH HÌNH, TỒN TẠI, NGUYÊN NHÂN, KINH PHÍ, PHẠM VI …); a
// title naming two classes or none, or longer than a title (120 characters),
// leaves it to the section above. A paragraph announcing tasks ("… một số nhiệm
// vụ sau:") makes the rest of its section a task section.
//
// In a task section, a task is: a heading with no heading or item under it (its
// paragraphs are its content); an item "-" (its "+" items are its content); a
// paragraph opening by naming a body ("Sở Nội vụ chủ trì …", "Giao Ban Dân vận
// Tỉnh ủy …"), unless it is the first paragraph of a heading that is a task. The
// lead is the body named at the start (a body's first word — Sở, Ban, UBND, Ủy
// ban, Đảng ủy, Các cơ quan … — up to the first verb in lower case), else that of
// a heading task's first paragraph, else, for an item, the heading above when it
// is a body's name ("2. Sở Nội vụ"). With is what follows "phối hợp với" up to
// the next verb; Deadline the first due date written ("trong tháng 9/2021",
// "trước ngày 30/6/2024", "Quý II/2024"), else the recurrence or "thường xuyên";
// Recurrence the first of hằng năm / hằng quý / hằng tháng (also "hàng",
// "định kỳ …").
//
// In a targets section, a target is an item or paragraph holding a measurable
// value ("100%", "trên 80%", "ít nhất 01 lần"); its deadline is its own
// ("đến năm 2020") or that of the paragraph introducing the list.
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

// Task is one thing a plan asks a body to do: in a task section, a heading
// with nothing numbered or listed under it, an item, or a paragraph opening by
// naming a body (see the package doc).
type Task struct {
	// Block is the index in Doc.Body of the heading, item or paragraph the task
	// is read from.
	Block int
	// Section is the number path of the heading it sits under ("II.1", "III.2.a";
	// "P3.III.1" in a document in parts, "Phần thứ ba" being P3; an ordinal
	// "Hai là," is 2).
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

// Target is a measurable indicator (chỉ tiêu) a plan sets, read from an item
// or paragraph of a targets section (MỤC TIÊU, CHỈ TIÊU, YÊU CẦU) that holds a
// value: "100% các cơ quan, đơn vị xây dựng kế hoạch" → Value "100%",
// Deadline as written.
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
