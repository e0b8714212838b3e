-- Blank the credentials of every connector backend in a neutralized copy
-- (staging, duplicated production). Backend tables are recognised by their
-- webhook_secret column (declared by connector.backend.mixin); every text
-- column of such a table whose name looks like a credential is emptied, and
-- the backend is set back to "draft" so no job talks to the live service.
DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT c.table_name, c.column_name
          FROM information_schema.columns c
         WHERE c.table_schema = current_schema()
           AND c.data_type IN ('character varying', 'text')
           AND c.table_name IN (
                SELECT table_name FROM information_schema.columns
                 WHERE table_schema = current_schema()
                   AND column_name = 'webhook_secret'
           )
           AND (c.column_name LIKE '%secret%' OR c.column_name LIKE '%token%'
                OR c.column_name LIKE '%api_key%' OR c.column_name LIKE '%password%'
                OR c.column_name LIKE '%private_key%')
    LOOP
        EXECUTE format('UPDATE %I SET %I = NULL', col.table_name, col.column_name);
    END LOOP;
    FOR col IN
        SELECT table_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'webhook_secret'
    LOOP
        EXECUTE format('UPDATE %I SET state = %L', col.table_name, 'draft');
    END LOOP;
END $$;
