-- The due list of a province (casework Store.list with Filter.DueBy) takes the
-- open cases of every unit of its subtree, sorts them by due day and ID and
-- keeps a page. With id in the index (it is not SQLite's rowid) the page's IDs
-- are sorted from the index alone and only the page's rows are read from the
-- table: of a province with 100,000 cases, the 9,400 open ones due within the
-- week were read from 7,000 table pages for each list (BenchmarkCaseList).
-- It replaces the index without id, its prefix, which the open counts of the
-- officials' home also read.
drop index cases_open_due;
create index cases_open_due on cases (unit_id, due_on, id) where status in ('received', 'accepted', 'suspended', 'decided', 'concluded');
