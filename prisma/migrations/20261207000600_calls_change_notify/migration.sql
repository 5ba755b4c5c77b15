-- Every change to the calls GET /v1/calls shows is announced on the channel `frontdesk_calls`
-- with the business id as payload, whoever writes (relay, worker, API, scripts): the API's
-- in-process cache of list pages (api/src/read/calls-page-cache.ts) drops that business's
-- pages on it. The list shows CallLog rows. Its text search (`q`) also reads TranscriptSegment,
-- but searches are never cached, so transcript writes (most of a live call's writes) notify
-- nothing: PostgreSQL serializes the commits of notifying transactions. Identical
-- notifications in one transaction reach listeners once, so a bulk write or a cascade
-- announces each business once. An empty payload (TRUNCATE) means every business.
-- adapter-pg splits migration scripts at every semicolon, bodies included: the PL/pgSQL body
-- is an E'' string with each of its semicolons written as \073.
CREATE OR REPLACE FUNCTION fd_notify_calls_changed() RETURNS trigger
LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''TRUNCATE'' THEN
    PERFORM pg_notify(''frontdesk_calls'', '''')\073
    RETURN NULL\073
  END IF\073
  IF TG_OP <> ''INSERT'' THEN
    PERFORM pg_notify(''frontdesk_calls'', OLD."businessId")\073
  END IF\073
  IF TG_OP = ''INSERT'' OR (TG_OP = ''UPDATE'' AND NEW."businessId" IS DISTINCT FROM OLD."businessId") THEN
    PERFORM pg_notify(''frontdesk_calls'', NEW."businessId")\073
  END IF\073
  RETURN NULL\073
END
';

CREATE TRIGGER "CallLog_notify_calls_changed"
  AFTER INSERT OR UPDATE OR DELETE ON "CallLog"
  FOR EACH ROW EXECUTE FUNCTION fd_notify_calls_changed();
CREATE TRIGGER "CallLog_notify_calls_truncated"
  AFTER TRUNCATE ON "CallLog"
  FOR EACH STATEMENT EXECUTE FUNCTION fd_notify_calls_changed();
