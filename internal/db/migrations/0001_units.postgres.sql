-- Administrative units (QĐ 19/2025/QĐ-TTg codes), agencies and enterprises, and their history.
create table units (
    id          bigint primary key,
    code        text,
    name        text not null,
    name_folded text not null,
    type        text not null,
    parent_id   bigint references units (id),
    path        text collate "C" not null,
    depth       integer not null,
    valid_from  text not null,
    valid_to    text,
    created_at  bigint not null,
    updated_at  bigint not null
);
-- One unit in force per code; closed units keep theirs for history.
create unique index units_code_current on units (code) where valid_to is null;
create unique index units_code_from on units (code, valid_from);
create index units_path on units (path);
create index units_parent on units (parent_id, name);
create index units_type on units (type, name);

-- A resolution that merges, splits or renames units: from_id ended, to_id took over.
create table unit_successions (
    from_id        bigint not null references units (id),
    to_id          bigint not null references units (id),
    effective_from text not null,
    resolution     text not null,
    primary key (from_id, to_id)
);
create index unit_successions_to on unit_successions (to_id);

-- The household register of a village: the electorate of community decisions.
create table households (
    id                  bigint primary key,
    village_id          bigint not null references units (id),
    code                text not null,
    head_name           text not null,
    address             text not null,
    members             integer not null,
    representative_name text not null,
    active              boolean not null,
    created_at          bigint not null,
    updated_at          bigint not null,
    unique (village_id, code)
);
