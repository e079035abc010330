-- Complaints, denunciations and anonymous information (casework). A case row is
-- the working copy everyone who handles it sees: its subject and body are the
-- redacted text; who lodged it and what it said before redaction are sealed in
-- case_vault (AES-256-GCM under a key that is not in the database). The lodging
-- citizen's account is found by lodger_tag, a keyed hash of the account: the
-- table alone does not link a case to a person.
create table cases (
    id              bigint primary key,
    code            text not null,
    kind            text not null,            -- complaint | denunciation | information
    instance        integer not null,         -- complaints: 1 or 2; others 0
    first_id        bigint references cases (id),
    unit_id         bigint not null references units (id), -- the competent body's unit
    channel         text not null,            -- web | post | desk | forwarded | feedback
    source          text not null,
    feedback_id     bigint,
    lodger_tag      text not null,
    subject         text not null,
    body            text not null,
    field           text not null,
    people          integer not null,
    status          text not null,
    received_on     text not null,
    known_on        text not null,
    obstacle_days   integer not null,
    obstacle_reason text not null,
    complex         boolean not null,
    remote          boolean not null,
    multi_site      boolean not null,
    extensions      integer not null,
    accepted_on     text not null,
    paused_on       text not null,
    paused_days     integer not null,
    decided_on      text not null,
    due_on          text not null,            -- the running clock's last day ('': none)
    clock           text not null,
    redacted        boolean not null,
    late            boolean not null,
    out_of_time     boolean not null,
    version         integer not null,
    created_at      bigint not null,
    updated_at      bigint not null
);
create unique index cases_code on cases (code);
create index cases_unit on cases (unit_id, id);
create index cases_open_due on cases (unit_id, due_on) where status in ('received', 'accepted', 'suspended', 'decided', 'concluded');
create index cases_lodger on cases (lodger_tag) where lodger_tag <> '';
create index cases_first on cases (first_id) where first_id is not null;

-- Every step of a case, in order: decisions with their number, reasons, who.
create table case_steps (
    id         bigint primary key,
    case_id    bigint not null references cases (id),
    step       text not null,
    on_date    text not null,
    number     text not null,
    reason     text not null,
    to_body    text not null,
    due_on     text not null,            -- the clock's last day at the time of the step
    late       boolean not null,
    by_account bigint not null,
    by_name    text not null,
    at         bigint not null
);
create index case_steps_case on case_steps (case_id, at, id);

-- Attachments: the working copy (a blob of the files store, redacted or judged
-- to need no redaction) and the original, sealed, in the vault's folder.
create table case_files (
    id           bigint primary key,
    case_id      bigint not null references cases (id),
    position     integer not null,
    name         text not null,          -- the working copy's name (the original's is sealed)
    content_type text not null,
    size         bigint not null,
    sha256       text not null,          -- the working copy ('' until the receiving official confirms it)
    sealed_sum   text not null,          -- the sealed original in the vault's folder
    sealed_size  bigint not null,
    boxes        integer not null        -- boxes burned into the working copy
);
create unique index case_files_position on case_files (case_id, position);

-- Sealed values of a case: identity (JSON), the original subject and body, the
-- original file names. Each is bound to its case and field.
create table case_vault (
    case_id bigint not null references cases (id),
    field   text not null,
    sealed  text not null,
    primary key (case_id, field)
);

-- Who may read a case's vault (Luật Tố cáo Art 47): named people, for one case.
create table case_vault_grants (
    case_id    bigint not null references cases (id),
    account_id bigint not null,
    name       text not null,
    granted_by bigint not null,
    by_name    text not null,
    at         bigint not null,
    primary key (case_id, account_id)
);

-- Every read of a vault, with its reason (and every refused one).
create table case_vault_reads (
    id         bigint primary key,
    case_id    bigint not null references cases (id),
    account_id bigint not null,
    name       text not null,
    what       text not null,
    reason     text not null,
    allowed    boolean not null,
    at         bigint not null
);
create index case_vault_reads_case on case_vault_reads (case_id, at);

-- The verifiers of a case (tổ xác minh): they see the working copy only.
create table case_verifiers (
    case_id    bigint not null references cases (id),
    account_id bigint not null,
    name       text not null,
    at         bigint not null,
    primary key (case_id, account_id)
);
create index case_verifiers_account on case_verifiers (account_id);
