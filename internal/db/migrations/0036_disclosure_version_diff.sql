-- The comparison of each version with the one before, computed once when the
-- correction is made (disclosure.EditScript: runs of kept, removed and added
-- lines, "=12 -1 +2"); the public page rebuilds it from the two bodies. NULL:
-- the first version, or a correction made before this column existed (the page
-- then compares the two bodies itself and stores nothing).
alter table disclosure_versions add column diff text;
