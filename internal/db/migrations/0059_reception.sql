-- Citizen reception (tiếp công dân): the reception office of a unit, the
-- leaders who must receive citizens, their sessions, the citizens' bookings
-- and the reception book (Luật Tiếp công dân 2013 Art 25(2)). A
-- denunciation's entry keeps who came sealed in identity (the vault's keys,
-- Luật Tố cáo Art 47): its name, address and phone columns are empty.
create table reception_offices (
    unit_id    bigint primary key references units (id),
    address    text not null,
    hours      text not null,
    phone      text not null,
    updated_at bigint not null
);

create table reception_leaders (
    id         bigint primary key,
    unit_id    bigint not null references units (id),
    role       text not null,             -- a legal.ReceptionMinimums role
    name       text not null,
    title      text not null,
    active     boolean not null,
    created_at bigint not null
);
create index reception_leaders_unit on reception_leaders (unit_id);

create table reception_sessions (
    id         bigint primary key,
    unit_id    bigint not null references units (id),
    leader_id  bigint not null references reception_leaders (id),
    day        text not null,             -- YYYY-MM-DD
    starts     text not null,             -- HH:MM, Vietnam's clock
    ends       text not null,
    place      text not null,
    video_url  text not null,
    slots      integer not null,
    booked     integer not null,          -- bookings not cancelled
    status     text not null,             -- planned | held | moved | missed
    moved_to   bigint references reception_sessions (id),
    notice     text not null,             -- a move's public notice, a miss's reason
    created_at bigint not null,
    updated_at bigint not null,
    version    integer not null
);
create index reception_sessions_unit_day on reception_sessions (unit_id, day);
create index reception_sessions_leader_day on reception_sessions (leader_id, day);
create index reception_sessions_day on reception_sessions (day, status);

create table reception_bookings (
    id         bigint primary key,
    session_id bigint not null references reception_sessions (id),
    unit_id    bigint not null references units (id),
    code       text not null unique,
    name       text not null,
    phone      text not null,
    topic      text not null,
    people     integer not null,
    status     text not null,             -- booked | cancelled | received
    reminded   boolean not null,
    account_id bigint,
    created_at bigint not null
);
create index reception_bookings_session on reception_bookings (session_id, status);

create table reception_visits (
    id             bigint primary key,
    unit_id        bigint not null references units (id),
    year           integer not null,
    number         integer not null,      -- its number in the unit's book of the year
    day            text not null,
    session_id     bigint references reception_sessions (id),
    booking_id     bigint references reception_bookings (id),
    parent_id      bigint references reception_visits (id),
    code           text not null,         -- the citizen's code (the booking's, or a walk-in's)
    name           text not null,
    address        text not null,
    phone          text not null,
    identity       text not null,         -- sealed: a denunciation's name, address and phone
    sealed         boolean not null,
    people         integer not null,
    mass           boolean not null,
    kind           text not null,         -- complaint | denunciation | petition | other
    content        text not null,
    earlier        text not null,
    request        text not null,
    done           text not null,
    due            text not null,         -- the answer's last day (reception.answer)
    outcome        text not null,         -- '' | accepted | verify | refused | transferred
    outcome_note   text not null,
    transferred_to text not null,
    answered_on    text not null,
    case_code      text not null,
    case_url       text not null,
    created_by     bigint not null,
    created_at     bigint not null,
    updated_at     bigint not null,
    version        integer not null,
    unique (unit_id, year, number)
);
create index reception_visits_code on reception_visits (code);
create index reception_visits_open on reception_visits (unit_id, outcome, due);
create index reception_visits_session on reception_visits (session_id);
