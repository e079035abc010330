-- A counter raised in the same transaction as every change to units, so that each
-- process knows when its in-memory tree of units is out of date.
create table units_version (
    id      integer primary key check (id = 1),
    version bigint not null
);
insert into units_version (id, version) values (1, 1);
