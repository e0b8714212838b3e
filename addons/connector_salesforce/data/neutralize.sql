-- Blank the Salesforce credentials in a neutralized copy and stop its syncs.
UPDATE salesforce_backend
   SET sf_password = NULL,
       sf_security_token = NULL,
       sf_consumer_secret = NULL,
       sf_private_key = NULL,
       webhook_secret = NULL,
       state = 'draft';
