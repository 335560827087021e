// Frozen: an exact user count kept by statement triggers in 16 shards, so `total` never scans users.users.
import { sql, type Kysely } from 'kysely'

export const COUNT_SHARDS = 16

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('users').createTable('user_count_shards')
    .addColumn('shard', 'smallint', (c) => c.primaryKey())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
  // Counting and installing the triggers under one lock: no insert can slip between the two.
  await sql`lock table users.users in share row exclusive mode`.execute(db)
  await sql`insert into users.user_count_shards (shard, n)
    select s, case when s = 0 then (select count(*) from users.users) else 0 end
    from generate_series(0, ${sql.lit(COUNT_SHARDS - 1)}) as s`.execute(db)
  // One statement adds or removes many rows with one update; the shard is picked by backend so that
  // concurrent registrations rarely wait on the same counter row.
  await sql`create function users.count_users() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        update users.user_count_shards set n = 0;
      elsif tg_op = 'INSERT' then
        update users.user_count_shards set n = n + (select count(*) from changed)
          where shard = pg_backend_pid() % ${sql.lit(COUNT_SHARDS)};
      else
        update users.user_count_shards set n = n - (select count(*) from changed)
          where shard = pg_backend_pid() % ${sql.lit(COUNT_SHARDS)};
      end if;
      return null;
    end $$`.execute(db)
  await sql`create trigger users_counted_insert after insert on users.users
    referencing new table as changed for each statement execute function users.count_users()`.execute(db)
  await sql`create trigger users_counted_delete after delete on users.users
    referencing old table as changed for each statement execute function users.count_users()`.execute(db)
  await sql`create trigger users_counted_truncate after truncate on users.users
    for each statement execute function users.count_users()`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop trigger users_counted_truncate on users.users`.execute(db)
  await sql`drop trigger users_counted_delete on users.users`.execute(db)
  await sql`drop trigger users_counted_insert on users.users`.execute(db)
  await sql`drop function users.count_users()`.execute(db)
  await db.schema.withSchema('users').dropTable('user_count_shards').execute()
}
