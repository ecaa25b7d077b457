DROP TABLE profile_export_members;

--bun:split

DROP TABLE profile_exports;
