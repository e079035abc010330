-- Consultations (lấy ý kiến Nhân dân, LDC Arts 25–29; agency staff Arts 53–55).
create table consultations (
    id             bigint primary key,
    unit_id        bigint not null references units (id),
    board_id       bigint not null references units (id),
    staff_only     boolean not null,
    subject        integer not null,           -- Art 25 item
    title          text not null,
    intro          text not null,
    forms          text not null,              -- comma-separated: online, meeting, ballot, box, ...
    opens_on       text not null,
    closes_on      text not null,              -- last day comments are taken
    short_basis    text not null,              -- legal basis of a window shorter than 20 days ('' otherwise)
    status         text not null,              -- open | synthesized
    comments       integer not null,           -- counters kept in the writing transactions:
    answered       integer not null,           -- "answered X of Y" without counting rows
    hidden         integer not null,
    decision       text not null,
    adopted        boolean not null,
    against_reason text not null,
    synthesized_at bigint,
    created_by     bigint not null,
    created_at     bigint not null,
    updated_at     bigint not null
);
create index consultations_board on consultations (board_id, created_at);

-- The draft, split into numbered parts (chương, điều, khoản or sections).
create table consultation_parts (
    consultation_id bigint not null references consultations (id),
    n               integer not null,
    heading         text not null,
    body            text not null,
    primary key (consultation_id, n)
);

-- An answer given to one or several comments.
create table consultation_answers (
    id              bigint primary key,
    consultation_id bigint not null references consultations (id),
    kind            text not null,             -- accepted | explained | rejected
    body            text not null,
    created_by      bigint not null,
    created_at      bigint not null
);

-- Every opinion: online (by a signed-in citizen) or entered by an official from a meeting, ballot or box.
create table consultation_comments (
    id              bigint primary key,
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
create unique index consultation_comments_idem on consultation_comments (idem_key);
create index consultation_comments_list on consultation_comments (consultation_id, id);
create index consultation_comments_author on consultation_comments (author_id, created_at);
