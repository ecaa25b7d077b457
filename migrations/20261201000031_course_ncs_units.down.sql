ALTER TABLE courses DROP COLUMN ncs_units;
