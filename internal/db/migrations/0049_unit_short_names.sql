-- The official short name of a unit (tên viết tắt: UBND, TU, BDVTU, SNV, HCTC), the part of a document's symbol
-- that names its issuer. Unique among the bodies in force under one parent (the attached types, as
-- org.attachedTypesSQL lists them); territorial units are left out, since every commune's people's committee is
-- "UBND".
alter table units add column short_name text;
create unique index units_short_name on units (parent_id, short_name)
    where valid_to is null and short_name is not null and type in ('co-quan', 'doanh-nghiep', 'to-chuc-dang', 'mat-tran', 'phong-ban');
