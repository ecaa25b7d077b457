-- The language of what SkillGrid sends a user later (e-mail): 'en' or 'ko'.
-- Accounts that exist already are English. Self-registration sets it from
-- the registering request's Accept-Language; the user changes it with
-- PATCH /v1/me.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'ko'));
