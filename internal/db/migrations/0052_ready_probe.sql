-- One row that /readyz updates in a write transaction (db.ProbeWrite): the probe proves that the database takes a
-- write now (PostgreSQL up and not read-only, disk not full), not only that it answers a ping.
create table ready_probe (
    id integer primary key,
    probed_at bigint not null
);
insert into ready_probe (id, probed_at) values (1, 0);
