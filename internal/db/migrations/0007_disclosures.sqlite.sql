-- Public disclosures (công khai, LDC Arts 11–14; agency staff disclosure Arts 46–48).
create table disclosures (
    id             bigint primary key,
    unit_id        bigint not null references units (id),
    board_id       bigint not null references units (id), -- the commune or agency whose board shows it
    staff_only     boolean not null,                      -- agency staff disclosure (Art 46): staff only
    category       integer not null,
    status         text not null,                         -- posted | archived | withdrawn
    version        integer not null,
    title          text not null,
    body           text not null,
    decision_date  text not null,
    due_date       text not null,                         -- publication deadline (Art 12(3))
    posting_start  text not null,
    min_end        text not null,                         -- last day of the minimum window; '' = permanent
    late           boolean not null,
    search_text    text not null,                         -- folded title and body, for the full-text index
    published_at   bigint not null,
    updated_at     bigint not null,
    archived_at    bigint,
    withdrawn_at   bigint,
    withdraw_reason text not null,
    created_by     bigint not null
);
create index disclosures_board on disclosures (board_id, status, published_at);
create index disclosures_unit on disclosures (unit_id, status, published_at);
create index disclosures_published on disclosures (published_at);

-- Every version: the first, and one per correction with its reason.
create table disclosure_versions (
    disclosure_id bigint not null references disclosures (id),
    version       integer not null,
    title         text not null,
    body          text not null,
    reason        text not null,
    created_by    bigint not null,
    created_at    bigint not null,
    primary key (disclosure_id, version)
);

-- The files of each version (content stored once under the data folder by SHA-256).
create table disclosure_files (
    disclosure_id bigint not null references disclosures (id),
    version       integer not null,
    position      integer not null,
    sha256        text not null,
    name          text not null,
    content_type  text not null,
    size          bigint not null,
    primary key (disclosure_id, version, position)
);

-- How it was made known besides the portal (Art 12(1)): posting, loudspeaker, via the village head, SMS / social network.
create table disclosure_channels (
    disclosure_id bigint not null references disclosures (id),
    channel       text not null,
    start_date    text not null,
    end_date      text not null,
    note          text not null,
    primary key (disclosure_id, channel)
);

-- Full-text index (engine-specific): FTS5 over the folded text, kept in step by triggers.
create virtual table disclosures_fts using fts5(search_text, content='disclosures', content_rowid='id');
create trigger disclosures_fts_insert after insert on disclosures begin
    insert into disclosures_fts (rowid, search_text) values (new.id, new.search_text);
end;
create trigger disclosures_fts_delete after delete on disclosures begin
    insert into disclosures_fts (disclosures_fts, rowid, search_text) values ('delete', old.id, old.search_text);
end;
create trigger disclosures_fts_update after update of search_text on disclosures begin
    insert into disclosures_fts (disclosures_fts, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into disclosures_fts (rowid, search_text) values (new.id, new.search_text);
end;
