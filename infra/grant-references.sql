-- After the users migrations: offers_svc may reference users.users (for its foreign key) but not read it.
GRANT REFERENCES ON users.users TO offers_svc;
