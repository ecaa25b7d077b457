DROP TABLE catalogue_versions;
