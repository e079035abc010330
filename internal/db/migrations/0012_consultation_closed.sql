-- When the close of the comment window was written to the public record (with the count of opinions then).
alter table consultations add column closed_at bigint;
