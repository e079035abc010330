-- One index serves both the idempotency check and "my comments": (author, key) instead of a unique key
-- that repeated the author and a second index on the author. Every comment insert touches one random
-- place in one index fewer. Keys written before carry the author too, so they stay unique.
-- In SQLite the table is rebuilt with "integer primary key": the id becomes the rowid itself instead of
-- a second b-tree beside it (what "bigint primary key" gives).
create table consultation_comments_new (
    id              integer primary key,
    consultation_id bigint not null references consultations (id),
    part            integer not null,          -- 0: the draft as a whole
    author_id       bigint not null,           -- 0: gathered offline
    show_name       boolean not null,
    display_name    text not null,
    stance          text not null,             -- agree | disagree | suggest
    body            text not null,
    source          text not null,             -- online | meeting | ballot | box | other
    source_note     text not null,
    idem_key        text not null,
    hidden_reason   text not null,             -- '' or abuse | personal_data | off_topic | duplicate
    answer_id       bigint references consultation_answers (id),
    created_at      bigint not null,
    edited_at       bigint not null
);
insert into consultation_comments_new select id, consultation_id, part, author_id, show_name, display_name, stance, body, source,
    source_note, idem_key, hidden_reason, answer_id, created_at, edited_at from consultation_comments;
drop table consultation_comments;
alter table consultation_comments_new rename to consultation_comments;
create index consultation_comments_list on consultation_comments (consultation_id, id);
create unique index consultation_comments_idem on consultation_comments (author_id, idem_key);
